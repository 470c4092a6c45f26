/**
 * Align and distribute a multi-selection (draw.io, tldraw): pure geometry over
 * the boxes the canvas measured, then one undoable move of every node that
 * goes with a box (a hypervisor takes its guests, the way a drag does).
 */
import type { TopologyStore } from './store';
import { moveNodes } from './commands';

export type Arrangement = 'left' | 'center' | 'right' | 'top' | 'middle' | 'bottom' | 'distribute-x' | 'distribute-y';

/** A selected node as drawn: its box's centre and size, and the nodes that move with it. */
export interface ArrangeBox {
	id: string;
	/** centre of the drawn box */
	x: number;
	y: number;
	w: number;
	h: number;
	/** the positions that move with the box (a hypervisor: its guests); the node itself when absent */
	members?: { id: string; x: number; y: number }[];
}

export const ARRANGEMENT_LABELS: Record<Arrangement, string> = {
	left: 'Align left edges',
	center: 'Align centres horizontally',
	right: 'Align right edges',
	top: 'Align top edges',
	middle: 'Align centres vertically',
	bottom: 'Align bottom edges',
	'distribute-x': 'Distribute horizontally',
	'distribute-y': 'Distribute vertically'
};

/** How far each box moves. Align needs two boxes, distribute three (the outer two stay). */
export function arrangeDeltas(boxes: readonly ArrangeBox[], how: Arrangement): Map<string, { dx: number; dy: number }> {
	const out = new Map<string, { dx: number; dy: number }>();
	if (boxes.length < 2) return out;
	const left = (b: ArrangeBox) => b.x - b.w / 2;
	const top = (b: ArrangeBox) => b.y - b.h / 2;
	const set = (b: ArrangeBox, dx: number, dy: number) => out.set(b.id, { dx, dy });
	switch (how) {
		case 'left': {
			const to = Math.min(...boxes.map(left));
			for (const b of boxes) set(b, to - left(b), 0);
			break;
		}
		case 'right': {
			const to = Math.max(...boxes.map((b) => b.x + b.w / 2));
			for (const b of boxes) set(b, to - (b.x + b.w / 2), 0);
			break;
		}
		case 'center': {
			// the centre of the selection's bounds, so the group stays where it was
			const to = (Math.min(...boxes.map(left)) + Math.max(...boxes.map((b) => b.x + b.w / 2))) / 2;
			for (const b of boxes) set(b, to - b.x, 0);
			break;
		}
		case 'top': {
			const to = Math.min(...boxes.map(top));
			for (const b of boxes) set(b, 0, to - top(b));
			break;
		}
		case 'bottom': {
			const to = Math.max(...boxes.map((b) => b.y + b.h / 2));
			for (const b of boxes) set(b, 0, to - (b.y + b.h / 2));
			break;
		}
		case 'middle': {
			const to = (Math.min(...boxes.map(top)) + Math.max(...boxes.map((b) => b.y + b.h / 2))) / 2;
			for (const b of boxes) set(b, 0, to - b.y);
			break;
		}
		case 'distribute-x':
		case 'distribute-y': {
			if (boxes.length < 3) return out;
			const x = how === 'distribute-x';
			const start = (b: ArrangeBox) => (x ? left(b) : top(b));
			const size = (b: ArrangeBox) => (x ? b.w : b.h);
			const sorted = [...boxes].sort((a, b) => (x ? a.x - b.x : a.y - b.y) || a.id.localeCompare(b.id));
			const first = sorted[0];
			const last = sorted[sorted.length - 1];
			// equal gaps between neighbours' edges, the outer two boxes fixed (as draw.io and Figma do)
			const span = start(last) + size(last) - start(first);
			const gap = (span - sorted.reduce((s, b) => s + size(b), 0)) / (sorted.length - 1);
			let at = start(first);
			for (const b of sorted) {
				const d = at - start(b);
				set(b, x ? d : 0, x ? 0 : d);
				at += size(b) + gap;
			}
			break;
		}
	}
	return out;
}

/** Arranges the boxes in the document: one undo step, nothing recorded when nothing moves. */
export function arrange(store: TopologyStore, boxes: readonly ArrangeBox[], how: Arrangement): boolean {
	const deltas = arrangeDeltas(boxes, how);
	const moves: { id: string; x: number; y: number }[] = [];
	for (const b of boxes) {
		const d = deltas.get(b.id);
		if (!d || (Math.abs(d.dx) < 0.5 && Math.abs(d.dy) < 0.5)) continue;
		for (const m of b.members ?? [{ id: b.id, x: b.x, y: b.y }]) moves.push({ id: m.id, x: m.x + d.dx, y: m.y + d.dy });
	}
	return moveNodes(store, moves, ARRANGEMENT_LABELS[how]);
}
