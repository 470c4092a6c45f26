/**
 * Wording helpers for diagnostics: how a value is shown ("got ..."), and
 * "did you mean ...?" for misspelled field names and values: the closest
 * candidate by edit distance (with transpositions, so `gatewya` finds
 * `gateway`), if it is close enough to be a plausible typo.
 */

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
	const rows = a.length + 1;
	const cols = b.length + 1;
	const d: number[][] = Array.from({ length: rows }, (_, i) => {
		const row = new Array<number>(cols).fill(0);
		row[0] = i;
		return row;
	});
	for (let j = 0; j < cols; j++) d[0][j] = j;
	for (let i = 1; i < rows; i++) {
		for (let j = 1; j < cols; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
			}
		}
	}
	return d[rows - 1][cols - 1];
}

/** The candidate `word` was most likely meant to be, or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
	if (word.length > 64) return undefined; // not a typo; and keeps the O(n·m) table small
	const lower = word.toLowerCase();
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		if (candidate.toLowerCase() === lower) return candidate;
		const distance = editDistance(lower, candidate.toLowerCase());
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}
	// One typo per three letters, at least one: "vlna" -> "vlan", but "mode" is not "mtu".
	const allowed = Math.max(1, Math.floor(word.length / 3));
	return bestDistance <= allowed ? best : undefined;
}

/** " (did you mean `gateway`?)" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
	const match = closest(word, candidates);
	return match === undefined ? '' : ` (did you mean \`${match}\`?)`;
}

/** A value as the user wrote it, for "got ..." in messages: short and unambiguous. */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'an empty value';
	if (typeof value === 'string') {
		const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
		return JSON.stringify(shown);
	}
	if (typeof value === 'number') {
		if (Number.isNaN(value)) return '.nan';
		if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
		return String(value);
	}
	if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	if (Array.isArray(value)) return 'a list';
	if (value instanceof Set) return 'a YAML set';
	if (ArrayBuffer.isView(value)) return 'binary data';
	if (value instanceof Map) return 'a YAML map with non-string keys';
	if (typeof value === 'object') return 'a mapping';
	return typeof value;
}

/** "a, b or c" */
export function listOf(items: readonly string[], conjunction = 'or'): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
