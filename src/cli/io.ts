/**
 * Reading topology files for the CLI. Every failure comes back as a
 * diagnostic naming the file ("cannot read: no such file"), never as a stack
 * trace: a missing or unreadable file is bad input (exit 2), not a bug.
 */
import { readFileSync, statSync } from 'node:fs';
import { loadTopology, maxFileChars } from '../lib/model/load';
import type { Diagnostic, LoadResult } from '../lib/model/types';

/** `-` reads standard input, as most tools do. */
export const STDIN = '-';

const REASONS: Record<string, string> = {
	ENOENT: 'no such file',
	EACCES: 'permission denied',
	EPERM: 'permission denied',
	EISDIR: 'it is a directory',
	ENOTDIR: 'a part of the path is not a directory',
	ELOOP: 'too many symbolic links',
	EMFILE: 'too many open files'
};

function unreadable(file: string, error: unknown): Diagnostic {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	const reason = (code && Object.hasOwn(REASONS, code) ? REASONS[code] : undefined) ?? (code ? `error ${code}` : String(error));
	return { severity: 'error', file, path: '', line: 0, col: 0, message: `cannot read the file: ${reason}` };
}

/** The text of a file (or of stdin for "-"), or why it cannot be read. */
export function readText(file: string): { ok: true; text: string } | { ok: false; error: Diagnostic } {
	try {
		if (file === STDIN) return { ok: true, text: readFileSync(0, 'utf8') };
		const stats = statSync(file);
		if (stats.isDirectory()) return { ok: false, error: unreadable(file, { code: 'EISDIR' }) };
		// Refuse before reading: a multi-gigabyte file must not be pulled into memory just to be rejected.
		const limit = maxFileChars(file);
		if (stats.size > limit * 4)
			return { ok: false, error: { ...unreadable(file, null), message: `the file is ${(stats.size / 1e6).toFixed(0)} MB; vnet reads topology files up to ${limit / 1024 / 1024} MB` } };
		return { ok: true, text: readFileSync(file, 'utf8') };
	} catch (error) {
		return { ok: false, error: unreadable(file, error) };
	}
}

/** Reads and loads a topology file; never throws for anything about the file. */
export function loadFile(file: string): LoadResult {
	const read = readText(file);
	if (!read.ok) return { ok: false, errors: [read.error] };
	return loadTopology(read.text, file === STDIN ? '<stdin>' : file);
}
