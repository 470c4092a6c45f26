/**
 * Where a node placed by a click goes (#20.2): the first free spot near the
 * middle of the view, in rings around it, where the new node's box (icon and
 * label) touches no other node's box, hypervisor boxes included. Pure.
 */
import { boxesIntersect, type Box, type Point } from './geometry';

export type { Box, Point };

/** The new node's box around its position: icon above, label below (as the canvas draws a node). */
export const NEW_NODE_BOX = { left: 50, right: 50, top: 34, bottom: 56 };

const MARGIN = 8;

function hits(p: Point, boxes: readonly Box[]): boolean {
	const b = { x1: p.x - NEW_NODE_BOX.left - MARGIN, x2: p.x + NEW_NODE_BOX.right + MARGIN, y1: p.y - NEW_NODE_BOX.top - MARGIN, y2: p.y + NEW_NODE_BOX.bottom + MARGIN };
	return boxes.some((o) => boxesIntersect(o, b));
}

/** The first free point around `center`, ring after ring (`step` apart); `center` itself when it is free. */
export function freeSpot(center: Point, boxes: readonly Box[], step = 60, rings = 40): Point {
	for (let ring = 0; ring <= rings; ring++) {
		const count = Math.max(1, ring * 8);
		for (let k = 0; k < count; k++) {
			const a = (k / count) * Math.PI * 2;
			const p = { x: Math.round(center.x + Math.cos(a) * ring * step), y: Math.round(center.y + Math.sin(a) * ring * step) };
			if (!hits(p, boxes)) return p;
		}
	}
	// everything near is taken: below everything
	const bottom = Math.max(center.y, ...boxes.map((b) => b.y2));
	return { x: Math.round(center.x), y: Math.round(bottom + NEW_NODE_BOX.top + MARGIN * 2) };
}
