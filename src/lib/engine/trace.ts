/** The JSON shape of a probe's trace (../shared/spec/cli.md, `vnet trace --json`). */
import type { Disposition, Proto } from '../model/types';

export interface Hop {
	node: string;
	in: string | null;
	out: string | null;
	/** SENT, ARP, SWITCHED, FORWARDED, NAT, FRAGMENTED, ACCEPTED, DENIED, DROPPED, DELIVERED, EXITS_NETWORK, ANSWERED, ICMP_ERROR, ... */
	action: string;
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
	 * address on a router forwarding it.
	 */
	arp?: { target: string; sender?: string; mac: string | null; cached: boolean; answeredBy?: string; ms?: number };
	/** simulated time at this hop, ms since the probe started */
	tMs?: number;
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
