/**
 * Which ports a node has in a tool that wires cables to physical ports
 * (containerlab, GNS3): its physical interfaces in file order (parents of
 * subinterfaces, bond members, switch ports named only in links), and the
 * cables a hypervisor's attached guests need (guest interface ↔ a port of the
 * hypervisor) where vnet has `attach` instead of a link.
 */
import type { Node, Topology } from '../model/types';
import type { ResolvedTopology } from '../model/resolve';

export function physicalInterfaces(id: string, n: Node, t: Topology): string[] {
	const out: string[] = [];
	const add = (name: string) => {
		if (!out.includes(name)) out.push(name);
	};
	const decl = n.interfaces ?? {};
	const bonds = new Set(Object.entries(decl).filter(([, i]) => i.bond).map(([name]) => name));
	for (const [name, i] of Object.entries(decl)) {
		const dot = name.indexOf('.');
		if (dot > 0) {
			const parent = name.slice(0, dot);
			if (!bonds.has(parent)) add(parent);
			continue;
		}
		if (i.bond) {
			for (const m of i.bond.members) add(m);
			continue;
		}
		add(name);
	}
	for (const l of t.links)
		for (const end of [l.a, l.b]) {
			const dot = end.indexOf('.');
			if (end.slice(0, dot) === id) add(end.slice(dot + 1));
		}
	return out;
}

export interface GuestAttachment {
	hypervisor: string;
	/** the virtual segment's port name: "guest.iface" */
	port: string;
	guest: string;
	iface: string;
	segment: 'nat' | 'host-only' | 'internal' | 'bridge';
	/** the segment's id in the resolved network, e.g. "hv1:nat" */
	segmentId: string;
}

/** Every guest interface attached to a hypervisor segment, in the resolver's order. */
export function guestAttachments(r: ResolvedTopology): GuestAttachment[] {
	const out: GuestAttachment[] = [];
	for (const seg of r.nodes.values()) {
		if (!seg.owner || !seg.segment) continue;
		for (const port of seg.interfaces) {
			const dot = port.name.indexOf('.');
			if (dot < 0) continue; // "host" / "uplink": the hypervisor itself
			out.push({
				hypervisor: seg.owner,
				port: port.name,
				guest: port.name.slice(0, dot),
				iface: port.name.slice(dot + 1),
				segment: seg.segment,
				segmentId: seg.id
			});
		}
	}
	return out;
}
