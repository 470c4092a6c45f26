/**
 * Distributed logical routers (docs/overlays.md, NSX's T1): a router between
 * overlay segments that exists on every hypervisor hosting one of its segments,
 * with the same gateway address and the same MAC on each, so traffic between
 * two segments is routed on the host it starts on.
 *
 *   overlay: { routers: { t1: { segments: { web: 10.1.1.1/24, transit: 100.64.0.1/24 }, uplink: edge } } }
 *
 * Resolved as one router `HOST:router:NAME` per host, an interface named after
 * each segment on that host's bridge of the segment (Linux: the address on the
 * bridge device `br-SEG`, `ip link set br-SEG address MAC`). The bridge port
 * facing it holds the shared MAC as a permanent local FDB entry, so the MAC
 * arriving from another host's instance over VXLAN is never learned on the
 * VXLAN port. Its neighbours are the guests of its segments, programmed (as
 * NSX's control plane does; Linux: `ip neigh replace ... nud permanent`),
 * because an ARP reply to the shared MAC stays on the host that receives it.
 * `uplink` names an edge (a router or nat-gateway joined to one of the
 * router's segments): the default route points to its address there.
 */
import type { Topology } from './types';
import { cidrOf, deriveMac, ipToU32, parseCidr } from './net';
import { addPort, DEFAULT_DELAY, virtualLink, type RLink, type RNode } from './resolved';

export interface RouterIssue {
	path: (string | number)[];
	message: string;
}

export interface ResolvedRouter {
	name: string;
	/** the one MAC of every instance's every interface */
	mac: string;
	lifs: { segment: string; cidr: string }[];
	/** the edge's address the default route points to */
	uplink?: { node: string; ip: string; segment: string };
	/** hosts with an instance: every host of any of its segments' guests, in id order */
	hosts: string[];
}

/** The MAC a router's instances share (locally administered, from its name). */
export const routerMac = (name: string): string => deriveMac('overlay:router', name);

/** Hosts each segment's guests are on (interfaces with `segment` on a node with `on`). */
function guestHosts(t: Topology): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	for (const n of Object.values(t.nodes ?? {}))
		for (const itf of Object.values(n.interfaces ?? {}))
			if (itf.segment !== undefined && n.on !== undefined) {
				if (!out.has(itf.segment)) out.set(itf.segment, new Set());
				out.get(itf.segment)!.add(n.on);
			}
	return out;
}

/** The routers of a valid document, in file order. */
export function routersOf(t: Topology): ResolvedRouter[] {
	const byHost = guestHosts(t);
	const out: ResolvedRouter[] = [];
	for (const [name, r] of Object.entries(t.overlay?.routers ?? {})) {
		const hosts = new Set<string>();
		for (const seg of Object.keys(r.segments)) for (const h of byHost.get(seg) ?? []) hosts.add(h);
		const lifs = Object.entries(r.segments).map(([segment, cidr]) => ({ segment, cidr }));
		out.push({ name, mac: r.mac ?? routerMac(name), lifs, uplink: uplinkOf(t, r.segments, r.uplink), hosts: [...hosts].sort() });
	}
	return out;
}

export function uplinkOf(t: Topology, segments: Record<string, string>, edge: string | undefined): ResolvedRouter['uplink'] {
	if (edge === undefined) return undefined;
	for (const itf of Object.values(t.nodes?.[edge]?.interfaces ?? {}))
		if (itf.segment !== undefined && Object.hasOwn(segments, itf.segment) && itf.ip) return { node: edge, ip: itf.ip.split('/')[0], segment: itf.segment };
	return undefined;
}

/** Segment → hosts a router adds to it: a router's instance needs every one of its segments on its host. */
export function routerSpan(t: Topology): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const r of routersOf(t)) for (const l of r.lifs) out.set(l.segment, [...new Set([...(out.get(l.segment) ?? []), ...r.hosts])]);
	return out;
}

/** Format rules: segments that exist, an uplink joined to one of them. */
export function routerIssues(t: Topology): RouterIssue[] {
	const out: RouterIssue[] = [];
	const segments = t.overlay?.segments ?? {};
	for (const [name, r] of Object.entries(t.overlay?.routers ?? {})) {
		for (const seg of Object.keys(r.segments))
			if (!Object.hasOwn(segments, seg)) out.push({ path: ['overlay', 'routers', name, 'segments', seg], message: `no overlay segment "${seg}" (segments: ${Object.keys(segments).join(', ') || 'none'})` });
		if (r.uplink === undefined) continue;
		const edge = Object.hasOwn(t.nodes ?? {}, r.uplink) ? t.nodes[r.uplink] : undefined;
		const path = ['overlay', 'routers', name, 'uplink'];
		// An uplink of another kind or off the router's segments is lint's (lint/overlay-router.ts): no default route.
		if (!edge) out.push({ path, message: `no node "${r.uplink}" (the uplink is the edge router the default route points to)` });
	}
	return out;
}

/** The routers' instances, after the overlay's bridges exist (resolveOverlay). */
export function resolveRouters(t: Topology, nodes: Map<string, RNode>, links: RLink[]): void {
	for (const r of routersOf(t)) {
		for (const host of r.hosts) {
			const id = `${host}:router:${r.name}`;
			const node: RNode = {
				id,
				kind: 'router',
				label: `${host} router "${r.name}"`,
				owner: host,
				forwards: true,
				policy: 'allow',
				stateful: false,
				delay: DEFAULT_DELAY.router,
				interfaces: [],
				addresses: [],
				routes: [],
				services: [],
				rules: [],
				source: null
			};
			for (const l of r.lifs) {
				const bridge = nodes.get(`${host}:segment:${l.segment}`);
				if (!bridge) continue;
				const c = cidrOf(l.cidr);
				const mtu = Math.max(1500, ...bridge.interfaces.filter((p) => !p.vxlan).map((p) => p.mtu));
				node.interfaces.push({ name: l.segment, ip: l.cidr.split('/')[0], prefixLen: c.len, mac: r.mac, mtu, down: false, cost: 10, path: `overlay.routers.${r.name}.segments.${l.segment}` });
				const port = `router:${r.name}`;
				addPort(bridge, port, mtu);
				bridge.interfaces[bridge.interfaces.length - 1].fdbPermanent = true;
				links.push(virtualLink({ node: bridge.id, iface: port }, { node: id, iface: l.segment }));
			}
			if (r.uplink && r.uplink.node !== id)
				node.routes.push({ to: '0.0.0.0/0', via: r.uplink.ip, metric: 0, blackhole: false, path: `overlay.routers.${r.name}.uplink`, origin: 'static' });
			nodes.set(id, node);
		}
	}
}

/** Lint helpers: the prefixes of a router, parsed. */
export function routerPrefixes(segments: Record<string, string>): { segment: string; net: number; mask: number; len: number; addr: number }[] {
	const out = [];
	for (const [segment, s] of Object.entries(segments)) {
		const c = parseCidr(s);
		if (c) out.push({ segment, net: c.net, mask: c.mask, len: c.len, addr: ipToU32(s.split('/')[0]) });
	}
	return out;
}
