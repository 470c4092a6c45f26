/**
 * Which browser tab owns which autosave. Every browser tab has an owner id,
 * kept in sessionStorage (so a reload is the same owner and gets its tabs
 * back) and held as a Web Lock for the tab's lifetime (so another tab can
 * ask whether the owner is still open: the browser releases the lock when
 * the tab closes or crashes). A duplicated browser tab copies the
 * sessionStorage but cannot take the lock, so it becomes a new owner.
 */

export interface Owners {
	/** this browser tab */
	readonly id: string;
	/** the owners whose browser tab is open now (this one included) */
	live(): Promise<Set<string>>;
}

/** Owners without a browser (tests; a browser without Web Locks): only `others` are open besides this one. */
export function memoryOwners(id = 'this-tab', others: Iterable<string> = []): Owners {
	const open = new Set([id, ...others]);
	return { id, live: async () => new Set(open) };
}

const PREFIX = 'vnet-owner:';
const KEY = 'vnet.owner';

interface LockManagerLike {
	request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<void> | void): Promise<void>;
	query(): Promise<{ held?: { name?: string }[] }>;
}

function locks(): LockManagerLike | null {
	const n = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
	return n?.locks ?? null;
}

function newId(): string {
	return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Takes the owner's lock and keeps it until the tab goes; false when another tab holds it. */
function hold(lm: LockManagerLike, id: string): Promise<boolean> {
	return new Promise((resolve) => {
		void lm.request(PREFIX + id, { ifAvailable: true }, (lock) => {
			resolve(!!lock);
			if (lock) return new Promise<void>(() => {});
		});
	});
}

/** This browser tab had an owner before this load: a reload (its documents come back). */
export function isReload(): boolean {
	try {
		return !!sessionStorage.getItem(KEY);
	} catch {
		return false;
	}
}

/** This browser tab's owner id, held as a Web Lock. */
export async function browserOwners(): Promise<Owners> {
	const lm = locks();
	let id: string | null = null;
	try {
		id = sessionStorage.getItem(KEY);
	} catch {
		// storage blocked: a new owner each load
	}
	if (!lm) return memoryOwners(id ?? newId());
	// after a reload the previous page may release its lock a moment late
	let mine = false;
	if (id) {
		for (let i = 0; i < 4 && !mine; i++) {
			mine = await hold(lm, id);
			if (!mine) await new Promise((r) => setTimeout(r, 150));
		}
	}
	if (!mine) {
		id = newId();
		await hold(lm, id);
	}
	try {
		sessionStorage.setItem(KEY, id!);
	} catch {
		// only a reload's restore is lost
	}
	const self = id!;
	return {
		id: self,
		async live() {
			const state = await lm.query();
			const out = new Set<string>([self]);
			for (const l of state.held ?? []) if (l.name?.startsWith(PREFIX)) out.add(l.name.slice(PREFIX.length));
			return out;
		}
	};
}
