/**
 * Never lose work: every open document is written to IndexedDB after each
 * change (text, file name, whether it differs from the file on disk, the
 * undo history as text patches, its selection and view, and the browser tab
 * that owns it). A reload brings the tab's documents back; the unsaved work
 * of a browser tab that is gone is offered to the next one (editor.svelte.ts).
 */
import type { TextPatch } from './splice';
import type { View } from './doc.svelte';

export interface SavedDoc {
	id: string;
	file: string;
	text: string;
	/** changed since it was opened or saved */
	dirty: boolean;
	example?: string;
	history?: { label: string; patch: TextPatch }[];
	/** ms since epoch */
	updated: number;
	/** tab order */
	order: number;
	/** the browser tab that has it open (owners.ts); none in records from before owners */
	owner?: string;
	/** the document's `name:`, to tell restored documents apart */
	name?: string;
	selection?: { nodes: string[]; links: number[] };
	view?: View;
	/** the tab shown in its browser tab */
	active?: boolean;
}

/** Where autosaves live: IndexedDB in the app, a Map in tests. */
export interface DocStorage {
	save(doc: SavedDoc): Promise<void>;
	remove(id: string): Promise<void>;
	/** every record, in tab order */
	load(): Promise<SavedDoc[]>;
}

const DB = 'vnet-editor';
const STORE = 'documents';

function open(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		if (typeof indexedDB === 'undefined') return reject(new Error('no IndexedDB'));
		const req = indexedDB.open(DB, 1);
		req.onupgradeneeded = () => {
			if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'id' });
		};
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

let db: Promise<IDBDatabase> | null = null;
function database(): Promise<IDBDatabase> {
	db ??= open();
	return db;
}

function run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
	return database().then(
		(d) =>
			new Promise<T | undefined>((resolve, reject) => {
				const tx = d.transaction(STORE, mode);
				const req = body(tx.objectStore(STORE));
				tx.oncomplete = () => resolve(req ? req.result : undefined);
				tx.onerror = () => reject(tx.error);
				tx.onabort = () => reject(tx.error);
			})
	);
}

export function saveDoc(doc: SavedDoc): Promise<void> {
	return run('readwrite', (s) => s.put(doc)).then(() => undefined);
}

export function removeDoc(id: string): Promise<void> {
	return run('readwrite', (s) => s.delete(id)).then(() => undefined);
}

export async function loadDocs(): Promise<SavedDoc[]> {
	const all = ((await run<SavedDoc[]>('readonly', (s) => s.getAll() as IDBRequest<SavedDoc[]>)) ?? []) as SavedDoc[];
	return all.sort((a, b) => a.order - b.order);
}

export async function clearDocs(): Promise<void> {
	await run('readwrite', (s) => s.clear());
}

export const indexedDbStorage: DocStorage = { save: saveDoc, remove: removeDoc, load: loadDocs };

/** Storage in memory (tests; a browser without IndexedDB). */
export function memoryStorage(initial: SavedDoc[] = []): DocStorage & { docs: Map<string, SavedDoc> } {
	const docs = new Map(initial.map((d) => [d.id, structuredClone(d)]));
	return {
		docs,
		save: async (d) => void docs.set(d.id, structuredClone(d)),
		remove: async (id) => void docs.delete(id),
		load: async () => [...docs.values()].map((d) => structuredClone(d)).sort((a, b) => a.order - b.order)
	};
}
