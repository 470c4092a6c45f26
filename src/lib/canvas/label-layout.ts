/**
 * Where a cable's labels go so that no label covers another: its VLAN label
 * near the middle, the interface names near each end, each slid along the
 * cable to the first spot clear of every node (icon and caption) and every
 * label placed before it; a label with no clear spot is left out (the cable's
 * properties still name it). Pure: boxes in, offsets out, so it is unit
 * tested without a browser; the canvas feeds it what cytoscape measured.
 */

import { boxesIntersect, type Box, type Point } from './geometry';

export type { Box, Point };

/** A label's size (its text plus background padding), model units. */
export interface Size {
	w: number;
	h: number;
}

export interface CableLabels {
	id: string;
	/** where the cable leaves its source and target */
	s: Point;
	t: Point;
	/** label sizes; absent: no such label */
	source?: Size;
	target?: Size;
	mid?: Size;
}

export interface CablePlacement {
	/** distance from the source endpoint along the cable; null: left out */
	source: number | null;
	target: number | null;
	/** the mid label's shift from the cable's midpoint (cytoscape's text margins); null: left out */
	mid: Point | null;
}

/** Edge data keys the canvas writes a placement into (the diagram's own data never has them). */
export const PLACEMENT_KEYS = ['sOff', 'tOff', 'mx', 'my', 'sHide', 'tHide', 'midHide'] as const;

/** Clearance kept between two labels, model units. */
const GAP = 1;
/** How finely a label is slid along its cable. */
const STEP = 2;

function around(c: Point, s: Size): Box {
	return { x1: c.x - s.w / 2 - GAP, y1: c.y - s.h / 2 - GAP, x2: c.x + s.w / 2 + GAP, y2: c.y + s.h / 2 + GAP };
}

/**
 * Boxes in a uniform grid, each under an owner key, so a label's candidate
 * spot is tested against its neighbours only (thousands of cables stay cheap).
 */
export class BoxIndex {
	#cell: number;
	#cells = new Map<string, Set<string>>();
	#boxes = new Map<string, { owner: string; box: Box }>();
	#byOwner = new Map<string, string[]>();
	#next = 0;

	constructor(cell = 64) {
		this.#cell = cell;
	}

	#keys(b: Box): string[] {
		const c = this.#cell;
		const out: string[] = [];
		for (let i = Math.floor(b.x1 / c); i <= Math.floor(b.x2 / c); i++) for (let j = Math.floor(b.y1 / c); j <= Math.floor(b.y2 / c); j++) out.push(`${i},${j}`);
		return out;
	}

	add(owner: string, box: Box): void {
		if (![box.x1, box.y1, box.x2, box.y2].every(Number.isFinite)) return;
		const id = String(this.#next++);
		this.#boxes.set(id, { owner, box });
		const list = this.#byOwner.get(owner);
		if (list) list.push(id);
		else this.#byOwner.set(owner, [id]);
		for (const k of this.#keys(box)) {
			let cell = this.#cells.get(k);
			if (!cell) this.#cells.set(k, (cell = new Set()));
			cell.add(id);
		}
	}

	/** Forget every box of an owner. */
	remove(owner: string): void {
		for (const id of this.#byOwner.get(owner) ?? []) {
			const entry = this.#boxes.get(id);
			if (!entry) continue;
			for (const k of this.#keys(entry.box)) this.#cells.get(k)?.delete(id);
			this.#boxes.delete(id);
		}
		this.#byOwner.delete(owner);
	}

	/** Owners of the boxes that intersect this one. */
	hits(box: Box): Set<string> {
		const out = new Set<string>();
		for (const k of this.#keys(box))
			for (const id of this.#cells.get(k) ?? []) {
				const entry = this.#boxes.get(id)!;
				if (boxesIntersect(entry.box, box)) out.add(entry.owner);
			}
		return out;
	}

	free(box: Box): boolean {
		return this.hits(box).size === 0;
	}
}

/** Owner keys of a cable's labels in the index. */
export const labelOwner = (cable: string) => `label:${cable}`;

/**
 * Places the labels of these cables, adding their boxes to the index (whose
 * other boxes, nodes and labels already placed, are obstacles). Mid labels
 * first: a VLAN label says more than an interface name.
 */
export function placeCableLabels(cables: readonly CableLabels[], index: BoxIndex): Map<string, CablePlacement> {
	const out = new Map<string, CablePlacement>();
	const geo = new Map<string, { len: number; ux: number; uy: number }>();
	for (const c of cables) {
		index.remove(labelOwner(c.id));
		const len = Math.hypot(c.t.x - c.s.x, c.t.y - c.s.y);
		geo.set(c.id, { len, ux: len ? (c.t.x - c.s.x) / len : 0, uy: len ? (c.t.y - c.s.y) / len : 0 });
		out.set(c.id, { source: null, target: null, mid: null });
	}
	// the half extent of a label along the cable: how far its centre must be from an end
	const reach = (s: Size, ux: number, uy: number) => Math.abs(ux) * (s.w / 2 + GAP) + Math.abs(uy) * (s.h / 2 + GAP);

	for (const c of cables) {
		if (!c.mid) continue;
		const { len, ux, uy } = geo.get(c.id)!;
		const r = reach(c.mid, ux, uy);
		// from the middle outwards, alternating sides
		for (let k = 0; k * STEP <= len / 2 - r; k++) {
			let placed = false;
			for (const sign of k ? [-1, 1] : [1]) {
				const d = sign * k * STEP;
				const at = { x: (c.s.x + c.t.x) / 2 + ux * d, y: (c.s.y + c.t.y) / 2 + uy * d };
				const box = around(at, c.mid);
				if (!index.free(box)) continue;
				index.add(labelOwner(c.id), box);
				out.get(c.id)!.mid = { x: ux * d, y: uy * d };
				placed = true;
				break;
			}
			if (placed) break;
		}
	}
	for (const c of cables) {
		const { len, ux, uy } = geo.get(c.id)!;
		const place = (size: Size | undefined, from: Point, sx: number, sy: number): number | null => {
			if (!size) return null;
			const r = reach(size, ux, uy);
			for (let o = Math.ceil(r); o <= len - r; o += STEP) {
				const box = around({ x: from.x + sx * o, y: from.y + sy * o }, size);
				if (!index.free(box)) continue;
				index.add(labelOwner(c.id), box);
				return o;
			}
			return null;
		};
		const p = out.get(c.id)!;
		p.source = place(c.source, c.s, ux, uy);
		p.target = place(c.target, c.t, -ux, -uy);
	}
	return out;
}
