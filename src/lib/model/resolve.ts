/**
 * The resolver: a valid document → the resolved network the engine compiles
 * and the canvas draws. It applies every default of the spec in one place:
 * kind defaults (forwarding, policy, stateful, delay), derived MACs, implicit
 * parent interfaces of subinterfaces, `gateway` as a default route, and the
 * hypervisor attachments, which become explicit virtual segments:
 *
 *   - NAT network: a virtual bridge `hv:nat` joining the hypervisor's gateway
 *     interface (`nat0`, or `docker0` for container-only hosts) and the NAT
 *     guests, with deterministic DHCP addresses;
 *   - host-only: a bridge `hv:host-only` with the hypervisor's `hostonly0`;
 *   - internal networks: a bridge `hv:internal:<name>` among guests only;
 *   - bridged: a bridge `hv:bridge:<uplink>` that takes over the uplink's cable
 *     and joins the hypervisor's uplink interface and the bridged guests (as a
 *     Linux host bridge does).
 *
 * Virtual node ids contain `:`, which no id in a file can.
 */
import type { Kind, Node, Rule, Service, Topology, Vrrp, Bond, NatForward, Interface } from './types';
import { deriveMac, ipToU32, u32ToIp, cidrOf, maskOf, splitEndpoint } from './net';
import { resolveProduct } from './products-resolve';

export const FORWARDING_KINDS: ReadonlySet<Kind> = new Set(['router', 'firewall', 'nat-gateway', 'load-balancer']);
export const ENDPOINT_KINDS: ReadonlySet<Kind> = new Set(['host', 'vm', 'container', 'hypervisor', 'internet']);

const US = 1000;
export const DEFAULT_DELAY: Record<Kind, number> = {
	host: 10 * US,
	vm: 10 * US,
	container: 10 * US,
	hypervisor: 10 * US,
	internet: 10 * US,
	switch: 5 * US,
	router: 20 * US,
	firewall: 50 * US,
	'nat-gateway': 50 * US,
	'load-balancer': 50 * US,
	'sdn-controller': 50 * US
};

const DEFAULT_POLICY: Partial<Record<Kind, 'allow' | 'deny'>> = { firewall: 'deny' };
const DEFAULT_STATEFUL: Partial<Record<Kind, boolean>> = {
	firewall: true,
	'nat-gateway': true,
	'load-balancer': true
};

export const DEFAULT_MTU = 1500;
export const DEFAULT_LATENCY = 50 * US; // 50us
export const DEFAULT_BANDWIDTH = 1e9;
export const DEFAULT_QUEUE = 1000;
const VIRTUAL_BANDWIDTH = 10e9;

export interface RIface {
	name: string;
	/** address as "a.b.c.d" and prefix length; absent when unaddressed */
	ip?: string;
	prefixLen?: number;
	mac: string;
	mtu: number;
	down: boolean;
	/** switch ports */
	vlan?: number;
	trunk?: number[];
	native?: number;
	/** 802.1Q subinterface: its parent and VLAN */
	parent?: string;
	tag?: number;
	/** declared only through its subinterfaces (accepts tagged frames only) */
	implicitParent?: boolean;
	/** created by the resolver (hypervisor NAT gateway, host-only, ...) */
	implicit?: 'nat-gateway' | 'host-only';
	/** virtual switch ports: port isolation (macvlan/macvtap): a frame entering a port whose l2deny has a bit of the egress port's l2bit is not sent there */
	l2bit?: number;
	l2deny?: number;
	bond?: Required<Omit<Bond, 'miimon'>> & { miimon: number };
	/** this interface is a member of that bond */
	bondOf?: string;
	vrrp?: Required<Vrrp>;
	cost: number;
	attach?: Interface['attach'];
	/** where this address came from, for explanations */
	dhcp?: boolean;
	/** the path of this interface in the file, or null when implicit */
	path: string | null;
}

export interface RRoute {
	to: string; // CIDR
	via?: string;
	metric: number;
	blackhole: boolean;
	/** path in the file that declared it, for explanations */
	path: string;
	origin: 'gateway' | 'static' | 'dhcp';
}

export interface RNode {
	id: string;
	/** `nat-engine`: a user-mode NAT engine of a product (usermode-nat.ts) */
	kind: Kind | 'virtual-switch' | 'nat-engine';
	label: string;
	/** hypervisor owning a virtual segment */
	owner?: string;
	segment?: 'nat' | 'host-only' | 'internal' | 'bridge';
	forwards: boolean;
	policy: 'allow' | 'deny';
	stateful: boolean;
	delay: number;
	interfaces: RIface[];
	/** the node's addresses in spec order; the first is its "first address" */
	addresses: string[];
	routes: RRoute[];
	services: Service[];
	rules: Rule[];
	nat?: {
		masquerade: string[];
		forwards: (NatForward & { toAddr: string; toPort: number; path: string })[];
		subnet?: string;
	};
	/** NAT guests (hypervisor) */
	on?: string;
	source: Node | null;
	/** hypervisor: its product (presets.md), absent for generic */
	product?: string;
	/** a container that shares this node's network namespace (docker/podman `attach: host`) */
	netns?: string;
	/** addresses besides its interfaces' (a NAT engine's DNS address) */
	extraAddresses?: string[];
	/** hypervisor: port forwards into user-mode NAT engines (virtualbox, qemu) */
	usermodeForwards?: { proto: 'tcp' | 'udp'; port: number; to: string; engine: string; toAddr: string; toPort: number; path: string }[];
	/** nat-engine: what it is */
	engine?: { product: string; name: string; gateway: string; echoBeyond: boolean };
}

export interface RLinkEnd {
	node: string;
	iface: string;
}

export interface RLink {
	a: RLinkEnd;
	b: RLinkEnd;
	latency: number;
	bandwidth: number;
	loss: number;
	down: boolean;
	queue: number;
	/** index in the file's `links`, or null for a virtual link */
	index: number | null;
}

export interface ResolvedTopology {
	name: string;
	nodes: Map<string, RNode>;
	links: RLink[];
	/** addresses that exist on the network outside private hypervisor segments */
	ownedAddresses: Map<string, string>; // address → node id
	source: Topology;
}

export function sortedIds(ids: Iterable<string>): string[] {
	return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function splitCidr(cidr: string): { ip: string; len: number } {
	const [ip, len] = cidr.split('/');
	return { ip, len: len === undefined ? 32 : +len };
}

function resolveNode(id: string, n: Node): RNode {
	const kind = n.kind;
	const ifaces: RIface[] = [];
	const declared = n.interfaces ?? {};
	const names = Object.keys(declared);
	// Parents of subinterfaces that are not declared come first, where the
	// subinterface is, so "first addressed interface" keeps file order.
	for (const name of names) {
		const dot = name.indexOf('.');
		if (dot > 0) {
			const parent = name.slice(0, dot);
			if (!(parent in declared) && !ifaces.some((i) => i.name === parent)) {
				ifaces.push({
					name: parent,
					mac: deriveMac(id, parent),
					mtu: DEFAULT_MTU,
					down: false,
					implicitParent: true,
					cost: 10,
					path: null
				});
			}
		}
		const d = declared[name];
		const iface: RIface = {
			name,
			mac: d.mac ?? deriveMac(id, name),
			mtu: d.mtu ?? DEFAULT_MTU,
			down: d.down ?? false,
			cost: d.cost ?? 10,
			path: `nodes.${id}.interfaces.${name}`
		};
		if (d.ip) {
			const c = splitCidr(d.ip);
			iface.ip = c.ip;
			iface.prefixLen = c.len;
		}
		if (d.vlan !== undefined) iface.vlan = d.vlan;
		if (d.trunk !== undefined) iface.trunk = d.trunk;
		if (d.native !== undefined) iface.native = d.native;
		if (d.attach) iface.attach = d.attach;
		if (d.bond) iface.bond = { members: d.bond.members, mode: 'active-backup', miimon: d.bond.miimon ?? 100e6 };
		if (d.vrrp)
			iface.vrrp = { group: d.vrrp.group, vip: d.vrrp.vip, priority: d.vrrp.priority ?? 100, advert: d.vrrp.advert ?? 1e9 };
		if (dot > 0) {
			iface.parent = name.slice(0, dot);
			iface.tag = +name.slice(dot + 1);
		}
		ifaces.push(iface);
	}
	// A subinterface's MTU defaults to its parent's.
	for (const i of ifaces) {
		if (i.parent && declared[i.name].mtu === undefined) {
			const p = ifaces.find((x) => x.name === i.parent);
			if (p) i.mtu = p.mtu;
		}
		if (i.parent) {
			// Linux VLAN devices inherit the parent's MAC.
			const p = ifaces.find((x) => x.name === i.parent);
			if (p && declared[i.name].mac === undefined) i.mac = p.mac;
		}
		if (i.bond) for (const m of i.bond.members) {
			const mem = ifaces.find((x) => x.name === m);
			if (mem) mem.bondOf = i.name;
		}
	}
	// A bond's MAC is its first member's (Linux default).
	for (const i of ifaces) {
		if (i.bond && declared[i.name].mac === undefined) {
			const first = ifaces.find((x) => x.name === i.bond!.members[0]);
			if (first) i.mac = first.mac;
		}
	}

	const routes: RRoute[] = [];
	for (const name of names) {
		const gw = declared[name].gateway;
		if (gw) routes.push({ to: '0.0.0.0/0', via: gw, metric: 0, blackhole: false, path: `nodes.${id}.interfaces.${name}.gateway`, origin: 'gateway' });
	}
	(n.routes ?? []).forEach((r, i) =>
		routes.push({
			to: r.to,
			via: r.via,
			metric: r.metric ?? 0,
			blackhole: r.blackhole ?? false,
			path: `nodes.${id}.routes[${i}]`,
			origin: 'static'
		})
	);

	const forwards = FORWARDING_KINDS.has(kind);
	const node: RNode = {
		id,
		kind,
		label: n.label ?? id,
		forwards,
		policy: n.policy ?? DEFAULT_POLICY[kind] ?? 'allow',
		stateful: n.stateful ?? DEFAULT_STATEFUL[kind] ?? false,
		delay: n.delay ?? DEFAULT_DELAY[kind],
		interfaces: ifaces,
		addresses: [],
		routes,
		services: n.services ?? [],
		rules: n.rules ?? [],
		on: n.on,
		source: n
	};
	return node;
}

export function virtualSwitch(id: string, owner: string, segment: RNode['segment'], label: string): RNode {
	return {
		id,
		kind: 'virtual-switch',
		label,
		owner,
		segment,
		forwards: false,
		policy: 'allow',
		stateful: false,
		delay: 0,
		interfaces: [],
		addresses: [],
		routes: [],
		services: [],
		rules: [],
		source: null
	};
}

export function virtualLink(a: RLinkEnd, b: RLinkEnd): RLink {
	return { a, b, latency: 0, bandwidth: VIRTUAL_BANDWIDTH, loss: 0, down: false, queue: DEFAULT_QUEUE, index: null };
}

export function addPort(sw: RNode, name: string, mtu: number): void {
	sw.interfaces.push({ name, mac: deriveMac(sw.id, name), mtu, down: false, vlan: 1, cost: 10, path: null });
}

export function resolveTopology(t: Topology): ResolvedTopology {
	const nodes = new Map<string, RNode>();
	for (const id of Object.keys(t.nodes)) nodes.set(id, resolveNode(id, t.nodes[id]));

	const links: RLink[] = t.links.map((l, index) => ({
		a: splitEndpoint(l.a),
		b: splitEndpoint(l.b),
		latency: l.latency ?? DEFAULT_LATENCY,
		bandwidth: l.bandwidth ?? DEFAULT_BANDWIDTH,
		loss: l.loss ?? 0,
		down: l.down ?? false,
		queue: l.queue ?? DEFAULT_QUEUE,
		index
	}));

	// Switch ports named in links but not declared are access ports in VLAN 1.
	for (const l of links)
		for (const end of [l.a, l.b]) {
			const n = nodes.get(end.node);
			if (n && n.kind === 'switch' && !n.interfaces.some((i) => i.name === end.iface))
				n.interfaces.push({ name: end.iface, mac: deriveMac(n.id, end.iface), mtu: DEFAULT_MTU, down: false, vlan: 1, cost: 10, path: null });
		}
	for (const n of nodes.values())
		if (n.kind === 'switch') for (const i of n.interfaces) if (i.vlan === undefined && i.trunk === undefined && i.native === undefined) i.vlan = 1;

	const privateAddresses = new Set<string>();
	resolveHypervisors(t, nodes, links, privateAddresses);

	// Node-level extras: NAT blocks, vips.
	for (const n of nodes.values()) {
		const src = n.source;
		if (!src) continue;
		if (src.nat && n.kind !== 'hypervisor') {
			n.nat = {
				masquerade: src.nat.masquerade ?? [],
				forwards: (src.nat.forwards ?? []).map((f, i) => ({ ...f, ...forwardTarget(f.to, t, nodes), path: `nodes.${n.id}.nat.forwards[${i}]` })),
				subnet: src.nat.subnet
			};
		}
	}

	// Addresses in spec order: interface addresses in file order, then implicit ones.
	for (const n of nodes.values()) {
		const addrs: string[] = [];
		for (const i of n.interfaces) if (i.ip && !i.implicit) addrs.push(i.ip);
		for (const i of n.interfaces) if (i.ip && i.implicit) addrs.push(i.ip);
		for (const a of n.extraAddresses ?? []) if (!addrs.includes(a)) addrs.push(a);
		n.addresses = addrs;
	}
	// VRRP: at rest the master of each group holds the vip.
	const groups = new Map<string, { node: RNode; iface: RIface }[]>();
	for (const n of nodes.values())
		for (const i of n.interfaces)
			if (i.vrrp) {
				const key = `${i.vrrp.group}|${i.vrrp.vip}`;
				if (!groups.has(key)) groups.set(key, []);
				groups.get(key)!.push({ node: n, iface: i });
			}
	for (const members of groups.values()) {
		const master = vrrpMaster(members);
		if (master) master.node.addresses.push(master.iface.vrrp!.vip);
	}
	for (const n of nodes.values()) {
		const vip = n.source?.vip;
		if (n.kind === 'load-balancer' && vip) n.addresses.push(vip);
	}

	const ownedAddresses = new Map<string, string>();
	for (const n of nodes.values())
		for (const a of n.addresses) if (!privateAddresses.has(a) && !ownedAddresses.has(a)) ownedAddresses.set(a, n.id);

	return { name: t.name, nodes, links, ownedAddresses, source: t };
}

export function vrrpMaster<T extends { iface: RIface }>(members: T[]): T | undefined {
	let best: T | undefined;
	for (const m of members) {
		if (m.iface.down) continue;
		if (
			!best ||
			m.iface.vrrp!.priority > best.iface.vrrp!.priority ||
			(m.iface.vrrp!.priority === best.iface.vrrp!.priority && ipToU32(m.iface.ip ?? '0.0.0.0') > ipToU32(best.iface.ip ?? '0.0.0.0'))
		)
			best = m;
	}
	return best;
}

/** NAT forward target "10.0.1.10:80" or "web1:80" (the node's first address). */
export function forwardTarget(to: string, t: Topology, nodes: Map<string, RNode>): { toAddr: string; toPort: number } {
	const colon = to.lastIndexOf(':');
	const host = to.slice(0, colon);
	const toPort = +to.slice(colon + 1);
	if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return { toAddr: host, toPort };
	const n = nodes.get(host);
	const first = n ? (n.interfaces.find((i) => i.ip && !i.implicit)?.ip ?? n.interfaces.find((i) => i.ip)?.ip) : undefined;
	return { toAddr: first ?? '0.0.0.0', toPort };
}

function resolveHypervisors(t: Topology, nodes: Map<string, RNode>, links: RLink[], privateAddresses: Set<string>): void {
	for (const hvId of sortedIds(Object.keys(t.nodes))) {
		const hvSrc = t.nodes[hvId];
		if (hvSrc.kind !== 'hypervisor') continue;
		if (hvSrc.product !== undefined && hvSrc.product !== 'generic') {
			resolveProduct(t, hvId, nodes, links, privateAddresses);
			continue;
		}
		const hv = nodes.get(hvId)!;
		const guests = sortedIds(Object.keys(t.nodes).filter((id) => t.nodes[id].on === hvId));
		type GI = { node: RNode; iface: RIface; src: Interface };
		const byMode = (mode: string): GI[] => {
			const out: GI[] = [];
			for (const g of guests) {
				const gn = nodes.get(g)!;
				const decl = t.nodes[g].interfaces ?? {};
				for (const name of Object.keys(decl))
					if (decl[name].attach === mode) out.push({ node: gn, iface: gn.interfaces.find((i) => i.name === name)!, src: decl[name] });
			}
			return out;
		};

		// NAT network
		const natGuests = byMode('nat');
		if (natGuests.length > 0 || hvSrc.nat) {
			const hasVm = natGuests.some((g) => g.node.kind !== 'container');
			const onlyContainers = natGuests.length > 0 && !hasVm;
			const subnet = hvSrc.nat?.subnet ?? (onlyContainers ? '172.17.0.0/16' : '10.0.2.0/24');
			const c = cidrOf(subnet);
			const gw = u32ToIp(c.net + 1);
			const gwName = onlyContainers ? 'docker0' : 'nat0';
			hv.interfaces.push({ name: gwName, ip: gw, prefixLen: c.len, mac: deriveMac(hvId, gwName), mtu: DEFAULT_MTU, down: false, implicit: 'nat-gateway', cost: 10, path: null });
			privateAddresses.add(gw);
			const sw = virtualSwitch(`${hvId}:nat`, hvId, 'nat', onlyContainers ? `${hvId} ${gwName}` : `${hvId} NAT network`);
			addPort(sw, 'host', DEFAULT_MTU);
			links.push(virtualLink({ node: sw.id, iface: 'host' }, { node: hvId, iface: gwName }));
			// Deterministic DHCP: lowest free address of the pool, guests in id order.
			const taken = new Set<number>([c.net, c.net + 1, (c.net | (~c.mask >>> 0)) >>> 0]);
			for (const g of natGuests) if (g.iface.ip) taken.add(ipToU32(g.iface.ip));
			const bcast = (c.net | (~maskOf(c.len) >>> 0)) >>> 0;
			for (const g of natGuests) {
				if (g.src.dhcp && !g.iface.ip) {
					let a = c.net + (onlyContainers ? 2 : 15); // a Docker-style network starts at .2, a VM NAT network at .15
					while (taken.has(a) && a < bcast) a++;
					taken.add(a);
					g.iface.ip = u32ToIp(a);
					g.iface.prefixLen = c.len;
					g.iface.dhcp = true;
					g.node.routes.unshift({ to: '0.0.0.0/0', via: gw, metric: 0, blackhole: false, path: `${g.iface.path}.dhcp`, origin: 'dhcp' });
				}
				if (g.iface.ip) privateAddresses.add(g.iface.ip);
				const port = `${g.node.id}.${g.iface.name}`;
				addPort(sw, port, g.iface.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
			}
			hv.nat = {
				masquerade: [],
				forwards: (hvSrc.nat?.forwards ?? []).map((f, i) => ({ ...f, ...forwardTarget(f.to, t, nodes), path: `nodes.${hvId}.nat.forwards[${i}]` })),
				subnet
			};
			nodes.set(sw.id, sw);
		}

		// Host-only network
		const hoGuests = byMode('host-only');
		if (hoGuests.length > 0) {
			const c = cidrOf('192.168.56.0/24');
			const addr = u32ToIp(c.net + 1);
			hv.interfaces.push({ name: 'hostonly0', ip: addr, prefixLen: c.len, mac: deriveMac(hvId, 'hostonly0'), mtu: DEFAULT_MTU, down: false, implicit: 'host-only', cost: 10, path: null });
			privateAddresses.add(addr);
			const sw = virtualSwitch(`${hvId}:host-only`, hvId, 'host-only', `${hvId} host-only network`);
			addPort(sw, 'host', DEFAULT_MTU);
			links.push(virtualLink({ node: sw.id, iface: 'host' }, { node: hvId, iface: 'hostonly0' }));
			for (const g of hoGuests) {
				if (g.iface.ip) privateAddresses.add(g.iface.ip);
				const port = `${g.node.id}.${g.iface.name}`;
				addPort(sw, port, g.iface.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
			}
			nodes.set(sw.id, sw);
		}

		// Internal networks, by name
		const intGuests = byMode('internal');
		const byNet = new Map<string, GI[]>();
		for (const g of intGuests) {
			const name = g.src.network ?? 'intnet';
			if (!byNet.has(name)) byNet.set(name, []);
			byNet.get(name)!.push(g);
		}
		for (const [name, gs] of byNet) {
			const sw = virtualSwitch(`${hvId}:internal:${name}`, hvId, 'internal', `${hvId} internal "${name}"`);
			for (const g of gs) {
				if (g.iface.ip) privateAddresses.add(g.iface.ip);
				const port = `${g.node.id}.${g.iface.name}`;
				addPort(sw, port, g.iface.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
			}
			nodes.set(sw.id, sw);
		}

		// Bridged: a host bridge per uplink takes over the uplink's cable.
		const brGuests = byMode('bridged');
		const byUplink = new Map<string, GI[]>();
		const firstIface = hv.interfaces.find((i) => !i.implicit)?.name;
		for (const g of brGuests) {
			const up = g.src.uplink ?? firstIface;
			if (!up) continue;
			if (!byUplink.has(up)) byUplink.set(up, []);
			byUplink.get(up)!.push(g);
		}
		for (const [up, gs] of byUplink) {
			const upIface = hv.interfaces.find((i) => i.name === up);
			if (!upIface) continue;
			const sw = virtualSwitch(`${hvId}:bridge:${up}`, hvId, 'bridge', `${hvId} bridge on ${up}`);
			addPort(sw, 'uplink', upIface.mtu);
			addPort(sw, 'host', upIface.mtu);
			for (const l of links)
				for (const key of ['a', 'b'] as const)
					if (l[key].node === hvId && l[key].iface === up) l[key] = { node: sw.id, iface: 'uplink' };
			links.push(virtualLink({ node: sw.id, iface: 'host' }, { node: hvId, iface: up }));
			for (const g of gs) {
				const port = `${g.node.id}.${g.iface.name}`;
				addPort(sw, port, g.iface.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
			}
			nodes.set(sw.id, sw);
		}
	}
}
