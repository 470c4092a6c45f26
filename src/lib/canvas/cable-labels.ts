/**
 * The canvas side of label-layout.ts: measures what cytoscape draws (node
 * icons and captions, label texts in their fonts), keeps the boxes in one
 * index, and writes each cable's placement into its data, which the style
 * reads (style.ts: sOff / tOff, mx / my, sHide / tHide / midHide).
 */
import type cytoscape from 'cytoscape';
import { BoxIndex, PLACEMENT_KEYS, labelOwner, placeCableLabels, type Box, type CableLabels, type CablePlacement, type Size } from './label-layout';


const nodeOwner = (id: string) => `node:${id}`;
const LABEL_OWNER = labelOwner('');

/** cytoscape widens every label box it reports by this much on each side */
const CY_MARGIN = 2;
/** room kept round a node's icon and caption: a status frame (the scenario's "down") is drawn there */
const NODE_CLEAR = 4;

function grow(b: Box, d: number): Box {
	return { x1: b.x1 - d, y1: b.y1 - d, x2: b.x2 + d, y2: b.y2 + d };
}

function finite(b: Box): boolean {
	return [b.x1, b.y1, b.x2, b.y2].every(Number.isFinite) && b.x2 > b.x1 && b.y2 > b.y1;
}

export class CableLabeller {
	#index = new BoxIndex();
	#ctx: CanvasRenderingContext2D | null = null;
	#sizes = new Map<string, Size>();

	#measure(e: cytoscape.EdgeSingular, text: string): Size {
		const size = parseFloat(e.style('font-size')) || 9;
		const font = `${e.style('font-style')} ${e.style('font-weight')} ${size}px ${e.style('font-family')}`;
		const pad = parseFloat(e.style('text-background-padding')) || 0;
		const key = `${font}|${pad}|${text}`;
		let s = this.#sizes.get(key);
		if (!s) {
			this.#ctx ??= document.createElement('canvas').getContext('2d');
			let w = text.length * size * 0.6;
			if (this.#ctx) {
				this.#ctx.font = font;
				w = Math.ceil(this.#ctx.measureText(text).width);
			}
			s = { w: w + 2 * pad, h: size + 2 * pad };
			this.#sizes.set(key, s);
		}
		return s;
	}

	#indexNode(n: cytoscape.NodeSingular) {
		const owner = nodeOwner(n.id());
		this.#index.remove(owner);
		if (n.removed() || n.hasClass('ghost') || !n.visible()) return;
		if (!n.isParent()) {
			const body = n.boundingBox({ includeLabels: false, includeOverlays: false });
			if (finite(body)) this.#index.add(owner, grow(body, NODE_CLEAR));
		}
		if (n.style('label')) {
			const b = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false } as cytoscape.BoundingBoxOptions);
			const text = { x1: b.x1 + CY_MARGIN, y1: b.y1 + CY_MARGIN, x2: b.x2 - CY_MARGIN, y2: b.y2 - CY_MARGIN };
			if (finite(text)) this.#index.add(owner, grow(text, NODE_CLEAR));
		}
	}

	#input(e: cytoscape.EdgeSingular): CableLabels | null {
		if (!e.hasClass('link') || e.removed() || !e.visible()) return null;
		const s = e.sourceEndpoint();
		const t = e.targetEndpoint();
		if (![s.x, s.y, t.x, t.y].every(Number.isFinite)) return null;
		const text = (key: string) => String(e.data(key) ?? '');
		const out: CableLabels = { id: e.id(), s: { x: s.x, y: s.y }, t: { x: t.x, y: t.y } };
		if (text('sourceLabel')) out.source = this.#measure(e, text('sourceLabel'));
		if (text('targetLabel')) out.target = this.#measure(e, text('targetLabel'));
		if (text('vlanLabel')) out.mid = this.#measure(e, text('vlanLabel'));
		return out;
	}

	#apply(c: cytoscape.Core, placed: Map<string, CablePlacement>) {
		c.batch(() => {
			for (const [id, p] of placed) {
				const e = c.getElementById(id);
				const next = {
					sOff: p.source ?? 0,
					tOff: p.target ?? 0,
					mx: Math.round((p.mid?.x ?? 0) * 10) / 10,
					my: Math.round((p.mid?.y ?? 0) * 10) / 10,
					sHide: p.source === null,
					tHide: p.target === null,
					midHide: p.mid === null
				};
				if (PLACEMENT_KEYS.some((k) => e.data(k) !== next[k])) e.data(next);
			}
		});
	}

	#place(c: cytoscape.Core, edges: cytoscape.EdgeCollection) {
		const cables: CableLabels[] = [];
		edges.forEach((e) => {
			const input = this.#input(e);
			if (input) cables.push(input);
			else this.#index.remove(labelOwner(e.id()));
		});
		this.#apply(c, placeCableLabels(cables, this.#index));
	}

	/** Every cable's labels, afresh (a new drawing, a layout, elements removed). */
	placeAll(c: cytoscape.Core) {
		this.#index = new BoxIndex();
		c.nodes().forEach((n) => this.#indexNode(n));
		this.#place(c, c.edges('.link'));
	}

	/** After these nodes moved (or appeared): their cables, and the cables whose labels they now cover. */
	placeAround(c: cytoscape.Core, nodes: cytoscape.NodeCollection, alsoEdges: cytoscape.EdgeCollection = c.collection()) {
		const live = nodes.filter((n) => !n.removed());
		const moved = live.union(live.descendants()).union(live.ancestors()).nodes();
		moved.forEach((n) => this.#indexNode(n));
		let edges = live.connectedEdges().union(live.descendants().connectedEdges()).union(alsoEdges);
		const covered = new Set<string>();
		moved.forEach((n) => {
			for (const b of [n.boundingBox({ includeOverlays: false })])
				for (const owner of this.#index.hits(b)) if (owner.startsWith(LABEL_OWNER)) covered.add(owner.slice(LABEL_OWNER.length));
		});
		for (const id of covered) edges = edges.union(c.getElementById(id));
		this.#place(c, edges.edges('.link'));
	}
}
