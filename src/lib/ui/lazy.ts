/**
 * Parts of the app that are not on screen at the first draw (the YAML view,
 * the panels, lessons, import and export) are not part of the page's first
 * download, so the page downloads and parses only what draws the first
 * document. A part one click away (a node's properties, the Simulate tab) is
 * marked `preload`: it loads while the page is idle after the first document
 * opened, so the click finds it there; the others load on first use.
 */

/** A module loaded once, on first call; `value` holds it once it has arrived. */
export interface Lazy<T> {
	(): Promise<T>;
	value?: T;
}

const waiting: Lazy<unknown>[] = [];
let preloading: ((part: Lazy<unknown>) => void) | null = null;

export function lazy<T>(load: () => Promise<T>, options: { preload?: boolean } = {}): Lazy<T> {
	let pending: Promise<T> | undefined;
	const get = (() =>
		(pending ??= load().then(
			(v) => (get.value = v),
			(err) => {
				pending = undefined; // a failed download may succeed on the next use
				throw err;
			}
		))) as Lazy<T>;
	if (options.preload) {
		if (preloading) preloading(get);
		else waiting.push(get);
	}
	return get;
}

/** The page calls this once the first document is open: each `preload` part loads when `idle` lets it. */
export function preloadParts(idle: (run: () => void) => void = whenIdle) {
	preloading = (part) => idle(() => void part().catch(() => {})); // a failed preload is retried on first use
	for (const part of waiting.splice(0)) preloading(part);
}

function whenIdle(run: () => void) {
	if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
	else setTimeout(run, 100);
}
