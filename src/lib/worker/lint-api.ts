/**
 * Lint of a document's text, located in that text: what the editor shows in
 * its Problems list and the YAML view. Runs in the lint worker (lint.worker.ts)
 * so a large design's lint (most of a second at 2,000 nodes) never blocks the
 * page; the engine worker's open() uses the same function.
 */
import { loadTopology } from '../model/load';
import { lintTopology } from '../model/lint';
import type { Diagnostic, Topology, SourceLocator } from '../model/types';

const NOWHERE = { line: 0, col: 0 };

/** The lint findings of a loaded topology, located with its source (a lint bug is one warning, never a throw). */
export function lintLoaded(topology: Topology, source: SourceLocator | undefined, file: string): Diagnostic[] {
	try {
		const locate = source ? (p: (string | number)[]) => source.locate(p) : () => NOWHERE;
		return lintTopology(topology, { file, locate });
	} catch (err) {
		return [{ severity: 'warning', file, path: '', line: 0, col: 0, message: `internal error while linting the file: ${err instanceof Error ? err.message : String(err)}` }];
	}
}

/** Lint of a document's text; [] when the text does not load (the editor shows its format errors itself). */
export function lintText(text: string, file: string): Diagnostic[] {
	let loaded;
	try {
		loaded = loadTopology(text, file);
	} catch (err) {
		return [{ severity: 'warning', file, path: '', line: 0, col: 0, message: `internal error while reading the file: ${err instanceof Error ? err.message : String(err)}` }];
	}
	return loaded.ok ? lintLoaded(loaded.topology, loaded.source, file) : [];
}

export interface LintApi {
	lint(text: string, file: string): Diagnostic[];
}
