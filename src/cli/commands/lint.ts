/**
 * `vnet lint FILE... [--strict] [--json]`: format errors (the file is not
 * valid version 1, or names things that do not exist) exit 2; design findings
 * are warnings: exit 0, or 1 with --strict (topology-format.md, "Lint and exit
 * codes").
 */
import type { Command } from './types';
import { loadFile } from '../io';
import { formatDiagnostic } from '../../lib/model/load';
import { lintTopology } from '../../lib/model/lint';
import type { Diagnostic } from '../../lib/model/types';

const USAGE = 'Usage: vnet lint FILE... [--strict] [--json]\n';

interface FileReport {
	file: string;
	/** the file is valid version 1 (it may still have warnings) */
	valid: boolean;
	errors: Diagnostic[];
	warnings: Diagnostic[];
}

function lintFile(file: string): FileReport {
	const loaded = loadFile(file);
	if (!loaded.ok) return { file, valid: false, errors: loaded.errors, warnings: [] };
	const source = loaded.source;
	const findings = lintTopology(loaded.topology, {
		file,
		locate: (path) => source?.locate(path) ?? { line: 0, col: 0 }
	});
	const errors = findings.filter((d) => d.severity === 'error');
	const warnings = [...loaded.warnings, ...findings.filter((d) => d.severity !== 'error')];
	return { file, valid: errors.length === 0, errors, warnings };
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export const lint: Command = (args) => {
	const files: string[] = [];
	let strict = false;
	let json = false;
	for (const arg of args) {
		if (arg === '--strict') strict = true;
		else if (arg === '--json') json = true;
		else if (arg === '--help' || arg === '-h') {
			process.stdout.write(USAGE);
			return 0;
		} else if (arg.startsWith('--')) {
			process.stderr.write(`vnet lint: unknown option ${arg}\n${USAGE}`);
			return 2;
		} else files.push(arg);
	}
	if (files.length === 0) {
		process.stderr.write(`vnet lint: no file given\n${USAGE}`);
		return 2;
	}

	const reports = files.map(lintFile);
	const errorCount = reports.reduce((n, r) => n + r.errors.length, 0);
	const warningCount = reports.reduce((n, r) => n + r.warnings.length, 0);

	if (json) {
		process.stdout.write(`${JSON.stringify({ errors: errorCount, warnings: warningCount, files: reports }, null, 2)}\n`);
	} else {
		for (const report of reports) {
			for (const d of [...report.errors, ...report.warnings]) process.stdout.write(`${formatDiagnostic(d)}\n`);
		}
		const invalid = reports.filter((r) => !r.valid).length;
		const summary = `${plural(files.length, 'file')} checked: ${plural(errorCount, 'error')}${invalid ? ` (${plural(invalid, 'invalid file')})` : ''}, ${plural(warningCount, 'warning')}`;
		process.stderr.write(`${summary}\n`);
	}

	if (errorCount > 0) return 2;
	if (strict && warningCount > 0) return 1;
	return 0;
};
