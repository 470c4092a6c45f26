/**
 * Stateless operations of the canvas on a cytoscape core: placing segments,
 * finding a drop target, reading and applying the selection, the VLAN fade.
 */
import type cytoscape from 'cytoscape';
import type { Selection } from '../model/selection';
import { placeServices } from './cluster-place';

export interface Point {
	x: number;
	y: number;
}

/** Services and tunnels: placed by the canvas itself (placeSegments), never by a layout */
export const PLACED = '.kube-service, .kube-endpoint, .tunnel';

/** What the canvas counts as nodes and connections of the design. */
export function countsOf(c: cytoscape.Core): { nodes: number; edges: number } {
	return { nodes: c.nodes().not('.segment, .kube-cluster, .kube-service').length, edges: c.edges('.link, .manages').length };
}

/** Each hypervisor segment sits under the guests attached to it (and each Service under its pods). */
export function placeSegments(c: cytoscape.Core) {
	placeServices(c);
	const segs = c.nodes('.segment');
	if (segs.empty()) return;
	c.batch(() => {
		const perHost = new Map<string, number>();
		segs.forEach((seg) => {
			const guests = seg.connectedEdges().sources();
			if (guests.empty()) return;
			const bb = guests.boundingBox({ includeLabels: true });
			const k = perHost.get(seg.data('parent')) ?? 0;
			perHost.set(seg.data('parent'), k + 1);
			const x = Math.round((bb.x1 + bb.x2) / 2 + k * 10);
			const y = Math.round(bb.y2 + 26 + k * 26);
			const p = seg.position();
			if (p.x !== x || p.y !== y) seg.position({ x, y });
		});
	});
}

export function applyVlanFilter(c: cytoscape.Core, vlanFilter: number | null) {
	c.batch(() => {
		c.elements('.faded').removeClass('faded');
		if (vlanFilter === null) return;
		const key = ` ${vlanFilter} `;
		const carrying = c.edges().filter((e) => String(e.data('vlans') ?? '').includes(key));
		const keep = carrying.union(carrying.connectedNodes()).union(carrying.connectedNodes().ancestors());
		c.elements().not(keep).not('.ghost').addClass('faded');
	});
}

export function readSelection(c: cytoscape.Core): Selection {
	const nodes: string[] = [];
	const links: number[] = [];
	c.$(':selected').forEach((e: cytoscape.SingularElementArgument) => {
		if (e.isNode()) {
			if (!e.data('segment')) nodes.push(e.id());
		} else if (e.hasClass('link')) links.push(e.data('link') as number);
	});
	return { nodes, links };
}

/** Makes the canvas's selection this one; false when it already was (nothing touched). */
export function applySelection(c: cytoscape.Core, sel: Selection): boolean {
	const linkIds = sel.links.length ? new Map(c.edges('.link').map((e) => [e.data('link') as number, e.id()])) : new Map<number, string>();
	const want = new Set([...sel.nodes, ...sel.links.map((i) => linkIds.get(i) ?? `link:${i}`)]);
	const current = c.$(':selected');
	if (current.length === want.size && current.every((e) => want.has((e as cytoscape.SingularElementArgument).id()))) return false;
	c.batch(() => {
		current.filter((e) => !want.has((e as cytoscape.SingularElementArgument).id())).unselect();
		for (const id of want) {
			const e = c.getElementById(id);
			if (e.nonempty() && !e.selected()) e.select();
		}
	});
	return true;
}

export function hypervisorAt(c: cytoscape.Core, p: Point, except: cytoscape.NodeSingular | null): cytoscape.NodeSingular | null {
	let found: cytoscape.NodeSingular | null = null;
	c.nodes('[kind = "hypervisor"]').forEach((hv: cytoscape.NodeSingular) => {
		if (found !== null || (except && hv.same(except))) return;
		const bb = hv.isParent() ? hv.boundingBox() : hv.boundingBox({ includeLabels: false });
		const pad = hv.isParent() ? 0 : 16;
		if (p.x >= bb.x1 - pad && p.x <= bb.x2 + pad && p.y >= bb.y1 - pad && p.y <= bb.y2 + pad) found = hv;
	});
	return found;
}

/** A guest dragged clear of its hypervisor's other guests leaves it. */
export function leftParent(n: cytoscape.NodeSingular): boolean {
	const parent = n.parent();
	if (parent.empty()) return false;
	const others = parent.children().not(n).not('.segment');
	const p = n.position();
	const margin = 90;
	const pp = (parent[0] as cytoscape.NodeSingular).position();
	if (others.empty()) return Math.hypot(p.x - pp.x, p.y - pp.y) > 160;
	const bb = others.boundingBox({ includeLabels: true });
	return p.x < bb.x1 - margin || p.x > bb.x2 + margin || p.y < bb.y1 - margin || p.y > bb.y2 + margin;
}
