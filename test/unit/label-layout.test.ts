import { describe, expect, it } from 'vitest';
import { BoxIndex, placeCableLabels, type Box, type CableLabels } from '../../src/lib/canvas/label-layout';

const size = (text: string) => ({ w: text.length * 5.4 + 4, h: 13 });

function boxesOf(c: CableLabels, p: ReturnType<typeof placeCableLabels> extends Map<string, infer P> ? P : never): Box[] {
	const len = Math.hypot(c.t.x - c.s.x, c.t.y - c.s.y);
	const u = { x: (c.t.x - c.s.x) / len, y: (c.t.y - c.s.y) / len };
	const box = (x: number, y: number, s: { w: number; h: number }) => ({ x1: x - s.w / 2, y1: y - s.h / 2, x2: x + s.w / 2, y2: y + s.h / 2 });
	const out: Box[] = [];
	if (c.source && p.source !== null) out.push(box(c.s.x + u.x * p.source, c.s.y + u.y * p.source, c.source));
	if (c.target && p.target !== null) out.push(box(c.t.x - u.x * p.target, c.t.y - u.y * p.target, c.target));
	if (c.mid && p.mid) out.push(box((c.s.x + c.t.x) / 2 + p.mid.x, (c.s.y + c.t.y) / 2 + p.mid.y, c.mid));
	return out;
}

const meet = (a: Box, b: Box) => Math.min(a.x2, b.x2) > Math.max(a.x1, b.x1) && Math.min(a.y2, b.y2) > Math.max(a.y1, b.y1);

describe('cable label placement', () => {
	it('a short vertical access cable keeps its VLAN label and both port names apart ("AN 10")', () => {
		const cable: CableLabels = { id: 'c', s: { x: 0, y: 0 }, t: { x: 0, y: 70 }, source: size('p24'), target: size('eth0'), mid: size('VLAN 10') };
		const placed = placeCableLabels([cable], new BoxIndex()).get('c')!;
		expect(placed.source).not.toBeNull();
		expect(placed.target).not.toBeNull();
		expect(placed.mid).not.toBeNull();
		const [a, b, c] = boxesOf(cable, placed);
		expect([meet(a, b), meet(a, c), meet(b, c)]).toEqual([false, false, false]);
	});

	it("slides a port name past a node's caption, and leaves out one with no room", () => {
		const index = new BoxIndex();
		// a caption right under the source end
		index.add('node:a', { x1: -40, y1: 0, x2: 40, y2: 30 });
		const cable: CableLabels = { id: 'c', s: { x: 0, y: 0 }, t: { x: 0, y: 120 }, source: size('eth0') };
		const placed = placeCableLabels([cable], index).get('c')!;
		expect(placed.source).toBeGreaterThan(30);
		const tiny: CableLabels = { id: 'd', s: { x: 300, y: 0 }, t: { x: 300, y: 10 }, source: size('eth0'), target: size('eth1') };
		expect(placeCableLabels([tiny], index).get('d')).toEqual({ source: null, target: null, mid: null });
	});

	it('many cables out of one switch: no two labels meet', () => {
		const cables: CableLabels[] = [];
		for (let i = 0; i < 12; i++) {
			const a = (i / 12) * Math.PI;
			cables.push({ id: `c${i}`, s: { x: 0, y: 0 }, t: { x: Math.cos(a) * 200, y: Math.sin(a) * 200 }, source: size(`p${i + 1}`), target: size('eth0'), mid: size(`VLAN ${10 * i}`) });
		}
		const placed = placeCableLabels(cables, new BoxIndex());
		const boxes = cables.flatMap((c) => boxesOf(c, placed.get(c.id)!));
		expect(boxes.length).toBeGreaterThan(24);
		for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(meet(boxes[i], boxes[j]), `${i} × ${j}`).toBe(false);
	});
});
