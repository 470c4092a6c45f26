/**
 * Knowing at once that the worker is gone, whatever the machine's load.
 *
 * A ping tells a dead worker from a busy one only by waiting, and a loaded
 * machine makes a live worker slow to answer. A Web Lock does not wait: the
 * worker takes a lock with a unique name and never lets it go, the page asks
 * for the same lock, and the browser grants it to the page the moment the
 * worker ends (terminated, crashed, killed for memory). The ping is then left
 * to find a *hung* worker (a busy loop), with a longer allowance.
 */

/** What the watch needs from a worker: a way to make it hold a lock (resolves once held). */
export interface LockHolder {
	hold(name: string): Promise<void>;
}

export interface DeathWatch {
	/**
	 * Watches one worker: `armed()` once it holds its lock (from then on its
	 * death is seen at once), `gone()` when it ended. The returned function
	 * stops watching (the client replaced the worker itself).
	 */
	watch(worker: LockHolder, on: { armed(): void; gone(): void }): () => void;
}

let serial = 0;

/** The Web Locks watch, or null where the page has no `navigator.locks` (Node, old browsers). */
export function webLockWatch(locks: LockManager | undefined = (globalThis as { navigator?: Navigator }).navigator?.locks): DeathWatch | null {
	if (!locks) return null;
	const tab = Math.random().toString(36).slice(2);
	return {
		watch(worker, on) {
			const name = `vnet-engine-alive:${tab}:${++serial}`;
			const stop = new AbortController();
			worker.hold(name).then(
				() => {
					if (stop.signal.aborted) return;
					on.armed();
					// queued behind the worker's hold: granted when the worker ends
					locks.request(name, { signal: stop.signal }, () => {
						if (!stop.signal.aborted) on.gone();
					}).catch(() => {}); // aborted: the client replaced the worker itself
				},
				() => {} // a worker that cannot hold a lock is judged by its pings alone
			);
			return () => stop.abort();
		}
	};
}

/**
 * The worker's side (engine.worker.ts): takes the lock and keeps it for the
 * worker's whole life; resolves once it is held.
 */
export function holdForever(locks: LockManager, name: string): Promise<void> {
	return new Promise((held, refused) => {
		locks.request(name, () => {
			held();
			return new Promise<never>(() => {});
		}).catch(refused);
	});
}
