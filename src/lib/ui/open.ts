/**
 * What the app does with a file's text: load it (format errors), then lint it
 * (reference errors such as a link to a node that does not exist block the
 * drawing too; design warnings are listed beside it). Never throws: a bug in
 * either step still leaves the user looking at their text and a message.
 */
import { loadTopology } from '$lib/model/load';
import { lintTopology } from '$lib/model/lint';
import type { Diagnostic, LoadResult } from '$lib/model/types';

const NOWHERE = { line: 0, col: 0 };

function internal(file: string, step: string, err: unknown): Diagnostic {
	return {
		severity: 'error',
		file,
		path: '',
		line: 0,
		col: 0,
		message: `internal error while ${step} the file: ${err instanceof Error ? err.message : String(err)}`
	};
}

export function openTopology(text: string, file: string): LoadResult {
	let loaded: LoadResult;
	try {
		loaded = loadTopology(text, file);
	} catch (err) {
		return { ok: false, errors: [internal(file, 'reading', err)] };
	}
	if (!loaded.ok) return loaded;
	let findings: Diagnostic[];
	try {
		const locate = loaded.source ? (p: (string | number)[]) => loaded.source!.locate(p) : () => NOWHERE;
		findings = lintTopology(loaded.topology, { file, locate });
	} catch (err) {
		// lint is advice: the drawing still works without it
		return { ...loaded, warnings: [...loaded.warnings, { ...internal(file, 'linting', err), severity: 'warning' }] };
	}
	const errors = findings.filter((d) => d.severity === 'error');
	if (errors.length) return { ok: false, errors };
	return { ...loaded, warnings: [...loaded.warnings, ...findings] };
}
