import type { Command } from './types';

/**
 * Each command is loaded when it runs: `vnet --help` or `vnet schema` must not
 * pay for the engine, zod schemas or the importers (the build splits each
 * command into its own chunk).
 */
export const commands: Record<string, () => Promise<Command>> = {
	lint: () => import('./lint').then((m) => m.lint),
	schema: () => import('./schema').then((m) => m.schema),
	trace: () => import('./trace').then((m) => m.trace),
	check: () => import('./check').then((m) => m.check),
	matrix: () => import('./matrix').then((m) => m.matrix),
	simulate: () => import('./simulate').then((m) => m.simulate),
	export: () => import('./export').then((m) => m.exportCommand),
	import: () => import('./import').then((m) => m.importCommand),
	config: () => import('./config').then((m) => m.config)
};
