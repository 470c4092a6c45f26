/**
 * Facts about node kinds and the default subnets of hypervisor segments, in one
 * place. Everything that asks "does this kind forward?", "is this an endpoint?",
 * "can it run on a hypervisor?" or "which subnet does this segment get?" reads
 * this module; the product presets (products.ts) take their subnets from it.
 */

export const KINDS = [
	'host',
	'vm',
	'container',
	'hypervisor',
	'switch',
	'router',
	'firewall',
	'nat-gateway',
	'load-balancer',
	'sdn-controller',
	'internet'
] as const;
export type Kind = (typeof KINDS)[number];

const US = 1000;

export interface KindTraits {
	/** routes between its interfaces (ip_forward on) */
	forwards: boolean;
	/** an L3 router with its own routes that a LAN host would use as gateway (a load balancer is not one) */
	routes: boolean;
	/** a probe can start from or end at it; answers pings of its own addresses as a host */
	endpoint: boolean;
	/** an endpoint drawn as a leaf on the canvas (a hypervisor is a box around its guests) */
	leaf: boolean;
	/** runs on a hypervisor (`on:`) and may `attach` its interfaces there */
	guest: boolean;
	/** a host-like endpoint: one LAN address and a gateway, nothing more (lint's missing-gateway warning) */
	hostLike: boolean;
	/** default `delay` in ns (topology-format.md) */
	delay: number;
	/** default `policy` */
	policy: 'allow' | 'deny';
	/** default `stateful` */
	stateful: boolean;
}

const endpoint = (more: Partial<KindTraits> = {}): KindTraits => ({
	forwards: false,
	routes: false,
	endpoint: true,
	leaf: true,
	guest: false,
	hostLike: false,
	delay: 10 * US,
	policy: 'allow',
	stateful: false,
	...more
});
const forwarder = (delay: number, more: Partial<KindTraits> = {}): KindTraits => ({
	forwards: true,
	routes: true,
	endpoint: false,
	leaf: false,
	guest: false,
	hostLike: false,
	delay,
	policy: 'allow',
	stateful: false,
	...more
});
const other = (delay: number): KindTraits => ({ ...forwarder(delay), forwards: false, routes: false });

/** Every kind's traits (topology-format.md's kind table). */
export const KIND_TRAITS: Readonly<Record<Kind, Readonly<KindTraits>>> = {
	host: endpoint({ hostLike: true }),
	vm: endpoint({ guest: true, hostLike: true }),
	container: endpoint({ guest: true, hostLike: true }),
	hypervisor: endpoint({ leaf: false }),
	internet: endpoint(),
	switch: other(5 * US),
	router: forwarder(20 * US),
	firewall: forwarder(50 * US, { policy: 'deny', stateful: true }),
	'nat-gateway': forwarder(50 * US, { stateful: true }),
	'load-balancer': forwarder(50 * US, { routes: false, stateful: true }),
	'sdn-controller': other(50 * US)
};

function kindsWhere(pick: (t: KindTraits) => boolean): ReadonlySet<Kind> {
	return new Set(KINDS.filter((k) => pick(KIND_TRAITS[k])));
}

/** Kinds that route between their interfaces (ip_forward on). */
export const FORWARDING_KINDS = kindsWhere((t) => t.forwards);
/** Forwarding kinds that are routers of a LAN (router, firewall, nat-gateway). */
export const ROUTING_KINDS = kindsWhere((t) => t.routes);
/** Kinds a probe can start from or end at, and that answer pings of their own addresses as hosts. */
export const ENDPOINT_KINDS = kindsWhere((t) => t.endpoint);
/** Endpoints drawn as leaves on the canvas (a hypervisor is drawn as a box around its guests). */
export const LEAF_ENDPOINT_KINDS = kindsWhere((t) => t.leaf);
/** Kinds that run on a hypervisor (`on:`). */
export const GUEST_KINDS = kindsWhere((t) => t.guest);
/** Host-like endpoints (host, vm, container). */
export const HOST_LIKE_KINDS = kindsWhere((t) => t.hostLike);

/** Is `kind` (any string, e.g. from an import or the canvas) a guest kind? */
export function isGuestKind(kind: string | undefined): boolean {
	return kind !== undefined && (GUEST_KINDS as ReadonlySet<string>).has(kind);
}

// ---- default subnets of hypervisor segments (topology-format.md, presets.md) -------------

/** Default subnets of the generic hypervisor's and the products' named segments. */
export const DEFAULT_SUBNETS = {
	/** generic NAT network with a VM guest */
	genericNat: '10.0.2.0/24',
	/** generic NAT network whose guests are all containers */
	genericNatContainers: '172.17.0.0/16',
	genericHostOnly: '192.168.56.0/24',
	virtualboxNat: (k: number) => `10.0.${k + 2}.0/24`,
	virtualboxNatNetwork: '10.0.2.0/24',
	virtualboxHostOnly: '192.168.56.0/24',
	qemuNat: '10.0.2.0/24',
	vmwareNat: '192.168.80.0/24',
	vmwareHostOnly: '192.168.81.0/24',
	libvirtNat: '192.168.122.0/24',
	libvirtIsolated: (k: number) => `192.168.${123 + k}.0/24`,
	hypervDefault: '172.20.0.0/20',
	dockerBridge: '172.17.0.0/16',
	dockerNetwork: (k: number) => `172.${18 + k}.0.0/16`,
	podmanBridge: '10.88.0.0/16',
	podmanNetwork: (k: number) => `10.89.${k}.0/24`,
	lxcNat: '10.0.3.0/24'
} as const;

/** The generic NAT network's subnet when `nat.subnet` is not given. */
export function genericNatSubnet(onlyContainers: boolean): string {
	return onlyContainers ? DEFAULT_SUBNETS.genericNatContainers : DEFAULT_SUBNETS.genericNat;
}

/** Offset in the subnet of the generic NAT network's first DHCP address: .2 Docker-style (containers only), .15 with a VM. */
export function genericNatFirstDhcp(onlyContainers: boolean): number {
	return onlyContainers ? 2 : 15;
}
