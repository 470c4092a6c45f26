import { describe, expect, test } from 'vitest';
import { DEFAULT_VLAN_COLOR, VLAN_PALETTE, vlanColor } from '../../src/lib/model/vlan-colors';
import { loadTopology } from '../../src/lib/model/load';
import { toDot, toMermaid } from '../../src/lib/interchange/diagram';
import { topologyToElements } from '../../src/lib/canvas/elements';

function rgb(hex: string): [number, number, number] {
	const n = Number.parseInt(hex.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
		const s = c / 255;
		return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	}) as [number, number, number];
}

// Viénot et al. (1999) dichromat simulation in linear RGB
const PROTAN = [
	[0.1124, 0.8876, 0],
	[0.1124, 0.8876, 0],
	[0.0040, -0.0040, 1]
];
const DEUTAN = [
	[0.2927, 0.7073, 0],
	[0.2927, 0.7073, 0],
	[-0.0223, 0.0223, 1]
];

function seenAs(hex: string, m?: number[][]): number[] {
	const c = rgb(hex);
	const v = m ? m.map((row) => row[0] * c[0] + row[1] * c[1] + row[2] * c[2]) : c;
	return v.map((x) => Math.cbrt(Math.max(0, x)));
}

function distance(a: string, b: string, m?: number[][]): number {
	const x = seenAs(a, m);
	const y = seenAs(b, m);
	return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}

describe('the VLAN palette', () => {
	test('is Okabe–Ito based and VLAN 1 stays the plain cable colour', () => {
		for (const c of ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7']) expect(VLAN_PALETTE).toContain(c);
		expect(vlanColor(1)).toBe(DEFAULT_VLAN_COLOR);
		expect(new Set(VLAN_PALETTE).size).toBe(VLAN_PALETTE.length);
	});

	test('ids 1, 10 and 100 apart get clearly different colours, for normal and red-green-deficient vision', () => {
		let worst = Infinity;
		for (let v = 2; v <= 4094; v++)
			for (const d of [1, 10, 100]) {
				const w = v + d;
				if (w > 4094) continue;
				const a = vlanColor(v);
				const b = vlanColor(w);
				expect(a, `VLAN ${v} vs ${w}`).not.toBe(b);
				worst = Math.min(worst, distance(a, b), distance(a, b, PROTAN), distance(a, b, DEUTAN));
			}
		expect(worst).toBeGreaterThan(0.25);
	});

	test('the usual VLAN ids of a design all differ (10 and 99 were both pink)', () => {
		const ids = [10, 20, 30, 40, 50, 99, 100, 200];
		expect(new Set(ids.map(vlanColor)).size).toBe(ids.length);
		expect(distance(vlanColor(10), vlanColor(99))).toBeGreaterThan(0.2);
	});

	test('the canvas and the DOT and Mermaid exports colour a VLAN the same', () => {
		const text = `vnet: 1
name: v
nodes:
  sw: { kind: switch, interfaces: { p1: { vlan: 10 }, p2: { vlan: 99 } } }
  a: { kind: host, interfaces: { eth0: { ip: 10.0.10.2/24 } } }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.99.2/24 } } }
links:
  - { a: a.eth0, b: sw.p1 }
  - { a: b.eth0, b: sw.p2 }
`;
		const r = loadTopology(text, 'v.vnet.yaml');
		if (!r.ok) throw new Error('bad fixture');
		const canvas = topologyToElements(r.topology)
			.map((e) => e.data.vlanColor as string | undefined)
			.filter(Boolean);
		expect(canvas.sort()).toEqual([vlanColor(10), vlanColor(99)].sort());
		for (const out of [toDot(r.topology), toMermaid(r.topology)]) {
			expect(out.toLowerCase()).toContain(vlanColor(10).toLowerCase());
			expect(out.toLowerCase()).toContain(vlanColor(99).toLowerCase());
		}
	});
});
