/**
 * Putting a routed packet on the wire: ARP for the next hop, fragmentation
 * (DF was checked by the caller), the layer-2 walk, and what a failure of
 * any of them means for the packet (a storm, an MTU drop, ARP giving up).
 */
import type { CIface, CNode } from '../compile';
import type { Hop } from '../trace';
import type { LegEnd, Pkt, Tuple } from '../packet';
import { fragmentSizes, u32ToIp } from '../../model/net';
import type { ProbeContext } from './context';
import { l2Send, type Flood } from './l2';
import { arpResolve, arpSender, ownMacFor, unansweredArp } from './arp';
import { makeError } from './icmp';
import { fromCalledAddress } from './error-source';
import { STORM_DETAIL, STORM_REASON, arpFailedReason, fragmentedNote, frameLost, joinNotes, mtuBlackHoleReason, vxlanPathMtuReason } from './wording';

export type TxFail =
	| { kind: 'arp-fail' }
	| { kind: 'drop'; node: CNode; reason: string; in?: string | null; out?: string | null; underlay?: boolean }
	| { kind: 'storm'; node: CNode }
	| { kind: 'pmtu'; mtu: number };

/**
 * Puts a packet on the wire towards nextHop (after ARP): fragments if
 * needed, walks layer 2 and returns the receiving interface or a drop.
 */
export function transmit(ctx: ProbeContext, node: CNode, egress: CIface, nextHop: number, p: Pkt, hopBase: Hop): { kind: 'rx'; iface: CIface } | TxFail {
	const sender = arpSender(node, egress, p.src);
	const floods: Flood[] | undefined = ctx.record ? [] : undefined;
	const tAsk = ctx.t;
	const arp = arpResolve(ctx, node, egress, nextHop, sender, floods);
	if (arp.storm) return { kind: 'storm', node };
	if (arp.mac === null) {
		if (ctx.record) unansweredArp(ctx, node, hopBase.in, egress, nextHop, sender, tAsk, floods!);
		return { kind: 'arp-fail' };
	}
	// Fragmentation (DF already checked by the caller).
	const max = p.frags ? Math.max(...p.frags) : p.size;
	let fragmented = false;
	if (max > egress.mtu) {
		p.frags = fragmentSizes(p.frags ?? [p.size], egress.mtu);
		fragmented = true;
	}
	const srcMac = ownMacFor(ctx, egress, p.src);
	if (ctx.record) {
		const base: Hop = {
			...hopBase,
			out: egress.name,
			...ctx.pktFields(p),
			srcMac,
			dstMac: arp.mac,
			vlan: egress.tag || null,
			arp: arp.cached
				? { target: u32ToIp(nextHop), mac: arp.mac, cached: true }
				: { target: u32ToIp(nextHop), sender: u32ToIp(sender), mac: arp.mac, cached: false, answeredBy: arp.by, ms: arp.ms }
		};
		if (fragmented) {
			base.action = 'FRAGMENTED';
			base.detail = joinNotes(base.detail, fragmentedNote(p.size, p.frags!.length, egress.mtu));
		}
		ctx.hop(base);
	}
	const res = l2Send(ctx, egress, arp.mac, srcMac, p.size, p.frags, undefined, p.df);
	if (res.storm) return { kind: 'storm', node };
	const rx = res.arrivals[0];
	if (rx) {
		if (ctx.record) for (const h of rx.hops) ctx.hop(h.underlay !== undefined ? h : { ...h, ...ctx.pktFields(p), vlan: h.vlan });
		ctx.t = rx.t;
		return { kind: 'rx', iface: rx.iface };
	}
	if (res.drop) {
		for (const h of res.drop.hops) ctx.hop(h.underlay !== undefined ? h : { ...h, ...ctx.pktFields(p) });
		ctx.t = res.drop.t;
		if (res.drop.pmtu) return { kind: 'pmtu', mtu: res.drop.pmtu };
		return { kind: 'drop', node: ctx.node(ctx.net.nodeIndex.get(res.drop.node)!), reason: res.drop.reason, in: res.drop.in, out: res.drop.out, underlay: res.drop.underlay };
	}
	return { kind: 'drop', node, reason: frameLost(node.id, egress.name, nextHop) };
}

/** The leg's end when transmit failed at node; `called` is the tuple before this node's DNAT, if any (error-source.ts). */
export function txFailure(ctx: ProbeContext, node: CNode, tx: TxFail, p: Pkt, offenderSrc: number | null, local: boolean, called: Tuple | null = null): LegEnd {
	if (tx.kind === 'storm') {
		ctx.hop({ node: node.id, in: null, out: null, action: 'DROPPED', detail: STORM_DETAIL });
		return { kind: 'dropped', node, disposition: 'DROPPED', reason: STORM_REASON, local };
	}
	if (tx.kind === 'drop') {
		ctx.hop({ node: tx.node.id, in: tx.in ?? null, out: tx.out ?? null, action: 'DROPPED', ...ctx.pktFields(p), detail: tx.reason });
		return { kind: 'dropped', node: tx.node, disposition: 'DROPPED', reason: tx.underlay ? tx.reason : mtuBlackHoleReason(tx.reason), local: false };
	}
	// The source VTEP's fragmentation-needed (vxlan.ts) comes from the inner destination's address.
	if (tx.kind === 'pmtu') return { kind: 'error', node, disposition: 'FRAGMENTATION_NEEDED', err: makeError(ctx, node, p, 3, 4, tx.mtu, true), reason: vxlanPathMtuReason(tx.mtu), local: false, mtu: tx.mtu };
	// ARP failure
	if (local) return { kind: 'error', node, disposition: 'HOST_UNREACHABLE', err: null, reason: arpFailedReason(node.id), local: true, mtu: null };
	const err = makeError(ctx, node, p, 3, 1, 0, false, offenderSrc ?? p.src);
	// Already masqueraded: Linux sends the error to the packet's (own, masquerade) source
	// address, so from that address, and conntrack then translates it back to the sender.
	if (err && offenderSrc !== null && offenderSrc !== p.src && node.local.has(p.src)) err.src = p.src;
	return { kind: 'error', node, disposition: 'HOST_UNREACHABLE', err: fromCalledAddress(err, called), reason: arpFailedReason(node.id), local: false, mtu: null };
}

