/**
 * Layer-2 segments of a topology: which L3 interfaces share a broadcast domain.
 *
 * A segment is what ARP can reach. It is built from:
 *  - links (each link joins the two wire ends, channel by channel: the untagged
 *    channel and every 802.1Q tag the ends carry),
 *  - switches (all ports of a switch in the same VLAN are one domain; access
 *    ports carry their VLAN untagged, trunks carry allowed VLANs tagged and the
 *    native VLAN untagged),
 *  - hypervisor attachments (`bridged` joins the segment of the hypervisor's
 *    uplink interface; `nat`, `host-only` and `internal` are private segments of
 *    that hypervisor, the NAT and host-only ones holding an implicit hypervisor
 *    address).
 *
 * Hypervisors with a `product` (presets.md) are not re-derived here: their
 * guests' segments are read from the resolver's output (resolveTopology), the
 * one place that knows each product's virtual switches (kernel-NAT bridges,
 * per-guest user-mode NAT engines, docker networks, ESXi vSwitches with port
 * groups on VLANs, Hyper-V internal switches, ...). Their virtual switches
 * join channels like switches do, the hypervisor's implicit interfaces and the
 * NAT engines' addresses become `implicit` addresses, and the product's DHCP
 * leases are known (`lease`). If the resolver cannot run on the document (it
 * expects references to be valid), product guests fall back to the rules below.
 *
 * Used by lint (duplicate addresses, subnet/MTU mismatches, gateways nobody
 * answers for, VLANs not carried, L2 loops) and usable by the canvas. Pure: no
 * I/O, tolerant of dangling references (they are lint's business).
 */
import type { Interface, Node, Topology } from './types';
import { resolveTopology, type RNode, type ResolvedTopology } from './resolve';
import { type Cidr, cidrOf, compressVlans, interfaceNames, parseCidr, parseEndpoint, u32ToIp, splitSubinterface } from './net';
import { portChannelVlans } from './switchport';
import { DEFAULT_SUBNETS, genericNatSubnet } from './kinds';

// ---------------------------------------------------------------- interface helpers

// interfaceNames lives in net.ts: references.ts needs it without the resolver this file brings
export { interfaceNames };

/** The bond an interface is a member of, if any. */
export function bondOf(node: Node, member: string, cache?: InterfaceCache): string | undefined {
	if (cache) return cache.of(node).bondOf.get(member);
	for (const [name, itf] of Object.entries(node.interfaces ?? {})) {
		if (itf?.bond?.members?.includes(member)) return name;
	}
	return undefined;
}

/**
 * Per-node lookups (bond of a member, subinterfaces of a parent) for one
 * computation over a topology that does not change meanwhile: without it,
 * each port of an n-port switch or router scans all n interfaces.
 */
export class InterfaceCache {
	private byNode = new Map<Node, { bondOf: Map<string, string>; subs: Map<string, { vlan: number; name: string; itf: Interface }[]> }>();
	of(node: Node) {
		let entry = this.byNode.get(node);
		if (!entry) {
			entry = { bondOf: new Map(), subs: new Map() };
			for (const [name, itf] of Object.entries(node.interfaces ?? {})) {
				// the first bond naming a member, as the scan finds it
				for (const m of itf?.bond?.members ?? []) if (!entry.bondOf.has(m)) entry.bondOf.set(m, name);
				const sub = splitSubinterface(name);
				if (sub) {
					const list = entry.subs.get(sub.parent);
					const item = { vlan: sub.vlan, name, itf };
					if (list) list.push(item);
					else entry.subs.set(sub.parent, [item]);
				}
			}
			this.byNode.set(node, entry);
		}
		return entry;
	}
}

export { ENDPOINT_KINDS, FORWARDING_KINDS } from './kinds';

/** Effective MTU of an interface (default 1500; a subinterface inherits its parent's). */
export function mtuOf(node: Node, iface: string, cache?: InterfaceCache): number {
	const itfs = node.interfaces ?? {};
	const own = itfs[iface]?.mtu;
	if (own !== undefined) return own;
	const sub = splitSubinterface(iface);
	if (sub) {
		const p = itfs[sub.parent]?.mtu;
		if (p !== undefined) return p;
	}
	const bond = bondOf(node, iface, cache);
	if (bond) {
		const b = itfs[bond]?.mtu;
		if (b !== undefined) return b;
	}
	return 1500;
}

// ---------------------------------------------------------------- hypervisor networks

const GENERIC = new Set([undefined, 'generic']);

export function isGenericHypervisor(hv: Node | undefined): boolean {
	return !!hv && GENERIC.has(hv.product);
}

/** Guests (vm/container with `on: hvId`) of a hypervisor, in id order. */
export function guestsOf(t: Topology, hvId: string): string[] {
	return Object.keys(t.nodes)
		.filter((id) => t.nodes[id]?.on === hvId)
		.sort();
}

/** guestsOf for every hypervisor at once (one pass over the nodes). */
export function guestsByHypervisor(t: Topology): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const [id, n] of Object.entries(t.nodes ?? {})) {
		if (n?.on === undefined) continue;
		const list = out.get(n.on);
		if (list) list.push(id);
		else out.set(n.on, [id]);
	}
	for (const list of out.values()) list.sort();
	return out;
}

/**
 * The generic hypervisor NAT subnet: `nat.subnet`, else 10.0.2.0/24 when it has
 * a VM NAT guest, else 172.17.0.0/16 (containers only).
 */
export function natSubnetOf(t: Topology, hvId: string, guests?: readonly string[]): Cidr | null {
	const hv = t.nodes[hvId];
	if (!hv) return null;
	if (hv.nat?.subnet) return parseCidr(hv.nat.subnet);
	let vm = false;
	let ct = false;
	for (const g of guests ?? guestsOf(t, hvId)) {
		const n = t.nodes[g];
		for (const itf of Object.values(n.interfaces ?? {})) {
			if (itf?.attach === 'nat') {
				if (n.kind === 'container') ct = true;
				else vm = true;
			}
		}
	}
	return parseCidr(genericNatSubnet(!vm && ct));
}

/** The hypervisor interface a bridged guest interface joins (`uplink`, else the first interface). */
export function uplinkOf(hv: Node, itf: Interface): string | undefined {
	if (itf.uplink) return itf.uplink;
	return Object.keys(hv.interfaces ?? {})[0];
}

// ---------------------------------------------------------------- channels

/** A wire channel: 0 = untagged, N = 802.1Q tag N. */
export type Channel = number;

/**
 * What each channel of a physical interface connects to, as an entity key:
 * `if:<node>:<iface>` (an L3 interface of a non-switch node) or
 * `sw:<node>:<vlan>` (a switch's VLAN). Switch ports inherit the configuration
 * of the bond they are a member of; so do members of a non-switch bond.
 */
export function portChannels(t: Topology, nodeId: string, iface: string, opts: { includeDown?: boolean; cache?: InterfaceCache } = {}): Map<Channel, string> {
	const out = new Map<Channel, string>();
	const node = t.nodes[nodeId];
	if (!node) return out;
	const itfs = node.interfaces ?? {};
	const bond = bondOf(node, iface, opts.cache);
	const owner = bond ?? iface;
	const cfg: Interface = itfs[owner] ?? {};
	if (!opts.includeDown && (cfg.down || itfs[iface]?.down)) return out;
	if (node.kind === 'switch') {
		for (const [tag, vlan] of portChannelVlans(cfg)) out.set(tag, `sw:${nodeId}:${vlan}`);
		return out;
	}
	out.set(0, `if:${nodeId}:${owner}`);
	if (opts.cache) {
		for (const { vlan, name, itf } of opts.cache.of(node).subs.get(owner) ?? []) if (opts.includeDown || !itf?.down) out.set(vlan, `if:${nodeId}:${name}`);
		return out;
	}
	for (const [name, itf] of Object.entries(itfs)) {
		const sub = splitSubinterface(name);
		if (sub && sub.parent === owner && (opts.includeDown || !itf?.down)) out.set(sub.vlan, `if:${nodeId}:${name}`);
	}
	return out;
}

export function describeChannels(ch: Map<Channel, string>): string {
	const tags = [...ch.keys()].filter((c) => c !== 0).sort((a, b) => a - b);
	const parts: string[] = [];
	if (ch.has(0)) {
		const e = ch.get(0)!;
		parts.push(e.startsWith('sw:') ? `untagged = VLAN ${e.split(':')[2]}` : 'untagged');
	}
	if (tags.length) parts.push(`tagged ${compressVlans(tags)}`);
	return parts.length ? parts.join(', ') : 'nothing';
}

// ---------------------------------------------------------------- union-find

class UnionFind {
	private parent = new Map<string, string>();
	add(x: string) {
		if (!this.parent.has(x)) this.parent.set(x, x);
	}
	find(x: string): string {
		this.add(x);
		let r = x;
		while (this.parent.get(r) !== r) r = this.parent.get(r)!;
		let c = x;
		while (c !== r) {
			const n = this.parent.get(c)!;
			this.parent.set(c, r);
			c = n;
		}
		return r;
	}
	union(a: string, b: string): boolean {
		const ra = this.find(a);
		const rb = this.find(b);
		if (ra === rb) return false;
		this.parent.set(ra, rb);
		return true;
	}
	keys() {
		return this.parent.keys();
	}
}

// ---------------------------------------------------------------- segments

export interface L3Ref {
	node: string;
	iface: string;
}

export interface ImplicitAddress {
	/** the holder: the hypervisor, or a product's NAT engine (a resolver id such as `vb:nat-engine:web1.eth0`) */
	node: string;
	/** "10.0.2.1/24" */
	ip: string;
	role: 'nat-gateway' | 'host-only';
	/** the hypervisor the holder belongs to, when the holder is not a node of the file */
	owner?: string;
	/** how to name the holder in messages, when it is not a node of the file */
	label?: string;
}

export type SegmentKind = 'l2' | 'nat' | 'host-only' | 'internal' | 'private';

export interface Segment {
	id: number;
	kind: SegmentKind;
	/** human description: "sw1 VLAN 10", "hv1 NAT network", "r1.eth1 – r2.eth0" */
	label: string;
	/** the hypervisor owning a private segment */
	hypervisor?: string;
	/** L3 interfaces of non-switch nodes on it (subinterfaces and bonds included), file order */
	interfaces: L3Ref[];
	/** switch VLAN domains on it */
	switches: { node: string; vlan: number }[];
	/** addresses the hypervisor holds there without an interface (NAT gateway, host-only) */
	implicit: ImplicitAddress[];
	/** product virtual switches on it (resolver ids) and the VLAN of each inside the switch */
	virtual?: { id: string; vlan: number }[];
}

export interface LinkChannels {
	index: number;
	a?: L3Ref;
	b?: L3Ref;
	/** channels each end carries (empty when the node is missing) */
	chA: Map<Channel, string>;
	chB: Map<Channel, string>;
}

export interface SegmentMap {
	segments: Segment[];
	/** "node\u0000iface" -> segment */
	byInterface: Map<string, Segment>;
	/** "switch\u0000vlan" -> segment */
	bySwitchVlan: Map<string, Segment>;
	links: LinkChannels[];
	of(node: string, iface: string): Segment | undefined;
	/**
	 * The resolver's view, when the file has product hypervisors and the
	 * resolver could run: then every product segment above is the resolver's.
	 */
	resolved?: ResolvedTopology;
	/** Hypervisors whose guests' segments come from the resolver. */
	resolvedHypervisors: Set<string>;
	/** The address a product gives a guest interface without `ip` (its DHCP, Docker IPAM), if any. */
	lease(node: string, iface: string): Cidr | undefined;
	/** The hypervisor whose network namespace a container shares (docker/podman `attach: host`). */
	netnsOf(node: string): string | undefined;
}

export interface SegmentOptions {
	/**
	 * Count admin-down links and interfaces as connected (the design view, the
	 * default). With false, the segments are those of the network at rest.
	 */
	includeDown?: boolean;
	/** shared with the caller's other lookups over the same topology */
	cache?: InterfaceCache;
}

/** Private segment key of a guest interface attached to a hypervisor, or the hypervisor entity to join. */
function attachmentEntity(t: Topology, guestId: string, iface: string, itf: Interface): { key: string; kind: SegmentKind; hv: string } | null {
	const g = t.nodes[guestId];
	const hvId = g?.on;
	const hv = hvId ? t.nodes[hvId] : undefined;
	if (!hv || hv.kind !== 'hypervisor' || !itf.attach) return null;
	const mode = itf.attach as string;
	const product = hv.product ?? 'generic';
	switch (mode) {
		case 'bridged':
		case 'external':
		case 'macvtap':
		case 'macvlan': {
			const up = uplinkOf(hv, itf);
			return up ? { key: `if:${hvId}:${up}`, kind: 'l2', hv: hvId! } : null;
		}
		case 'nat':
			if (product === 'virtualbox' || product === 'qemu')
				return { key: `nat:${hvId}:${guestId}:${iface}`, kind: 'nat', hv: hvId! };
			return { key: `nat:${hvId}`, kind: 'nat', hv: hvId! };
		case 'bridge':
		case 'default-switch':
			return { key: `nat:${hvId}`, kind: 'nat', hv: hvId! };
		case 'host-only':
			return { key: `host-only:${hvId}`, kind: 'host-only', hv: hvId! };
		case 'internal':
			return { key: `internal:${hvId}:${itf.network ?? ''}`, kind: 'internal', hv: hvId! };
		case 'none':
		case 'host':
			return null;
		default:
			return { key: `${mode}:${hvId}:${itf.network ?? ''}`, kind: 'private', hv: hvId! };
	}
}

/** Entities of the resolver's product segments (keys of the union-find that are not `if:`/`sw:`). */
type VirtualEntity =
	| { type: 'vsw'; sw: RNode; vlan: number }
	| { type: 'implicit'; hv: string; iface: string }
	| { type: 'engine'; engine: RNode };

/** The resolver's output when the file has product hypervisors, or undefined (none, or it cannot run). */
function resolveProducts(t: Topology): { resolved: ResolvedTopology; hvs: Set<string> } | undefined {
	const hvs = new Set<string>();
	for (const [id, n] of Object.entries(t.nodes ?? {})) if (n?.kind === 'hypervisor' && !isGenericHypervisor(n)) hvs.add(id);
	if (!hvs.size) return undefined;
	try {
		return { resolved: resolveTopology(t), hvs };
	} catch {
		return undefined; // a document the resolver cannot take (dangling references): lint reports those
	}
}

export function computeSegments(t: Topology, opts: SegmentOptions = {}): SegmentMap {
	const includeDown = opts.includeDown ?? true;
	const cache = opts.cache ?? new InterfaceCache();
	const uf = new UnionFind();
	const nodes = t.nodes ?? {};
	const order: string[] = []; // entity keys in discovery order (file order)
	const products = resolveProducts(t);
	const rt = products?.resolved;
	const productHvs = products?.hvs ?? new Set<string>();
	const virt = new Map<string, VirtualEntity>();
	/** A resolver node that belongs to a product hypervisor (virtual switch or NAT engine). */
	const productVirtual = (id: string): RNode | undefined => {
		const rn = rt?.nodes.get(id);
		return rn && !rn.source && rn.owner !== undefined && productHvs.has(rn.owner) ? rn : undefined;
	};
	/** Channels of a resolved link end (a product virtual switch port, a NAT engine, a hypervisor's implicit interface, or a file interface). */
	const resolvedChannels = (end: { node: string; iface: string }): Map<Channel, string> => {
		const out = new Map<Channel, string>();
		const rn = rt!.nodes.get(end.node);
		if (!rn) return out;
		if (rn.kind === 'virtual-switch') {
			const p = rn.interfaces.find((i) => i.name === end.iface);
			if (!p) return out;
			const key = (vlan: number) => {
				const k = `vsw\u0001${rn.id}\u0001${vlan}`;
				if (!virt.has(k)) virt.set(k, { type: 'vsw', sw: rn, vlan });
				return k;
			};
			for (const [tag, vlan] of portChannelVlans(p)) out.set(tag, key(vlan));
			return out;
		}
		if (rn.kind === 'nat-engine') {
			const k = `engine\u0001${rn.id}`;
			virt.set(k, { type: 'engine', engine: rn });
			out.set(0, k);
			return out;
		}
		const src = nodes[end.node];
		if (src && (src.kind === 'switch' || interfaceNames(src).has(end.iface))) return portChannels(t, end.node, end.iface, { includeDown, cache });
		const ri = rn.interfaces.find((i) => i.name === end.iface);
		if (!ri || (!includeDown && ri.down)) return out;
		const k = `implicit\u0001${end.node}\u0001${end.iface}`;
		virt.set(k, { type: 'implicit', hv: end.node, iface: end.iface });
		out.set(0, k);
		return out;
	};

	const add = (k: string) => {
		if (!isKnown.has(k)) {
			isKnown.add(k);
			order.push(k);
		}
		uf.add(k);
	};
	const isKnown = new Set<string>();

	// L3 interfaces of non-switch nodes, in file order; switch VLANs as they appear.
	for (const [id, node] of Object.entries(nodes)) {
		if (!node) continue;
		if (node.kind === 'switch') {
			for (const [pname, p] of Object.entries(node.interfaces ?? {})) {
				if (p?.bond) continue; // its members carry its configuration
				const ch = portChannels(t, id, pname, { includeDown: true, cache });
				for (const e of ch.values()) add(e);
			}
			continue;
		}
		if (node.kind === 'sdn-controller') continue;
		const names = interfaceNames(node);
		const members = new Set<string>();
		for (const itf of Object.values(node.interfaces ?? {})) for (const m of itf?.bond?.members ?? []) members.add(m);
		for (const name of names) {
			if (members.has(name)) continue; // a bond member is not an L3 interface
			add(`if:${id}:${name}`);
		}
	}

	// Links.
	const links: LinkChannels[] = [];
	const joinChannels = (chA: Map<Channel, string>, chB: Map<Channel, string>) => {
		for (const [c, ka] of chA) {
			const kb = chB.get(c);
			if (kb === undefined) continue;
			add(ka);
			add(kb);
			uf.union(ka, kb);
		}
	};
	// Product segments: the resolver's virtual links, and the file links whose
	// hypervisor end a product's virtual switch took over (the uplink's cable).
	const takenOver = new Set<number>();
	if (rt) {
		for (const l of rt.links) {
			const virtualEnd = productVirtual(l.a.node) || productVirtual(l.b.node);
			if (!virtualEnd) continue;
			if (l.index !== null) takenOver.add(l.index);
			if (!includeDown && l.down) continue;
			joinChannels(resolvedChannels(l.a), resolvedChannels(l.b));
		}
	}
	(t.links ?? []).forEach((link, index) => {
		const ea = parseEndpoint(link?.a);
		const eb = parseEndpoint(link?.b);
		const chA = ea && nodes[ea.node] ? portChannels(t, ea.node, ea.iface, { includeDown, cache }) : new Map<Channel, string>();
		const chB = eb && nodes[eb.node] ? portChannels(t, eb.node, eb.iface, { includeDown, cache }) : new Map<Channel, string>();
		links.push({ index, a: ea ?? undefined, b: eb ?? undefined, chA, chB });
		if (!includeDown && link?.down) return;
		if (takenOver.has(index)) return;
		joinChannels(chA, chB);
	});

	// Hypervisor attachments.
	const guests = guestsByHypervisor(t);
	const privKind = new Map<string, { kind: SegmentKind; hv: string }>();
	for (const [id, node] of Object.entries(nodes)) {
		if (!node || !node.on) continue;
		if (rt && productHvs.has(node.on)) continue; // the resolver's links above
		for (const [name, itf] of Object.entries(node.interfaces ?? {})) {
			if (!itf?.attach) continue;
			if (!includeDown && itf.down) continue;
			const ent = attachmentEntity(t, id, name, itf);
			if (!ent) continue;
			if (!ent.key.startsWith('if:')) privKind.set(ent.key, { kind: ent.kind, hv: ent.hv });
			add(ent.key);
			add(`if:${id}:${name}`);
			uf.union(`if:${id}:${name}`, ent.key);
		}
	}

	// Group.
	const byRoot = new Map<string, Segment>();
	const segments: Segment[] = [];
	const byInterface = new Map<string, Segment>();
	const bySwitchVlan = new Map<string, Segment>();
	for (const k of order) {
		const r = uf.find(k);
		const v = virt.get(k);
		if (v?.type === 'vsw') continue; // below: a VLAN of a virtual switch makes no segment by itself
		let seg = byRoot.get(r);
		if (!seg) {
			seg = { id: segments.length, kind: 'l2', label: '', interfaces: [], switches: [], implicit: [] };
			byRoot.set(r, seg);
			segments.push(seg);
		}
		if (v?.type === 'implicit') {
			const ri = rt!.nodes.get(v.hv)?.interfaces.find((i) => i.name === v.iface);
			if (ri?.ip) seg.implicit.push({ node: v.hv, ip: `${ri.ip}/${ri.prefixLen ?? 32}`, role: ri.implicit ?? 'host-only' });
			continue;
		}
		if (v?.type === 'engine') {
			const e = v.engine;
			const len = e.interfaces[0]?.prefixLen ?? 32;
			for (const ip of [...e.interfaces.map((i) => i.ip), ...(e.extraAddresses ?? [])])
				if (ip) seg.implicit.push({ node: e.id, owner: e.owner, label: e.label, ip: `${ip}/${len}`, role: 'nat-gateway' });
			continue;
		}
		const [type, a, b] = k.split(':');
		if (type === 'if') {
			const iface = k.slice(4 + a.length);
			seg.interfaces.push({ node: a, iface });
			byInterface.set(`${a}\u0000${iface}`, seg);
		} else if (type === 'sw') {
			seg.switches.push({ node: a, vlan: Number(b) });
			bySwitchVlan.set(`${a}\u0000${b}`, seg);
		} else {
			const pk = privKind.get(k);
			if (pk) {
				seg.kind = pk.kind;
				seg.hypervisor = pk.hv;
				const hv = nodes[pk.hv];
				if (isGenericHypervisor(hv)) {
					if (pk.kind === 'nat') {
						const sn = natSubnetOf(t, pk.hv, guests.get(pk.hv) ?? []);
						if (sn) seg.implicit.push({ node: pk.hv, ip: `${u32ToIp(sn.net + 1)}/${sn.len}`, role: 'nat-gateway' });
					} else if (pk.kind === 'host-only') {
						const ho = cidrOf(DEFAULT_SUBNETS.genericHostOnly);
						seg.implicit.push({ node: pk.hv, ip: `${u32ToIp(ho.net + 1)}/${ho.len}`, role: 'host-only' });
					}
				}
			}
		}
	}
	// Product virtual switches: the kind and owner of the segment they are in.
	for (const k of order) {
		const v = virt.get(k);
		if (v?.type !== 'vsw') continue;
		const seg = byRoot.get(uf.find(k));
		if (!seg) continue;
		(seg.virtual ??= []).push({ id: v.sw.id, vlan: v.vlan });
		const kind: SegmentKind = v.sw.segment === 'nat' ? 'nat' : v.sw.segment === 'host-only' ? 'host-only' : v.sw.segment === 'internal' ? 'internal' : 'l2';
		if (kind !== 'l2') {
			seg.kind = kind;
			seg.hypervisor = v.sw.owner;
		}
	}
	for (const seg of segments) seg.label = labelOf(seg, t, rt);
	const leases = new Map<string, Cidr>();
	const netns = new Map<string, string>();
	if (rt)
		for (const [id, n] of Object.entries(nodes)) {
			if (!n?.on || !productHvs.has(n.on)) continue;
			const rn = rt.nodes.get(id);
			if (!rn) continue;
			if (rn.netns) netns.set(id, rn.netns);
			for (const ri of rn.interfaces) {
				if (!ri.ip || n.interfaces?.[ri.name]?.ip) continue;
				const c = parseCidr(`${ri.ip}/${ri.prefixLen ?? 32}`);
				if (c) leases.set(`${id}\u0000${ri.name}`, c);
			}
		}
	return {
		segments,
		byInterface,
		bySwitchVlan,
		links,
		of: (node, iface) => byInterface.get(`${node}\u0000${iface}`),
		resolved: rt,
		resolvedHypervisors: rt ? productHvs : new Set(),
		lease: (node, iface) => leases.get(`${node}\u0000${iface}`),
		netnsOf: (node) => netns.get(node)
	};
}

function labelOf(seg: Segment, t: Topology, rt?: ResolvedTopology): string {
	if (seg.virtual?.length && !seg.switches.length) {
		// A product segment: the resolver's name for it ("dock network "frontend"", "esx1 vSwitch on vmnic0 VLAN 10").
		const { id, vlan } = seg.virtual[0];
		const sw = rt?.nodes.get(id);
		const uplink = sw?.interfaces.find((i) => i.name === 'uplink' && i.trunk !== undefined);
		const label = sw?.label ?? id;
		return uplink ? `${label} ${vlan === uplink.native ? 'untagged' : `VLAN ${vlan}`}` : label;
	}
	if (seg.kind === 'nat') return `${seg.hypervisor} NAT network`;
	if (seg.kind === 'host-only') return `${seg.hypervisor} host-only network`;
	if (seg.kind === 'internal' || seg.kind === 'private') {
		const g = seg.interfaces.find((r) => t.nodes[r.node]?.on === seg.hypervisor);
		const net = g ? t.nodes[g.node].interfaces?.[g.iface]?.network : undefined;
		return `${seg.hypervisor} ${seg.kind} network${net ? ` "${net}"` : ''}`;
	}
	if (seg.switches.length) {
		const byVlan = new Map<number, string[]>();
		for (const s of seg.switches) {
			const list = byVlan.get(s.vlan);
			if (list) list.push(s.node);
			else byVlan.set(s.vlan, [s.node]);
		}
		return [...byVlan]
			.map(([v, sws]) => `${[...new Set(sws)].join('/')} VLAN ${v}`)
			.join(' + ');
	}
	if (seg.interfaces.length) return seg.interfaces.map((r) => `${r.node}.${r.iface}`).join(' – ');
	return `segment ${seg.id}`;
}

// ---------------------------------------------------------------- switch loops

export interface SwitchLoop {
	/** the link that closes the loop */
	link: number;
	/** VLANs in which it is a loop */
	vlans: number[];
	/** switches around the loop, starting at one end of `link` */
	switches: string[];
	/** links around the loop (including `link`) */
	links: number[];
	/** every switch on the loop is managed by an sdn-controller */
	managed: boolean;
}

/**
 * Loops of switches per VLAN (a broadcast storm without a blocking protocol).
 * Links and ports that are administratively down do not count. Links between
 * two switches managed by an sdn-controller are taken first: the controller
 * forwards along paths it computes, so a loop made only of managed switches is
 * reported with `managed: true` (it only storms if the controller is lost and
 * the switches fall back to MAC learning). An active-backup bond counts as one
 * port: only its first linked member forms an edge.
 */
export function findSwitchLoops(t: Topology, managedSwitches: Set<string>, cache = new InterfaceCache()): SwitchLoop[] {
	const nodes = t.nodes ?? {};
	type Edge = { index: number; ka: string; kb: string; vlan: number; swA: string; swB: string };
	const edges: Edge[] = [];
	const usedBond = new Map<string, number>(); // "sw\u0000bond" -> first link index
	(t.links ?? []).forEach((link, index) => {
		if (link?.down) return;
		const ea = parseEndpoint(link?.a);
		const eb = parseEndpoint(link?.b);
		if (!ea || !eb) return;
		const na = nodes[ea.node];
		const nb = nodes[eb.node];
		if (na?.kind !== 'switch' || nb?.kind !== 'switch') return;
		for (const [n, e] of [
			[na, ea],
			[nb, eb]
		] as const) {
			const bond = bondOf(n, e.iface, cache);
			if (bond) {
				const key = `${e.node}\u0000${bond}`;
				if (usedBond.has(key) && usedBond.get(key) !== index) return;
				usedBond.set(key, index);
			}
		}
		const chA = portChannels(t, ea.node, ea.iface, { cache });
		const chB = portChannels(t, eb.node, eb.iface, { cache });
		for (const [c, ka] of chA) {
			const kb = chB.get(c);
			if (kb === undefined) continue;
			edges.push({ index, ka, kb, vlan: Number(ka.split(':')[2]), swA: ea.node, swB: eb.node });
		}
	});
	const isManaged = (e: Edge) => managedSwitches.has(e.swA) && managedSwitches.has(e.swB);
	const ordered = [...edges.filter(isManaged), ...edges.filter((e) => !isManaged(e))];

	const uf = new UnionFind();
	const adj = new Map<string, { to: string; index: number }[]>();
	const addAdj = (a: string, b: string, index: number) => {
		for (const [x, y] of [
			[a, b],
			[b, a]
		]) {
			const list = adj.get(x);
			if (list) list.push({ to: y, index });
			else adj.set(x, [{ to: y, index }]);
		}
	};
	const path = (from: string, to: string): { nodes: string[]; links: number[] } => {
		const prev = new Map<string, { from: string; index: number } | null>([[from, null]]);
		const q = [from];
		for (let head = 0; head < q.length; head++) {
			const x = q[head];
			if (x === to) break;
			for (const { to: y, index } of adj.get(x) ?? []) {
				if (!prev.has(y)) {
					prev.set(y, { from: x, index });
					q.push(y);
				}
			}
		}
		const ns: string[] = [];
		const ls: number[] = [];
		let c: string | undefined = to;
		while (c !== undefined) {
			ns.unshift(c);
			const p = prev.get(c);
			if (!p) break;
			ls.unshift(p.index);
			c = p.from;
		}
		return { nodes: ns, links: ls };
	};

	const found = new Map<string, SwitchLoop>();
	for (const e of ordered) {
		if (uf.union(e.ka, e.kb)) {
			addAdj(e.ka, e.kb, e.index);
			continue;
		}
		const p = path(e.kb, e.ka); // kb ... ka, then the edge closes it
		const switches = p.nodes.map((k) => k.split(':')[1]);
		const dedup = switches.filter((s, i) => i === 0 || s !== switches[i - 1]);
		const loopLinks = [...new Set([...p.links, e.index])].sort((a, b) => a - b);
		const managed = dedup.every((s) => managedSwitches.has(s));
		const key = loopLinks.join(',');
		const prevLoop = found.get(key);
		if (prevLoop) {
			if (!prevLoop.vlans.includes(e.vlan)) prevLoop.vlans.push(e.vlan);
			continue;
		}
		found.set(key, { link: e.index, vlans: [e.vlan], switches: dedup, links: loopLinks, managed });
	}
	return [...found.values()];
}
