/**
 * The Svelte side of the editor: open documents (tabs), the active one's
 * store, the selection and lint findings as runes. A thin wrapper: every
 * change to a document goes through its TopologyStore (store.ts) and
 * commands.ts; this file only makes the results reactive.
 */
import type { Diagnostic, Topology } from '../model/types';
import { lintInWorker, type Linter } from '../worker/lint-client';
import { TopologyStore, type Change } from './store';
import { EMPTY_SELECTION, type Selection } from '../model/selection';

export { EMPTY_SELECTION, type Selection };

/** The canvas viewport of a document (kept per tab, restored after a reload). */
export interface View {
	zoom: number;
	pan: { x: number; y: number };
}

let nextId = 1;

/** One open document. */
export class DocSession {
	readonly id: string;
	readonly store: TopologyStore;
	/** example id when it came from the gallery (not the user's file) */
	example?: string;
	/** a File System Access handle when it was opened or saved through one */
	handle: unknown = null;
	/** bumps on every change of the store: reading it makes a reactive dependency */
	#version = $state(0);
	readonly #linter: Linter;
	/** the state lint was last asked for */
	#lintState = -1;
	#lint = $state.raw<Diagnostic[]>([]);
	#lintTimer: ReturnType<typeof setTimeout> | undefined;
	/** one lint call at a time; edits meanwhile ask again when it answers */
	#linting: Promise<void> | null = null;
	#lintAgain = false;
	#disposed = false;
	lastChange = $state.raw<Change | null>(null);
	selection = $state.raw<Selection>(EMPTY_SELECTION);
	/** the canvas viewport, as the canvas last reported it (null: fit the drawing) */
	view = $state.raw<View | null>(null);

	/** `lint` lints a text off the page's thread (default: the lint worker; tests pass their own) */
	constructor(text: string, file: string, options: { id?: string; example?: string; lint?: Linter } = {}) {
		this.id = options.id ?? `doc-${Date.now().toString(36)}-${nextId++}`;
		this.example = options.example;
		this.#linter = options.lint ?? lintInWorker;
		this.store = new TopologyStore(text, file);
		this.store.subscribe((change) => {
			this.lastChange = change;
			this.#version++;
			this.scheduleLint();
		});
		// a file opened with reference errors (a link to a missing node) shows them before any drawing, like a
		// format error: they are found here at once (linear); the design warnings come from the lint worker
		if (this.store.valid) this.#lint = this.store.referenceErrors();
		this.#blocked = this.#lint.some((d) => d.severity === 'error');
		const size = this.store.topology ? Object.keys(this.store.topology.nodes).length : 0;
		// a large file is drawn first and linted just after
		this.scheduleLint(size > 300 ? 50 : 0);
		// the first edit of a large file would serialize it once first: do that while the user looks
		const idle = (globalThis as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
		idle(() => this.store.warm());
	}

	#blocked = $state(false);
	/** Opened with errors and not fixed since: show the error list, not a drawing. */
	get blocked(): boolean {
		this.#version;
		if (!this.store.valid) return !this.store.topology || this.#blocked;
		if (this.#blocked && !this.#lint.some((d) => d.severity === 'error')) queueMicrotask(() => (this.#blocked = false));
		return this.#blocked;
	}
	/** What the error list shows: format errors, or the lint errors that blocked the file. */
	get blockingErrors(): Diagnostic[] {
		this.#version;
		return this.store.valid ? this.#lint.filter((d) => d.severity === 'error') : this.store.errors;
	}

	get version(): number {
		return this.#version;
	}
	get file(): string {
		this.#version;
		return this.store.file;
	}
	get text(): string {
		this.#version;
		return this.store.text;
	}
	get topology(): Topology | null {
		this.#version;
		return this.store.topology;
	}
	get valid(): boolean {
		this.#version;
		return this.store.valid;
	}
	get editable(): boolean {
		this.#version;
		return this.store.editable;
	}
	get errors(): Diagnostic[] {
		this.#version;
		return this.store.errors;
	}
	get dirty(): boolean {
		this.#version;
		return this.store.dirty;
	}
	get canUndo(): boolean {
		this.#version;
		return this.store.canUndo;
	}
	get canRedo(): boolean {
		this.#version;
		return this.store.canRedo;
	}
	get undoLabel(): string | undefined {
		this.#version;
		return this.store.undoLabel;
	}
	get redoLabel(): string | undefined {
		this.#version;
		return this.store.redoLabel;
	}
	/** Lint findings (debounced after edits) or the format errors. */
	get diagnostics(): Diagnostic[] {
		this.#version;
		return this.store.valid ? this.#lint : this.store.errors;
	}

	/** The badges: errors and warnings of the current document (after every edit, undo and redo). */
	get problemCounts(): { errors: number; warnings: number } {
		const all = this.diagnostics;
		const errors = all.filter((d) => d.severity === 'error').length;
		return { errors, warnings: all.length - errors };
	}

	/**
	 * Lints when the user pauses (at once for small documents), in the lint
	 * worker. The findings shown are always those of the current state: an
	 * answer for an older text is dropped, and edits made while a call runs
	 * ask again, for the newest text, when it answers.
	 */
	scheduleLint(delay?: number) {
		clearTimeout(this.#lintTimer);
		const size = this.store.topology ? Object.keys(this.store.topology.nodes).length : 0;
		const wait = delay ?? (size > 500 ? 600 : size > 100 ? 150 : 0);
		if (wait === 0) this.#runLint();
		else this.#lintTimer = setTimeout(() => this.#runLint(), wait);
	}

	#runLint() {
		const state = this.store.state;
		if (this.#disposed || this.#lintState === state) return;
		if (this.#linting) {
			this.#lintAgain = true;
			return;
		}
		this.#lintState = state;
		if (!this.store.valid) {
			this.#lint = [];
			return;
		}
		const file = this.store.file;
		const text = this.store.text;
		// a user-timing entry per lint call (bench:canvas reads it: the page thread must stay free meanwhile)
		const started = typeof performance === 'undefined' ? undefined : performance.now();
		const asked = this.#linter(text, file).then(
			(found) => found,
			(err): Diagnostic[] => [{ severity: 'warning', file, path: '', line: 0, col: 0, message: `lint did not run: ${err instanceof Error ? err.message : String(err)}` }]
		);
		this.#linting = asked.then((found) => {
			this.#linting = null;
			if (started !== undefined) {
				try {
					performance.clearMeasures('vnet:lint'); // one entry kept: observers have seen the older ones
					performance.measure('vnet:lint', { start: started });
				} catch {
					// user timing is for the benchmark only
				}
			}
			if (this.#disposed) return;
			// a stale answer (the text changed since it was asked) is dropped
			if (this.store.state === state) this.#lint = found;
			if (this.#lintAgain) {
				this.#lintAgain = false;
				this.#runLint();
			}
		});
	}

	/** Resolves when lint has answered for the current state (for tests and callers that need the findings). */
	async linted(): Promise<void> {
		while (this.#linting) await this.#linting;
	}

	markSaved(file?: string) {
		this.store.markSaved(file);
		this.#version++;
	}

	/** The plain value at a path of the document as written (units as text), for the panel. */
	raw(path: (string | number)[]): unknown {
		this.#version;
		const doc = this.store.doc;
		if (!doc) return undefined;
		const node = path.length ? doc.getIn(path, true) : doc.contents;
		if (node === undefined || node === null) return undefined;
		const n = node as { toJSON?: () => unknown; value?: unknown };
		if (typeof n.toJSON === 'function') return n.toJSON();
		return 'value' in n ? n.value : node;
	}

	/**
	 * The document's own sessions (simulation, scenario), made on first use
	 * and closed with the tab: switching tabs keeps each one's probe and run.
	 */
	part<T extends { dispose?(): void }>(key: string, make: () => T): T {
		let p = this.#parts.get(key) as T | undefined;
		if (!p) this.#parts.set(key, (p = make()));
		return p;
	}
	#parts = new Map<string, { dispose?(): void }>();

	dispose() {
		this.#disposed = true;
		clearTimeout(this.#lintTimer);
		for (const p of this.#parts.values()) p.dispose?.();
		this.#parts.clear();
	}
}
