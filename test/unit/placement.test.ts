import { describe, expect, test } from 'vitest';
import { freeSpot, NEW_NODE_BOX, type Box } from '../../src/lib/canvas/placement';

const boxOf = (p: { x: number; y: number }): Box => ({ x1: p.x - NEW_NODE_BOX.left, x2: p.x + NEW_NODE_BOX.right, y1: p.y - NEW_NODE_BOX.top, y2: p.y + NEW_NODE_BOX.bottom });
const overlap = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

describe('placing a clicked node', () => {
	test('the middle of the view when it is free', () => {
		expect(freeSpot({ x: 100, y: 100 }, [])).toEqual({ x: 100, y: 100 });
	});

	test('ten nodes placed one after another never overlap each other or what was there (a hypervisor box)', () => {
		const boxes: Box[] = [{ x1: -200, y1: -120, x2: 150, y2: 160 }];
		for (let i = 0; i < 10; i++) {
			const p = freeSpot({ x: 0, y: 0 }, boxes);
			const b = boxOf(p);
			for (const o of boxes) expect(overlap(b, o)).toBe(false);
			boxes.push(b);
		}
		// and they stay near the middle
		for (const b of boxes.slice(1)) expect(Math.hypot((b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2)).toBeLessThan(700);
	});
});
