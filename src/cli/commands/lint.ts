import type { Command } from './types';
export const lint: Command = () => {
	process.stderr.write('vnet lint: not implemented yet\n');
	return 2;
};
