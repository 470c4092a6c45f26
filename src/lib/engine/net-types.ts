/**
 * The compiled network's shapes (what compile.ts builds and every stage reads):
 * flat, index-addressed tables of nodes, interfaces, links, routes and rules.
 * Kept apart from the compiler so the modules compile.ts calls (OSPF) can use
 * them without an import cycle.
 */
import type { Kind } from '../model/types';
import type { ResolvedTopology } from '../model/resolve';
import type { RDfw } from '../model/overlay-firewall';

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_NUM: Record<string, number> = { icmp: PROTO_ICMP, tcp: PROTO_TCP, udp: PROTO_UDP };

export interface CIface {
	idx: number;
	node: number;
	name: string;
	hasAddr: boolean;
	addr: number;
	len: number;
	mask: number;
	net: number;
	mac: string;
	/** extra MACs this interface accepts (VRRP virtual MAC of a master) */
	vmac: string | null;
	mtu: number;
	down: boolean;
	isPort: boolean; // switch port
	vlan: number; // access VLAN (ports), 0 = none
	trunk: Set<number> | null;
	native: number; // 0 = none
	parent: number; // -1
	tag: number; // subinterface VLAN, 0 = none
	subByTag: Map<number, number> | null;
	implicitParent: boolean;
	link: number; // -1 when not cabled
	bond: number; // the bond this member belongs to, -1
	bondActive: number; // for a bond: its active member, -1
	/** an SDN controller keeps this inter-switch port out of its flooding tree */
	sdnBlocked: boolean;
	/** virtual switch port isolation (macvlan/macvtap): no frame from a port whose l2deny has a bit of this port's l2bit */
	l2bit: number;
	l2deny: number;
	/** an overlay bridge's VXLAN port: frames sent out of it are tunnelled (probe/vxlan.ts) */
	vxlan: { vni: number; segment: string; host: string; local: string } | null;
	/** a guest's vNIC on an overlay segment: its distributed firewall (probe/dfw.ts) */
	dfw: RDfw | null;
	/** an overlay bridge's port to a distributed router: its MAC is a permanent local FDB entry (probe/dlr.ts) */
	fdbPermanent: boolean;
	path: string | null;
}

export interface CLink {
	idx: number;
	a: number;
	b: number;
	latency: number;
	bandwidth: number;
	down: boolean;
	index: number | null;
}

export interface CRoute {
	net: number;
	len: number;
	mask: number;
	via: number; // 0 = directly connected
	iface: number; // egress interface, -1 for blackhole
	metric: number;
	blackhole: boolean;
	connected: boolean;
	order: number;
	/** file path of the declaring entry, or the interface for connected routes */
	path: string;
	text: string;
}

export interface Matcher {
	any: boolean;
	nets: number[]; // pairs net, mask
}

export interface CRule {
	index: number;
	action: 'allow' | 'deny' | 'reject';
	proto: number; // 0 any
	from: Matcher;
	to: Matcher;
	portLo: number; // -1 any
	portHi: number;
	sportLo: number;
	sportHi: number;
	inIf: string | null;
	outIf: string | null;
	out: boolean; // direction: out
	text: string;
	path: string;
}

export interface CForward {
	inIf: string | null; // null = any address of the hypervisor outside its NAT network
	proto: number;
	port: number;
	toAddr: number;
	toPort: number;
	path: string;
	text: string;
}

export interface CNode {
	idx: number;
	id: string;
	kind: Kind | 'virtual-switch' | 'nat-engine';
	isSwitch: boolean;
	forwards: boolean;
	endpoint: boolean;
	policy: 'allow' | 'deny';
	stateful: boolean;
	delay: number;
	ifaces: number[];
	/** addresses of up interfaces + vips: what the node accepts as its own */
	local: Set<number>;
	firstAddr: number; // 0 = none
	hasFirstAddr: boolean;
	lens: number[]; // distinct route prefix lengths, descending
	routes: Map<number, CRoute>[]; // per entry of lens: net → best route
	allRoutes: CRoute[];
	rules: CRule[];
	tcpServices: Set<number>;
	udpServices: Set<number>;
	masquerade: Set<string>;
	forwardsNat: CForward[];
	/** hypervisor NAT network */
	natIface: number; // -1
	natNet: number;
	natMask: number;
	/** every kernel NAT network of a hypervisor (products may have several): gateway interface, network, mask */
	natNets: { iface: number; net: number; mask: number }[];
	/** hypervisor product (presets.md), null for generic */
	product: string | null;
	/** hypervisor: forwards into its user-mode NAT engines (node index of the engine) */
	umForwards: (CForward & { engine: number })[];
	/** nat-engine: its product's name and whether it carries ICMP echo beyond its gateway */
	engine: { product: string; name: string; gateway: number; echoBeyond: boolean } | null;
	owner: string | null;
	/** load balancer: connections to vip:port go to one backend */
	lb: { vip: number; port: number; backends: { addr: number; port: number; name: string }[]; snat: boolean } | null;
}

export interface Net {
	nodes: CNode[];
	ifaces: CIface[];
	links: CLink[];
	nodeIndex: Map<string, number>;
	/** address → node id for addresses that exist outside private hypervisor segments */
	owned: Map<number, string>;
	resolved: ResolvedTopology;
	/** the `kubernetes:` section compiled for kube-proxy (kube.ts), or null */
	kube: import('./kube-types').KubeNet | null;
	/** the `kubernetes.policies` compiled for the NetworkPolicy stage (kube-netpol.ts), or null */
	netpol: import('./kube-netpol-types').NetpolNet | null;
}
