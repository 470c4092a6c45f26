/** The JSON shape of a probe's trace (../shared/spec/cli.md, `vnet trace --json`). */
import type { Disposition, Proto } from '../model/types';

/**
 * What a node did with the packet at one hop: a closed set. The hop's typed
 * fields (in, out, vlan, arp, rule, ref, src/dst...) say the rest; `detail`
 * is only their wording (engine/probe/wording.ts) and nothing parses it.
 */
export type HopAction =
	/** the packet left the node that originated it (route in `ref`; next hop in `arp.target`) */
	| 'SENT'
	/** an ARP request: broadcast (first row) or given up on (last row, `arp.mac` null) */
	| 'ARP'
	/** a switch passed the frame on (`out`) or, for an ARP flood row without `out`, flooded it */
	| 'SWITCHED'
	/** a router forwarded the packet (route in `ref`) */
	| 'FORWARDED'
	/** the node rewrote the packet's addresses (masquerade, port forward, load balancer, conntrack, user-mode NAT) */
	| 'NAT'
	/** the packet left in fragments (`fragments`) */
	| 'FRAGMENTED'
	/** a rule or policy stopped it (`rule`, `ref`) */
	| 'DENIED'
	/** lost without an answer (MTU, storm, non-forwarding node, isolation...) */
	| 'DROPPED'
	/** reached the node owning its destination, which answered (or the answer reached the requester) */
	| 'DELIVERED'
	/** reached its destination, which refused it (RST or port unreachable) */
	| 'REFUSED'
	/** the requester received an ICMP error about its packet */
	| 'RECEIVED'
	/** addressed to the sending node itself (loopback) */
	| 'LOCAL'
	| 'NO_ROUTE'
	| 'NULL_ROUTED'
	| 'TTL_EXCEEDED'
	| 'FRAGMENTATION_NEEDED'
	/** left the network through an internet node */
	| 'EXITS_NETWORK'
	/** a VTEP wrapped the frame in VXLAN (`vxlan`: VNI and outer addresses); the underlay hops follow */
	| 'ENCAPSULATED'
	/** the far VTEP unwrapped it onto its bridge of the segment (`vxlan`) */
	| 'DECAPSULATED';

export interface Hop {
	node: string;
	in: string | null;
	out: string | null;
	action: HopAction;
	src?: string;
	dst?: string;
	ttl?: number;
	/** the route, rule or NAT entry that decided, in words */
	detail?: string;
	/** where that entry is in the file, e.g. "nodes.fw.rules[3]" */
	ref?: string;
	/** rule index when a rule decided */
	rule?: number;
	/** L3 size in bytes of the packet leaving (or arriving at) this node */
	size?: number;
	/** fragment sizes when the packet travels as fragments */
	fragments?: number[];
	/** 802.1Q tag on the wire as it left, or null for untagged */
	vlan?: number | null;
	srcMac?: string;
	dstMac?: string;
	/**
	 * How the next hop's MAC was found before sending: from the ARP cache, or
	 * by a broadcast "who-has `target` tell `sender`" that `answeredBy`
	 * (node.interface) answered. `sender` is the address the request named:
	 * the packet's source on the host that sent it, the outgoing interface's
	 * address on a router forwarding it. On the last row of an unanswered
	 * ARP (action ARP), `mac` is null: what was asked, and that nobody answered.
	 * `suppressed`: the source VTEP answered from the overlay controller's table
	 * (ARP suppression; `answeredBy` is its bridge's VXLAN port), or a
	 * distributed router's instance from its programmed neighbours
	 * (`answeredBy` is its own interface).
	 */
	arp?: { target: string; sender?: string; mac: string | null; cached: boolean; answeredBy?: string; ms?: number; suppressed?: boolean };
	/** simulated time at this hop, ms since the probe started */
	tMs?: number;
	/** ENCAPSULATED / DECAPSULATED: the tunnel, its outer addresses, and whether the outer header has DF */
	vxlan?: { vni: number; outerSrc: string; outerDst: string; df: boolean };
	/** a hop of the underlay carrying a VXLAN packet of this VNI: src/dst/size are the outer header's */
	underlay?: number;
	/** the distributed firewall decided here (DENIED): at which guest vNIC ("guest.iface"), which way, on which host; `rule` is its rule */
	dfw?: { vnic: string; direction: 'in' | 'out'; host: string };
	/** kube-proxy's decision at this hop (engine/kube-types.ts) */
	kube?: import('./kube-types').KubeStep;
	/** a NetworkPolicy decision at a pod's interface (engine/probe/kube-policy.ts) */
	netpol?: NetpolStep;
}

/**
 * What NetworkPolicy decided for a new connection at a pod: the pod, the
 * direction, the policies isolating it for that direction, and the policy and
 * rule index (0-based) that allowed it, or null for both when none did (DENIED).
 */
export interface NetpolStep {
	pod: string;
	direction: 'ingress' | 'egress';
	isolatedBy: string[];
	policy: string | null;
	rule: number | null;
}

export interface IcmpInfo {
	from: string;
	type: number;
	code: number;
	mtu: number | null;
}

export interface Trace {
	disposition: Disposition;
	leg: 'request' | 'reply' | null;
	reason: string | null;
	seenSource: string | null;
	icmp: IcmpInfo | null;
	mtu: number | null;
	rttMs: number | null;
	hops: (string | null)[] | null;
	request: Hop[];
	reply: Hop[];
	/** one plain sentence a student can read */
	verdict?: string;
}

export interface ProbeSpec {
	from: string;
	to: string;
	proto?: Proto;
	port?: number;
	sport?: number;
	size?: number;
	df?: boolean;
	ttl?: number;
}
