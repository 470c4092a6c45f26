/**
 * The scenario's moment on the canvas: failed nodes and cables drawn red and
 * dashed, and the path one flow takes at that moment (in its colour; where it
 * is lost, a chip says why). Like the packet overlay it never touches
 * cytoscape's elements: it draws on its own transparent <canvas> on top,
 * redrawn whenever cytoscape renders (pan, zoom, drag).
 */
import type { Core, EdgeSingular, NodeSingular } from 'cytoscape';
import { OverlayLayer, drawChip } from '$lib/canvas/overlay-layer';
import { parentIface, splitEndpoint } from '$lib/model/net';

export interface ScenarioScene {
	/** node ids failed now */
	nodes: string[];
	/** cables (index in topology.links) dead now: failed cables, cables of failed interfaces and nodes */
	links: number[];
	/** interfaces administratively down: "n.if" */
	ifaces: string[];
	/** the highlighted flow's path now */
	path: { links: number[]; nodes: string[]; ok: boolean; color: string; label: string; reason: string } | null;
	/** words next to nodes: "VRRP master" */
	chips: { node: string; text: string; color: string }[];
}

const RED = '#f87171';

export class ScenarioOverlay {
	#cy: Core;
	#layer: OverlayLayer;
	#ctx: CanvasRenderingContext2D;
	#scene: ScenarioScene = { nodes: [], links: [], ifaces: [], path: null, chips: [] };

	constructor(cy: Core) {
		this.#cy = cy;
		this.#layer = new OverlayLayer(cy, 'vnet-scenario', 4, () => this.#draw());
		this.#ctx = this.#layer.ctx;
	}

	set(scene: ScenarioScene) {
		this.#scene = scene;
		this.#schedule();
	}

	destroy() {
		this.#layer.destroy();
	}

	#schedule() {
		this.#layer.schedule();
	}

	#edge(link: number): EdgeSingular | null {
		const e = this.#cy.edges().filter((x) => x.data('link') === link && !x.data('manages'));
		// a cable not drawn (a pod's cable inside its node's compound) has no endpoints to stroke
		return e.nonempty() && e[0].renderedSourceEndpoint() && e[0].renderedTargetEndpoint() ? (e[0] as EdgeSingular) : null;
	}

	#node(id: string): NodeSingular | null {
		const n = this.#cy.getElementById(id);
		return n.nonempty() && n.isNode() ? (n as NodeSingular) : null;
	}

	#draw() {
		if (!this.#layer.begin()) return;
		const ctx = this.#ctx;
		const zoom = this.#cy.zoom();
		const s = this.#scene;

		// the flow's path, under the faults
		if (s.path) {
			const p = s.path;
			ctx.save();
			ctx.strokeStyle = p.color;
			ctx.lineWidth = Math.max(4, Math.min(9, 6 * zoom));
			ctx.lineCap = 'round';
			ctx.globalAlpha = 0.55;
			ctx.shadowColor = p.color;
			ctx.shadowBlur = 10;
			for (const l of p.links) this.#strokeEdge(l);
			ctx.restore();
			for (const n of p.nodes) this.#ring(n, p.color, 0.6, 2);
			const last = p.nodes[p.nodes.length - 1];
			if (!p.ok && last) this.#chip(last, `${p.label}: lost here`, RED, 'above');
		}

		// dead cables
		ctx.save();
		ctx.strokeStyle = RED;
		ctx.lineWidth = Math.max(3, Math.min(6, 4 * zoom));
		ctx.setLineDash([8, 6]);
		ctx.lineCap = 'butt';
		for (const l of s.links) this.#strokeEdge(l);
		ctx.restore();
		for (const l of s.links) {
			const e = this.#edge(l);
			if (e) this.#cross(clearSpotOn(e));
		}
		// interfaces down: a red dot where the cable meets the node
		for (const end of s.ifaces) {
			const { node, iface: name } = splitEndpoint(end);
			const iface = parentIface(name);
			const e = this.#cy.edges().filter((x) => (x.source().id() === node && String(x.data('sourceLabel') ?? '').split('.')[0] === iface) || (x.target().id() === node && String(x.data('targetLabel') ?? '').split('.')[0] === iface));
			if (!e.nonempty()) continue;
			const edge = e[0] as EdgeSingular;
			const p = edge.source().id() === node ? edge.renderedSourceEndpoint() : edge.renderedTargetEndpoint();
			ctx.save();
			ctx.fillStyle = RED;
			ctx.beginPath();
			ctx.arc(p.x, p.y, 6, 0, Math.PI * 2);
			ctx.fill();
			ctx.restore();
		}
		for (const n of s.nodes) {
			this.#ring(n, RED, 1, 3, true);
			this.#chip(n, 'down', RED, 'above');
		}
		for (const c of s.chips) if (!s.nodes.includes(c.node)) this.#chip(c.node, c.text, c.color, 'below');
	}

	#strokeEdge(link: number) {
		const e = this.#edge(link);
		if (!e) return;
		const a = e.renderedSourceEndpoint();
		const b = e.renderedTargetEndpoint();
		const ctx = this.#ctx;
		ctx.beginPath();
		ctx.moveTo(a.x, a.y);
		ctx.lineTo(b.x, b.y);
		ctx.stroke();
	}

	#cross(p: { x: number; y: number }) {
		const ctx = this.#ctx;
		ctx.save();
		ctx.fillStyle = '#0b1220';
		ctx.strokeStyle = RED;
		ctx.lineWidth = 2;
		ctx.beginPath();
		ctx.arc(p.x, p.y, 9, 0, Math.PI * 2);
		ctx.fill();
		ctx.stroke();
		ctx.beginPath();
		ctx.moveTo(p.x - 4, p.y - 4);
		ctx.lineTo(p.x + 4, p.y + 4);
		ctx.moveTo(p.x + 4, p.y - 4);
		ctx.lineTo(p.x - 4, p.y + 4);
		ctx.stroke();
		ctx.restore();
	}

	#ring(id: string, color: string, alpha: number, width: number, dashed = false) {
		const n = this.#node(id);
		if (!n) return;
		// around the caption too: a frame through a node's name hides it
		const bb = n.renderedBoundingBox({ includeLabels: true, includeOverlays: false });
		const ctx = this.#ctx;
		ctx.save();
		ctx.globalAlpha = alpha;
		ctx.strokeStyle = color;
		ctx.lineWidth = width;
		if (dashed) ctx.setLineDash([6, 4]);
		// inside the room the canvas keeps clear round a node (cable-labels.ts): the frame crosses no cable label
		const pad = 3;
		ctx.beginPath();
		ctx.roundRect(bb.x1 - pad, bb.y1 - pad, bb.x2 - bb.x1 + 2 * pad, bb.y2 - bb.y1 + 2 * pad, 12);
		ctx.stroke();
		ctx.restore();
	}

	#chip(id: string, text: string, color: string, where: 'above' | 'below') {
		const n = this.#node(id);
		if (!n) return;
		// outside the node's frame (#ring: 3 px around icon and caption), on the side no cable label is
		const bb = n.renderedBoundingBox({ includeLabels: true, includeOverlays: false });
		const x = (bb.x1 + bb.x2) / 2;
		const above = bb.y1 - 15;
		const below = bb.y2 + 15;
		const labels = cableLabelBoxes(n);
		const clear = (y: number) => !labels.some((b) => b.y1 < y + 10 && b.y2 > y - 10 && b.x1 < x + 40 && b.x2 > x - 40);
		const y = where === 'above' ? (clear(above) || !clear(below) ? above : below) : clear(below) || !clear(above) ? below : above;
		drawChip(this.#ctx, text, x, y, color, 'center');
	}
}

type Box = { x1: number; y1: number; x2: number; y2: number };

/** Rendered boxes of the labels (middle and ends) of a node's cables. */
function cableLabelBoxes(n: NodeSingular): Box[] {
	const out: Box[] = [];
	n.connectedEdges().forEach((e) => {
		for (const part of ['includeMainLabels', 'includeSourceLabels', 'includeTargetLabels']) {
			const b = e.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeMainLabels: false, includeSourceLabels: false, includeTargetLabels: false, [part]: true } as object);
			if (Number.isFinite(b.x1) && b.w > 0) out.push(b);
		}
	});
	return out;
}

/** Where on a dead cable its cross goes: the middle, or the nearest point along it clear of the cable's labels. */
function clearSpotOn(e: EdgeSingular): { x: number; y: number } {
	const a = e.renderedSourceEndpoint();
	const b = e.renderedTargetEndpoint();
	const labels = [e.source(), e.target()].flatMap((n) => cableLabelBoxes(n));
	const r = 10;
	for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
		const p = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
		if (!labels.some((l) => l.x1 < p.x + r && l.x2 > p.x - r && l.y1 < p.y + r && l.y2 > p.y - r)) return p;
	}
	return e.renderedMidpoint();
}
