/**
 * Topology → cytoscape elements. A pure function (no DOM, no cytoscape
 * runtime), so it is unit tested in node and reused by any canvas.
 *
 * - every node becomes a cytoscape node; a vm/container with `on: <hypervisor>`
 *   becomes a child of that hypervisor (compound node);
 * - every link becomes an edge `link:<index>` whose ends carry the interface
 *   names (sourceLabel / targetLabel); a link that is down (or whose end
 *   interface is administratively down) has `down: true`;
 * - an sdn-controller's `manages` becomes dashed `manages` edges.
 */
import type { ElementDefinition } from 'cytoscape';
import type { Kind, Node, Topology } from '../model/types';

export interface NodeData {
	id: string;
	label: string;
	/** label plus, for endpoints with one obvious address, that address */
	caption: string;
	kind: Kind;
	parent?: string;
	/** the file gave this node a position */
	fixed: boolean;
}

export interface LinkData {
	id: string;
	source: string;
	target: string;
	sourceLabel: string;
	targetLabel: string;
	down: boolean;
	/** index in topology.links */
	link: number;
}

export interface ManagesData {
	id: string;
	source: string;
	target: string;
	manages: true;
}

const ENDPOINT_KINDS: ReadonlySet<Kind> = new Set(['host', 'vm', 'container', 'internet']);

/** "web1.eth0" → ["web1", "eth0"]; a subinterface "eth0.10" attaches to its parent port's cable. */
export function splitEndpoint(end: string): [node: string, iface: string] {
	const dot = end.indexOf('.');
	if (dot < 0) return [end, ''];
	return [end.slice(0, dot), end.slice(dot + 1)];
}

/** The hypervisor a node is drawn inside, if any. */
export function parentOf(topology: Topology, node: Node): string | undefined {
	if ((node.kind !== 'vm' && node.kind !== 'container') || !node.on) return undefined;
	const host = topology.nodes[node.on];
	return host && host.kind === 'hypervisor' ? node.on : undefined;
}

function firstAddress(node: Node): string | undefined {
	for (const iface of Object.values(node.interfaces ?? {})) {
		if (iface.ip) return iface.ip;
	}
	return undefined;
}

function ifaceDown(topology: Topology, node: string, iface: string): boolean {
	const ifaces = topology.nodes[node]?.interfaces;
	if (!ifaces) return false;
	// a subinterface is down with its parent
	const parent = iface.split('.')[0];
	return ifaces[iface]?.down === true || ifaces[parent]?.down === true;
}

export function topologyToElements(topology: Topology): ElementDefinition[] {
	const out: ElementDefinition[] = [];
	const ids = Object.keys(topology.nodes);

	for (const id of ids) {
		const node = topology.nodes[id];
		const label = node.label ?? id;
		const addr = ENDPOINT_KINDS.has(node.kind) ? firstAddress(node) : undefined;
		const data: NodeData = {
			id,
			label,
			caption: addr ? `${label}\n${addr}` : label,
			kind: node.kind,
			fixed: node.position !== undefined
		};
		const parent = parentOf(topology, node);
		if (parent) data.parent = parent;
		const el: ElementDefinition = { group: 'nodes', data, classes: node.kind };
		if (node.position) el.position = { x: node.position.x, y: node.position.y };
		out.push(el);
	}

	topology.links.forEach((link, i) => {
		const [a, aIf] = splitEndpoint(link.a);
		const [b, bIf] = splitEndpoint(link.b);
		if (!(a in topology.nodes) || !(b in topology.nodes)) return;
		const data: LinkData = {
			id: `link:${i}`,
			source: a,
			target: b,
			sourceLabel: aIf,
			targetLabel: bIf,
			down: link.down === true || ifaceDown(topology, a, aIf) || ifaceDown(topology, b, bIf),
			link: i
		};
		out.push({ group: 'edges', data, classes: data.down ? 'link down' : 'link' });
	});

	for (const id of ids) {
		const node = topology.nodes[id];
		if (node.kind !== 'sdn-controller') continue;
		for (const sw of node.manages ?? []) {
			if (!(sw in topology.nodes)) continue;
			const data: ManagesData = { id: `manages:${id}:${sw}`, source: id, target: sw, manages: true };
			out.push({ group: 'edges', data, classes: 'manages' });
		}
	}
	return out;
}

export type LayoutPlan =
	| { name: 'preset' }
	| { name: 'fcose'; fixed: { nodeId: string; position: { x: number; y: number } }[] };

/**
 * How to place the nodes: the file's positions when every drawn leaf node has
 * one (compound parents follow their children), otherwise fcose with the
 * given positions pinned.
 */
export function layoutPlan(topology: Topology): LayoutPlan {
	const parents = new Set<string>();
	for (const node of Object.values(topology.nodes)) {
		const p = parentOf(topology, node);
		if (p) parents.add(p);
	}
	const leaves = Object.keys(topology.nodes).filter((id) => !parents.has(id));
	const placed = leaves.filter((id) => topology.nodes[id].position);
	if (leaves.length > 0 && placed.length === leaves.length) return { name: 'preset' };
	return {
		name: 'fcose',
		fixed: placed.map((id) => ({ nodeId: id, position: { ...topology.nodes[id].position! } }))
	};
}
