/**
 * VXLAN (docs/overlays.md): a frame that an overlay bridge sends out of its
 * VXLAN port is wrapped at the host's VTEP (outer Ethernet / IPv4 / UDP 4789 /
 * VXLAN, 50 bytes), routed over the underlay by the normal stages (routes,
 * rules, ARP, MTUs: runLeg), and unwrapped at the far VTEP onto its bridge of
 * the same VNI. Broadcast and unknown unicast go to every other VTEP of the VNI
 * (head-end replication); a guest's MAC is sent only to the VTEP of its host.
 *
 * What Linux does, confirmed in netns (test/tools/oracle_vxlan.py): the outer
 * header has DF clear (`df unset`), so an outer packet too big for the underlay
 * is fragmented and reassembled at the far VTEP. An inner packet with DF set
 * that does not fit the route to the far VTEP minus 50 bytes is answered by the
 * source VTEP with ICMP fragmentation-needed (that MTU), sourced from the inner
 * destination's address (skb_tunnel_check_pmtu on a bridged VXLAN device).
 */
import type { CIface, Net } from '../net-types';
import type { TunnelResult } from './tunnel-types';
import { PROTO_UDP, lookup } from '../compile';
import type { Hop } from '../trace';
import type { LegEnd, Pkt } from '../packet';
import { ipToU32 } from '../../model/net';
import { VXLAN_OVERHEAD, VXLAN_PORT } from '../../model/overlay';
import type { ProbeContext } from './context';
import { inputFilter } from './filter';
import { runLeg } from './forward';
import { decapDetail, encapDetail, pmtuDetail, underlayEndedElsewhere, underlayFilteredAt, underlayLostReason } from './wording';

interface OverlayIndex {
	/** VNI → its VXLAN ports (one per host) */
	ports: Map<number, CIface[]>;
	/** VNI → guest MAC → the VXLAN port of the host it is on */
	macs: Map<number, Map<string, CIface>>;
}

const indexes = new WeakMap<Net, OverlayIndex>();
/** nesting of tunnels inside tunnels (an underlay through another overlay): bounded */
const depth = new WeakMap<ProbeContext, number>();
const MAX_DEPTH = 4;

function indexOf(net: Net): OverlayIndex {
	let ix = indexes.get(net);
	if (ix) return ix;
	ix = { ports: new Map(), macs: new Map() };
	for (const port of net.ifaces) {
		if (!port.vxlan) continue;
		const vni = port.vxlan.vni;
		if (!ix.ports.has(vni)) ix.ports.set(vni, []);
		ix.ports.get(vni)!.push(port);
		if (!ix.macs.has(vni)) ix.macs.set(vni, new Map());
		for (const pi of net.nodes[port.node].ifaces) {
			const sp = net.ifaces[pi];
			// a distributed router's MAC is on every host: never sent to another VTEP for it
			if (sp.link < 0 || sp.fdbPermanent) continue;
			const l = net.links[sp.link];
			const guest = net.ifaces[l.a === sp.idx ? l.b : l.a];
			ix.macs.get(vni)!.set(guest.mac, port);
		}
	}
	indexes.set(net, ix);
	return ix;
}

/** The outer packet of one VXLAN datagram from this VTEP to another. */
function outerPacket(local: number, remote: number, innerSize: number, vni: number): Pkt {
	return {
		kind: 'udp',
		src: local,
		dst: remote,
		proto: PROTO_UDP,
		// Linux hashes the inner flow into the local port range; one fixed port per VNI keeps probes deterministic.
		sport: 49152 + (vni % 16384),
		dport: VXLAN_PORT,
		ttl: 64,
		size: innerSize + VXLAN_OVERHEAD,
		df: false,
		payload: innerSize + 22,
		frags: null,
		icmpType: 0,
		icmpCode: 0,
		icmpMtu: 0,
		inner: null,
		rejectedBy: null
	};
}

/**
 * A frame leaving an overlay bridge by its VXLAN port `out`: encapsulated to
 * the far VTEP(s) of its VNI, carried over the underlay, decapsulated.
 */
export function tunnel(ctx: ProbeContext, out: CIface, dstMac: string, innerSize: number, df: boolean, hopsSoFar: Hop[]): TunnelResult {
	const res: TunnelResult = { arrivals: [], lost: null, pmtu: null };
	const vx = out.vxlan!;
	const ix = indexOf(ctx.net);
	const host = ctx.node(ctx.net.nodeIndex.get(vx.host)!);
	const known = ix.macs.get(vx.vni)?.get(dstMac);
	const targets = known ? (known.idx === out.idx ? [] : [known]) : (ix.ports.get(vx.vni) ?? []).filter((p) => p.idx !== out.idx);
	const level = depth.get(ctx) ?? 0;
	if (level >= MAX_DEPTH) return res;
	const local = ipToU32(vx.local);
	const t0 = ctx.t;
	for (const far of targets) {
		ctx.t = t0;
		const remote = ipToU32(far.vxlan!.local);
		const outer = outerPacket(local, remote, innerSize, vx.vni);
		const encap: Hop = {
			node: host.id,
			in: out.name,
			out: null,
			action: 'ENCAPSULATED',
			detail: encapDetail(vx.vni, vx.local, far.vxlan!.local, innerSize),
			vxlan: { vni: vx.vni, outerSrc: vx.local, outerDst: far.vxlan!.local, df: false },
			tMs: Math.round(ctx.t / 1e3) / 1e3
		};
		// The source VTEP's path-MTU check of an inner packet with DF.
		const r = lookup(host, remote);
		if (df && r && !r.blackhole && innerSize > ctx.iface(r.iface).mtu - VXLAN_OVERHEAD) {
			const mtu = ctx.iface(r.iface).mtu - VXLAN_OVERHEAD;
			const h: Hop = { node: host.id, in: out.name, out: null, action: 'FRAGMENTATION_NEEDED', detail: pmtuDetail(innerSize, vx.vni, far.vxlan!.local, mtu), tMs: encap.tMs };
			res.pmtu = { node: host.id, mtu, hops: ctx.record ? [...hopsSoFar, h] : hopsSoFar, t: ctx.t };
			continue;
		}
		const saved = ctx.hops;
		ctx.hops = [];
		depth.set(ctx, level + 1);
		let end: LegEnd;
		try {
			end = runLeg(ctx, host, outer);
		} finally {
			depth.set(ctx, level);
		}
		const under = ctx.hops;
		ctx.hops = saved;
		for (const h of under) h.underlay = vx.vni;
		const farHost = ctx.node(ctx.net.nodeIndex.get(far.vxlan!.host)!);
		const hops = ctx.record ? [...hopsSoFar, encap, ...under] : hopsSoFar;
		if (end.kind !== 'arrived' || end.node.idx !== farHost.idx) {
			const why = end.kind === 'arrived' || end.kind === 'exits' ? underlayEndedElsewhere(end.node.id) : end.reason;
			res.lost = { node: host.id, reason: underlayLostReason(vx.vni, far.vxlan!.local, why), hops, t: ctx.t };
			continue;
		}
		const filt = inputFilter(farHost, end.iface, end.pkt, end.established);
		if (filt.action !== 'allow') {
			res.lost = { node: farHost.id, reason: underlayLostReason(vx.vni, far.vxlan!.local, underlayFilteredAt(filt.what, farHost.id)), hops, t: ctx.t };
			continue;
		}
		const decap: Hop = {
			node: farHost.id,
			in: end.iface.name,
			out: far.name,
			action: 'DECAPSULATED',
			detail: decapDetail(vx.vni, vx.local, far.vxlan!.local),
			vxlan: { vni: vx.vni, outerSrc: vx.local, outerDst: far.vxlan!.local, df: false },
			tMs: Math.round(ctx.t / 1e3) / 1e3
		};
		res.arrivals.push({ enter: far, t: ctx.t, hops: ctx.record ? [...hops, decap] : hops });
	}
	ctx.t = t0;
	return res;
}

/**
 * ARP suppression (NSX; Linux's `proxy` VXLAN device with the controller's
 * neighbour entries): with an overlay `controller`, an ARP request from a
 * guest for a guest of the same segment on another host is answered by the
 * source VTEP from the controller's table and never flooded to the far VTEPs.
 * Null when there is no controller, or the address is no remote guest's.
 */
export function arpSuppress(ctx: ProbeContext, egress: CIface, ip: number): { mac: string; by: string } | null {
	if (!ctx.net.resolved.source.overlay?.controller || egress.link < 0) return null;
	const l = ctx.net.links[egress.link];
	const port = ctx.iface(l.a === egress.idx ? l.b : l.a);
	const bridge = ctx.node(port.node);
	let local: CIface | null = null;
	for (const pi of bridge.ifaces) if (ctx.iface(pi).vxlan) local = ctx.iface(pi);
	if (!local) return null;
	for (const vx of indexOf(ctx.net).ports.get(local.vxlan!.vni) ?? []) {
		if (vx.idx === local.idx) continue;
		for (const pi of ctx.node(vx.node).ifaces) {
			const sp = ctx.iface(pi);
			if (sp.link < 0 || sp.vxlan || sp.fdbPermanent) continue;
			const sl = ctx.net.links[sp.link];
			const guest = ctx.iface(sl.a === sp.idx ? sl.b : sl.a);
			if (guest.hasAddr && guest.addr === ip && !guest.down) return { mac: guest.mac, by: `${bridge.id}.${local.name}` };
		}
	}
	return null;
}
