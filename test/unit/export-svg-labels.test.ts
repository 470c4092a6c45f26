/**
 * The SVG export draws no text over other text and no badge over a guest
 * (#20): a hypervisor with a warning and guests, switch ports with VLANs on
 * short cables, laid out the way the canvas places cable labels.
 */
import { describe, it, expect } from 'vitest';
import cytoscape from 'cytoscape';
import { canvasSvg } from '../../src/lib/ui/export/svg';
import { canvasStyle } from '../../src/lib/canvas/style';
import { topologyToElements } from '../../src/lib/canvas/elements';
import { BoxIndex, placeCableLabels, type CableLabels } from '../../src/lib/canvas/label-layout';
import { loadTopology } from '../../src/lib/model/load';

const ICON = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"/>').toString('base64')}`;

const DESIGN = `
vnet: 1
name: kvm-vlan-lab
nodes:
  hv1: { kind: hypervisor, interfaces: { eth0: { ip: 192.168.1.5/24, gateway: 192.168.1.99 } } }
  vm1: { kind: vm, on: hv1, position: { x: 100, y: 100 }, interfaces: { eth0: { ip: 10.0.10.11/24 } } }
  vm2: { kind: vm, on: hv1, position: { x: 220, y: 100 }, interfaces: { eth0: { ip: 10.0.20.12/24 } } }
  sw1: { kind: switch, position: { x: 160, y: 300 }, interfaces: { p1: { vlan: 10 }, p2: { vlan: 20 }, p24: { trunk: [10, 20] } } }
  r1: { kind: router, position: { x: 330, y: 330 }, interfaces: { eth0: {}, eth0.10: { ip: 10.0.10.1/24 }, eth0.20: { ip: 10.0.20.1/24 } } }
links:
  - { a: vm1.eth0, b: sw1.p1 }
  - { a: vm2.eth0, b: sw1.p2 }
  - { a: sw1.p24, b: r1.eth0 }
`;

interface Box {
	what: string;
	x1: number;
	y1: number;
	x2: number;
	y2: number;
}

const num = (tag: string, attr: string) => Number(new RegExp(`\\s${attr}="(-?[0-9.]+)"`).exec(tag)?.[1] ?? NaN);

/** The text boxes of an SVG export: each text's background rectangle (every canvas label has one). */
function textBoxes(svg: string): Box[] {
	const out: Box[] = [];
	for (const m of svg.matchAll(/(<rect [^>]*rx="3"[^>]*\/>)<text [^>]*>(.*?)<\/text>/g)) {
		const x1 = num(m[1], 'x');
		const y1 = num(m[1], 'y');
		out.push({ what: m[2].replace(/<[^>]+>/g, ' ').trim(), x1, y1, x2: x1 + num(m[1], 'width'), y2: y1 + num(m[1], 'height') });
	}
	return out;
}

function imageBoxes(svg: string): Box[] {
	return [...svg.matchAll(/<image [^>]*\/>/g)].map((m) => {
		const x1 = num(m[0], 'x');
		const y1 = num(m[0], 'y');
		return { what: /href="([^"]{0,40})/.exec(m[0])![1], x1, y1, x2: x1 + num(m[0], 'width'), y2: y1 + num(m[0], 'height') };
	});
}

const meet = (a: Box, b: Box) => Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) > 0.5 && Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > 0.5;

function drawn() {
	const loaded = loadTopology(DESIGN, 'lab.vnet.yaml');
	if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
	const topology = loaded.topology;
	const diagnostics = [{ severity: 'warning' as const, file: 'lab.vnet.yaml', line: 0, col: 0, path: 'nodes.hv1.interfaces.eth0.gateway', message: 'gateway not found', code: 'gateway-not-found' }];
	const cy = cytoscape({ headless: true, styleEnabled: true, style: canvasStyle(() => ICON), elements: topologyToElements(topology, { diagnostics }), layout: { name: 'preset' } });
	// the canvas's label placement, with text measured as the export measures it
	const size = (text: string) => ({ w: text.length * 9 * 0.58 + 4, h: 13.7 });
	const index = new BoxIndex();
	// each node's icon and caption, as the export draws them (11 px lines under a 48 px icon)
	cy.nodes(':childless').forEach((n) => {
		const p = n.position();
		const lines = String(n.data('caption')).split('\n');
		const half = Math.max(24, (Math.max(...lines.map((l) => l.length)) * 11 * 0.58 + 4) / 2);
		index.add(`node:${n.id()}`, { x1: p.x - half, y1: p.y - 24, x2: p.x + half, y2: p.y + 30 + lines.length * 14.3 + 2 });
	});
	const cables: CableLabels[] = cy.edges('.link').map((e) => {
		const s = e.source().position();
		const t = e.target().position();
		const len = Math.hypot(t.x - s.x, t.y - s.y);
		const u = { x: (t.x - s.x) / len, y: (t.y - s.y) / len };
		return {
			id: e.id(),
			s: { x: s.x + u.x * 24, y: s.y + u.y * 24 },
			t: { x: t.x - u.x * 24, y: t.y - u.y * 24 },
			source: size(e.data('sourceLabel')),
			target: size(e.data('targetLabel')),
			mid: e.data('vlanLabel') ? size(e.data('vlanLabel')) : undefined
		};
	});
	for (const [id, p] of placeCableLabels(cables, index)) {
		cy.getElementById(id).data({ sOff: p.source ?? 0, tOff: p.target ?? 0, sHide: p.source === null, tHide: p.target === null, mx: p.mid?.x ?? 0, my: p.mid?.y ?? 0, midHide: p.mid === null });
	}
	return cy;
}

describe('canvas SVG: nothing covers a label or a guest', () => {
	it('no two text boxes intersect', async () => {
		const svg = await canvasSvg(drawn(), { bg: '#0f172a' });
		const boxes = textBoxes(svg);
		expect(boxes.map((b) => b.what)).toEqual(expect.arrayContaining(['VLAN 10', 'VLAN 20', 'p1', 'p24', '10,20']));
		const found: string[] = [];
		for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (meet(boxes[i], boxes[j])) found.push(`${boxes[i].what} × ${boxes[j].what}`);
		expect(found).toEqual([]);
	});

	it("the hypervisor's warning badge covers none of its guests", async () => {
		const cy = drawn();
		const svg = await canvasSvg(cy, { bg: '#0f172a' });
		const images = imageBoxes(svg);
		// the badge is in the file (the canvas shows it), in the hypervisor's box
		expect(images.length).toBe(6);
		const guests = ['vm1', 'vm2'].map((id) => {
			const b = cy.getElementById(id).boundingBox({ includeLabels: false });
			return { what: id, ...b };
		});
		const over = images.flatMap((img) => guests.filter((g) => meet(img, g) && !(img.x1 >= g.x1 - 1 && img.x2 <= g.x2 + 1 && img.y1 >= g.y1 - 1 && img.y2 <= g.y2 + 1)).map((g) => `${img.what} × ${g.what}`));
		expect(over).toEqual([]);
	});
});
