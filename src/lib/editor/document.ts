/**
 * The editable topology document: a `yaml` Document (parsed with source
 * tokens, so comments, blank lines and key order survive edits) plus path
 * operations that record exactly what they change, for undo and redo.
 *
 * An operation is data: `slot` replaces what one map key (or sequence item)
 * holds, `insert`/`remove` add or take out one sequence item. Each carries
 * what was there before and after as cloned yaml nodes, so reversing it puts
 * back the very same nodes, comments included, at the same place in the
 * collection (key order is kept by the recorded index).
 *
 * JSON files are edited through the same Document (built from JSON.parse,
 * 10x faster than the YAML parser on large files) and serialized as JSON.
 */
import { Document, isMap, isPair, isScalar, isSeq, isCollection, parseDocument, Pair, YAMLMap, YAMLSeq, type Node as YamlNode } from 'yaml';
import { checkAliases } from '../model/aliases';

export type Path = (string | number)[];
export type Format = 'yaml' | 'json';

/** What one map key or sequence index holds: the pair (maps) or item (sequences) and its index, or nothing. */
export interface Slot {
	/** index in the parent collection's items */
	index: number;
	/** cloned Pair (map) or node (sequence); undefined when absent */
	item?: Pair | YamlNode;
}

export type Op =
	| { type: 'slot'; path: Path; before: Slot; after: Slot }
	| { type: 'insert'; path: Path; index: number; item: YamlNode }
	| { type: 'remove'; path: Path; index: number; item: YamlNode };

/** The options of load.ts: YAML 1.2 core schema, no merge keys, duplicate keys rejected. */
export const PARSE_OPTIONS = {
	version: '1.2',
	schema: 'core',
	merge: false,
	uniqueKeys: true,
	prettyErrors: false,
	keepSourceTokens: true
} as const;

/** Serialization close to how people write these files: no folding, `[a, b]` flow lists. */
const TO_STRING = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: true } as const;

/**
 * `{ a: 1 }` maps but `[a, b]` lists, as the examples (and most people) write
 * them: drops the padding inside flow sequences, outside quotes and comments.
 */
export function tightenFlowSeqs(text: string): string {
	if (!text.includes('[ ')) return text;
	let out = '';
	let quote = '';
	let comment = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (ch === '\n') {
			quote = '';
			comment = false;
		} else if (comment) {
			// copy
		} else if (quote) {
			if (ch === quote) quote = '';
		} else if (ch === '"' || ch === "'") {
			quote = ch;
		} else if (ch === '#' && (i === 0 || text[i - 1] === ' ')) {
			comment = true;
		} else if (ch === '[' && text[i + 1] === ' ' && text[i + 2] !== ']') {
			out += '[';
			i++;
			continue;
		} else if (ch === ' ' && text[i + 1] === ']' && text[i - 1] !== '[') {
			continue;
		}
		out += ch;
	}
	return out;
}

export function formatOf(file: string, text: string): Format {
	if (/\.json$/i.test(file)) return 'json';
	if (/\.ya?ml$/i.test(file)) return 'yaml';
	return /^\s*\{/.test(text) ? 'json' : 'yaml';
}

/** Parses text into an editable Document, or null when the text has syntax errors (the loader reports them). */
export function parseEditable(text: string, format: Format): Document | null {
	if (format === 'json') {
		try {
			return new Document(JSON.parse(text), { version: '1.2' });
		} catch {
			return null;
		}
	}
	try {
		const doc = parseDocument(text, PARSE_OPTIONS);
		// A recursive or exploding alias is not editable as a tree either (the loader locates it).
		if (doc.errors.length > 0 || doc.warnings.length > 0 || checkAliases(doc)) return null;
		return doc;
	} catch {
		return null;
	}
}

/** Indent of a JSON text ("  " by default), so a re-serialized file keeps its look. */
export function jsonIndent(text: string): string | number {
	const m = /^\{\s*\n([ \t]+)"/.exec(text);
	return m ? m[1] : 2;
}

export function serialize(doc: Document, format: Format, indent: string | number = 2): string {
	if (format === 'json') return JSON.stringify(doc.toJS(), null, indent) + '\n';
	return tightenFlowSeqs(doc.toString(TO_STRING));
}

// ---- reading ----------------------------------------------------------------------

/** The collection at `path` (null when absent or not a collection). */
export function collectionAt(doc: Document, path: Path): YAMLMap | YAMLSeq | null {
	const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
	return isMap(node) || isSeq(node) ? node : null;
}

function keyOf(pair: Pair): string {
	return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function pairIndex(map: YAMLMap, key: string): number {
	return map.items.findIndex((p) => isPair(p) && keyOf(p) === key);
}

/** The plain value at `path` (undefined when absent). */
export function valueAt(doc: Document, path: Path): unknown {
	const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
	if (node === undefined || node === null) return undefined;
	if (isScalar(node)) return node.value;
	if (isCollection(node)) return node.toJS(doc);
	return node;
}

export function has(doc: Document, path: Path): boolean {
	return doc.hasIn(path);
}

/** Keys of the map at `path`, in file order. */
export function keysAt(doc: Document, path: Path): string[] {
	const c = collectionAt(doc, path);
	return isMap(c) ? c.items.map(keyOf) : [];
}

export function lengthAt(doc: Document, path: Path): number {
	const c = collectionAt(doc, path);
	return isSeq(c) ? c.items.length : 0;
}

function readSlot(doc: Document, path: Path): Slot {
	const parent = collectionAt(doc, path.slice(0, -1));
	const last = path[path.length - 1];
	if (isMap(parent)) {
		const index = pairIndex(parent, String(last));
		return index < 0 ? { index: parent.items.length } : { index, item: (parent.items[index] as Pair).clone() as Pair };
	}
	if (isSeq(parent) && typeof last === 'number') {
		const item = parent.items[last] as YamlNode | undefined;
		return { index: last, item: item === undefined ? undefined : cloneNode(item) };
	}
	return { index: 0 };
}

function cloneNode(node: unknown): YamlNode {
	return (node && typeof (node as YamlNode).clone === 'function' ? (node as YamlNode).clone() : node) as YamlNode;
}

function writeSlot(doc: Document, path: Path, slot: Slot) {
	const parent = collectionAt(doc, path.slice(0, -1));
	const last = path[path.length - 1];
	if (isMap(parent)) {
		const at = pairIndex(parent, String(last));
		if (slot.item === undefined) {
			if (at >= 0) parent.items.splice(at, 1);
			return;
		}
		const pair = (slot.item as Pair).clone() as Pair;
		if (at >= 0) parent.items[at] = pair;
		else parent.items.splice(Math.min(slot.index, parent.items.length), 0, pair);
		return;
	}
	if (isSeq(parent) && typeof last === 'number') {
		if (slot.item === undefined) parent.items.splice(last, 1);
		else parent.items[last] = cloneNode(slot.item);
		return;
	}
	throw new Error(`no collection at ${path.slice(0, -1).join('.')}`);
}

export function applyOp(doc: Document, op: Op) {
	switch (op.type) {
		case 'slot':
			writeSlot(doc, op.path, op.after);
			return;
		case 'insert': {
			const seq = collectionAt(doc, op.path);
			if (!isSeq(seq)) throw new Error(`no list at ${op.path.join('.')}`);
			seq.items.splice(op.index, 0, cloneNode(op.item));
			return;
		}
		case 'remove': {
			const seq = collectionAt(doc, op.path);
			if (!isSeq(seq)) throw new Error(`no list at ${op.path.join('.')}`);
			seq.items.splice(op.index, 1);
			return;
		}
		default:
			assertNever(op);
	}
}

export function reverseOp(op: Op): Op {
	switch (op.type) {
		case 'slot':
			return { type: 'slot', path: op.path, before: op.after, after: op.before };
		case 'insert':
			return { type: 'remove', path: op.path, index: op.index, item: op.item };
		case 'remove':
			return { type: 'insert', path: op.path, index: op.index, item: op.item };
		default:
			return assertNever(op);
	}
}

export function assertNever(x: never): never {
	throw new Error(`unexpected ${JSON.stringify(x)}`);
}

// ---- writing with a record -------------------------------------------------------------

/** The order the spec writes keys in: a new key goes before the first later key already there. */
const TOP_KEYS = ['vnet', 'name', 'description', 'nodes', 'links', 'scenarios', 'checks', 'overlay', 'kubernetes'];
const NODE_KEYS = [
	'kind', 'label', 'position', 'on', 'vcpu', 'memory', 'overcommit', 'product', 'interfaces', 'routes', 'services', 'rules',
	'policy', 'stateful', 'nat', 'ha', 'ospf', 'vip', 'pool', 'port', 'health', 'snat', 'manages', 'mode', 'fail-mode',
	'fast-failover', 'channel', 'delay', 'vtep'
];
const IFACE_KEYS = ['ip', 'gateway', 'dhcp', 'mac', 'mtu', 'vlan', 'trunk', 'native', 'attach', 'segment', 'network', 'uplink', 'bond', 'vrrp', 'down', 'cost'];
const LINK_KEYS = ['a', 'b', 'latency', 'bandwidth', 'loss', 'down', 'queue'];
const RULE_KEYS = ['action', 'proto', 'from', 'to', 'port', 'sport', 'in', 'out', 'direction'];
const CHECK_KEYS = ['from', 'to', 'proto', 'port', 'sport', 'size', 'df', 'ttl', 'expect', 'seen-source', 'icmp-from', 'mtu', 'hops'];

function keyOrder(parent: Path): string[] | undefined {
	if (parent.length === 0) return TOP_KEYS;
	if (parent[0] === 'nodes') {
		if (parent.length === 2) return NODE_KEYS;
		if (parent.length === 4 && parent[2] === 'interfaces') return IFACE_KEYS;
		if (parent.length === 4 && parent[2] === 'rules') return RULE_KEYS;
	}
	if (parent[0] === 'links' && parent.length === 2) return LINK_KEYS;
	if (parent[0] === 'checks' && parent.length === 2) return CHECK_KEYS;
	return undefined;
}

function insertIndex(map: YAMLMap, parent: Path, key: string): number {
	const order = keyOrder(parent);
	const rank = order?.indexOf(key) ?? -1;
	if (!order || rank < 0) return map.items.length;
	const later = map.items.findIndex((p) => {
		const r = order.indexOf(keyOf(p as Pair));
		return r > rank;
	});
	return later < 0 ? map.items.length : later;
}

/** Collections people navigate are block style even when they start as `{}` / `[]`. */
function isStructural(path: Path): boolean {
	const top = path[0];
	return (
		path.length <= 1 ||
		(top === 'nodes' && path.length === 2) ||
		(top === 'nodes' && path.length === 3 && (path[2] === 'interfaces' || path[2] === 'nat')) ||
		(top === 'scenarios' && path.length <= 3)
	);
}

/** Which new collections are written in flow style (`{ ip: 10.0.0.1/24 }`), as the examples do. */
function styleNew(node: unknown, path: Path) {
	if (!isCollection(node)) return;
	const text = JSON.stringify(node.toJSON());
	if (!isStructural(path) && text.length <= 90) {
		node.flow = true;
		return;
	}
	node.flow = false;
	if (isMap(node)) for (const pair of node.items) styleNew(pair.value, [...path, keyOf(pair as Pair)]);
	else node.items.forEach((item, i) => styleNew(item, [...path, i]));
}

/**
 * A transaction: edits the document through path operations and records them.
 * Missing parents are created (as one recorded operation at the highest
 * missing level), so every operation reverses cleanly.
 */
export class Transaction {
	readonly ops: Op[] = [];
	constructor(readonly doc: Document) {}

	get(path: Path): unknown {
		return valueAt(this.doc, path);
	}
	has(path: Path): boolean {
		return has(this.doc, path);
	}
	keys(path: Path): string[] {
		return keysAt(this.doc, path);
	}
	length(path: Path): number {
		return lengthAt(this.doc, path);
	}

	private record(op: Op) {
		applyOp(this.doc, op);
		this.ops.push(op);
	}

	private node(value: unknown, path: Path): YamlNode {
		const node = this.doc.createNode(value) as YamlNode;
		styleNew(node, path);
		return node;
	}

	/** Sets the value at `path`, creating missing maps on the way. Setting undefined deletes. */
	set(path: Path, value: unknown) {
		if (value === undefined) return this.delete(path);
		// the highest missing ancestor gets the whole nested value
		for (let depth = 1; depth < path.length; depth++) {
			const prefix = path.slice(0, depth);
			if (!this.doc.hasIn(prefix) || collectionAt(this.doc, prefix) === null) {
				let nested: unknown = value;
				for (let i = path.length - 1; i >= depth; i--) nested = { [String(path[i])]: nested };
				return this.setSlot(prefix, nested);
			}
		}
		const current = this.doc.getIn(path, true);
		if (isScalar(current) && !isCollection(value) && (value === null || typeof value !== 'object')) {
			if (current.value === value) return;
		}
		this.setSlot(path, value);
	}

	private setSlot(path: Path, value: unknown) {
		const before = readSlot(this.doc, path);
		const parentPath = path.slice(0, -1);
		const parent = collectionAt(this.doc, parentPath);
		let after: Slot;
		const node = this.node(value, path);
		if (parent && parent.flow && parent.items.length === 0 && isStructural(parentPath)) parent.flow = false;
		if (isMap(parent)) {
			const previous = before.item as Pair | undefined;
			// keep the key node (and the comments on it)
			const key = previous ? cloneNode(previous.key) : this.doc.createNode(String(path[path.length - 1]));
			const pair = new Pair(key, node);
			// keep a comment written after a scalar value (`mtu: 9000  # jumbo`)
			const prevValue = previous?.value as YamlNode | undefined;
			if (prevValue && isScalar(prevValue) && isScalar(node) && prevValue.comment) node.comment = prevValue.comment;
			if (prevValue && isCollection(prevValue) && isCollection(node)) {
				node.flow = prevValue.flow;
				node.comment = prevValue.comment;
				node.commentBefore = prevValue.commentBefore;
			}
			after = { index: before.item ? before.index : insertIndex(parent, parentPath, String(path[path.length - 1])), item: pair };
		} else {
			const prev = before.item as YamlNode | undefined;
			if (prev && isCollection(prev) && isCollection(node)) {
				node.flow = prev.flow;
				node.comment = prev.comment;
				node.commentBefore = prev.commentBefore;
			}
			after = { index: before.index, item: node };
		}
		this.record({ type: 'slot', path, before, after });
	}

	delete(path: Path) {
		if (!this.doc.hasIn(path)) return;
		const parent = collectionAt(this.doc, path.slice(0, -1));
		if (isSeq(parent) && typeof path[path.length - 1] === 'number') return this.remove(path.slice(0, -1), path[path.length - 1] as number);
		const before = readSlot(this.doc, path);
		this.record({ type: 'slot', path, before, after: { index: before.index } });
	}

	/** Inserts into the list at `path` (created when missing); index defaults to the end. */
	insert(path: Path, value: unknown, index?: number) {
		if (collectionAt(this.doc, path) === null) {
			this.set(path, [value]);
			return;
		}
		const seq = collectionAt(this.doc, path) as YAMLSeq;
		if (!isSeq(seq)) throw new Error(`${path.join('.')} is not a list`);
		if (seq.flow && seq.items.length === 0 && isStructural(path)) seq.flow = false;
		const at = index === undefined ? seq.items.length : Math.max(0, Math.min(index, seq.items.length));
		const item = this.node(value, [...path, at]);
		this.record({ type: 'insert', path, index: at, item });
	}

	remove(path: Path, index: number) {
		const seq = collectionAt(this.doc, path);
		if (!isSeq(seq) || index < 0 || index >= seq.items.length) return;
		this.record({ type: 'remove', path, index, item: cloneNode(seq.items[index]) });
	}

	/** Moves a list item (keeps its comments). */
	move(path: Path, from: number, to: number) {
		const seq = collectionAt(this.doc, path);
		if (!isSeq(seq) || from === to || from < 0 || from >= seq.items.length) return;
		const item = cloneNode(seq.items[from]);
		this.record({ type: 'remove', path, index: from, item });
		const target = Math.max(0, Math.min(to, seq.items.length));
		this.record({ type: 'insert', path, index: target, item });
	}

	/** Renames a map key in place (same position, same value and comments). */
	renameKey(path: Path, newKey: string) {
		const before = readSlot(this.doc, path);
		if (!before.item) return;
		const pair = (before.item as Pair).clone() as Pair;
		const key = pair.key;
		if (isScalar(key)) key.value = newKey;
		else pair.key = this.doc.createNode(newKey);
		const newPath = [...path.slice(0, -1), newKey];
		this.record({ type: 'slot', path, before, after: { index: before.index } });
		this.record({ type: 'slot', path: newPath, before: { index: before.index }, after: { index: before.index, item: pair } });
	}
}
