/**
 * The shared per-probe state every stage of the probe engine reads and
 * writes (as smoltcp's `iface/` stages share one interface state): the
 * compiled network, the simulated clock, the ARP caches, the switches'
 * MAC tables, the connection tracker's entries, user-mode NAT's port
 * counters and the hops recorded so far. One context serves many probes:
 * `reset()` empties the tables (not reallocated) before each one.
 *
 * Stages are plain functions over this context (conntrack.ts, filter.ts,
 * l2.ts, arp.ts, icmp.ts, transmit.ts, forward.ts, products.ts,
 * usermode-*.ts); driver.ts runs a probe through them.
 */
import type { CIface, CNode, Net } from '../net-types';
import type { Hop } from '../trace';
import type { Pkt, Tuple } from '../packet';
import { fmtAddr, type Denial } from './wording';
import type { TunnelResult } from './tunnel-types';

/** A connection tracked on one node. */
export interface Conn {
	node: number;
	orig: Tuple;
	reply: Tuple; // expected reply as it arrives here
}

/** The fields of a hop that describe the packet as it is at that hop. */
export type PktFields = Pick<Hop, 'src' | 'dst' | 'ttl' | 'size'> & { fragments?: number[] };

const NO_FIELDS = Object.freeze({}) as PktFields;
/** Shared placeholder when hops are not recorded (matrix, traceroute): never mutated. */
export const NO_HOP: Hop = Object.freeze({ node: '', in: null, out: null, action: 'SENT' }) as Hop;

export class ProbeContext {
	/** simulated time since the probe started, ns */
	t = 0;
	/** (switch, vlan, MAC id) → port; keys from l2.ts macKey */
	macTable = new Map<number, number>();
	/** (node, ip) → MAC; keys from arp.ts arpKey */
	arp = new Map<number, string>();
	/** a probe creates a handful of connections: a list beats hashing */
	conns: Conn[] = [];
	/** user-mode NAT: next source port of each hypervisor's sockets */
	umPorts = new Map<number, number>();
	hops: Hop[] = [];
	/** a broadcast storm happened during this probe */
	storm = false;
	/** record hops (a trace), or only decide (matrix, traceroute probes) */
	record = true;
	/** the last probe ended with an expired TTL (its ICMP error may not have come back) */
	ttlExpired = false;
	/** How each filter decision recorded as a DENIED hop was reached: the verdict's words come from it. */
	denials = new Map<Hop, Denial>();
	/** MAC → small integer for the packed MAC-table keys (kept across probes) */
	macIds = new Map<string, number>();

	/** the VXLAN stage (vxlan.ts), set by the probe facade; null: VXLAN ports carry nothing */
	tunnel: ((ctx: ProbeContext, out: CIface, dstMac: string, innerSize: number, df: boolean, hopsSoFar: Hop[]) => TunnelResult) | null = null;

	/** ARP suppression (vxlan.ts): the MAC the source VTEP answers for `ip` asked from `egress`, or null; set by the probe facade */
	arpSuppress: ((ctx: ProbeContext, egress: CIface, ip: number) => { mac: string; by: string } | null) | null = null;

	constructor(readonly net: Net) {}

	reset(record: boolean): void {
		this.t = 0;
		this.macTable.clear();
		this.arp.clear();
		this.conns.length = 0;
		this.umPorts.clear();
		this.hops = [];
		this.storm = false;
		this.record = record;
		this.ttlExpired = false;
		this.denials.clear();
	}

	node(i: number): CNode {
		return this.net.nodes[i];
	}

	iface(i: number): CIface {
		return this.net.ifaces[i];
	}

	macId(mac: string): number {
		let id = this.macIds.get(mac);
		if (id === undefined) {
			id = this.macIds.size;
			this.macIds.set(mac, id);
		}
		return id;
	}

	hop(h: Hop): void {
		if (!this.record) return;
		// Switch hops carry their own arrival time from the layer-2 walk.
		if (h.tMs === undefined) h.tMs = Math.round(this.t / 1e3) / 1e3;
		this.hops.push(h);
	}

	/** Records a DENIED hop of a filter decision, keeping how it was decided for the verdict. */
	denied(h: Hop, d: Denial): void {
		if (!this.record) return;
		this.denials.set(h, d);
		this.hop(h);
	}

	pktFields(p: Pkt): PktFields {
		if (!this.record) return NO_FIELDS;
		const f: PktFields = {
			src: fmtAddr(p.src, p.sport, p.proto),
			dst: fmtAddr(p.dst, p.dport, p.proto),
			ttl: p.ttl,
			size: p.size
		};
		if (p.frags) f.fragments = p.frags.slice();
		return f;
	}
}
