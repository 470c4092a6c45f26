/**
 * A product hypervisor's segments drawn inside its box the way the product
 * thinks of them (presets.md), from the resolver's virtual nodes: a
 * VirtualBox/QEMU NAT adapter gets its own small NAT engine (a private router
 * per interface), VMware's VMnet8 is a shared switch with its NAT device,
 * docker0 and user-defined networks are bridges with their subnets, ESXi's
 * vSwitches sit on their uplinks. Pure (no DOM, no cytoscape runtime).
 */
import type { ElementDefinition } from 'cytoscape';
import type { Topology } from '../model/types';
import { resolveTopology, type RLinkEnd, type RNode } from '../model/resolve';
import { productMode } from '../model/products';
import { cidrOf, u32ToIp } from '../model/net';

/** The segment pills of a product hypervisor (the generic ones are `SegmentData` in elements.ts). */
export interface ProductSegmentData {
	id: string;
	parent: string;
	label: string;
	segment: true;
	/** colour class: nat | host-only | internal | bridged */
	mode: string;
	/** the resolver's node it draws */
	resolved: string;
	/** a per-interface user-mode NAT engine (VirtualBox, QEMU "NAT") */
	engine?: true;
	subnet?: string;
}

// which hypervisors this file draws is decided on the first-draw path (elements.ts)
export { productHypervisors } from './elements';

const SEGMENT_CLASS: Record<string, string> = { nat: 'nat', 'host-only': 'host-only', internal: 'internal', bridge: 'bridged' };

function network(node: RNode | undefined, iface: string): string | undefined {
	const i = node?.interfaces.find((x) => x.name === iface);
	if (!i?.ip || i.prefixLen === undefined) return undefined;
	const c = cidrOf(`${i.ip}/${i.prefixLen}`);
	return `${u32ToIp(c.net)}/${c.len}`;
}

function lastOctet(ip: string | undefined): string {
	return ip ? `.${ip.split('.')[3]}` : '';
}

function segmentLabel(vs: RNode, product: string, subnet: string | undefined, engine: RNode | undefined, hostPorts: RLinkEnd[], hv: RNode | undefined): string {
	let base = vs.label.startsWith(`${vs.owner} `) ? vs.label.slice(vs.owner!.length + 1) : vs.label;
	// docker/podman user-defined networks are Linux bridges (br-NAME on the host)
	if ((product === 'docker' || product === 'podman') && /^network "/.test(base)) base = `${base.slice(9, -1)} (bridge)`;
	const parts = [base];
	if (subnet && vs.segment !== 'bridge') parts.push(subnet);
	let label = parts.join(' ');
	if (engine) label += ` · NAT ${lastOctet(engine.engine?.gateway)}`;
	// VMware's NAT device is a second host port on VMnet8
	const device = hostPorts.find((p) => p.iface === 'vmnat');
	if (device) label += ` · NAT device ${lastOctet(hv?.interfaces.find((i) => i.name === device.iface)?.ip)}`;
	return label;
}

/**
 * The segment pills and guest attachment edges of the given hypervisors, or
 * null when the resolver cannot make sense of them yet (a half-edited
 * document): the caller then draws the generic segments.
 */
export function productSegmentElements(topology: Topology, hypervisors: ReadonlySet<string>): ElementDefinition[] | null {
	if (hypervisors.size === 0) return [];
	// resolve only these hypervisors and their guests: cheap on a large document
	const keep = new Set(hypervisors);
	for (const [id, n] of Object.entries(topology.nodes)) if (n.on && hypervisors.has(n.on)) keep.add(id);
	const sub: Topology = {
		...topology,
		nodes: Object.fromEntries([...keep].map((id) => [id, topology.nodes[id]])),
		links: topology.links.filter((l) => keep.has(l.a.split('.')[0]) && keep.has(l.b.split('.')[0]))
	};
	let r;
	try {
		r = resolveTopology(sub);
	} catch {
		return null;
	}

	// the ports of each virtual switch (the resolver's virtual links)
	const ports = new Map<string, RLinkEnd[]>();
	for (const l of r.links) {
		if (l.index !== null) continue;
		for (const [sw, other] of [
			[l.a, l.b],
			[l.b, l.a]
		]) {
			if (r.nodes.get(sw.node)?.kind !== 'virtual-switch') continue;
			if (!ports.has(sw.node)) ports.set(sw.node, []);
			ports.get(sw.node)!.push(other);
		}
	}

	const out: ElementDefinition[] = [];
	for (const vs of r.nodes.values()) {
		if (vs.kind !== 'virtual-switch' || !vs.owner || !hypervisors.has(vs.owner)) continue;
		const hv = vs.owner;
		const product = topology.nodes[hv]?.product ?? 'generic';
		const ends = ports.get(vs.id) ?? [];
		const guests = ends.filter((e) => e.node !== hv && topology.nodes[e.node]?.on === hv);
		if (!guests.length) continue;
		const engine = ends.map((e) => r.nodes.get(e.node)).find((n) => n?.kind === 'nat-engine');
		const hostPorts = ends.filter((e) => e.node === hv);
		const subnetEnd = hostPorts.find((e) => network(r.nodes.get(e.node), e.iface)) ?? ends.find((e) => network(r.nodes.get(e.node), e.iface));
		const subnet = subnetEnd ? network(r.nodes.get(subnetEnd.node), subnetEnd.iface) : undefined;
		const cls = SEGMENT_CLASS[vs.segment ?? 'bridge'] ?? 'bridged';
		const modeOf = (e: RLinkEnd) => topology.nodes[e.node]?.interfaces?.[e.iface]?.attach ?? '';
		// one guest interface with its own engine: draw the engine, a private router of that interface
		const perAdapter = engine && guests.length === 1 && productMode(product, modeOf(guests[0]))?.network === 'none';

		const data: ProductSegmentData = perAdapter
			? {
					id: `seg:${hv}:${engine.id}`,
					parent: hv,
					label: `NAT engine ${engine.engine?.gateway ?? ''}`.trim(),
					segment: true,
					mode: cls,
					resolved: engine.id,
					engine: true
				}
			: { id: `seg:${hv}:${vs.id}`, parent: hv, label: segmentLabel(vs, product, subnet, engine, hostPorts, r.nodes.get(hv)), segment: true, mode: cls, resolved: vs.id };
		if (subnet) data.subnet = subnet;
		out.push({ group: 'nodes', data, classes: `segment ${cls}${perAdapter ? ' engine' : ''}`, selectable: false, grabbable: false });
		for (const g of guests)
			out.push({
				group: 'edges',
				data: { id: `att:${g.node}:${g.iface}`, source: g.node, target: data.id, attachEdge: true, mode: modeOf(g) },
				classes: `attach ${cls}`,
				selectable: false
			});
	}
	return out;
}
