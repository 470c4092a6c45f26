/**
 * Packets on the canvas: a transparent layer over cytoscape's drawing that
 * shows a probe's steps as dots moving along the links, the path behind them,
 * a ring and a word at the node that just decided, and SRC / DST markers.
 *
 * It never adds, removes or restyles cytoscape elements (the diagram stays
 * the editor's): it reads positions from cytoscape and draws on its own
 * <canvas>, redrawn whenever cytoscape renders (pan, zoom, drag) or the frame
 * changes.
 *
 * Places are the engine's: a node id and an interface. Virtual nodes of a
 * hypervisor ("hv:nat", "hv:bridge:eth0", "hv:host-only") are drawn at the
 * segment the canvas shows inside the hypervisor ("seg:hv:nat", ...) when it
 * has one, else at the hypervisor; the bridge's "uplink" port is the
 * hypervisor's uplink cable.
 */
import type { Core, EdgeSingular, NodeSingular, Position } from 'cytoscape';
import { OverlayLayer, drawChip, roundRect } from './overlay-layer';
import { COLORS, cssColor } from './style';

export interface Place {
	node: string;
	iface: string | null;
}

export interface AnimStep {
	/** where the packet goes in this step; the first place is where it was */
	path: Place[];
	color: string;
	/** dots drawn (fragments) */
	packets: number;
	/** a word next to the moving packet ("ARP", "×6") */
	tag?: string;
	/** on arrival: a ring around the node and a word (the decision) */
	mark?: { color: string; label: string; strong?: boolean };
	/** the path of this step is not kept once done (ARP) */
	transient?: boolean;
	/** keep to the right of the link by this many lanes (a few pixels), so a request and its reply on the same link both stay visible */
	lane?: number;
	/** the packet travels inside an outer header (VXLAN on the underlay): drawn with a double outline */
	outer?: boolean;
}

export interface Marker {
	node: string;
	label: string;
	color: string;
}

type Pt = { x: number; y: number };

/** pixels between the request's and the reply's paths on the same link */
const LANE = 3.5;

// the node a place is drawn at ("hv:nat" → "hv") is the model's, shared with the headless player
export { canvasNodeOf } from '$lib/model/node-names';

/** The interface of the drawn node a place's interface stands for, if any. */
export function canvasIfaceOf(p: Place): string | null {
	const parts = p.node.split(':');
	if (parts.length > 1) return parts[1] === 'bridge' && p.iface === 'uplink' ? (parts[2] ?? null) : null;
	return p.iface ? p.iface.split('.')[0] : null;
}

function ease(t: number): number {
	return t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
}

export class PacketOverlay {
	#cy: Core;
	#layer: OverlayLayer;
	#ctx: CanvasRenderingContext2D;
	#steps: AnimStep[] = [];
	#index = -1;
	#t = 1;
	#markers: Marker[] = [];
	#highlight: string | null = null;
	#edgeIndex: Map<string, EdgeSingular> | null = null;
	#onElements = () => {
		this.#edgeIndex = null;
		this.#schedule();
	};

	constructor(cy: Core) {
		this.#cy = cy;
		this.#layer = new OverlayLayer(cy, 'vnet-packets', 5, () => this.#draw());
		this.#ctx = this.#layer.ctx;
		cy.on('add remove data', this.#onElements);
	}

	/** The steps of the probe to show (replaces the previous probe). */
	setSteps(steps: AnimStep[]) {
		this.#steps = steps;
		this.#index = Math.min(this.#index, steps.length - 1);
		this.#schedule();
	}

	/** Show step `index`, its packet `t` of the way (0..1) along its path. */
	setFrame(index: number, t: number) {
		this.#index = index;
		this.#t = Math.max(0, Math.min(1, t));
		this.#schedule();
	}

	setMarkers(markers: Marker[]) {
		this.#markers = markers;
		this.#schedule();
	}

	/** Outline one node (e.g. the node of a traceroute line under the mouse). */
	setHighlight(node: string | null) {
		this.#highlight = node;
		this.#schedule();
	}

	clear() {
		this.#steps = [];
		this.#index = -1;
		this.#schedule();
	}

	destroy() {
		this.#cy.off('add remove data', this.#onElements);
		this.#layer.destroy();
	}

	/** The model-coordinate points a step's packet moves through. */
	stepPoints(step: AnimStep): Pt[] {
		const pts: Pt[] = [];
		const add = (p: Pt | null) => {
			if (!p) return;
			const l = pts[pts.length - 1];
			if (!l || Math.hypot(l.x - p.x, l.y - p.y) > 0.5) pts.push({ x: p.x, y: p.y });
		};
		if (step.path.length === 1) add(this.#pointAt(this.#canvasNode(step.path[0].node), null));
		for (let i = 0; i + 1 < step.path.length; i++) {
			const a = step.path[i];
			const b = step.path[i + 1];
			const na = this.#canvasNode(a.node);
			const nb = this.#canvasNode(b.node);
			if (na === nb) {
				add(this.#pointAt(na, null));
				continue;
			}
			const edge = this.#edgeBetween(a, b, na, nb);
			add(this.#pointAt(na, edge, nb));
			if (!edge) add(this.#through(na, nb) ?? this.#through(nb, na));
			add(this.#pointAt(nb, edge, na));
		}
		return pts;
	}

	/**
	 * The drawn node of an engine node: a hypervisor's segment shown on the
	 * canvas ("hv:bridge:eth0" → "seg:hv:bridged:eth0"), else the hypervisor.
	 */
	#canvasNode(id: string): string {
		const parts = id.split(':');
		if (parts.length === 1) return id;
		const [hv, kind, ...rest] = parts;
		const name = rest.join(':');
		const candidates = kind === 'bridge' ? [`seg:${hv}:bridged:${name}`, `seg:${hv}:bridged:`] : kind === 'internal' ? [`seg:${hv}:internal:${name}`] : [`seg:${hv}:${kind}`];
		for (const c of candidates) if (this.#node(c)) return c;
		return hv;
	}

	/** From a segment inside a hypervisor box to a node outside: through where the box's cable to it meets the box. */
	#through(inner: string, outer: string): Position | null {
		const n = this.#node(inner);
		const up = n?.parent();
		if (!n || !up || up.empty()) return null;
		const parent = up[0] as NodeSingular;
		if (parent.id() === outer) return null;
		const o = this.#node(outer);
		const oParent = o?.parent();
		if (!o || (oParent && oParent.nonempty() && oParent[0].id() === parent.id())) return null;
		const e = parent.edgesWith(o).filter((x) => !x.data('manages'));
		if (e.empty()) return null;
		const edge = e[0] as EdgeSingular;
		return edge.source().id() === parent.id() ? edge.sourceEndpoint() : edge.targetEndpoint();
	}

	// ----------------------------------------------------------------- geometry

	#node(id: string): NodeSingular | null {
		const n = this.#cy.getElementById(id);
		return n.nonempty() && n.isNode() ? (n as NodeSingular) : null;
	}

	#edges(): Map<string, EdgeSingular> {
		if (this.#edgeIndex) return this.#edgeIndex;
		const m = new Map<string, EdgeSingular>();
		this.#cy.edges().forEach((e) => {
			const s = e.data('sourceLabel');
			const t = e.data('targetLabel');
			if (typeof s === 'string' && s) m.set(`${e.source().id()}|${s.split('.')[0]}`, e);
			if (typeof t === 'string' && t) m.set(`${e.target().id()}|${t.split('.')[0]}`, e);
		});
		this.#edgeIndex = m;
		return m;
	}

	#edgeBetween(a: Place, b: Place, na: string, nb: string): EdgeSingular | null {
		const idx = this.#edges();
		const joins = (e: EdgeSingular | undefined) => !!e && ((e.source().id() === na && e.target().id() === nb) || (e.source().id() === nb && e.target().id() === na));
		const ia = canvasIfaceOf(a);
		const ib = canvasIfaceOf(b);
		const byA = ia ? idx.get(`${na}|${ia}`) : undefined;
		if (joins(byA)) return byA!;
		const byB = ib ? idx.get(`${nb}|${ib}`) : undefined;
		if (joins(byB)) return byB!;
		const A = this.#node(na);
		const B = this.#node(nb);
		if (!A || !B) return null;
		const any = A.edgesWith(B).filter((e) => !e.data('manages'));
		return any.nonempty() ? (any[0] as EdgeSingular) : null;
	}

	/** Where a packet is at a node: its centre, or for a hypervisor box, where the cable meets it. */
	#pointAt(id: string, edge: EdgeSingular | null, other?: string): Position | null {
		const n = this.#node(id);
		if (!n) return null;
		if (!n.isParent()) return n.position();
		if (edge) return edge.source().id() === id ? edge.sourceEndpoint() : edge.targetEndpoint();
		// inside the box (to a guest): from where its first cable meets it
		const first = n.connectedEdges().filter((e) => !e.data('manages'));
		if (first.nonempty() && other !== undefined) {
			const e = first[0] as EdgeSingular;
			return e.source().id() === id ? e.sourceEndpoint() : e.targetEndpoint();
		}
		const bb = n.boundingBox({ includeLabels: false });
		return { x: (bb.x1 + bb.x2) / 2, y: bb.y1 };
	}

	// ------------------------------------------------------------------ drawing

	#schedule() {
		this.#layer.schedule();
	}

	#draw() {
		if (!this.#layer.begin()) return;
		const ctx = this.#ctx;
		const zoom = this.#cy.zoom();
		const pan = this.#cy.pan();
		const R = (p: Pt): Pt => ({ x: p.x * zoom + pan.x, y: p.y * zoom + pan.y });
		const width = Math.max(3, Math.min(7, 4.5 * zoom));

		// the way behind the packet
		for (let i = 0; i <= this.#index && i < this.#steps.length; i++) {
			const s = this.#steps[i];
			if (s.transient && i < this.#index) continue;
			const pts = offsetPolyline(this.stepPoints(s).map(R), (s.lane ?? 0) * LANE);
			if (pts.length < 2) continue;
			const upTo = i < this.#index ? 1 : ease(this.#t);
			ctx.save();
			ctx.strokeStyle = s.color;
			ctx.globalAlpha = i === this.#index ? 0.75 : 0.4;
			ctx.lineWidth = width;
			ctx.lineCap = 'round';
			ctx.lineJoin = 'round';
			if (s.transient) ctx.setLineDash([6, 6]);
			if (s.outer) {
				// the outer header round the packet: two rules either side of the path
				ctx.lineWidth = width + 8;
				strokePartial(ctx, pts, upTo);
				ctx.strokeStyle = cssColor('--canvas-bg', COLORS.bg);
				ctx.lineWidth = width + 4;
				strokePartial(ctx, pts, upTo);
				ctx.strokeStyle = s.color;
				ctx.lineWidth = width;
			}
			strokePartial(ctx, pts, upTo);
			ctx.restore();
		}

		if (this.#highlight) this.#ring(this.#highlight, cssColor('--canvas-text', COLORS.text), 1, true);
		for (const m of this.#markers) this.#pill(m.node, m.label, m.color, 'left');

		const cur = this.#steps[this.#index];
		if (!cur) return;
		const pts = offsetPolyline(this.stepPoints(cur).map(R), (cur.lane ?? 0) * LANE);
		if (!pts.length) return;
		const arrived = this.#t >= 1;
		const last = cur.path[cur.path.length - 1];
		if (arrived && cur.mark) {
			this.#ring(this.#canvasNode(last.node), cur.mark.color, cur.mark.strong ? 1 : 0.85, false);
			this.#pill(this.#canvasNode(last.node), cur.mark.label, cur.mark.color, 'above');
		}
		// the packet(s)
		const total = polyLength(pts);
		const d = ease(this.#t) * total;
		const n = Math.min(cur.packets, 8);
		const gap = Math.max(9, 12 * zoom);
		const r = Math.max(4.5, Math.min(8, 6 * zoom));
		for (let k = n - 1; k >= 0; k--) {
			const p = pointAlong(pts, Math.max(0, d - k * gap));
			ctx.beginPath();
			ctx.arc(p.x, p.y, k === 0 ? r : r * 0.8, 0, Math.PI * 2);
			ctx.fillStyle = cur.color;
			ctx.shadowColor = cur.color;
			ctx.shadowBlur = 12;
			ctx.fill();
			ctx.shadowBlur = 0;
			ctx.lineWidth = 2;
			ctx.strokeStyle = '#0b1220';
			ctx.stroke();
			if (cur.outer) {
				// the outer header: a second ring round the packet
				ctx.beginPath();
				ctx.arc(p.x, p.y, (k === 0 ? r : r * 0.8) + 4, 0, Math.PI * 2);
				ctx.lineWidth = 2;
				ctx.strokeStyle = cur.color;
				ctx.stroke();
			}
		}
		if (cur.tag) {
			const p = pointAlong(pts, d);
			drawChip(ctx, cur.tag, p.x + r + 6, p.y - r - 6, cur.color, 'left');
		}
	}

	#ring(id: string, color: string, alpha: number, thin: boolean) {
		const n = this.#node(id);
		if (!n) return;
		const bb = n.renderedBoundingBox({ includeLabels: false });
		const ctx = this.#ctx;
		ctx.save();
		ctx.globalAlpha = alpha;
		ctx.strokeStyle = color;
		ctx.lineWidth = thin ? 1.5 : 3;
		ctx.shadowColor = color;
		ctx.shadowBlur = thin ? 0 : 14;
		const pad = 6;
		ctx.beginPath();
		roundRect(ctx, bb.x1 - pad, bb.y1 - pad, bb.x2 - bb.x1 + 2 * pad, bb.y2 - bb.y1 + 2 * pad, n.isParent() ? 12 : 14);
		ctx.stroke();
		ctx.restore();
	}

	#pill(id: string, text: string, color: string, where: 'above' | 'left') {
		const n = this.#node(id);
		if (!n) return;
		if (where === 'left') {
			// beside the icon (its caption is below it, the decision above it)
			const bb = n.renderedBoundingBox({ includeLabels: false });
			const y = n.isParent() ? bb.y1 + 16 : (bb.y1 + bb.y2) / 2;
			drawChip(this.#ctx, text, bb.x1 - 6, y, color, 'right');
			return;
		}
		// a hypervisor box has its caption above it: go above the caption
		const bb = n.renderedBoundingBox({ includeLabels: n.isParent() });
		drawChip(this.#ctx, text, (bb.x1 + bb.x2) / 2, bb.y1 - 14, color, 'center');
	}
}

/** The polyline moved `d` pixels to its right (a lane along the links). */
export function offsetPolyline(pts: Pt[], d: number): Pt[] {
	if (!d || pts.length < 2) return pts;
	const normals: Pt[] = [];
	for (let i = 1; i < pts.length; i++) {
		const dx = pts[i].x - pts[i - 1].x;
		const dy = pts[i].y - pts[i - 1].y;
		const l = Math.hypot(dx, dy) || 1;
		normals.push({ x: -dy / l, y: dx / l });
	}
	return pts.map((p, i) => {
		const a = normals[Math.max(0, i - 1)];
		const b = normals[Math.min(normals.length - 1, i)];
		let nx = a.x + b.x;
		let ny = a.y + b.y;
		const l = Math.hypot(nx, ny);
		if (l < 1e-6) {
			nx = b.x;
			ny = b.y;
		} else {
			nx /= l;
			ny /= l;
		}
		return { x: p.x + nx * d, y: p.y + ny * d };
	});
}

function polyLength(pts: Pt[]): number {
	let s = 0;
	for (let i = 1; i < pts.length; i++) s += Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
	return s;
}

function pointAlong(pts: Pt[], d: number): Pt {
	if (pts.length === 1 || d <= 0) return pts[0];
	for (let i = 1; i < pts.length; i++) {
		const seg = Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
		if (d <= seg && seg > 0) {
			const f = d / seg;
			return { x: pts[i - 1].x + (pts[i].x - pts[i - 1].x) * f, y: pts[i - 1].y + (pts[i].y - pts[i - 1].y) * f };
		}
		d -= seg;
	}
	return pts[pts.length - 1];
}

function strokePartial(ctx: CanvasRenderingContext2D, pts: Pt[], frac: number) {
	const total = polyLength(pts);
	const end = pointAlong(pts, frac * total);
	let d = frac * total;
	ctx.beginPath();
	ctx.moveTo(pts[0].x, pts[0].y);
	for (let i = 1; i < pts.length; i++) {
		const seg = Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
		if (d <= seg) {
			ctx.lineTo(end.x, end.y);
			break;
		}
		ctx.lineTo(pts[i].x, pts[i].y);
		d -= seg;
	}
	ctx.stroke();
}
