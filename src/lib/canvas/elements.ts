/**
 * Topology → cytoscape elements. A pure function (no DOM, no cytoscape
 * runtime), so it is unit tested in node and reused by any canvas.
 *
 * - every node becomes a cytoscape node; a vm/container with `on: <hypervisor>`
 *   becomes a child of that hypervisor (compound node);
 * - every link becomes an edge `link:<a>|<b>` (data.link: its index) whose ends carry the interface
 *   names (sourceLabel / targetLabel); a link that is down (or whose end
 *   interface is administratively down) has `down: true`;
 * - an sdn-controller's `manages` becomes dashed `manages` edges;
 * - given `cluster` (cluster-elements.ts, loaded when a design needs it), a
 *   Kubernetes cluster is a compound of its nodes, each holding its pods, with
 *   its Services; a cable between a pod and its own node is inside that
 *   compound and is not drawn (`inner`); VXLAN tunnels are dashed edges.
 */
import { elementOfPath } from '../model/paths';
import { splitEndpoint } from '../model/net';
import { DEFAULT_SUBNETS, LEAF_ENDPOINT_KINDS, genericNatSubnet, isGuestKind } from '../model/kinds';
import type { ElementDefinition } from 'cytoscape';
import type { Diagnostic, Kind, Node, Topology } from '../model/types';
import { vlanColor } from '../model/vlan-colors';

export interface NodeData {
	id: string;
	label: string;
	/** label plus, for endpoints with one obvious address, that address */
	caption: string;
	kind: Kind;
	parent?: string;
	/** the file gave this node a position */
	fixed: boolean;
	/** the file's position ("x,y"), to see when an undo or the YAML view moves it */
	filePos?: string;
	/** vm/container: how its first attached interface is plugged into the hypervisor */
	attach?: string;
	/** worst lint finding about this node */
	problem?: 'error' | 'warning';
	/** VLANs of the node's switch ports / links, for the VLAN filter (" 10 20 ") */
	vlans?: string;
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
	/** VLANs the cable carries (switch port ends): " 10 20 " for the VLAN filter */
	vlans?: string;
	/** "VLAN 10" on an access cable, "10,20,30" on a trunk */
	vlanLabel?: string;
	/** colour of an access cable's VLAN */
	vlanColor?: string;
	trunk?: boolean;
	problem?: 'error' | 'warning';
}

/** Options for the editor canvas; the defaults draw the plain diagram. */
export interface ElementOptions {
	/** lint findings: badges on the nodes and cables they concern */
	diagnostics?: readonly Diagnostic[];
	/** draw each hypervisor's NAT / host-only / internal / bridged segments inside it */
	segments?: boolean;
	/** a Kubernetes cluster's compounds and Services, VXLAN tunnels (cluster-elements.ts) */
	cluster?: ClusterDrawing;
	/**
	 * product-segments.ts's productSegmentElements, for the designs with a product
	 * hypervisor (productHypervisors): it brings the resolver, not on the first-draw path
	 */
	productSegments?: (topology: Topology, hypervisors: ReadonlySet<string>) => ElementDefinition[] | null;
}

/** A cluster's drawing, made by cluster-elements.ts (not on the first-draw path). */
export interface ClusterDrawing {
	/** pod → its node, node → the cluster compound */
	parents: Map<string, string>;
	/** the cluster's nodes */
	kubeNodes: Set<string>;
	/** the cluster compound, before every node */
	compound: ElementDefinition[];
	services: ElementDefinition[];
	tunnels: ElementDefinition[];
}

const NO_PARENTS = new Map<string, string>();

/** The VLAN palette lives in the model, so exports colour VLANs as the canvas does. */
export { vlanColor };

/** The element a diagnostic path is about: "nodes.r1.interfaces.eth0" → node r1, "links[3].a" → link 3. */
export { elementOfPath };

function problemsByElement(diagnostics: readonly Diagnostic[] | undefined) {
	const nodes = new Map<string, 'error' | 'warning'>();
	const links = new Map<number, 'error' | 'warning'>();
	for (const d of diagnostics ?? []) {
		const el = elementOfPath(d.path);
		if (!el) continue;
		if ('node' in el) {
			if (nodes.get(el.node) !== 'error') nodes.set(el.node, d.severity);
		} else if (links.get(el.link) !== 'error') links.set(el.link, d.severity);
	}
	return { nodes, links };
}

/** VLANs a switch port carries: its access VLAN (default 1) or its trunk list (with native). */
function portVlans(node: Node | undefined, iface: string): { vlans: number[]; trunk: boolean } | null {
	if (!node || node.kind !== 'switch') return null;
	const port = node.interfaces?.[iface];
	if (port?.trunk) {
		const vlans = [...port.trunk];
		if (port.native !== undefined && !vlans.includes(port.native)) vlans.unshift(port.native);
		return { vlans, trunk: true };
	}
	return { vlans: [port?.vlan ?? 1], trunk: false };
}

function compress(vlans: number[]): string {
	const sorted = [...new Set(vlans)].sort((a, b) => a - b);
	const out: string[] = [];
	for (let i = 0; i < sorted.length; i++) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
		out.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(','));
		i = j;
	}
	return out.join(',');
}

export interface ManagesData {
	id: string;
	source: string;
	target: string;
	manages: true;
}


/** The hypervisor a node is drawn inside, if any. */
export function parentOf(topology: Topology, node: Node): string | undefined {
	if (!isGuestKind(node.kind) || !node.on) return undefined;
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

export function topologyToElements(topology: Topology, options: ElementOptions = {}): ElementDefinition[] {
	const out: ElementDefinition[] = [];
	const ids = Object.keys(topology.nodes);
	const problems = options.diagnostics ? problemsByElement(options.diagnostics) : null;
	const nodeVlans = new Map<string, Set<number>>();
	const seenLinks = new Set<string>();
	const cluster = options.cluster;
	const kube = cluster?.parents ?? NO_PARENTS;
	if (cluster) out.push(...cluster.compound);
	const first = out.length;

	for (const id of ids) {
		const node = topology.nodes[id];
		const label = node.label ?? id;
		const addr = LEAF_ENDPOINT_KINDS.has(node.kind) ? firstAddress(node) : undefined;
		const data: NodeData = {
			id,
			label,
			caption: addr ? `${label}\n${addr}` : label,
			kind: node.kind,
			fixed: node.position !== undefined
		};
		const parent = parentOf(topology, node) ?? kube.get(id);
		if (parent) data.parent = parent;
		if (node.position) data.filePos = `${node.position.x},${node.position.y}`;
		if (parent && parent === parentOf(topology, node)) {
			const attached = Object.values(node.interfaces ?? {}).find((i) => i.attach);
			if (attached?.attach) data.attach = attached.attach;
		}
		const problem = problems?.nodes.get(id);
		if (problem) data.problem = problem;
		const role = cluster?.kubeNodes.has(id) ? ' kube-node' : kube.has(id) ? ' pod' : '';
		const el: ElementDefinition = { group: 'nodes', data, classes: node.kind + role };
		if (node.position) el.position = { x: node.position.x, y: node.position.y };
		out.push(el);
	}
	const nodeCount = out.length;

	topology.links.forEach((link, i) => {
		const { node: a, iface: aIf } = splitEndpoint(link.a);
		const { node: b, iface: bIf } = splitEndpoint(link.b);
		if (!(a in topology.nodes) || !(b in topology.nodes)) return;
		// keyed by its ends, not its index: deleting link 0 must not renumber (and redraw) every other cable
		let id = `link:${link.a}|${link.b}`;
		if (seenLinks.has(id)) id = `${id}#${i}`;
		seenLinks.add(id);
		const data: LinkData = {
			id,
			source: a,
			target: b,
			sourceLabel: aIf,
			targetLabel: bIf,
			down: link.down === true || ifaceDown(topology, a, aIf) || ifaceDown(topology, b, bIf),
			link: i
		};
		const pa = portVlans(topology.nodes[a], aIf.split('.')[0]);
		const pb = portVlans(topology.nodes[b], bIf.split('.')[0]);
		const ports = [pa, pb].filter((p): p is { vlans: number[]; trunk: boolean } => p !== null);
		if (ports.length) {
			const trunk = ports.some((p) => p.trunk);
			const vlans = [...new Set(ports.flatMap((p) => p.vlans))].sort((x, y) => x - y);
			data.vlans = ` ${vlans.join(' ')} `;
			data.trunk = trunk;
			if (trunk) data.vlanLabel = compress(ports.find((p) => p.trunk)!.vlans);
			else if (vlans.length === 1 && vlans[0] !== 1) {
				data.vlanLabel = `VLAN ${vlans[0]}`;
				data.vlanColor = vlanColor(vlans[0]);
			}
			for (const n of [a, b]) {
				const set = nodeVlans.get(n) ?? new Set<number>();
				for (const v of vlans) set.add(v);
				nodeVlans.set(n, set);
			}
		}
		const problem = problems?.links.get(i);
		if (problem) data.problem = problem;
		const inner = kube.get(a) === b || kube.get(b) === a ? ' inner' : '';
		out.push({ group: 'edges', data, classes: (data.down ? 'link down' : 'link') + inner });
	});
	for (let k = first; k < nodeCount; k++) {
		const set = nodeVlans.get(out[k].data.id as string);
		if (set) (out[k].data as NodeData).vlans = ` ${[...set].sort((x, y) => x - y).join(' ')} `;
	}
	if (options.segments) out.push(...segmentElements(topology, options.productSegments));
	if (cluster) out.push(...cluster.services, ...cluster.tunnels);

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
export function layoutPlan(topology: Topology, cluster?: ClusterDrawing): LayoutPlan {
	const parents = new Set<string>();
	for (const node of Object.values(topology.nodes)) {
		const p = parentOf(topology, node);
		if (p) parents.add(p);
	}
	for (const p of cluster?.parents.values() ?? []) parents.add(p);
	const leaves = Object.keys(topology.nodes).filter((id) => !parents.has(id));
	const placed = leaves.filter((id) => topology.nodes[id].position);
	if (leaves.length > 0 && placed.length === leaves.length) return { name: 'preset' };
	return {
		name: 'fcose',
		fixed: placed.map((id) => ({ nodeId: id, position: { ...topology.nodes[id].position! } }))
	};
}

/** The segments a hypervisor provides its guests, drawn inside its box. */
export interface SegmentData {
	id: string;
	parent: string;
	label: string;
	segment: true;
	mode: string;
}

/** Hypervisors with a product (not generic) and at least one guest: drawn by product-segments.ts. */
export function productHypervisors(topology: Topology): Set<string> {
	const out = new Set<string>();
	for (const n of Object.values(topology.nodes)) {
		if (!isGuestKind(n.kind) || !n.on) continue;
		const hv = topology.nodes[n.on];
		if (hv?.kind === 'hypervisor' && hv.product !== undefined && hv.product !== 'generic') out.add(n.on);
	}
	return out;
}

function segmentElements(topology: Topology, productSegments: ElementOptions['productSegments']): ElementDefinition[] {
	// a product hypervisor's segments are drawn as the product has them (product-segments.ts)
	const products = productHypervisors(topology);
	const drawn = products.size && productSegments ? productSegments(topology, products) : null;
	const out: ElementDefinition[] = drawn ?? [];
	const made = new Set<string>();
	for (const [id, node] of Object.entries(topology.nodes)) {
		const hv = parentOf(topology, node);
		if (!hv || (drawn && products.has(hv))) continue;
		const host = topology.nodes[hv];
		for (const [ifName, iface] of Object.entries(node.interfaces ?? {})) {
			if (!iface.attach) continue;
			const mode = iface.attach;
			const key = mode === 'internal' ? `internal:${iface.network ?? ''}` : mode === 'bridged' ? `bridged:${iface.uplink ?? ''}` : mode;
			const segId = `seg:${hv}:${key}`;
			if (!made.has(segId)) {
				made.add(segId);
				let label: string;
				if (mode === 'nat') {
					const containersOnly = Object.values(topology.nodes).every((n) => n.on !== hv || n.kind !== 'vm');
					label = `NAT ${host.nat?.subnet ?? genericNatSubnet(containersOnly)}`;
				} else if (mode === 'host-only') label = `host-only ${DEFAULT_SUBNETS.genericHostOnly}`;
				else if (mode === 'internal') label = `internal ${iface.network ?? ''}`;
				else label = `bridged → ${iface.uplink ?? Object.keys(host.interfaces ?? {})[0] ?? 'uplink'}`;
				const data: SegmentData = { id: segId, parent: hv, label, segment: true, mode };
				out.push({ group: 'nodes', data, classes: `segment ${mode}`, selectable: false, grabbable: false });
			}
			out.push({
				group: 'edges',
				data: { id: `att:${id}:${ifName}`, source: id, target: segId, attachEdge: true, mode },
				classes: `attach ${mode}`,
				selectable: false
			});
		}
	}
	return out;
}
