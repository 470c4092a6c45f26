/**
 * Layer 2: a frame's walk from a logical L3 interface across links,
 * switches (MAC learning per VLAN, flooding, port isolation, SDN-blocked
 * ports), 802.1Q tags, bonds and MTUs, to every L3 interface that takes it.
 * Which VLAN a port admits a frame into and how the frame leaves is the one
 * rule of model/switchport.ts.
 */
import type { CIface, Net } from '../net-types';
import type { Hop } from '../trace';
import { egressTag, ingressVlan } from '../../model/switchport';
import type { ProbeContext } from './context';
import { frameTooBig, switchedDetail, vxlanPathMtuReason } from './wording';
import { permanentFdb } from './dlr';

export const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** Wire bytes of an L3 packet: padding to 46, Ethernet header/FCS, tags, preamble + IFG. */
export function wireBytes(l3: number, tags: number): number {
	return Math.max(l3, 46) + 18 + 4 * tags + 20;
}

/** Numeric keys: node and switch indices stay far below 2^20. */
export function macKey(sw: number, vlan: number, macId: number): number {
	return (sw * 4096 + vlan) * 1048576 + macId;
}

/** A switch flooding a broadcast: the port it came in on, its VLAN, the ports it left by. */
export interface Flood {
	node: string;
	in: string;
	vlan: number;
	outs: string[];
	t: number;
}

/** Where l2Send lost a frame (an MTU too small for it): the node, and its ports in and out. */
export interface L2Drop {
	node: string;
	in: string | null;
	out: string | null;
	reason: string;
	hops: Hop[];
	t: number;
	/** lost in a VXLAN tunnel's underlay (vxlan.ts), not to an MTU */
	underlay?: boolean;
	/** the source VTEP refused an inner DF packet: ICMP fragmentation-needed with this MTU */
	pmtu?: number;
}

/** Which logical interface of an L3 node takes a frame arriving on a physical one. */
export function demux(net: Net, phys: CIface, tag: number): CIface | null {
	let logical = phys;
	if (phys.bond >= 0) {
		const bond = net.ifaces[phys.bond];
		if (bond.bondActive !== phys.idx || bond.down) return null; // active-backup: only the active member receives
		logical = bond;
	}
	if (tag) {
		const sub = logical.subByTag?.get(tag);
		if (sub === undefined) return null;
		logical = net.ifaces[sub];
		if (logical.down) return null;
		return logical;
	}
	if (logical.implicitParent) return null;
	return logical;
}

/** The physical interface and wire tag a logical interface sends on (its parent's for a subinterface, a bond's active member). */
export function egressOf(net: Net, from: CIface): { phys: CIface; tag: number } {
	let phys = from;
	let tag = 0;
	if (from.parent >= 0) {
		phys = net.ifaces[from.parent];
		tag = from.tag;
	}
	if (phys.bond < 0 && phys.bondActive >= 0) phys = net.ifaces[phys.bondActive];
	return { phys, tag };
}

/**
 * Sends one frame from a logical L3 interface and returns where it lands:
 * every L3 interface it reaches whose MAC matches (or all, for broadcast).
 * Switch hops are recorded along the path to the receiver.
 */
export function l2Send(
	ctx: ProbeContext,
	from: CIface,
	dstMac: string,
	srcMac: string,
	size: number,
	frags: number[] | null,
	floods?: Flood[],
	df = false
): { arrivals: { iface: CIface; t: number; hops: Hop[] }[]; drop: L2Drop | null; storm: boolean } {
	const bcast = dstMac === BROADCAST;
	const maxSize = frags ? Math.max(...frags) : size;
	const totalWire = (tags: number) => (frags ? frags.reduce((a, f) => a + wireBytes(f, tags), 0) : wireBytes(size, tags));
	const { phys, tag } = egressOf(ctx.net, from);
	const arrivals: { iface: CIface; t: number; hops: Hop[] }[] = [];
	let drop: L2Drop | null = null;
	const visited = new Set<number>();
	let storm = false;
	const t0 = ctx.t;
	// Explicit stack: (physical egress, wire tag, time, hops so far)
	// `enter`: a far VTEP's VXLAN port the frame comes out of (vxlan.ts) instead of a cable's far end
	const stack: { out: CIface; tag: number; t: number; hops: Hop[]; enter?: CIface }[] = [{ out: phys, tag, t: t0, hops: [] }];
	while (stack.length) {
		const cur = stack.pop()!;
		ctx.t = cur.t;
		if (cur.out.vxlan && !cur.enter) {
			if (!ctx.tunnel) continue;
			const tun = ctx.tunnel(ctx, cur.out, dstMac, maxSize, df, cur.hops);
			for (let k = tun.arrivals.length - 1; k >= 0; k--) stack.push({ out: cur.out, tag: 0, ...tun.arrivals[k] });
			if (tun.pmtu) drop = { ...tun.pmtu, in: null, out: null, reason: vxlanPathMtuReason(tun.pmtu.mtu), pmtu: tun.pmtu.mtu };
			else if (tun.lost) drop = { ...tun.lost, in: cur.out.name, out: null, underlay: true };
			continue;
		}
		let peer = cur.enter;
		if (!peer) {
			const link = cur.out.link >= 0 ? ctx.net.links[cur.out.link] : null;
			if (!link || link.down || cur.out.down) continue;
			ctx.t += Math.round((totalWire(cur.tag ? 1 : 0) * 8 * 1e9) / link.bandwidth) + link.latency;
			peer = ctx.iface(link.a === cur.out.idx ? link.b : link.a);
		}
		if (peer.down) continue;
		const pn = ctx.node(peer.node);
		if (!pn.isSwitch) {
			const logical = demux(ctx.net, peer, cur.tag);
			if (!logical) continue;
			if (!bcast && dstMac !== logical.mac && dstMac !== logical.vmac) continue;
			if (maxSize > logical.mtu + 4) {
				drop = { node: pn.id, in: logical.name, out: null, reason: frameTooBig(maxSize, pn.id, logical.name, logical.mtu), hops: cur.hops, t: ctx.t };
				continue;
			}
			arrivals.push({ iface: logical, t: ctx.t, hops: cur.hops });
			continue;
		}
		// A switch port
		if (peer.sdnBlocked) continue;
		if (maxSize > peer.mtu + 4) {
			drop = { node: pn.id, in: peer.name, out: null, reason: frameTooBig(maxSize, pn.id, peer.name, peer.mtu), hops: cur.hops, t: ctx.t };
			continue;
		}
		const vlan = ingressVlan(peer, cur.tag);
		if (!vlan) continue; // a frame whose VLAN the port does not carry
		const visitKey = pn.idx * 8192 + vlan;
		if (visited.has(visitKey)) {
			storm = true;
			break;
		}
		visited.add(visitKey);
		// A permanent entry (a distributed router's MAC, dlr.ts) is never learned elsewhere and always wins.
		const perm = permanentFdb(ctx.net, pn.idx);
		if (!perm?.has(srcMac)) ctx.macTable.set(macKey(pn.idx, vlan, ctx.macId(srcMac)), peer.idx);
		ctx.t += pn.delay;
		const permanent = bcast ? undefined : perm?.get(dstMac)?.idx;
		const known = bcast ? undefined : (permanent ?? ctx.macTable.get(macKey(pn.idx, vlan, ctx.macId(dstMac))));
		let outs: CIface[];
		if (known !== undefined) {
			outs = known === peer.idx || peer.l2deny & ctx.iface(known).l2bit ? [] : [ctx.iface(known)];
		} else {
			outs = [];
			for (const pi of pn.ifaces) {
				if (pi === peer.idx) continue;
				const port = ctx.iface(pi);
				if (port.down || (port.link < 0 && !port.vxlan) || port.sdnBlocked) continue;
				if (egressTag(port, vlan) >= 0 && !(peer.l2deny & port.l2bit)) outs.push(port);
			}
		}
		const tNow = ctx.t;
		if (floods && bcast) floods.push({ node: pn.id, in: peer.name, vlan, outs: outs.map((o) => o.name), t: tNow });
		// Reverse so the first port is explored first (deterministic, file order).
		for (let k = outs.length - 1; k >= 0; k--) {
			const port = outs[k];
			const wireTag = egressTag(port, vlan);
			if (wireTag < 0) continue; // a learned port always carries the VLAN it was learned in
			if (maxSize > port.mtu + 4) {
				drop = { node: pn.id, in: peer.name, out: port.name, reason: frameTooBig(maxSize, pn.id, port.name, port.mtu), hops: cur.hops, t: tNow };
				continue;
			}
			const h: Hop = {
				node: pn.id,
				in: peer.name,
				out: port.name,
				action: 'SWITCHED',
				detail: switchedDetail(vlan, known !== undefined ? { kind: permanent !== undefined ? 'permanent' : 'learned', mac: dstMac, port: port.name } : bcast ? { kind: 'broadcast' } : { kind: 'unknown', mac: dstMac }),
				vlan: wireTag || null,
				tMs: Math.round(tNow / 1e3) / 1e3
			};
			stack.push({ out: port, tag: wireTag, t: tNow, hops: ctx.record ? [...cur.hops, h] : cur.hops });
		}
	}
	ctx.t = t0;
	if (storm) ctx.storm = true;
	arrivals.sort((a, b) => a.t - b.t);
	return { arrivals, drop, storm };
}
