/**
 * The vnet topology document, version 1, as the loader returns it after
 * validation (see ../shared/spec/topology-format.md). Units are parsed once
 * here: durations are integer nanoseconds, bandwidths bits per second, sizes
 * bytes, rates packets per second. Optional fields the user did not write stay
 * undefined; kind defaults are applied by the resolver (resolve.ts), not here,
 * so the document still says what the file says.
 */

/** The node kinds, with their traits, are kinds.ts's table. */
export { KINDS, type Kind } from './kinds';
import type { Kind } from './kinds';

/** The generic hypervisor's modes; products have more (products.ts, presets.md). */
export const ATTACH_MODES = ['bridged', 'nat', 'host-only', 'internal'] as const;
export type AttachMode = (typeof ATTACH_MODES)[number];
export type { AnyAttachMode } from './products';
import type { AnyAttachMode } from './products';

export const DISPOSITIONS = [
	'DELIVERED',
	'EXITS_NETWORK',
	'REFUSED',
	'DENIED',
	'NO_ROUTE',
	'NULL_ROUTED',
	'HOST_UNREACHABLE',
	'TTL_EXCEEDED',
	'FRAGMENTATION_NEEDED',
	'DROPPED'
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export type Proto = 'icmp' | 'tcp' | 'udp';

/** Nanoseconds (integer). */
export type Ns = number;

export interface Bond {
	members: string[];
	mode: 'active-backup';
	/** ns */
	miimon?: Ns;
}

export interface Vrrp {
	group: number;
	vip: string; // IPv4 address
	priority?: number;
	advert?: Ns;
}

export interface Interface {
	ip?: string; // "10.0.1.10/24" as written (validated)
	gateway?: string; // IPv4 address
	dhcp?: boolean;
	mac?: string; // lower-case "02:00:..."
	mtu?: number;
	vlan?: number;
	/** expanded, sorted, unique VLAN ids */
	trunk?: number[];
	native?: number;
	attach?: AnyAttachMode;
	network?: string;
	uplink?: string;
	/** vm/container: the overlay segment (logical switch) this interface joins, by name (docs/overlays.md) */
	segment?: string;
	bond?: Bond;
	vrrp?: Vrrp;
	down?: boolean;
	cost?: number;
}

export interface Route {
	to: string; // CIDR
	via?: string; // IPv4 address
	metric?: number;
	blackhole?: boolean;
}

/** A port or an inclusive range. */
export interface PortRange {
	from: number;
	to: number;
}

export interface Rule {
	action: 'allow' | 'deny' | 'reject';
	proto?: Proto;
	/** CIDR, address, node id or "any" (as written) */
	from?: string;
	to?: string;
	port?: PortRange;
	sport?: PortRange;
	in?: string;
	out?: string;
	direction?: 'in' | 'out';
}

export interface Service {
	proto: 'tcp' | 'udp';
	port: number;
}

export interface NatForward {
	in?: string; // interface (nat-gateway); absent on hypervisors = every address outside its NAT network
	proto: 'tcp' | 'udp';
	port: number;
	/** "10.0.1.10:80" or "web1:80" as written */
	to: string;
}

export interface Nat {
	masquerade?: string[];
	forwards?: NatForward[];
	subnet?: string; // hypervisor NAT network
}

export interface LbHealth {
	interval?: Ns;
	fall?: number;
	rise?: number;
}

export interface Ospf {
	hello?: Ns;
	dead?: Ns;
	bfd?: { interval: Ns; multiplier: number };
	'spf-delay'?: Ns;
	passive?: string[];
}

export interface Node {
	kind: Kind;
	label?: string;
	position?: { x: number; y: number };
	on?: string;
	vcpu?: number;
	memory?: number; // bytes
	overcommit?: { cpu?: number; memory?: number };
	interfaces?: Record<string, Interface>;
	routes?: Route[];
	services?: Service[];
	rules?: Rule[];
	policy?: 'allow' | 'deny';
	stateful?: boolean;
	delay?: Ns;
	nat?: Nat;
	ha?: { restart: Ns; to: string };
	ospf?: Ospf;
	// load-balancer
	vip?: string;
	pool?: { node: string; port: number }[]; // "web1:80"; node may be an address
	port?: number;
	health?: LbHealth;
	snat?: boolean;
	// sdn-controller
	manages?: string[];
	mode?: 'proactive' | 'reactive';
	'fail-mode'?: 'secure' | 'standalone';
	'fast-failover'?: boolean;
	channel?: Ns;
	/** hypervisor product preset (presets.md); extension */
	product?: string;
	/** hypervisor with a product: its named networks, overriding default subnets (presets.md) */
	networks?: Record<string, { subnet: string }>;
	/** esxi: port groups of its standard vSwitch; vlan 0 (untagged), 1-4094 (tagged on the uplink), 4095 (guest tagging) */
	portgroups?: Record<string, { vlan: number; uplink?: string }>;
	/** hypervisor: its VXLAN tunnel endpoint, the address of this underlay interface (docs/overlays.md) */
	vtep?: { interface: string };
	/** vm/container: labels the distributed firewall's groups select by (docs/overlays.md) */
	tags?: string[];
	/** a network OS node imported from containerlab: its kind, image and port names as the lab wrote them (docs/containerlab.md) */
	containerlab?: { kind: string; image?: string; ports?: Record<string, string> };
}

export interface Link {
	a: string; // "node.iface"
	b: string;
	latency?: Ns;
	bandwidth?: number; // bps
	loss?: number;
	down?: boolean;
	queue?: number;
}

export interface Traffic {
	name: string;
	from: string;
	to: string;
	kind?: 'cbr' | 'bulk';
	proto?: Proto;
	port?: number;
	sport?: number;
	rate?: number; // pps
	size?: number;
	ttl?: number;
	window?: number; // bytes
}

export type FaultTarget = string | { link: string };

export interface ScenarioEvent {
	at: Ns;
	fail?: FaultTarget;
	restore?: FaultTarget;
}

export interface Scenario {
	duration: Ns;
	seed?: number;
	traffic?: Traffic[];
	events?: ScenarioEvent[];
}

export interface ProbeCheck {
	from: string;
	to: string;
	proto?: Proto;
	port?: number;
	sport?: number;
	size?: number;
	df?: boolean;
	ttl?: number;
	expect: Disposition;
	'seen-source'?: string;
	'icmp-from'?: string;
	mtu?: number;
	hops?: (string | null)[];
}

export interface ScenarioCheck {
	scenario: string;
	flow: string;
	'max-failover'?: Ns;
	'max-loss'?: number;
	'min-goodput'?: number; // bps
}

export type Check = ProbeCheck | ScenarioCheck;

export interface Topology {
	vnet: 1;
	name: string;
	description?: string;
	nodes: Record<string, Node>;
	links: Link[];
	scenarios: Record<string, Scenario>;
	checks: Check[];
	/** logical switches carried in VXLAN between hypervisors (docs/overlays.md) */
	overlay?: Overlay;
	/** optional: which nodes and containers form a Kubernetes cluster (model/kube.ts) */
	kubernetes?: import('./kube-types').KubernetesSection;
}

export interface OverlaySegment {
	/** VXLAN network identifier, 1–16777215 */
	vni: number;
	/** informational: the subnet its guests use (lint checks their addresses against it) */
	subnet?: string;
}

/** A distributed-firewall rule (docs/overlays.md): vnet's rule syntax, where it applies and which way. */
export interface DfwRule {
	action: 'allow' | 'deny' | 'reject';
	proto?: Proto;
	/** CIDR, address, node id, group name or "any" (as written) */
	from?: string;
	to?: string;
	port?: PortRange;
	sport?: PortRange;
	/** segment names, guest ids or group names; absent: every vNIC on a segment */
	applied_to?: string[];
	/** in: into the guest, out: from it; absent: both */
	direction?: 'in' | 'out' | 'both';
}

export interface OverlayFirewall {
	/** what decides when no rule matches (default allow, as NSX's default rule) */
	default?: 'allow' | 'deny';
	rules?: DfwRule[];
}

/** A group of guests: by tag (any of them) or by id. */
export interface OverlayGroup {
	tags?: string[];
	members?: string[];
}

export interface Overlay {
	segments: Record<string, OverlaySegment>;
	/** the distributed firewall at every guest vNIC on a segment */
	firewall?: OverlayFirewall;
	/** an sdn-controller programming the VTEPs: ARP for a known guest is answered at the source VTEP (ARP suppression) */
	controller?: string;
	groups?: Record<string, OverlayGroup>;
	/** distributed logical routers between segments (model/overlay-router.ts) */
	routers?: Record<string, OverlayRouter>;
}

/** A distributed logical router (T1): the same gateway and MAC on every host of its segments. */
export interface OverlayRouter {
	/** segment name → the router's gateway address there, "10.1.1.1/24" */
	segments: Record<string, string>;
	/** the edge (a router, firewall or nat-gateway on one of these segments) its default route points to */
	uplink?: string;
	/** the MAC every instance answers with (default: derived from the router's name) */
	mac?: string;
}

/** A problem found in a file, located precisely. */
export interface Diagnostic {
	severity: 'error' | 'warning';
	file: string;
	/** dotted path inside the document: "nodes.r1.interfaces.eth0.ip", "links[3].a" */
	path: string;
	line: number; // 1-based; 0 when unknown
	col: number; // 1-based; 0 when unknown
	message: string;
	/** lint rule id for warnings ("duplicate-ip", ...) */
	rule?: string;
}

/** Where a path of the document is in its file (1-based; 0 when unknown). */
export interface SourceLocator {
	/** The value at `path` (["nodes", "r1", "interfaces", "eth0"], ["links", 3, "a"]); for a missing path, its nearest existing parent. */
	locate(path: (string | number)[]): { line: number; col: number };
}

export type LoadResult =
	| { ok: true; topology: Topology; warnings: Diagnostic[]; source?: SourceLocator }
	| { ok: false; errors: Diagnostic[] };
