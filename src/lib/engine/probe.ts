/**
 * The probe engine: one request and its reply through a compiled network at
 * rest (empty ARP, MAC, connection and NAT tables), frame by frame, in
 * simulated time. Every decision follows ../shared/spec/topology-format.md and
 * the Linux behaviour the conformance suite was confirmed against.
 *
 * A probe is walked hop by hop with a clock (one packet in flight at a time,
 * so a sequential walk is the event order). The stages are modules under
 * probe/ over one shared context (probe/context.ts): conntrack, filter, l2,
 * arp, icmp, transmit, forward, products and user-mode NAT; probe/driver.ts
 * runs a probe through them and probe/wording.ts words every hop. This class
 * is their public face.
 */
import type { Net, CRoute } from './compile';
import type { ProbeSpec, Trace } from './trace';
import { ProbeContext, type Conn } from './probe/context';
import { destinationAddress, run } from './probe/driver';
import { arpSuppress, tunnel } from './probe/vxlan';
import { dlrNeighbour } from './probe/dlr';

export type { LegEnd, Pkt, Tuple } from './packet';
export type { Conn } from './probe/context';
export { wireBytes } from './probe/l2';
export { verdict } from './probe/wording';

/** The per-probe tables as plain records (node, switch and port are net indices). */
export interface Learned {
	arp: { node: number; ip: number; mac: string }[];
	fdb: { sw: number; vlan: number; mac: string; port: number }[];
	conns: Conn[];
}

export class ProbeEngine {
	private ctx: ProbeContext;

	constructor(net: Net) {
		this.ctx = new ProbeContext(net);
		this.ctx.tunnel = tunnel;
		// a distributed router's programmed neighbours first, then the controller's ARP suppression
		this.ctx.arpSuppress = (c, egress, ip) => dlrNeighbour(c, egress, ip) ?? arpSuppress(c, egress, ip);
	}

	run(spec: ProbeSpec, opts: { hops?: boolean; record?: boolean } = {}): Trace {
		return run(this.ctx, spec, opts);
	}

	/**
	 * What the last probe left behind (its ARP caches, switch MAC tables and
	 * connections), decoded from the packed keys; tables.ts reads it. Valid until
	 * the next probe (a traceroute runs more probes: call after run() without hops).
	 */
	learned(): Learned {
		const ctx = this.ctx;
		const macs: string[] = [];
		for (const [mac, id] of ctx.macIds) macs[id] = mac;
		const arp: Learned['arp'] = [];
		for (const [k, mac] of ctx.arp) arp.push({ node: Math.floor(k / 4294967296), ip: k % 4294967296, mac });
		const fdb: Learned['fdb'] = [];
		for (const [k, port] of ctx.macTable) {
			const rest = Math.floor(k / 1048576);
			fdb.push({ sw: Math.floor(rest / 4096), vlan: rest % 4096, mac: macs[k % 1048576], port });
		}
		const conns = ctx.conns.map((c) => ({ node: c.node, orig: { ...c.orig }, reply: { ...c.reply } }));
		return { arp, fdb, conns };
	}

	destinationAddress(spec: ProbeSpec): string {
		return destinationAddress(this.ctx, spec);
	}
}

export type { CRoute };
