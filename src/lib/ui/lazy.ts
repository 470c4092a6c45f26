/**
 * Parts of the app that are not on screen at the first draw (the YAML view,
 * the panels, lessons, import and export) are loaded on first use, so the
 * page downloads and parses only what draws the first document.
 */

/** A module loaded once, on first call; `value` holds it once it has arrived. */
export interface Lazy<T> {
	(): Promise<T>;
	value?: T;
}

export function lazy<T>(load: () => Promise<T>): Lazy<T> {
	let pending: Promise<T> | undefined;
	const get = (() =>
		(pending ??= load().then(
			(v) => (get.value = v),
			(err) => {
				pending = undefined; // a failed download may succeed on the next use
				throw err;
			}
		))) as Lazy<T>;
	return get;
}
