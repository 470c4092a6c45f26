/**
 * Reads a topology file (YAML 1.2 core schema, or JSON) into the validated
 * document of types.ts, or into every error it has, each located at
 * file:line:col with the path inside the document and what was expected.
 *
 * Never throws for anything in the text: empty files, syntax errors,
 * duplicate keys, alias bombs, huge or deeply nested files, `__proto__` keys
 * and wrong types all come back as diagnostics.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, YAMLParseError, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { topologySchema } from './schema';
import { describeValue, didYouMean } from './messages';
import { checkAliases, MAX_ALIASES } from './aliases';
import { countJsonKeys, jsonIndex, lazyIndex, NOWHERE, yamlIndex, type Path, type Position, type SourceIndex } from './source';
import type { Diagnostic, LoadResult, Topology } from './types';

/** Far above any real design (the 340-node benchmark is 0.2 MB); keeps YAML parsing within seconds. */
export const MAX_FILE_CHARS = 5 * 1024 * 1024;
/** JSON files: JSON.parse reads 32 MB in a fraction of a second (a 60,000-node design is ~10 MB). */
export const MAX_JSON_CHARS = 32 * 1024 * 1024;

/** The size limit for a file of this name, in characters. */
export function maxFileChars(file: string): number {
	return /\.json$/i.test(file) ? MAX_JSON_CHARS : MAX_FILE_CHARS;
}

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

// ---- entry point -----------------------------------------------------------------

export function loadTopology(text: string, file: string): LoadResult {
	const fail = (message: string, position: Position = { line: 1, col: 1 }, path = ''): LoadResult => ({
		ok: false,
		errors: [{ severity: 'error', file, path, line: position.line, col: position.col, message }]
	});
	if (typeof text !== 'string') return fail('expected the text of a topology file');
	const limit = maxFileChars(file);
	if (text.length > limit)
		return fail(`the file is ${(text.length / 1e6).toFixed(1)} MB; vnet reads topology files up to ${limit / 1024 / 1024} MB`);
	const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

	const parsed = parse(source, file);
	if ('errors' in parsed) return { ok: false, errors: parsed.errors.map((e) => ({ severity: 'error', file, ...e })) };
	const { data, index } = parsed;

	if (data === null || data === undefined) return fail('the file is empty: a topology starts with `vnet: 1`, `name` and `nodes`');
	if (typeof data !== 'object' || Array.isArray(data))
		return fail(`expected a topology (a mapping with \`vnet: 1\`, \`name\` and \`nodes\`), got ${describeValue(data)}`, index.locate([]));

	const result = topologySchema.safeParse(data, { error: errorMap });
	const errors = [...protoKeys(data, index), ...(result.success ? [] : locateIssues(result.error.issues, index))];
	if (errors.length > 0 || !result.success)
		return { ok: false, errors: sortByPosition(errors).map((e) => ({ severity: 'error', file, ...e })) };
	return { ok: true, topology: result.data as Topology, warnings: [], source: { locate: (path) => index.locate(path) } };
}

type Located = Omit<Diagnostic, 'severity' | 'file'>;

function sortByPosition(errors: Located[]): Located[] {
	return errors
		.map((e, order) => ({ e, order }))
		.sort((a, b) => a.e.line - b.e.line || a.e.col - b.e.col || a.order - b.order)
		.map(({ e }) => e);
}

// ---- parsing ------------------------------------------------------------------------

type Parsed = { data: unknown; index: SourceIndex } | { errors: Located[] };

function parse(text: string, file: string): Parsed {
	const looksJson = /\.json$/i.test(file);
	// JSON is YAML, but JSON.parse is ~100x faster on the large generated files.
	if (looksJson || /^\s*\{/.test(text)) {
		let data: unknown;
		try {
			data = JSON.parse(text);
		} catch (error) {
			if (looksJson) return { errors: [jsonSyntaxError(text, error)] };
			// Not JSON after all: YAML flow style, read below.
			return parseYaml(text);
		}
		if (countJsonKeys(text) !== countKeys(data)) {
			const duplicates = jsonIndex(text).duplicates;
			return {
				errors: duplicates.map(({ path, position }) => ({
					path: formatPath(path),
					...position,
					message: `duplicate key \`${path[path.length - 1]}\``
				}))
			};
		}
		return { data, index: lazyIndex(() => jsonIndex(text)) };
	}
	return parseYaml(text);
}

function parseYaml(text: string): Parsed {
	try {
		const lines = new LineCounter();
		const doc = parseDocument(text, {
			lineCounter: lines,
			version: '1.2',
			schema: 'core', // also under a `%YAML 1.1` directive: `on: hv1` stays a string key
			merge: false,
			// yaml's own check compares each key with every earlier one (quadratic: minutes on a
			// 60,000-node file); duplicateKeys does the same check with one set per mapping.
			uniqueKeys: false,
			prettyErrors: false
		});
		// Warnings (unresolved tags, ...) are errors here: a tag silently read as a string changes a design.
		const problems = [...mergeByOffset(doc.errors, duplicateKeys(doc)), ...doc.warnings];
		if (problems.some((e) => /Maximum call stack/.test(e.message)))
			return { errors: [{ path: '', line: 1, col: 1, message: 'the file nests too deeply' }] };
		if (problems.length > 0) return { errors: problems.map((e) => yamlError(e, text, lines)) };
		const alias = checkAliases(doc);
		if (alias) return { errors: [{ path: '', ...lines.linePos(alias.offset), message: alias.message }] };
		const index = yamlIndex(doc, lines);
		try {
			return { data: doc.toJS({ maxAliasCount: MAX_ALIASES }), index };
		} catch (error) {
			if (error instanceof RangeError) return { errors: [{ path: '', line: 1, col: 1, message: 'the file nests too deeply' }] };
			return {
				errors: [{ path: '', line: 1, col: 1, message: `YAML aliases expand too much (more than ${MAX_ALIASES}); write the values out` }]
			};
		}
	} catch (error) {
		// The parser itself gave up (e.g. stack exhaustion on absurd nesting).
		const detail = error instanceof RangeError ? 'the file nests too deeply' : `not readable as YAML (${String(error)})`;
		return { errors: [{ path: '', line: 1, col: 1, message: detail }] };
	}
}

/** Keys repeated in a mapping, as yaml's `uniqueKeys: true` reports them (equal scalar values), in document order. */
function duplicateKeys(doc: Document): YAMLError[] {
	const found: YAMLError[] = [];
	const stack: unknown[] = [doc.contents];
	while (stack.length > 0) {
		const node = stack.pop();
		if (isMap(node)) {
			const seen = new Set<unknown>();
			for (const item of node.items) {
				if (!isPair(item)) continue;
				const key = item.key;
				if (isScalar(key)) {
					if (seen.has(key.value)) {
						const offset = key.range?.[0] ?? 0;
						found.push(new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
					} else seen.add(key.value);
				} else stack.push(key);
				stack.push(item.value);
			}
		} else if (isSeq(node)) {
			for (const item of node.items) stack.push(item);
		}
	}
	return found.sort((a, b) => a.pos[0] - b.pos[0]);
}

/** Both lists are in document order; so is the result (on equal offsets, `a` first). */
function mergeByOffset(a: readonly YAMLError[], b: YAMLError[]): YAMLError[] {
	if (b.length === 0) return [...a];
	const out: YAMLError[] = [];
	let j = 0;
	for (const e of a) {
		while (j < b.length && b[j].pos[0] < e.pos[0]) out.push(b[j++]);
		out.push(e);
	}
	return [...out, ...b.slice(j)];
}

function yamlError(error: YAMLError, text: string, lines: LineCounter): Located {
	const position = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
	let message = error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
	if (error.code === 'DUPLICATE_KEY') {
		const key = /^[^\s:]+|^"[^"]*"|^'[^']*'/.exec(text.slice(error.pos[0]))?.[0] ?? 'key';
		message = `duplicate key \`${key.replace(/^["']|["']$/g, '')}\``;
	} else if (error.code === 'MULTIPLE_DOCS') {
		message = 'a topology file holds one YAML document: remove the second `---`';
	} else if (error.code === 'TAG_RESOLVE_FAILED') {
		message = `${message}: YAML tags are not part of the vnet format`;
	}
	return { path: '', line: position.line, col: position.col, message: `YAML: ${message}` };
}

/** JSON.parse says "... in JSON at position N", or quotes the text near the error: find the line and column. */
function jsonSyntaxError(text: string, error: unknown): Located {
	const message = error instanceof Error ? error.message : String(error);
	const quoted = /^(.*?), (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
	const reason = (quoted ? quoted[1] : message).replace(/ in JSON at position \d+.*$/, '');
	let offset: number | undefined;
	const at = /at position (\d+)/.exec(message);
	if (at) offset = Number(at[1]);
	else if (/Unexpected end of JSON input/.test(message)) offset = text.length;
	else if (quoted) {
		// V8 quotes up to 10 characters before the bad token ("...": cut), or the text from its start.
		const found = text.indexOf(quoted[3]);
		const token = /^Unexpected token '(.)'/.exec(quoted[1])?.[1];
		if (found >= 0 && quoted[2]) offset = found + 10;
		else if (found >= 0 && token) offset = found + Math.max(0, quoted[3].indexOf(token));
	}
	const position = offset === undefined ? NOWHERE : jsonIndexPosition(text, offset);
	return { path: '', ...position, message: `not valid JSON: ${reason}` };
}

function jsonIndexPosition(text: string, offset: number): Position {
	const before = text.slice(0, offset);
	const line = before.split('\n').length;
	return { line, col: offset - before.lastIndexOf('\n') };
}

// ---- validation ----------------------------------------------------------------------

/** Keys of all objects in parsed JSON (iterative: nesting depth is the file's choice). */
function countKeys(data: unknown): number {
	let count = 0;
	const stack: unknown[] = [data];
	while (stack.length > 0) {
		const value = stack.pop();
		if (value === null || typeof value !== 'object') continue;
		if (Array.isArray(value)) {
			for (const item of value) stack.push(item);
			continue;
		}
		for (const key of Object.keys(value)) {
			count++;
			stack.push((value as Record<string, unknown>)[key]);
		}
	}
	return count;
}

/**
 * `__proto__` as a key: JSON.parse and yaml keep it as an own property, but zod
 * records skip it silently, so it would vanish from the design. Reject it here
 * (iteratively: a deeply nested file must not overflow the stack).
 */
function protoKeys(data: unknown, index: SourceIndex): Located[] {
	interface Visit {
		value: unknown;
		parent: Visit | null;
		key: string | number;
	}
	// Paths are parent links, spelled out only for a finding: copying them per level would be quadratic in the depth.
	const pathOf = (visit: Visit): (string | number)[] => {
		const path: (string | number)[] = [];
		for (let v: Visit | null = visit; v?.parent; v = v.parent) path.push(v.key);
		return path.reverse();
	};
	const errors: Located[] = [];
	const stack: Visit[] = [{ value: data, parent: null, key: '' }];
	while (stack.length > 0) {
		const visit = stack.pop()!;
		const { value } = visit;
		if (value === null || typeof value !== 'object') continue;
		if (Array.isArray(value)) {
			value.forEach((item, i) => stack.push({ value: item, parent: visit, key: i }));
			continue;
		}
		for (const key of Object.keys(value)) {
			const child: Visit = { value: (value as Record<string, unknown>)[key], parent: visit, key };
			if (key === '__proto__') {
				const keyPath = pathOf(child);
				errors.push({ path: formatPath(keyPath), ...index.locateKey(keyPath), message: '`__proto__` is not allowed as a key' });
				continue;
			}
			stack.push(child);
		}
	}
	return errors;
}

function locateIssues(issues: Issue[], index: SourceIndex): Located[] {
	const errors: Located[] = [];
	const seen = new Set<string>();
	for (const { path, message, atKey } of issues.flatMap((issue) => flatten(issue, []))) {
		const id = `${formatPath(path)}\n${message}`;
		if (seen.has(id)) continue;
		seen.add(id);
		const position = atKey ? index.locateKey(path) : index.locate(path);
		errors.push({ path: formatPath(path), ...position, message });
	}
	return errors;
}

interface Flat {
	path: (string | number)[];
	message: string;
	atKey: boolean;
}

/** One diagnostic per problem: unions report the branch the user meant, unknown keys one per key. */
function flatten(issue: Issue, base: (string | number)[]): Flat[] {
	const path = [...base, ...(issue.path as (string | number)[])];
	switch (issue.code) {
		case 'invalid_union': {
			const branches = issue.errors;
			// A branch that failed on the type of the value itself says nothing about what the user meant.
			const wrongType = (i: Issue) => (i.code === 'invalid_type' || i.code === 'invalid_union') && i.path.length === 0;
			const informative = branches.some((branch) => !(branch.length === 1 && wrongType(branch[0])));
			if (!('discriminator' in issue && issue.discriminator) && branches.length > 0 && informative) {
				// The branch the user meant has the fewest problems; a wrong type at its root means not this one at all.
				const weight = (branch: Issue[]) =>
					branch.reduce((sum, i) => {
						if (wrongType(i)) return sum + 1000;
						return sum + (i.code === 'unrecognized_keys' ? i.keys.length : 1);
					}, 0);
				const best = branches.reduce((a, b) => (weight(b) < weight(a) ? b : a));
				return best.flatMap((inner) => flatten(inner, path));
			}
			return [missingOrHere(path, issue.message)];
		}
		case 'unrecognized_keys': {
			const lines = issue.message.split('\n');
			return issue.keys
				.map((key, i) => ({ path: [...path, key], message: lines[i] ?? lines[0], atKey: true }))
				.filter((flat) => flat.path[flat.path.length - 1] !== '__proto__'); // reported by protoKeys()
		}
		case 'invalid_key':
			return [{ path, message: issue.issues[0]?.message ?? issue.message, atKey: true }];
		default:
			return [missingOrHere(path, issue.message)];
	}
}

/** "missing required field `x`" reads best on the object that lacks it. */
function missingOrHere(path: (string | number)[], message: string): Flat {
	const missing = /^missing required field `([^`]+)`/.exec(message);
	if (missing && path[path.length - 1] === missing[1]) return { path: path.slice(0, -1), message, atKey: false };
	return { path, message, atKey: false };
}

// ---- messages ---------------------------------------------------------------------------

const EXPECTED: Record<string, string> = {
	string: 'a string',
	number: 'a number',
	int: 'a whole number',
	boolean: 'true or false',
	object: 'a mapping',
	record: 'a mapping',
	array: 'a list',
	null: 'nothing'
};

/** Messages for issues that the schema's own fields leave to the default. */
export function errorMap(issue: RawIssue): string | undefined {
	const last = issue.path?.[issue.path.length - 1];
	const field = typeof last === 'string' ? last : undefined;
	if (issue.input === undefined && field !== undefined && ['invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code ?? ''))
		return `missing required field \`${field}\``;
	switch (issue.code) {
		case 'invalid_type':
			return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
		case 'invalid_value': {
			const values = issue.values.map((v) => String(v));
			const suggestion = typeof issue.input === 'string' ? didYouMean(issue.input, values) : '';
			if (values.length === 1) return `expected ${values[0]}, got ${describeValue(issue.input)}`;
			return `expected one of ${values.join(', ')}; got ${describeValue(issue.input)}${suggestion}`;
		}
		case 'too_small':
			if (issue.origin === 'array') return `needs at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
			if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
			return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}, got ${describeValue(issue.input)}`;
		case 'too_big':
			if (issue.origin === 'array') return `takes at most ${issue.maximum} items`;
			if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
			return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, got ${describeValue(issue.input)}`;
		case 'invalid_format':
			return `${describeValue(issue.input)} has the wrong format`;
		case 'unrecognized_keys':
			return issue.keys.map((key) => `unknown field \`${key}\``).join('\n');
		case 'invalid_union':
			return `${describeValue(issue.input)} is none of the allowed forms`;
		default:
			return undefined;
	}
}

// ---- output ----------------------------------------------------------------------------

/** "nodes.r1.interfaces.eth0.ip", "links[3].a"; odd keys quoted: nodes["my node"]. */
export function formatPath(path: Path): string {
	let out = '';
	for (const segment of path) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
		else out += `[${JSON.stringify(segment)}]`;
	}
	return out;
}

/**
 * One line per diagnostic, as compilers print them:
 * `file:line:col path: message` for errors,
 * `file:line:col path: warning: message [rule]` for warnings.
 */
export function formatDiagnostic(d: Diagnostic): string {
	const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
	const path = d.path ? ` ${d.path}:` : ':';
	const severity = d.severity === 'warning' ? ' warning:' : '';
	const rule = d.rule ? ` [${d.rule}]` : '';
	return `${where}${path}${severity} ${d.message}${rule}`;
}
