/**
 * Overlay networks (docs/overlays.md): logical switches ("segments") carried
 * between hypervisors in VXLAN, the way Open vSwitch and NSX build them and the
 * way Linux does with one bridge per segment per host and a VXLAN device on it.
 *
 *   overlay: { segments: { web: { vni: 5001, subnet: 10.1.1.0/24 } } }
 *   hv1: { kind: hypervisor, vtep: { interface: eth0 }, ... }
 *   web1: { kind: vm, on: hv1, interfaces: { eth0: { ip: 10.1.1.11/24, segment: web } } }
 *
 * This module holds the format rules that need the whole document, the
 * resolved overlay (segments, VNIs, VTEPs, the hosts each segment spans) and
 * its resolution into the network the engine compiles: a virtual bridge
 * `hv:segment:<name>` per host and segment, joining that host's guests on it and
 * a VXLAN port `vx<vni>` that the engine tunnels through the underlay. The
 * distributed firewall of each guest vNIC is overlay-firewall.ts's.
 */
import type { Topology } from './types';
import { addPort, sortedIds, virtualLink, virtualSwitch, type RLink, type RNode } from './resolved';
import { dfwIssues, vnicFirewall } from './overlay-firewall';
import { resolveRouters, routerIssues, routerSpan } from './overlay-router';

/** Outer Ethernet (14) + IPv4 (20) + UDP (8) + VXLAN (8): what encapsulation adds to the inner L3 packet. */
export const VXLAN_OVERHEAD = 50;
/** IANA's VXLAN port (RFC 7348), Linux's `dstport 4789`. */
export const VXLAN_PORT = 4789;

export interface OverlayIssue {
	path: (string | number)[];
	message: string;
}

/** One hypervisor's tunnel endpoint. */
export interface Vtep {
	host: string;
	iface: string;
	/** the underlay interface's address, "a.b.c.d" */
	ip: string;
}

export interface ResolvedSegment {
	name: string;
	vni: number;
	subnet?: string;
	/** guests' interfaces on it: "node.iface" and their host */
	members: { node: string; iface: string; host: string; mtu: number }[];
	/** hosts it spans, in id order */
	hosts: string[];
}

export interface ResolvedOverlay {
	segments: ResolvedSegment[];
	vteps: Map<string, Vtep>;
}

const ipOf = (cidr: string | undefined): string | undefined => cidr?.split('/')[0];

/** The overlay of a valid document (null when it has none). */
export function overlayOf(t: Topology): ResolvedOverlay | null {
	if (!t.overlay) return null;
	const vteps = new Map<string, Vtep>();
	for (const id of sortedIds(Object.keys(t.nodes))) {
		const n = t.nodes[id];
		if (n.kind !== 'hypervisor' || !n.vtep) continue;
		const ip = ipOf(n.interfaces?.[n.vtep.interface]?.ip);
		if (ip) vteps.set(id, { host: id, iface: n.vtep.interface, ip });
	}
	const segments: ResolvedSegment[] = [];
	// A distributed router's instance needs each of its segments on its host, guests there or not.
	const span = routerSpan(t);
	for (const [name, s] of Object.entries(t.overlay.segments)) {
		const members: ResolvedSegment['members'] = [];
		for (const id of sortedIds(Object.keys(t.nodes))) {
			const n = t.nodes[id];
			for (const [ifName, itf] of Object.entries(n.interfaces ?? {}))
				if (itf.segment === name && n.on) members.push({ node: id, iface: ifName, host: n.on, mtu: itf.mtu ?? 1500 });
		}
		const hosts = sortedIds(new Set([...members.map((m) => m.host), ...(span.get(name) ?? [])]));
		segments.push({ name, vni: s.vni, subnet: s.subnet, members, hosts });
	}
	return { segments, vteps };
}

/** Format rules across the document: segments and VTEPs that exist, unique VNIs. */
export function overlayIssues(t: Topology): OverlayIssue[] {
	const out: OverlayIssue[] = [];
	const segments = t.overlay?.segments ?? {};
	const byVni = new Map<number, string>();
	for (const [name, s] of Object.entries(segments)) {
		const other = byVni.get(s.vni);
		if (other !== undefined) out.push({ path: ['overlay', 'segments', name, 'vni'], message: `VNI ${s.vni} is already segment "${other}"'s: each segment needs its own VNI` });
		else byVni.set(s.vni, name);
	}
	for (const [id, n] of Object.entries(t.nodes ?? {})) {
		if (n.kind === 'hypervisor' && n.vtep) {
			const itf = n.interfaces?.[n.vtep.interface];
			if (!itf) out.push({ path: ['nodes', id, 'vtep', 'interface'], message: `${id} has no interface "${n.vtep.interface}" for its VTEP` });
			else if (!itf.ip) out.push({ path: ['nodes', id, 'vtep', 'interface'], message: `the VTEP interface ${id}.${n.vtep.interface} needs an \`ip\` (the tunnel's outer address)` });
		}
		for (const [ifName, itf] of Object.entries(n.interfaces ?? {})) {
			if (itf.segment === undefined) continue;
			const path = ['nodes', id, 'interfaces', ifName, 'segment'];
			if (!Object.hasOwn(segments, itf.segment)) {
				const known = Object.keys(segments);
				out.push({ path, message: `no overlay segment "${itf.segment}"${known.length ? ` (segments: ${known.join(', ')})` : ': declare it under `overlay: { segments: { ... } }`'}` });
				continue;
			}
			const host = n.on === undefined ? undefined : t.nodes[n.on];
			if (host === undefined || host.kind !== 'hypervisor') out.push({ path, message: 'a segment is joined through a hypervisor: add `on: <hypervisor>`' });
			else if (!host.vtep) out.push({ path, message: `${n.on} has no VTEP: add \`vtep: { interface: <underlay interface> }\` to ${n.on}` });
		}
	}
	const ctl = t.overlay?.controller;
	if (ctl !== undefined && t.nodes?.[ctl]?.kind !== 'sdn-controller')
		out.push({ path: ['overlay', 'controller'], message: t.nodes?.[ctl] ? `${ctl} is a ${t.nodes[ctl].kind}: the overlay's controller is an sdn-controller node` : `no node "${ctl}" (the overlay's controller is an sdn-controller node)` });
	out.push(...dfwIssues(t), ...routerIssues(t));
	return out;
}

/**
 * Adds the overlay to the resolved network: per host and segment a virtual
 * bridge with the guests' ports and a VXLAN port (`vx<vni>`, no cable: the
 * engine carries its frames through the underlay, vxlan.ts).
 */
export function resolveOverlay(t: Topology, nodes: Map<string, RNode>, links: RLink[]): void {
	const ov = overlayOf(t);
	if (!ov) return;
	for (const seg of ov.segments) {
		for (const host of seg.hosts) {
			const vtep = ov.vteps.get(host);
			if (!vtep) continue;
			const sw = virtualSwitch(`${host}:segment:${seg.name}`, host, undefined, `${host} segment "${seg.name}" (VNI ${seg.vni})`);
			// Linux gives a VXLAN device without a lower device an MTU of 1500; the guests' frames are not limited by the bridge.
			addPort(sw, `vx${seg.vni}`, 65535);
			sw.interfaces[0].vxlan = { vni: seg.vni, segment: seg.name, host, local: vtep.ip };
			for (const m of seg.members) {
				if (m.host !== host) continue;
				const port = `${m.node}.${m.iface}`;
				addPort(sw, port, m.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: m.node, iface: m.iface }));
				const vnic = nodes.get(m.node)?.interfaces.find((i) => i.name === m.iface);
				const dfw = vnicFirewall(t, m.node, m.iface, seg.name, host);
				if (vnic && dfw) vnic.dfw = dfw;
			}
			nodes.set(sw.id, sw);
		}
	}
	resolveRouters(t, nodes, links);
}
