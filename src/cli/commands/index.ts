import type { Command } from './types';
import { lint } from './lint';
import { schema } from './schema';

export const commands: Record<string, Command> = {
	lint,
	schema
};
