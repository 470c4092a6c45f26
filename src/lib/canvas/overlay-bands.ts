/**
 * Overlay segments (logical switches) drawn under the diagram: a coloured
 * halo round each guest on a segment and a band joining the guests it spans
 * across hypervisors, with the segment's name and VNI. Loaded only for a
 * design with an `overlay:` section (not on the first-draw path).
 */
import type { Core, NodeSingular } from 'cytoscape';
import type { Topology } from '../model/types';
import { OverlayLayer, drawChip } from './overlay-layer';
import { segmentColor, segmentsOf } from './cluster-elements';

export class SegmentBands {
	#cy: Core;
	#layer: OverlayLayer;
	#topology: Topology;

	constructor(cy: Core, topology: Topology) {
		this.#cy = cy;
		this.#topology = topology;
		// under cytoscape's own canvases (z-index 0 and up): the container isolates, so -1 stays above its background
		const container = cy.container();
		if (container) container.style.isolation = 'isolate';
		this.#layer = new OverlayLayer(cy, 'vnet-overlay-bands', -1, () => this.#draw());
		this.#layer.schedule();
	}

	update(topology: Topology) {
		this.#topology = topology;
		this.#layer.schedule();
	}

	#draw() {
		if (!this.#layer.begin()) return;
		const ctx = this.#layer.ctx;
		const zoom = this.#cy.zoom();
		const drawn: string[] = [];
		segmentsOf(this.#topology).segments.forEach((seg, i) => {
			const nodes = seg.members.map((m) => this.#cy.getElementById(m) as unknown as NodeSingular).filter((n) => n.nonempty() && n.visible());
			if (!nodes.length) return;
			drawn.push(seg.name);
			const color = segmentColor(i);
			const pts = nodes.map((n) => n.renderedPosition()).sort((a, b) => a.x - b.x || a.y - b.y);
			ctx.save();
			ctx.strokeStyle = color;
			ctx.fillStyle = color;
			ctx.lineCap = 'round';
			ctx.lineJoin = 'round';
			if (pts.length > 1) {
				ctx.globalAlpha = 0.16;
				ctx.lineWidth = Math.max(8, 30 * zoom);
				ctx.beginPath();
				pts.forEach((p, k) => (k ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
				ctx.stroke();
			}
			const r = Math.max(10, 36 * zoom);
			for (const p of pts) {
				ctx.beginPath();
				ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
				ctx.globalAlpha = 0.22;
				ctx.fill();
				ctx.globalAlpha = 0.8;
				ctx.lineWidth = 2;
				ctx.stroke();
			}
			ctx.restore();
			// over the halo of its topmost guest (a guest's own label is under it)
			const top = pts.reduce((a, p) => (p.y < a.y ? p : a));
			if (zoom > 0.35) drawChip(ctx, `${seg.name} · VNI ${seg.vni}`, top.x - r, top.y - r - 4, color, 'left');
		});
		// what is drawn, for tests and assistive checks (the layer itself is aria-hidden)
		this.#layer.canvas.dataset.segments = drawn.join(' ');
	}

	destroy() {
		this.#layer.destroy();
	}
}
