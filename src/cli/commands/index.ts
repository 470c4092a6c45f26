import type { Command } from './types';
import { lint } from './lint';
import { schema } from './schema';
import { trace } from './trace';
import { check } from './check';
import { matrix } from './matrix';
import { simulate } from './simulate';
import { exportCommand } from './export';
import { importCommand } from './import';
import { config } from './config';

export const commands: Record<string, Command> = {
	lint,
	schema,
	trace,
	check,
	matrix,
	simulate,
	export: exportCommand,
	import: importCommand,
	config
};
