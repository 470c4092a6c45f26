/**
 * Where a Kubernetes Service is drawn: in a row under the cluster's nodes,
 * each under the pods it selects, no two closer than GAP. Placed, not laid
 * out: a file's positions are for its own nodes, and a Service is not one.
 */
import type { Core, NodeSingular } from 'cytoscape';

const GAP = 120;

/** Service x positions: each at its wish, pushed right of the one before by GAP, the row re-centred on the wishes. */
export function spreadRow(wishes: number[], gap = GAP): number[] {
	let prev = -Infinity;
	const xs = wishes.map((w) => (prev = Math.max(w, prev + gap)));
	const shift = wishes.reduce((a, w, i) => a + w - xs[i], 0) / (wishes.length || 1);
	return xs.map((x) => Math.round(x + shift));
}

export function placeServices(c: Core) {
	const services = c.nodes('.kube-service');
	if (services.empty()) return;
	const members = c.nodes('.kube-node');
	if (members.empty()) return;
	const bb = members.boundingBox({ includeLabels: true });
	const y = Math.round(bb.y2 + 60);
	const wants = services
		.map((s: NodeSingular) => {
			const pods = s.connectedEdges('.kube-endpoint').targets();
			const x = pods.empty() ? (bb.x1 + bb.x2) / 2 : pods.reduce((a, p) => a + (p as NodeSingular).position().x, 0) / pods.length;
			return { s, x };
		})
		.sort((a, b) => a.x - b.x || (a.s.id() < b.s.id() ? -1 : 1));
	const xs = spreadRow(wants.map((w) => w.x));
	c.batch(() => {
		wants.forEach((w, i) => {
			const p = w.s.position();
			if (p.x !== xs[i] || p.y !== y) w.s.position({ x: xs[i], y });
		});
	});
}
