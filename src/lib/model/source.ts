/**
 * Where things are in a topology file: maps a document path
 * (["nodes", "r1", "interfaces", "eth0", "ip"], ["links", 3, "a"]) to a 1-based
 * line and column, so every diagnostic, format error or lint warning, points
 * into the file.
 *
 * YAML files are located through the `yaml` library's AST. JSON files get a
 * single-pass index instead: the `yaml` parser needs ~300 ms for the 200 KB
 * benchmark files, JSON.parse plus this scan a few ms. The scan runs only on
 * text JSON.parse has accepted, so it only has to tell strings from
 * punctuation; it also finds duplicate keys, which JSON.parse silently merges
 * but the format rejects.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

export type Path = readonly (string | number)[];
export interface Position {
	line: number;
	col: number;
}

export interface SourceIndex {
	/** The value at `path`; for a path that does not exist, the key of its deepest existing ancestor. */
	locate(path: Path): Position;
	/** The key of the last segment of `path` (unknown or invalid keys). */
	locateKey(path: Path): Position;
}

export const NOWHERE: Position = { line: 0, col: 0 };

// ---- YAML -------------------------------------------------------------------------

export function yamlIndex(doc: Document, lines: LineCounter): SourceIndex {
	const at = (offset: number | undefined): Position => (offset === undefined ? NOWHERE : lines.linePos(offset));
	// Each mapping's pairs by key, built on the first look into it: a scan per step made
	// locating every node of an n-node file (lint's warnings) quadratic.
	const pairsByKey = new WeakMap<object, Map<string, Pair>>();
	const pairOf = (map: { items: unknown[] }, key: string): Pair | undefined => {
		let byKey = pairsByKey.get(map);
		if (!byKey) {
			byKey = new Map();
			for (const item of map.items) {
				if (!isPair(item)) continue;
				const text = keyText(item.key);
				// the first of equal keys, as a scan finds it (duplicates are rejected before lint anyway)
				if (text !== undefined && !byKey.has(text)) byKey.set(text, item);
			}
			pairsByKey.set(map, byKey);
		}
		return byKey.get(key);
	};

	/** Follows `path` as far as it exists: the nodes and the pairs that led to them. */
	function walk(path: Path): { node: unknown; pair: Pair | undefined; depth: number; lastPair: Pair | undefined } {
		let node: unknown = doc.contents;
		let pair: Pair | undefined;
		let lastPair: Pair | undefined;
		let depth = 0;
		for (const segment of path) {
			if (isAlias(node)) node = node.resolve(doc);
			let next: unknown;
			pair = undefined;
			if (isMap(node)) {
				pair = pairOf(node, String(segment));
				next = pair?.value;
				if (!pair) break;
			} else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
				next = node.items[segment];
			} else {
				break;
			}
			node = next;
			lastPair = pair;
			depth++;
		}
		return { node, pair, depth, lastPair };
	}

	function start(node: unknown): number | undefined {
		return (node as Node | null)?.range?.[0];
	}

	return {
		locate(path) {
			const { node, depth, lastPair } = walk(path);
			if (depth === path.length) {
				// A collection reads best at its key ("r1:"), a scalar at the value itself.
				if (lastPair && (node === null || node === undefined || isCollection(node))) return at(start(lastPair.key));
				return at(start(node) ?? start(lastPair?.key));
			}
			return at(lastPair ? start(lastPair.key) : start(doc.contents));
		},
		locateKey(path) {
			const { depth, lastPair } = walk(path);
			if (depth === path.length && lastPair) return at(start(lastPair.key));
			return this.locate(path);
		}
	};
}

function keyText(key: unknown): string | undefined {
	if (isScalar(key)) return String(key.value);
	return undefined;
}

// ---- JSON ---------------------------------------------------------------------------

/** Path segments joined with NUL: "\0nodes\0r1" (root is ""). */
function pathKey(path: Path): string {
	let key = '';
	for (const segment of path) key += `\0${segment}`;
	return key;
}

interface Frame {
	object: boolean;
	/** path key of this container; null below MAX_INDEX_DEPTH */
	prefix: string | null;
	parent: Frame | undefined;
	/** the segment that leads from the parent to this container */
	segment: string | number;
	key: string;
	index: number;
	expectingKey: boolean;
	keys: Set<string> | null;
}

/** Nothing in the format is deeper than ~8 levels; deeper positions point at their ancestor at this depth. */
const MAX_INDEX_DEPTH = 64;

export interface JsonIndex extends SourceIndex {
	duplicates: { path: (string | number)[]; position: Position }[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function framePath(frame: Frame | undefined): (string | number)[] {
	const path: (string | number)[] = [];
	for (let f = frame; f?.parent; f = f.parent) path.push(f.segment);
	return path.reverse();
}

/** Indexes JSON text that JSON.parse accepted (a char loop: a regex tokenizer was 10x slower). */
export function jsonIndex(text: string): JsonIndex {
	const values = new Map<string, number>();
	const keys = new Map<string, number>();
	const duplicateOffsets: { path: (string | number)[]; offset: number }[] = [];
	let top: Frame | undefined;

	const segmentOf = (frame: Frame): string | number => (frame.object ? frame.key : frame.index);
	const valuePath = (): string | null => {
		if (!top) return '';
		return top.prefix === null ? null : `${top.prefix}\0${segmentOf(top)}`;
	};
	const setValue = (offset: number) => {
		const path = valuePath();
		if (path !== null) values.set(path, offset);
	};
	let depth = 0;

	for (let i = 0; i < text.length; ) {
		const c = text.charCodeAt(i);
		if (c === QUOTE) {
			let end = i + 1;
			let escaped = false;
			for (;;) {
				const d = text.charCodeAt(end);
				if (d === BACKSLASH) {
					escaped = true;
					end += 2;
				} else if (d === QUOTE || Number.isNaN(d)) break;
				else end++;
			}
			if (top?.object && top.expectingKey) {
				const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
				if (top.keys!.has(key)) duplicateOffsets.push({ path: [...framePath(top), key], offset: i });
				else if (top.prefix !== null) keys.set(`${top.prefix}\0${key}`, i);
				top.keys!.add(key);
				top.key = key;
				top.expectingKey = false;
			} else {
				setValue(i);
			}
			i = end + 1;
		} else if (c === 0x7b || c === 0x5b) {
			// { or [
			const path = valuePath();
			if (path !== null) values.set(path, i);
			const object = c === 0x7b;
			depth++;
			top = {
				object,
				prefix: depth > MAX_INDEX_DEPTH ? null : path,
				parent: top,
				segment: top ? segmentOf(top) : '',
				key: '',
				index: 0,
				expectingKey: object,
				keys: object ? new Set() : null
			};
			i++;
		} else if (c === 0x7d || c === 0x5d) {
			// } or ]
			top = top?.parent;
			depth--;
			i++;
		} else if (c === 0x2c) {
			// ,
			if (top?.object) top.expectingKey = true;
			else if (top) top.index++;
			i++;
		} else if (c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
			i++;
		} else {
			// a number, true, false or null: runs to the next delimiter
			setValue(i);
			for (; i < text.length; i++) {
				const d = text.charCodeAt(i);
				// whitespace , ] } end the token (a regex test per character was a third of the index's time)
				if (d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09 || d === 0x2c || d === 0x5d || d === 0x7d) break;
			}
		}
	}

	const lineStarts = [0];
	for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
	const at = (offset: number | undefined): Position => {
		if (offset === undefined) return NOWHERE;
		let low = 0;
		let high = lineStarts.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if (lineStarts[mid] <= offset) low = mid;
			else high = mid - 1;
		}
		return { line: low + 1, col: offset - lineStarts[low] + 1 };
	};

	const index: JsonIndex = {
		locate(path) {
			// The deepest existing prefix; a missing field points at its parent's key.
			for (let depth = path.length; depth >= 0; depth--) {
				const key = pathKey(path.slice(0, depth));
				if (!values.has(key)) continue;
				if (depth === path.length && !isContainerAt(text, values.get(key)!)) return at(values.get(key));
				return at(keys.get(key) ?? values.get(key));
			}
			return at(0);
		},
		locateKey(path) {
			return keys.has(pathKey(path)) ? at(keys.get(pathKey(path))) : index.locate(path);
		},
		duplicates: duplicateOffsets.map(({ path, offset }) => ({ path, position: at(offset) }))
	};
	return index;
}

/**
 * The number of keys written in valid JSON text: its colons outside strings.
 * Compared with the keys JSON.parse kept, it tells whether any were
 * duplicates without building the index (which costs ~20 ms on 200 KB).
 */
export function countJsonKeys(text: string): number {
	let count = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 0x3a) count++;
		else if (c === QUOTE) {
			for (i++; i < text.length; i++) {
				const d = text.charCodeAt(i);
				if (d === BACKSLASH) i++;
				else if (d === QUOTE) break;
			}
		}
	}
	return count;
}

/** A SourceIndex built on first use: most loads never need a position. */
export function lazyIndex(build: () => SourceIndex): SourceIndex {
	let index: SourceIndex | undefined;
	return {
		locate: (path) => (index ??= build()).locate(path),
		locateKey: (path) => (index ??= build()).locateKey(path)
	};
}

function isContainerAt(text: string, offset: number): boolean {
	const c = text[offset];
	return c === '{' || c === '[';
}
