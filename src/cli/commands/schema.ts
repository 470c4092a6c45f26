import type { Command } from './types';
export const schema: Command = () => {
	process.stderr.write('vnet schema: not implemented yet\n');
	return 2;
};
