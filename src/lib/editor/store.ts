/**
 * The topology document as the editor's single source of truth.
 *
 * - The user's text is the document. Canvas and panel edits are commands: a
 *   function that edits a `Transaction` over the yaml Document; the store
 *   records the operations as one history entry (undo/redo), derives the
 *   topology and tells its listeners. Text edits (the YAML view) are history
 *   entries too, recorded as one text patch.
 * - The text of a canvas edit is produced by re-serializing the document and
 *   keeping every line the edit did not change as the user wrote it
 *   (splice.ts), so comments, key order and layout survive. Undo and redo
 *   return the exact text of the state they go back to when it is known.
 * - The text is produced lazily (a drag on a 2,000-node file does not
 *   serialize 20,000 lines until something reads `text`).
 * - The topology is derived from the document with the file schema (the
 *   loader's zod schema); when that fails, the loader is asked for located
 *   errors. It is the last valid topology while the document has errors.
 *
 * Framework-agnostic: the Svelte wrapper is editor.svelte.ts.
 */
import type { Document } from 'yaml';
import { loadTopology, errorMap, formatPath } from '../model/load';
import { referenceErrors } from '../model/references';
import { topologySchema } from '../model/schema';
import { flattenIssues, type ZodIssueLike } from '../model/edit-rules';
import { jsonIndex, yamlIndex, type SourceIndex } from '../model/source';
import type { Diagnostic, Topology } from '../model/types';
import { LineCounter, parseDocument } from 'yaml';
import { applyOp, formatOf, jsonIndent, parseEditable, PARSE_OPTIONS, reverseOp, serialize, Transaction, type Format, type Op, type Path } from './document';
import { applyPatch, revertPatch, spliceText, textPatch, type TextPatch } from './splice';

export type ChangeKind = 'open' | 'command' | 'text' | 'undo' | 'redo';

export interface Change {
	kind: ChangeKind;
	/** what the user did ("Add vm1", "Edit YAML", "Undo Move 2 nodes") */
	label: string;
	/** state id after the change */
	state: number;
}

type Entry =
	| { type: 'ops'; label: string; ops: Op[]; before: number; after: number; time: number; merge?: string }
	| { type: 'text'; label: string; patch: TextPatch; before: number; after: number; time: number; merge?: string };

export interface ApplyOptions {
	/** consecutive commands with the same key within `mergeWindow` ms are one undo step (typing, nudging) */
	merge?: string;
}

export interface FieldIssue {
	path: string;
	message: string;
}

export interface StoreOptions {
	now?: () => number;
	historyLimit?: number;
	mergeWindow?: number;
	/** cap on the characters of exact texts kept for undo */
	textCacheChars?: number;
}

export class TopologyStore {
	readonly #now: () => number;
	readonly #historyLimit: number;
	readonly #mergeWindow: number;
	readonly #textCacheChars: number;

	#file: string;
	#format: Format;
	#indent: string | number;
	#doc: Document | null = null;

	/** state id: every change makes a new one; undo/redo return to earlier ones */
	#state = 0;
	#nextState = 1;
	#savedState = 0;

	/** the materialized text and the state it belongs to */
	#text = '';
	#textState = 0;
	/** a materialized text whose normalized serialization is known: the base for splicing */
	#base: { text: string; norm: string | null; state: number } = { text: '', norm: null, state: 0 };
	/** exact texts of recent states, for exact undo */
	#texts = new Map<number, string>();
	#textsChars = 0;

	#undo: Entry[] = [];
	#redo: Entry[] = [];

	#topology: Topology | null = null;
	#valid = false;
	#errors: Diagnostic[] = [];
	#refs: { state: number; errors: Diagnostic[] } | null = null;
	#index: { state: number; index: SourceIndex } | null = null;

	#listeners = new Set<(change: Change) => void>();

	constructor(text: string, file: string, options: StoreOptions = {}) {
		this.#now = options.now ?? (() => Date.now());
		this.#historyLimit = options.historyLimit ?? 500;
		this.#mergeWindow = options.mergeWindow ?? 1200;
		this.#textCacheChars = options.textCacheChars ?? 20_000_000;
		this.#file = file;
		this.#format = formatOf(file, text);
		this.#indent = jsonIndent(text);
		this.#resetText(text);
	}

	// ---- reading ---------------------------------------------------------------

	get file(): string {
		return this.#file;
	}
	get format(): Format {
		return this.#format;
	}
	/** The current state id (changes with every edit, undo and redo). */
	get state(): number {
		return this.#state;
	}
	/** The document's text, exactly what a save writes. */
	get text(): string {
		if (this.#textState === this.#state) return this.#text;
		const cached = this.#texts.get(this.#state);
		let text: string;
		if (cached !== undefined) text = cached;
		else {
			const norm = serialize(this.#doc!, this.#format, this.#indent);
			text = this.#base.norm === null ? norm : spliceText(this.#base.text, this.#base.norm, norm);
			this.#base = { text, norm, state: this.#state };
		}
		this.#text = text;
		this.#textState = this.#state;
		this.#remember(this.#state, text);
		return text;
	}
	/** The last valid topology (null until the document is valid once). */
	get topology(): Topology | null {
		return this.#topology;
	}
	/** The current document is a valid topology (otherwise `topology` is an older state). */
	get valid(): boolean {
		return this.#valid;
	}
	/** The document can be edited as a tree (its text parses); canvas commands need this and validity. */
	get editable(): boolean {
		return this.#doc !== null && this.#valid;
	}
	/** Format errors of the current text, located. */
	get errors(): Diagnostic[] {
		return this.#errors;
	}
	get canUndo(): boolean {
		return this.#undo.length > 0;
	}
	get canRedo(): boolean {
		return this.#redo.length > 0;
	}
	get undoLabel(): string | undefined {
		return this.#undo.at(-1)?.label;
	}
	get redoLabel(): string | undefined {
		return this.#redo.at(-1)?.label;
	}
	/** Changed since the last save (or open). */
	get dirty(): boolean {
		return this.#state !== this.#savedState;
	}
	/** The yaml Document (null while the text has syntax errors). Read-only use: edit through `apply`. */
	get doc(): Document | null {
		return this.#doc;
	}

	/**
	 * The reference errors of the current state (a link to a missing node...),
	 * or its format errors: the part of lint the editor needs at once, to show
	 * a broken file's errors instead of a drawing. Linear and cached per state;
	 * the whole lint runs in the lint worker (DocSession).
	 */
	referenceErrors(): Diagnostic[] {
		if (!this.#valid || !this.#topology) return this.#errors;
		if (this.#refs?.state !== this.#state) {
			let errors: Diagnostic[];
			try {
				errors = referenceErrors(this.#topology, { file: this.#file, locate: (p) => this.locate(p) });
			} catch (err) {
				errors = [{ severity: 'warning', file: this.#file, path: '', line: 0, col: 0, message: `internal error while checking references: ${String(err)}` }];
			}
			this.#refs = { state: this.#state, errors };
		}
		return this.#refs.errors;
	}

	/** Where a document path is in the current text (1-based; 0 when unknown). */
	locate(path: (string | number)[]): { line: number; col: number } {
		if (this.#index?.state !== this.#state) {
			const text = this.text;
			let index: SourceIndex;
			if (this.#format === 'json') index = jsonIndex(text);
			else {
				const lines = new LineCounter();
				const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter: lines, keepSourceTokens: false });
				index = yamlIndex(doc, lines);
			}
			this.#index = { state: this.#state, index };
		}
		return this.#index.index.locate(path);
	}

	subscribe(listener: (change: Change) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	// ---- commands ----------------------------------------------------------------

	/**
	 * Runs a command: `edit` changes the document through the transaction. One
	 * history entry; nothing happens (false) when the document cannot be edited
	 * as a tree or the command changed nothing. A command that throws changes
	 * nothing.
	 */
	apply(label: string, edit: (tx: Transaction) => void, options: ApplyOptions = {}): boolean {
		const doc = this.#doc;
		if (!doc || !this.#valid) return false;
		this.#prepareBase();
		const tx = new Transaction(doc);
		try {
			edit(tx);
		} catch (err) {
			for (let i = tx.ops.length - 1; i >= 0; i--) applyOp(doc, reverseOp(tx.ops[i]));
			throw err;
		}
		if (tx.ops.length === 0) return false;
		const before = this.#state;
		const after = this.#nextState++;
		const time = this.#now();
		const last = this.#undo.at(-1);
		if (options.merge && last?.type === 'ops' && last.merge === options.merge && last.after === before && time - last.time < this.#mergeWindow) {
			last.ops.push(...tx.ops);
			last.after = after;
			last.time = time;
		} else {
			this.#push({ type: 'ops', label, ops: tx.ops, before, after, time, merge: options.merge });
		}
		this.#redo = [];
		this.#state = after;
		this.#deriveFromDoc();
		this.#emit({ kind: 'command', label, state: after });
		return true;
	}

	/**
	 * Would this edit be valid? Runs it, validates the document with the file
	 * schema, and takes it back: nothing changes. The issues of the edited
	 * paths are returned (an empty list: valid).
	 */
	check(edit: (tx: Transaction) => void): FieldIssue[] {
		const doc = this.#doc;
		if (!doc) return [{ path: '', message: 'the document has YAML errors' }];
		const tx = new Transaction(doc);
		try {
			edit(tx);
			if (tx.ops.length === 0) return [];
			const result = topologySchema.safeParse(doc.toJS({ maxAliasCount: 100 }), { error: errorMap });
			if (result.success) return [];
			return flattenIssues(result.error.issues as unknown as ZodIssueLike[], [], true).map((i) => ({ path: formatPath(i.path), message: i.message }));
		} catch (err) {
			return [{ path: '', message: err instanceof Error ? err.message : String(err) }];
		} finally {
			for (let i = tx.ops.length - 1; i >= 0; i--) applyOp(doc, reverseOp(tx.ops[i]));
		}
	}

	/** Replaces the text (the YAML view). Consecutive typing merges into one undo step. */
	setText(text: string, options: ApplyOptions & { label?: string } = { merge: 'text' }): boolean {
		const current = this.text;
		if (text === current) return false;
		const patch = textPatch(current, text);
		const before = this.#state;
		const after = this.#nextState++;
		const time = this.#now();
		const label = options.label ?? 'Edit text';
		const last = this.#undo.at(-1);
		if (options.merge && last?.type === 'text' && last.merge === options.merge && last.after === before && time - last.time < this.#mergeWindow) {
			// one patch from the entry's start to now
			const start = revertPatch(current, last.patch);
			last.patch = textPatch(start, text);
			last.after = after;
			last.time = time;
		} else {
			this.#push({ type: 'text', label, patch, before, after, time, merge: options.merge });
		}
		this.#redo = [];
		this.#state = after;
		this.#resetText(text, after);
		this.#emit({ kind: 'text', label, state: after });
		return true;
	}

	undo(): boolean {
		const entry = this.#undo.pop();
		if (!entry) return false;
		this.#revert(entry, 'undo');
		this.#redo.push(entry);
		this.#emit({ kind: 'undo', label: entry.label, state: this.#state });
		return true;
	}

	redo(): boolean {
		const entry = this.#redo.pop();
		if (!entry) return false;
		this.#revert(entry, 'redo');
		this.#undo.push(entry);
		this.#emit({ kind: 'redo', label: entry.label, state: this.#state });
		return true;
	}

	/** The current state is what is on disk now. */
	markSaved(file?: string) {
		if (file && file !== this.#file) {
			this.#file = file;
			const format = formatOf(file, this.text);
			if (format !== this.#format) {
				// save-as in the other format: the text becomes that format
				const doc = this.#doc;
				this.#format = format;
				if (doc) {
					const text = serialize(doc, format, 2);
					this.#resetText(text, this.#state);
				}
			}
		}
		this.#savedState = this.#state;
	}

	/**
	 * Prepares the first edit ahead of time (the normalized text it splices
	 * against): call when the user is idle after opening a large document.
	 */
	warm() {
		if (this.#doc && this.#valid) this.#prepareBase();
	}

	/** The document differs from any file on disk (a restored autosave). */
	markDirty() {
		this.#savedState = -1;
	}

	/** History as text patches (for autosave), when every state on the undo stack is known exactly. */
	exportHistory(): { label: string; patch: TextPatch }[] | null {
		const out: { label: string; patch: TextPatch }[] = [];
		let text = this.text;
		for (let i = this.#undo.length - 1; i >= 0; i--) {
			const e = this.#undo[i];
			let before: string | undefined;
			if (e.type === 'text') before = revertPatch(text, e.patch);
			else before = this.#texts.get(e.before);
			if (before === undefined) return out.length ? out.reverse() : null;
			out.push({ label: e.label, patch: textPatch(before, text) });
			text = before;
		}
		return out.reverse();
	}

	/** Restores an exported history: the undo stack of text patches leading to the current text. */
	importHistory(history: { label: string; patch: TextPatch }[]) {
		const now = this.#now();
		let text = this.text;
		const entries: Entry[] = [];
		let after = this.#state;
		for (let i = history.length - 1; i >= 0; i--) {
			const before = this.#nextState++;
			entries.push({ type: 'text', label: history[i].label, patch: history[i].patch, before, after, time: now - 1e9 });
			text = revertPatch(text, history[i].patch);
			after = before;
		}
		this.#undo = entries.reverse();
		this.#redo = [];
	}

	// ---- internals -----------------------------------------------------------------

	#push(entry: Entry) {
		this.#undo.push(entry);
		if (this.#undo.length > this.#historyLimit) this.#undo.splice(0, this.#undo.length - this.#historyLimit);
	}

	#emit(change: Change) {
		for (const listener of this.#listeners) listener(change);
	}

	#remember(state: number, text: string) {
		if (this.#texts.has(state)) return;
		this.#texts.set(state, text);
		this.#textsChars += text.length;
		while (this.#textsChars > this.#textCacheChars && this.#texts.size > 1) {
			const [oldest, t] = this.#texts.entries().next().value as [number, string];
			this.#texts.delete(oldest);
			this.#textsChars -= t.length;
		}
	}

	/** Before the document changes: the normalized form of the current text, for splicing. */
	#prepareBase() {
		if (this.#base.state === this.#state && this.#base.norm !== null) return;
		// the exact text of this state, when known, is the best base (after an undo, say)
		const exact = this.#textState === this.#state ? this.#text : this.#texts.get(this.#state);
		if (exact === undefined) {
			// materialize it now: it splices from the older base and becomes the base, so undo can return to it exactly
			void this.text;
			return;
		}
		this.#base = { text: exact, norm: serialize(this.#doc!, this.#format, this.#indent), state: this.#state };
	}

	/** A new text (open, YAML view, undo of a text edit): parse it again. */
	#resetText(text: string, state = this.#state) {
		this.#text = text;
		this.#textState = state;
		this.#remember(state, text);
		this.#doc = parseEditable(text, this.#format);
		this.#base = { text, norm: null, state };
		if (this.#doc && this.#format === 'yaml') {
			if (this.#deriveFromDoc()) return;
		}
		this.#deriveFromText(text);
	}

	/** Fast path: validate the document tree with the schema. False when it is not valid (errors come from the loader). */
	#deriveFromDoc(): boolean {
		let data: unknown;
		try {
			data = this.#doc!.toJS({ maxAliasCount: 100 });
		} catch {
			this.#deriveFromText(this.text);
			return false;
		}
		const result = topologySchema.safeParse(data, { error: errorMap });
		if (result.success && !hasProtoKey(data)) {
			this.#topology = result.data as Topology;
			this.#valid = true;
			this.#errors = [];
			return true;
		}
		this.#deriveFromText(this.text);
		return false;
	}

	#deriveFromText(text: string) {
		let result;
		try {
			result = loadTopology(text, this.#file);
		} catch (err) {
			result = { ok: false as const, errors: [{ severity: 'error' as const, file: this.#file, path: '', line: 0, col: 0, message: `internal error while reading: ${String(err)}` }] };
		}
		if (result.ok) {
			this.#topology = result.topology;
			this.#valid = true;
			this.#errors = [];
		} else {
			this.#valid = false;
			this.#errors = result.errors;
		}
	}

	#revert(entry: Entry, direction: 'undo' | 'redo') {
		const target = direction === 'undo' ? entry.before : entry.after;
		if (entry.type === 'text') {
			const current = this.text;
			const text = direction === 'undo' ? revertPatch(current, entry.patch) : applyPatch(current, entry.patch);
			this.#state = target;
			this.#resetText(text, target);
			return;
		}
		const doc = this.#doc;
		if (!doc) throw new Error('history out of step: no document to undo on');
		this.#prepareBase();
		if (direction === 'undo') for (let i = entry.ops.length - 1; i >= 0; i--) applyOp(doc, reverseOp(entry.ops[i]));
		else for (const op of entry.ops) applyOp(doc, op);
		this.#state = target;
		this.#deriveFromDoc();
	}
}

function hasProtoKey(data: unknown): boolean {
	// the loader rejects `__proto__` keys; the fast path defers to it when one is present
	const stack = [data];
	let budget = 200_000;
	while (stack.length && budget-- > 0) {
		const v = stack.pop();
		if (v === null || typeof v !== 'object') continue;
		if (Array.isArray(v)) stack.push(...v);
		else {
			if (Object.hasOwn(v, '__proto__')) return true;
			for (const k in v) stack.push((v as Record<string, unknown>)[k]);
		}
	}
	return false;
}

