/**
 * Never lose work: every open document is written to IndexedDB after each
 * change (text, file name, whether it differs from the file on disk, and the
 * undo history as text patches). After a crash, a closed tab or a reload the
 * app offers the unsaved ones back.
 */
import type { TextPatch } from './splice';

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
