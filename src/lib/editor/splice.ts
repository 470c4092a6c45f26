/**
 * Keeps the user's text as they wrote it while the document is edited as a
 * tree. The `yaml` library re-serializes a whole document in its own
 * normalized form (one space before a comment, ...). We only take from that
 * output the lines an edit actually changed: lines of the normalized text
 * before the edit that are unchanged after it keep the user's own line.
 *
 * This relies on the user's text and its normalized form having the same
 * lines one for one (true with `lineWidth: 0` for block YAML and for JSON in
 * the same indent); when they do not, the normalized text is used as is.
 */

/** Lines equal in both, as pairs of indices (a longest common subsequence), or null when too different to be worth it. */
function commonLines(a: string[], b: string[], maxEdits: number): [number, number][] | null {
	// Myers' O(ND) diff, recording the furthest paths per diagonal.
	const n = a.length;
	const m = b.length;
	const max = Math.min(n + m, maxEdits);
	const offset = max + 1;
	const v = new Int32Array(2 * max + 3);
	const trace: Int32Array[] = [];
	let found = -1;
	for (let d = 0; d <= max; d++) {
		trace.push(v.slice());
		for (let k = -d; k <= d; k += 2) {
			let x: number;
			if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) x = v[offset + k + 1];
			else x = v[offset + k - 1] + 1;
			let y = x - k;
			while (x < n && y < m && a[x] === b[y]) {
				x++;
				y++;
			}
			v[offset + k] = x;
			if (x >= n && y >= m) {
				found = d;
				break;
			}
		}
		if (found >= 0) break;
	}
	if (found < 0) return null;
	// backtrack
	const pairs: [number, number][] = [];
	let x = n;
	let y = m;
	for (let d = found; d > 0; d--) {
		const vd = trace[d];
		const k = x - y;
		const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
		const prevX = vd[offset + prevK];
		const prevY = prevX - prevK;
		while (x > prevX && y > prevY) {
			x--;
			y--;
			pairs.push([x, y]);
		}
		x = prevX;
		y = prevY;
	}
	while (x > 0 && y > 0) {
		x--;
		y--;
		pairs.push([x, y]);
	}
	return pairs.reverse();
}

function splitLines(text: string): string[] {
	return text.split('\n');
}

/**
 * The user's `text` after an edit that changed its normalized form from
 * `normBefore` to `normAfter`.
 */
export function spliceText(text: string, normBefore: string, normAfter: string, maxEdits = 400): string {
	if (normBefore === normAfter) return text;
	const user = splitLines(text);
	const before = splitLines(normBefore);
	const after = splitLines(normAfter);
	if (user.length !== before.length) return normAfter;

	// common head and tail first: most edits touch a few lines in the middle
	let head = 0;
	while (head < before.length && head < after.length && before[head] === after[head]) head++;
	let tail = 0;
	while (
		tail < before.length - head &&
		tail < after.length - head &&
		before[before.length - 1 - tail] === after[after.length - 1 - tail]
	)
		tail++;

	const midBefore = before.slice(head, before.length - tail);
	const midAfter = after.slice(head, after.length - tail);
	const midUser = user.slice(head, user.length - tail);
	const out: string[] = user.slice(0, head);

	const pairs = commonLines(midBefore, midAfter, maxEdits);
	if (pairs) {
		const keep = new Map(pairs.map(([i, k]) => [k, i]));
		for (let j = 0; j < midAfter.length; j++) {
			const i = keep.get(j);
			out.push(i === undefined ? midAfter[j] : midUser[i]);
		}
	} else if (midBefore.length === midAfter.length) {
		// same shape, many lines changed (a layout moving every node): line by line
		for (let i = 0; i < midAfter.length; i++) out.push(midBefore[i] === midAfter[i] ? midUser[i] : midAfter[i]);
	} else {
		out.push(...midAfter);
	}
	out.push(...user.slice(user.length - tail));
	return out.join('\n');
}

/** The smallest single replacement turning `a` into `b`: compact undo records for text edits. */
export interface TextPatch {
	at: number;
	removed: string;
	inserted: string;
}

export function textPatch(a: string, b: string): TextPatch {
	let start = 0;
	const min = Math.min(a.length, b.length);
	while (start < min && a.charCodeAt(start) === b.charCodeAt(start)) start++;
	let end = 0;
	while (end < min - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
	return { at: start, removed: a.slice(start, a.length - end), inserted: b.slice(start, b.length - end) };
}

export function applyPatch(text: string, p: TextPatch): string {
	return text.slice(0, p.at) + p.inserted + text.slice(p.at + p.removed.length);
}

export function revertPatch(text: string, p: TextPatch): string {
	return text.slice(0, p.at) + p.removed + text.slice(p.at + p.inserted.length);
}
