/** Boxes and points in model units, shared by node placement and label layout. */
export interface Box {
	x1: number;
	y1: number;
	x2: number;
	y2: number;
}

export interface Point {
	x: number;
	y: number;
}

/** Whether two boxes overlap with positive area (touching edges do not count). */
export function boxesIntersect(a: Box, b: Box): boolean {
	return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}
