/**
 * A task's `solution`: edits of the topology text by path, made with the yaml
 * Document API so comments and layout of the rest of the file stay. Used by
 * the tests (the checks must fail before and pass after) and by teachers.
 */
import { isMap, isSeq, parseDocument, YAMLSeq, type Document } from 'yaml';
import type { Edit } from './types';

/** "nodes.fw.rules[2].action" → ["nodes", "fw", "rules", 2, "action"]; ids may contain "-". */
export function parsePath(path: string): (string | number)[] {
	const out: (string | number)[] = [];
	for (const part of path.split('.')) {
		const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
		if (!m) throw new Error(`cannot read the path "${path}"`);
		if (m[1]) out.push(m[1]);
		for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
	}
	return out;
}

function edit(doc: Document, e: Edit): void {
	if (e.set !== undefined) {
		doc.setIn(parsePath(e.set), doc.createNode(e.value, { flow: typeof e.value === 'object' }));
	} else if (e.add !== undefined) {
		const path = parsePath(e.add);
		const seq = doc.getIn(path, true);
		const item = doc.createNode(e.value, { flow: true });
		if (isSeq(seq)) seq.items.push(item);
		else if (seq === undefined) {
			const s = new YAMLSeq();
			s.items.push(item);
			doc.setIn(path, s);
		} else throw new Error(`${e.add} is not a list`);
	} else if (e.delete !== undefined) {
		doc.deleteIn(parsePath(e.delete));
	}
}

/** Applies the edits to a topology's text; returns the new text. */
export function applyEdits(text: string, edits: Edit[]): string {
	const doc = parseDocument(text, { version: '1.2', schema: 'core', merge: false, uniqueKeys: true });
	if (doc.errors.length) throw new Error(doc.errors[0].message);
	if (!isMap(doc.contents)) throw new Error('not a topology');
	for (const e of edits) edit(doc, e);
	return doc.toString({ lineWidth: 0 });
}
