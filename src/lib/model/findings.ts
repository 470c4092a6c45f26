/**
 * Collects lint findings as diagnostics located in the file, and hands them
 * back in the order lint promises: by position in the file (unknown positions
 * last), then in the order the rules found them.
 */
import type { Diagnostic } from './types';

export type Path = (string | number)[];

export interface LintContext {
	file: string;
	locate: (path: (string | number)[]) => { line: number; col: number };
}

/** Same spelling as the loader's paths: `nodes.r1.interfaces.eth0.10.ip`, `links[3].a`, `["odd key"]`. */
export function fmtPath(p: Path): string {
	let s = '';
	for (const part of p) {
		if (typeof part === 'number') s += `[${part}]`;
		else if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(part)) s += s ? `.${part}` : part;
		else s += `[${JSON.stringify(part)}]`;
	}
	return s;
}

export class Findings {
	readonly out: Diagnostic[] = [];
	constructor(readonly ctx: LintContext) {}

	add(severity: 'error' | 'warning', rule: string, path: Path, message: string): void {
		const { line, col } = this.locate(path);
		this.out.push({ severity, file: this.ctx.file, path: fmtPath(path), line, col, message, rule });
	}

	/** The path's position, else its nearest ancestor's. */
	locate(path: Path): { line: number; col: number } {
		for (let n = path.length; n >= 0; n--) {
			try {
				const r = this.ctx.locate(path.slice(0, n));
				if (r && r.line > 0) return r;
			} catch {
				// try the parent
			}
		}
		return { line: 0, col: 0 };
	}

	sorted(): Diagnostic[] {
		return this.out
			.map((d, i) => ({ d, i }))
			.sort((x, y) => (x.d.line || Infinity) - (y.d.line || Infinity) || x.d.col - y.d.col || x.i - y.i)
			.map((x) => x.d);
	}
}
