/**
 * Reading foreign files defensively. An imported file is data from anywhere:
 * it may be huge, deeply nested, use YAML aliases to explode, carry keys like
 * `__proto__`, or put markup in labels. Everything here rejects or neutralizes
 * that before an importer looks at the content:
 *
 *   - size cap on the text, alias cap and duplicate-key rejection for YAML,
 *     nesting-depth and node-count caps on the parsed value;
 *   - parsed objects are copied into null-prototype objects, with
 *     `__proto__` / `constructor` / `prototype` keys dropped (and reported);
 *   - accessors (`field`, `str`, `num`, ...) read own properties only and
 *     check types, so a wrong type becomes a warning, never an exception.
 *
 * Pure (browser-safe).
 */
import { isCollection, LineCounter, parseDocument, Scalar, visit, type Document } from 'yaml';
import { checkAliases, MAX_ALIASES } from '../model/aliases';

export const MAX_INPUT_BYTES = 4 * 1024 * 1024;
export const MAX_DEPTH = 64;
export const MAX_VALUES = 200_000;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export class InputError extends Error {}

export interface Sanitized {
	value: Json;
	/** dotted paths of keys that were dropped as dangerous */
	dropped: string[];
}

/** Deep copy into null-prototype objects, enforcing depth and size; drops dangerous keys. */
export function sanitize(value: unknown): Sanitized {
	const dropped: string[] = [];
	let count = 0;
	const walk = (v: unknown, depth: number, path: string): Json => {
		if (++count > MAX_VALUES) throw new InputError(`too many values (more than ${MAX_VALUES})`);
		if (depth > MAX_DEPTH) throw new InputError(`nested more than ${MAX_DEPTH} levels deep at ${path.length > 80 ? path.slice(0, 80) + '…' : path || 'the top'}`);
		if (v === null || v === undefined) return null;
		if (typeof v === 'boolean' || typeof v === 'string') return v;
		if (typeof v === 'number') return Number.isFinite(v) ? v : null;
		if (typeof v === 'bigint') return Number(v);
		if (Array.isArray(v)) return v.map((x, i) => walk(x, depth + 1, `${path}[${i}]`));
		if (v instanceof Date) return v.toISOString();
		if (typeof v === 'object') {
			const out = Object.create(null) as JsonObject;
			for (const key of Object.keys(v)) {
				const p = path ? `${path}.${key}` : key;
				if (FORBIDDEN_KEYS.has(key)) {
					dropped.push(p);
					continue;
				}
				out[key] = walk((v as Record<string, unknown>)[key], depth + 1, p);
			}
			return out;
		}
		return String(v);
	};
	return { value: walk(value, 0, ''), dropped };
}

/** Refuses input over the import limit (every importer reads through this). */
export function checkSize(text: string): void {
	if (text.length > MAX_INPUT_BYTES)
		throw new InputError(`file is ${text.length} bytes; the limit for import is ${MAX_INPUT_BYTES} bytes`);
}

/** The error for input nested deeper than the importers read. */
export function tooDeepError(): InputError {
	return new InputError(`nested too deeply (more than ${MAX_DEPTH} levels are not read)`);
}

/**
 * Refuses a parsed YAML document that is not safe to turn into values, with
 * its line and column: its first syntax error, a recursive or oversized alias,
 * or nesting past MAX_DEPTH. Shared by every YAML importer.
 */
export function checkYamlDocument(doc: Document, lines: LineCounter): void {
	const e = doc.errors[0];
	if (e) {
		// prettyErrors is off (no source excerpt in the message), so linePos is not filled in: the offset is
		const pos = e.linePos?.[0] ?? (e.pos ? lines.linePos(e.pos[0]) : undefined);
		throw new InputError(`not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}: ${e.message.split('\n')[0]}`);
	}
	const alias = checkAliases(doc);
	if (alias) {
		const pos = lines.linePos(alias.offset);
		throw new InputError(`line ${pos.line}, column ${pos.col}: ${alias.message}`);
	}
	const deep = tooDeepAt(doc);
	if (deep !== undefined) {
		const pos = lines.linePos(deep);
		throw new InputError(`line ${pos.line}, column ${pos.col}: nested more than ${MAX_DEPTH} levels deep`);
	}
}

/** YAML 1.2 (core schema), duplicate keys rejected, aliases bounded (no recursion, at most 100, expanded size capped). */
export function parseYamlSafe(text: string): Sanitized {
	checkSize(text);
	let doc: ReturnType<typeof parseDocument>;
	const lines = new LineCounter();
	try {
		doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true, lineCounter: lines });
	} catch (e) {
		if (e instanceof RangeError) throw tooDeepError();
		throw e;
	}
	if (doc.errors.length && /call stack/i.test(doc.errors[0].message)) throw tooDeepError();
	checkYamlDocument(doc, lines);
	let js: unknown;
	try {
		keepNumberText(doc, text);
		js = doc.toJS({ maxAliasCount: MAX_ALIASES });
	} catch (e) {
		if (e instanceof RangeError) throw tooDeepError();
		throw new InputError(`not usable YAML: ${(e as Error).message.split('\n')[0]}`);
	}
	return sanitize(js);
}

/** The offset of the first value nested deeper than MAX_DEPTH (as `sanitize` counts), to locate the error. */
export function tooDeepAt(doc: Document): number | undefined {
	let at: number | undefined;
	visit(doc, (_key, node, path) => {
		const range = node && typeof node === 'object' && 'range' in node ? (node.range as [number, number, number] | undefined) : undefined;
		if (!range) return;
		let depth = 0;
		for (const p of path) if (isCollection(p)) depth++;
		if (depth > MAX_DEPTH) {
			at = range[0];
			return visit.BREAK;
		}
	});
	return at;
}

/**
 * A plain number whose text does not read back the same (`1.10`, `010`, `1e3`)
 * is kept as its text: foreign tools read names like an f5 port `1.10` as
 * strings, and `num()` still reads the text as a number where one is wanted.
 */
function keepNumberText(doc: ReturnType<typeof parseDocument>, text: string): void {
	visit(doc, {
		Scalar(_key, node) {
			if (typeof node.value !== 'number' || node.type !== Scalar.PLAIN || !node.range) return;
			const written = text.slice(node.range[0], node.range[1]).trim();
			if (written !== String(node.value)) node.value = written;
		}
	});
}

export function parseJsonSafe(text: string): Sanitized {
	checkSize(text);
	let js: unknown;
	try {
		js = JSON.parse(text);
	} catch (e) {
		if (e instanceof RangeError) throw new InputError(`nested too deeply (more than ${MAX_DEPTH} levels are not read)`);
		throw new InputError(`not valid JSON: ${(e as Error).message}`);
	}
	return sanitize(js);
}

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An own property of a sanitized object, or undefined. */
export function field(o: unknown, key: string): Json | undefined {
	if (!isObject(o)) return undefined;
	return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function str(v: unknown): string | undefined {
	return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

export function num(v: unknown): number | undefined {
	if (typeof v === 'number' && Number.isFinite(v)) return v;
	if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
	return undefined;
}

export function arr(v: unknown): Json[] {
	return Array.isArray(v) ? v : [];
}

/** A short, printable rendering of foreign text for a warning message. */
export function quote(text: unknown, max = 80): string {
	// sanitized objects have no prototype, so String() of one throws: show it as JSON
	const s = (text !== null && typeof text === 'object' ? JSON.stringify(text) : String(text)).replace(/[\u0000-\u001f\u007f]/g, ' ');
	return JSON.stringify(s.length > max ? s.slice(0, max) + '…' : s);
}

/**
 * POSIX-shell-like word splitting (as containerlab's exec does with shlex):
 * single and double quotes, backslash escapes; no expansion, no execution.
 */
export function shellSplit(line: string): string[] | null {
	const out: string[] = [];
	let cur = '';
	let inWord = false;
	let q: '"' | "'" | null = null;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (q === "'") {
			if (c === "'") q = null;
			else cur += c;
		} else if (q === '"') {
			if (c === '"') q = null;
			else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
			else cur += c;
		} else if (c === "'" || c === '"') {
			q = c;
			inWord = true;
		} else if (c === '\\' && i + 1 < line.length) {
			cur += line[++i];
			inWord = true;
		} else if (/\s/.test(c)) {
			if (inWord) out.push(cur);
			cur = '';
			inWord = false;
		} else {
			cur += c;
			inWord = true;
		}
	}
	if (q) return null;
	if (inWord) out.push(cur);
	return out;
}
