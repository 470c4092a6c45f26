/**
 * The headless editor: the open documents (tabs), which one is active, the
 * selection, the clipboard, search, reveal, save, autosave and restore. No
 * DOM and no canvas: the page wires it to the views, and the unit tests
 * drive it directly with fake storage (editor.test.ts), the way tldraw tests
 * its Editor.
 *
 * Every change to a document goes through its TopologyStore (store.ts) and
 * the commands (commands.ts); this class decides which document and what
 * is selected.
 */
import type { Diagnostic, ProbeCheck } from '../model/types';
import { elementOfPath } from '../model/paths';
import { DocSession, EMPTY_SELECTION, type Selection } from './doc.svelte';
import { addCheck, copyNodes, deleteElements, duplicate, emptyDocument, paste, setField, type Clipboard } from './commands';
import { parsePath, resolvePath } from './paths';
import { suggestedFile, vnetName } from './names';
import type { DocStorage, SavedDoc } from './autosave';
import { memoryOwners, type Owners } from './owners';
import { searchNodes } from './search';

export type Panel = 'properties' | 'simulate' | 'scenarios' | 'problems';

/** Writes a file (a download, or a File System Access handle); null when the user cancelled. */
export type WriteFile = (text: string, file: string, handle: unknown, as: boolean) => Promise<{ file: string; handle: unknown } | null>;

export interface EditorOptions {
	/** where autosaves go (IndexedDB in the app, a Map in tests); none: nothing is kept */
	storage?: DocStorage;
	writeFile?: WriteFile;
	/** who owns which autosave (Web Locks in the app) */
	owners?: Owners;
	now?: () => number;
	/** ms to wait after an edit before autosaving (by document size) */
	autosaveDelay?: (s: DocSession) => number;
}

/** What Save needs from the user first: a name (Save as, or an example that is not a file yet). */
export interface SaveAsRequest {
	file: string;
	format: 'yaml' | 'json';
}

export class Editor {
	tabs = $state.raw<DocSession[]>([]);
	activeId = $state<string | null>(null);
	previousId = $state<string | null>(null);
	/** the side panel's tab */
	panel = $state<Panel>('properties');
	/** the text view is open (reveals then scroll it) */
	yamlOpen = $state(false);
	/** a short message for the status toast */
	notice = $state<string | null>(null);
	/** the text line the YAML view should show (n: a new request for the same line) */
	reveal = $state.raw<{ line: number; n: number } | null>(null);
	/** work of browser tabs that are gone, offered back */
	restoreOffer = $state.raw<SavedDoc[] | null>(null);
	/** documents with changes not yet stored (tests wait for 0 before a reload) */
	pendingSaves = $state(0);
	/** how many autosaves were written */
	autosaved = $state(0);
	clipboard: Clipboard | null = null;

	/** the page's hooks: the canvas shows nodes; the address bar follows the active document */
	onFocusNodes?: (ids: string[]) => void;
	onActivate?: (s: DocSession | null) => void;
	/** a document joins the tabs: the page attaches its sessions (simulation, scenario) here, outside any render */
	onAdd?: (s: DocSession) => void;

	owners: Owners;
	readonly #storage: DocStorage | null;
	readonly #write: WriteFile | null;
	readonly #now: () => number;
	readonly #delay: (s: DocSession) => number;
	#timers = new Map<string, ReturnType<typeof setTimeout>>();
	#revealCount = 0;
	#started = false;

	constructor(options: EditorOptions = {}) {
		this.#storage = options.storage ?? null;
		this.#write = options.writeFile ?? null;
		this.owners = options.owners ?? memoryOwners();
		this.#now = options.now ?? (() => Date.now());
		this.#delay =
			options.autosaveDelay ??
			((s) => {
				const size = s.store.topology ? Object.keys(s.store.topology.nodes).length : 0;
				return size > 1000 ? 1500 : size > 200 ? 500 : 120;
			});
	}

	get active(): DocSession | null {
		return this.tabs.find((s) => s.id === this.activeId) ?? null;
	}
	/** the tab shown before this one (the error view's "back") */
	get previous(): DocSession | null {
		return this.tabs.find((s) => s.id === this.previousId && s.id !== this.activeId) ?? null;
	}
	find(id: string | null | undefined): DocSession | null {
		return this.tabs.find((s) => s.id === id) ?? null;
	}

	// ---- tabs ------------------------------------------------------------------------------

	/** Adds a document as a new tab (autosaved on every change). */
	add(s: DocSession, makeActive = true): DocSession {
		this.onAdd?.(s);
		s.store.subscribe(() => this.scheduleAutosave(s));
		this.tabs = [...this.tabs, s];
		if (makeActive) this.activate(s.id);
		return s;
	}

	/**
	 * Opens a text; an example that is open and untouched is shown again rather than opened twice.
	 * `activate: false` opens it as a tab beside the active one (a load the user has moved on from).
	 */
	open(text: string, file: string, options: { example?: string; dirty?: boolean; activate?: boolean } = {}): DocSession {
		const activate = options.activate ?? true;
		if (options.example) {
			const open = this.tabs.find((s) => s.example === options.example && !s.dirty);
			if (open) {
				if (activate) this.activate(open.id);
				return open;
			}
		}
		const s = new DocSession(text, file, { example: options.example });
		if (options.dirty) s.store.markDirty();
		return this.add(s, activate);
	}

	/** A new empty document with the first free untitled-N name. */
	newDocument(): DocSession {
		const n = this.#freeUntitled();
		const s = this.add(new DocSession(emptyDocument(`untitled-${n}`), `untitled-${n}.vnet.yaml`));
		this.panel = 'properties';
		return s;
	}

	#freeUntitled(): number {
		let n = 1;
		while (this.tabs.some((s) => s.file === `untitled-${n}.vnet.yaml` || s.topology?.name === `untitled-${n}`)) n++;
		return n;
	}

	activate(id: string) {
		if (id === this.activeId) return;
		if (this.activeId) this.previousId = this.activeId;
		this.activeId = id;
		const s = this.find(id);
		if (s && s.blocked && s.blockingErrors[0]?.line) {
			this.yamlOpen = true;
			this.revealLine(s.blockingErrors[0].line);
		}
		this.onActivate?.(s);
		this.scheduleAutosave(s, 0, true);
	}

	/** Next (+1) or previous (-1) tab, wrapping. */
	cycle(step: 1 | -1) {
		if (!this.tabs.length) return;
		const i = this.tabs.findIndex((s) => s.id === this.activeId);
		this.activate(this.tabs[(i + step + this.tabs.length) % this.tabs.length].id);
	}

	/** Closes a tab and forgets its autosave (the caller asked about unsaved changes). */
	close(s: DocSession) {
		const i = this.tabs.indexOf(s);
		if (i < 0) return;
		this.tabs = this.tabs.filter((x) => x !== s);
		clearTimeout(this.#timers.get(s.id));
		if (this.#timers.delete(s.id)) this.pendingSaves--;
		s.dispose();
		void this.#storage?.remove(s.id).catch(() => {});
		if (this.activeId === s.id) {
			const next = this.tabs[Math.min(i, this.tabs.length - 1)];
			this.activeId = null;
			if (next) this.activate(next.id);
			else this.onActivate?.(null);
		}
	}

	// ---- selection -----------------------------------------------------------------------------

	select(sel: Selection) {
		const s = this.active;
		if (!s) return;
		s.selection = sel;
		this.scheduleAutosave(s, undefined, true);
		if (!this.yamlOpen || sel.focus) return;
		if (sel.nodes.length === 1 && !sel.links.length) this.revealPath(['nodes', sel.nodes[0]]);
		else if (sel.links.length === 1 && !sel.nodes.length) this.revealPath(['links', sel.links[0]]);
	}

	selectNodes(ids: string[]) {
		this.select({ nodes: ids, links: [] });
	}

	selectAll() {
		const t = this.active?.topology;
		if (t) this.select({ nodes: Object.keys(t.nodes), links: [] });
	}

	/** After undo/redo: drop selected elements that no longer exist. */
	keepSelection() {
		const s = this.active;
		const t = s?.topology;
		if (!s || !t) return;
		const nodes = s.selection.nodes.filter((id) => id in t.nodes);
		const links = s.selection.links.filter((i) => i < t.links.length);
		if (nodes.length !== s.selection.nodes.length || links.length !== s.selection.links.length) s.selection = { nodes, links };
	}

	// ---- editing -----------------------------------------------------------------------------

	undo() {
		this.active?.store.undo();
		this.keepSelection();
	}
	redo() {
		this.active?.store.redo();
		this.keepSelection();
	}

	deleteSelection() {
		const s = this.active;
		if (!s?.editable) return;
		if (deleteElements(s.store, s.selection)) s.selection = EMPTY_SELECTION;
	}

	/** Copies the selected nodes; the clipboard is the editor's, so it pastes into any tab. */
	copy(): Clipboard | null {
		const s = this.active;
		if (!s || !s.selection.nodes.length) return null;
		const clip = copyNodes(s.store, s.selection.nodes);
		if (!clip) return null;
		this.clipboard = clip;
		const n = Object.keys(clip.nodes).length;
		this.notice = `Copied ${n} node${n === 1 ? '' : 's'}`;
		return clip;
	}

	paste(): string[] {
		const s = this.active;
		if (!s?.editable || !this.clipboard) return [];
		const ids = paste(s.store, this.clipboard);
		if (ids.length) this.selectNodes(ids);
		return ids;
	}

	duplicate(): string[] {
		const s = this.active;
		if (!s?.editable || !s.selection.nodes.length) return [];
		const ids = duplicate(s.store, s.selection.nodes);
		this.selectNodes(ids);
		return ids;
	}

	addCheck(check: ProbeCheck) {
		if (this.active) addCheck(this.active.store, check);
	}

	editScenario(name: string, scenario: Record<string, unknown>) {
		if (this.active) setField(this.active.store, ['scenarios', name], scenario, `Edit scenario ${name}`);
	}

	// ---- search and reveal -------------------------------------------------------------------

	/** Selects the nodes whose id, label or address matches; the canvas shows them. */
	search(query: string): string[] {
		const t = this.active?.topology;
		const q = query.trim();
		if (!t || !q) return [];
		const hits = searchNodes(t, q);
		if (!hits.length) {
			this.notice = `No node matches “${q}”`;
			return [];
		}
		this.selectNodes(hits);
		this.onFocusNodes?.(hits);
		return hits;
	}

	revealLine(line: number) {
		if (line > 0) this.reveal = { line, n: ++this.#revealCount };
	}

	revealPath(path: (string | number)[]) {
		const s = this.active;
		if (s && this.yamlOpen) this.revealLine(s.store.locate(path).line);
	}

	/** "nodes.fw.rules[3]" → select fw, open Properties at its rules, highlight rule 3. */
	revealAt(path: string) {
		const s = this.active;
		if (!s) return;
		const doc = s.store.doc;
		const segments = doc ? resolvePath(parsePath(path), (p) => doc.hasIn(p)) : parsePath(path);
		const el = elementOfPath(path);
		if (el && 'node' in el) {
			const nodeId = String(segments[1] ?? el.node);
			let focus = '';
			for (const seg of segments.slice(2)) focus += typeof seg === 'number' ? `[${seg}]` : focus ? `.${seg}` : seg;
			s.selection = { nodes: [nodeId], links: [], focus: focus || undefined };
			this.onFocusNodes?.([nodeId]);
		} else if (el && 'link' in el) {
			s.selection = { nodes: [], links: [el.link] };
		}
		this.panel = 'properties';
		if (this.yamlOpen) this.revealLine(s.store.locate(segments).line);
	}

	/** A problem picked in a list: its element, and its line in the text. */
	pickProblem(d: Diagnostic) {
		if (!this.active) return;
		if (d.path && elementOfPath(d.path)) {
			this.revealAt(d.path);
			this.panel = 'problems';
		}
		if (d.line > 0) {
			this.yamlOpen = true;
			this.revealLine(d.line);
		}
	}

	// ---- save ------------------------------------------------------------------------------------

	/** The file name a save proposes (the document's `name:` for an app-made name). */
	suggestedFile(s: DocSession, format: 'yaml' | 'json' = s.store.format): string {
		return suggestedFile(s.file, s.topology?.name, format, !!s.example);
	}

	/** Saves the active document; asks for a name first (returns what to ask) for Save as or an example. */
	async save(as = false): Promise<SaveAsRequest | null> {
		const s = this.active;
		if (!s) return null;
		if (as || s.example) return { file: this.suggestedFile(s), format: s.store.format };
		// a file the app named (untitled-1) is written under the document's own name
		await this.#writeTo(s, s.handle ? s.file : this.suggestedFile(s), s.store.text, false);
		return null;
	}

	/** Save as: a name and a format (the text is converted when the format changes). */
	async saveAs(name: string, format: 'yaml' | 'json') {
		const s = this.active;
		if (!s) return;
		const file = vnetName(name.trim() || s.file, format);
		const doc = s.store.doc;
		let text = s.store.text;
		if (format !== s.store.format && doc) {
			if (format === 'json') text = JSON.stringify(doc.toJS(), null, 2) + '\n';
			else {
				const { stringify } = await import('yaml');
				text = stringify(doc.toJS(), { lineWidth: 0 });
			}
		}
		await this.#writeTo(s, file, text, true);
	}

	async #writeTo(s: DocSession, file: string, text: string, as: boolean) {
		if (!this.#write) return;
		const result = await this.#write(text, file, s.handle, as);
		if (!result) return;
		s.handle = result.handle;
		s.example = undefined;
		s.markSaved(result.file);
		this.tabs = [...this.tabs];
		this.scheduleAutosave(s, 0);
		this.notice = `Saved ${result.file}`;
	}

	// ---- autosave and restore ------------------------------------------------------------------

	/**
	 * Stores a document after a pause (the text is read when the timer fires,
	 * so a large document is not serialized on every edit). `viewOnly`: only
	 * its selection, view or place changed, not its text.
	 */
	scheduleAutosave(s: DocSession | null, wait?: number, viewOnly = false) {
		if (!s || !this.#storage) return;
		if (!this.#timers.has(s.id)) this.pendingSaves++;
		clearTimeout(this.#timers.get(s.id));
		const delay = wait ?? (viewOnly ? 300 : this.#delay(s));
		this.#timers.set(
			s.id,
			setTimeout(() => {
				this.#timers.delete(s.id);
				void this.persist(s).finally(() => this.pendingSaves--);
			}, delay)
		);
	}

	/** Writes every pending autosave now (before the page unloads; tests). */
	async flush(): Promise<void> {
		const ids = [...this.#timers.keys()];
		for (const id of ids) {
			clearTimeout(this.#timers.get(id));
			this.#timers.delete(id);
			this.pendingSaves--;
		}
		await Promise.all(this.tabs.map((s) => this.persist(s)));
	}

	/** The record a document is stored as. */
	record(s: DocSession): SavedDoc {
		return {
			id: s.id,
			file: s.file,
			text: s.store.text,
			dirty: s.store.dirty,
			example: s.example,
			history: s.store.exportHistory() ?? undefined,
			updated: this.#now(),
			order: this.tabs.indexOf(s),
			owner: this.owners.id,
			name: s.topology?.name,
			selection: s.selection.nodes.length || s.selection.links.length ? { nodes: s.selection.nodes, links: s.selection.links } : undefined,
			view: s.view ?? undefined,
			active: s.id === this.activeId
		};
	}

	async persist(s: DocSession) {
		// before start() the owner is not known yet: start() stores every tab then
		if (!this.#storage || !this.tabs.includes(s) || !this.#started) return;
		try {
			await this.#storage.save(this.record(s));
			this.autosaved++;
		} catch {
			// private mode or quota: the beforeunload prompt still guards the work
		}
	}

	/**
	 * At start: this browser tab's own documents (a reload) come back as they
	 * were, at once; the unsaved work of browser tabs that are gone is
	 * offered; the work of tabs still open is left alone. Returns how many
	 * documents came back.
	 */
	async start(owners?: Owners): Promise<number> {
		if (owners) this.owners = owners;
		if (!this.#storage) return 0;
		let docs: SavedDoc[];
		try {
			docs = await this.#storage.load();
		} catch {
			docs = [];
		}
		this.#started = true;
		for (const s of this.tabs) this.scheduleAutosave(s, 0);
		const live = await this.owners.live();
		const mine = docs.filter((d) => d.owner === this.owners.id);
		const orphans = docs.filter((d) => d.owner !== this.owners.id && !(d.owner && live.has(d.owner)));
		const back = this.#reopen(mine);
		const offer = orphans.filter((d) => d.dirty);
		if (offer.length) this.restoreOffer = offer;
		// a gone tab's clean copies are files on disk or examples: nothing to offer
		for (const d of orphans) if (!d.dirty) void this.#storage.remove(d.id).catch(() => {});
		return back;
	}

	/** Restores offered documents (all, or the given ids) as new tabs beside the open ones. */
	restore(ids?: string[]) {
		const offer = this.restoreOffer ?? [];
		const picked = offer.filter((d) => !ids || ids.includes(d.id));
		const rest = offer.filter((d) => !picked.includes(d));
		this.restoreOffer = rest.length ? rest : null;
		this.#reopen(picked, true);
	}

	/** Forgets offered documents (all, or the given ids); never the work of a tab that is open. */
	async discard(ids?: string[]) {
		const offer = this.restoreOffer ?? [];
		const picked = offer.filter((d) => !ids || ids.includes(d.id));
		const rest = offer.filter((d) => !picked.includes(d));
		this.restoreOffer = rest.length ? rest : null;
		const live = await this.owners.live();
		for (const d of picked) if (!(d.owner && live.has(d.owner))) await this.#storage?.remove(d.id).catch(() => {});
	}

	#reopen(docs: SavedDoc[], activateLast = false): number {
		let activate: DocSession | null = null;
		for (const d of [...docs].sort((a, b) => a.order - b.order)) {
			if (this.find(d.id)) continue;
			// the address opened this example again already
			if (!d.dirty && d.example && this.tabs.some((s) => s.example === d.example && !s.dirty)) {
				void this.#storage?.remove(d.id).catch(() => {});
				continue;
			}
			const s = new DocSession(d.text, this.#distinctFile(d.file), { id: d.id, example: d.dirty ? undefined : d.example });
			if (d.history?.length) s.store.importHistory(d.history);
			if (d.dirty) s.store.markDirty();
			if (d.selection) s.selection = { nodes: d.selection.nodes.filter((n) => s.topology?.nodes[n]), links: d.selection.links.filter((i) => i < (s.topology?.links.length ?? 0)) };
			if (d.view) s.view = d.view;
			this.add(s, false);
			if (activateLast || d.active || !activate) activate = s;
		}
		// a reload's tabs come back behind what the address asked for (a lesson, a shared design)
		if (activate && (activateLast || !this.activeId)) this.activate(activate.id);
		return docs.length;
	}

	/** A file name no open tab has ("untitled-1.vnet.yaml" restored beside another becomes "untitled-2"). */
	#distinctFile(file: string): string {
		if (!this.tabs.some((s) => s.file === file)) return file;
		const m = /^(.*?)(?:-(\d+))?(\.vnet\.(?:ya?ml|json))$/i.exec(file);
		const stem = m ? m[1] : file;
		const ext = m ? m[3] : '';
		let n = 2;
		while (this.tabs.some((s) => s.file === `${stem}-${n}${ext}`)) n++;
		return `${stem}-${n}${ext}`;
	}

	dispose() {
		for (const t of this.#timers.values()) clearTimeout(t);
		this.#timers.clear();
		for (const s of this.tabs) s.dispose();
	}
}
