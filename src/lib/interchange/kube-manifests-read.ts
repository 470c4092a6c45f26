/**
 * Reading Kubernetes manifests: multi-document YAML (`---`), a `kind: List`
 * (or `DeploymentList`, ... as `kubectl get -o yaml` writes them) and JSON.
 * Each object keeps where it came from (document number, path inside the
 * document, line of every field), so every warning can name its line.
 * The same bounds as every import (safe.ts): size, aliases, depth, values,
 * dangerous keys; a key written twice is a warning (the last value wins, as
 * kubectl reads it). Pure (browser-safe).
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { MAX_ALIASES } from '../model/aliases';
import { arr, checkSize, checkYamlDocument, field, InputError, isObject, MAX_DEPTH, sanitize, str, tooDeepError, type JsonObject } from './safe';
import type { Warnings } from './import-common';

export interface ManifestObject {
	/** 1-based number of the document in the file */
	doc: number;
	/** path of the object inside its document ("" or "items[3]") */
	base: string;
	obj: JsonObject;
	kind: string;
	name: string;
	/** line of a field, by its path inside the object ("spec.ports[0].targetPort"); the object's own line for "" */
	line(path: string): number | undefined;
}

/** Warning location of a field of an object: "doc[2].spec.replicas", "doc[1].items[0].spec" or "doc[1][0].spec". */
export function where(o: ManifestObject, path: string): string {
	const inner = [o.base, path].filter(Boolean).join('.');
	return `doc[${o.doc}]${inner ? (inner.startsWith('[') ? '' : '.') + inner : ''}`;
}

/** Adds a warning about one field of an object, with its line. */
export function warnAt(w: Warnings, o: ManifestObject, path: string, message: string): void {
	w.add(where(o, path), message, o.line(path) ?? o.line(''));
}

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * Line of every map key and list item of a document, by path; `dups` gets
 * each key written twice in one mapping (the last one counts, as kubectl reads it).
 */
function lineMap(root: YamlNode | null, lines: LineCounter, dups: { path: string; line?: number }[]): Map<string, number> {
	const out = new Map<string, number>();
	const at = (n: { range?: [number, number, number] | null } | null | undefined) => (n?.range ? lines.linePos(n.range[0]).line : undefined);
	const walk = (n: unknown, path: string, depth: number) => {
		if (depth > MAX_DEPTH) return;
		if (isMap(n)) {
			const seen = new Set<string>();
			for (const item of n.items) {
				if (!isPair(item)) continue;
				const key = isScalar(item.key) ? String(item.key.value) : undefined;
				if (key === undefined) continue;
				const p = join(path, key);
				const l = at(item.key as YamlNode);
				if (seen.has(key)) dups.push({ path: p, line: l });
				seen.add(key);
				if (l !== undefined) out.set(p, l);
				walk(item.value, p, depth + 1);
			}
		} else if (isSeq(n)) {
			n.items.forEach((item, i) => {
				const p = join(path, i);
				const l = at(item as YamlNode);
				if (l !== undefined) out.set(p, l);
				walk(item, p, depth + 1);
			});
		}
	};
	const l = at(root);
	if (l !== undefined) out.set('', l);
	walk(root, '', 0);
	return out;
}

/**
 * The objects of a manifest file, in file order. A document that is not an
 * object with a `kind` is a warning; YAML that does not parse is an error
 * with its line and column.
 */
export function readManifests(text: string, w: Warnings): ManifestObject[] {
	checkSize(text);
	const lines = new LineCounter();
	let docs;
	try {
		// duplicate keys are a warning, not an error: kubectl applies such files (the last value wins)
		docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, strict: true, lineCounter: lines });
	} catch (e) {
		if (e instanceof RangeError) throw tooDeepError();
		throw e;
	}
	if (!Array.isArray(docs)) return [];
	const out: ManifestObject[] = [];
	docs.forEach((doc, i) => {
		const n = i + 1;
		checkYamlDocument(doc, lines);
		let js: unknown;
		try {
			js = doc.toJS({ maxAliasCount: MAX_ALIASES });
		} catch (err) {
			if (err instanceof RangeError) throw tooDeepError();
			throw new InputError(`not usable YAML in document ${n}: ${(err as Error).message.split('\n')[0]}`);
		}
		if (js === null || js === undefined) return; // an empty document (a trailing `---`)
		const { value, dropped } = sanitize(js);
		const dups: { path: string; line?: number }[] = [];
		const map = lineMap(doc.contents as YamlNode | null, lines, dups);
		for (const d of dups) w.add(`doc[${n}].${d.path}`, 'this key is written twice in its mapping: the last value is used', d.line);
		const make = (obj: JsonObject, base: string): ManifestObject => ({
			doc: n,
			base,
			obj,
			kind: str(field(obj, 'kind')) ?? '',
			name: str(field(field(obj, 'metadata'), 'name')) ?? '',
			line: (path) => map.get([base, path].filter(Boolean).join('.')) ?? (path === '' ? undefined : map.get(base))
		});
		for (const d of dropped) w.add(`doc[${n}].${d}`, 'dropped: a key that could change how the file is read', map.get(d));
		// a JSON (or YAML) array of objects reads like a List
		if (Array.isArray(value)) {
			value.forEach((item, k) => {
				if (isObject(item)) out.push(make(item, `[${k}]`));
				else w.add(`doc[${n}][${k}]`, 'not a Kubernetes object; ignored', map.get(`[${k}]`));
			});
			return;
		}
		if (!isObject(value)) {
			w.add(`doc[${n}]`, 'not a Kubernetes object (a mapping with apiVersion and kind); ignored', map.get(''));
			return;
		}
		const kind = str(field(value, 'kind')) ?? '';
		const items = field(value, 'items');
		// kind: List, and the typed lists kubectl writes (PodList, ServiceList, ...)
		if (/List$/.test(kind) && Array.isArray(items)) {
			arr(items).forEach((item, k) => {
				if (isObject(item)) out.push(make(item, `items[${k}]`));
				else w.add(`doc[${n}].items[${k}]`, 'not a Kubernetes object; ignored', map.get(`items[${k}]`));
			});
			return;
		}
		out.push(make(value, ''));
	});
	return out;
}
