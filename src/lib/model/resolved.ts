/**
 * The resolved network's shapes and the small builders the resolver and the
 * product presets (products-resolve.ts) share, apart from resolve.ts so the two
 * need not import each other.
 */
import { KINDS, type Bond, type Interface, type Kind, type NatForward, type Node, type Rule, type Service, type Topology, type Vrrp } from './types';
import { deriveMac } from './net';
import type { RDfw } from './overlay-firewall';

import { KIND_TRAITS } from './kinds';
export { ENDPOINT_KINDS, FORWARDING_KINDS } from './kinds';

const US = 1000;
/** Kind defaults, from the kind table (kinds.ts). */
export const DEFAULT_DELAY = Object.fromEntries(KINDS.map((k) => [k, KIND_TRAITS[k].delay])) as Record<Kind, number>;
export const DEFAULT_POLICY = Object.fromEntries(KINDS.map((k) => [k, KIND_TRAITS[k].policy])) as Record<Kind, 'allow' | 'deny'>;
export const DEFAULT_STATEFUL = Object.fromEntries(KINDS.map((k) => [k, KIND_TRAITS[k].stateful])) as Record<Kind, boolean>;

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
	/** an overlay bridge's VXLAN port (model/overlay.ts): its VNI, segment, host and local VTEP address */
	vxlan?: { vni: number; segment: string; host: string; local: string };
	/** an overlay bridge's port to a distributed router: the router's MAC is a permanent local FDB entry here (overlay-router.ts) */
	fdbPermanent?: boolean;
	/** a guest's vNIC on an overlay segment: the distributed firewall there (model/overlay-firewall.ts) */
	dfw?: RDfw;
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
