/**
 * Re-places the cable labels once a frame, only around what moved or changed
 * (all of them after a removal, which frees room anywhere).
 */
import type cytoscape from 'cytoscape';
import type { CableLabeller } from './cable-labels';
import { placeSegments } from './canvas-ops';

export class LabelScheduler {
	#labeller: CableLabeller;
	#frame = 0;
	#nodes = new Set<cytoscape.NodeSingular>();
	#edges = new Set<cytoscape.EdgeSingular>();
	#all = false;

	constructor(labeller: CableLabeller) {
		this.#labeller = labeller;
	}

	/** node, else edge, else everything needs its labels placed again */
	schedule(c: cytoscape.Core, node: cytoscape.NodeSingular | null, edge?: cytoscape.EdgeSingular) {
		if (node) this.#nodes.add(node);
		else if (edge) this.#edges.add(edge);
		else this.#all = true;
		if (this.#frame) return;
		this.#frame = requestAnimationFrame(() => {
			this.#frame = 0;
			if (c.destroyed()) return;
			placeSegments(c);
			if (this.#all) this.#labeller.placeAll(c);
			else {
				let nodes = c.collection();
				for (const n of this.#nodes) nodes = nodes.union(n);
				let edges = c.collection();
				for (const e of this.#edges) edges = edges.union(e);
				this.#labeller.placeAround(c, nodes.nodes(), edges.edges());
			}
			this.#all = false;
			this.#nodes = new Set();
			this.#edges = new Set();
		});
	}

	cancel() {
		cancelAnimationFrame(this.#frame);
		this.#frame = 0;
	}
}
