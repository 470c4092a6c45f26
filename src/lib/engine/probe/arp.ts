/**
 * ARP (RFC 826) as Linux does it at rest: a broadcast request, the owner
 * learning the requester and answering by unicast, and giving up after
 * three unanswered solicitations. The cache is the context's `arp` table.
 */
import type { CIface, CNode } from '../compile';
import type { ProbeContext } from './context';
import { BROADCAST, l2Send, type Flood } from './l2';
import { arpBroadcastDetail, arpFloodDetail, arpNoAnswerDetail } from './wording';
import { u32ToIp } from '../../model/net';

export const ARP_SIZE = 28;
/** Linux gives up on an unanswered neighbour after 3 solicitations 1 s apart. */
const ARP_TIMEOUT_NS = 3e9;

export function arpKey(node: number, ip: number): number {
	return node * 4294967296 + ip;
}

/**
 * The address an ARP request names as its sender ("tell ..."). Linux with
 * arp_announce 0 uses the packet's source when it is one of the node's own
 * (a host sending), else the outgoing interface's address (a router
 * forwarding someone else's packet).
 */
export function arpSender(node: CNode, egress: CIface, src: number): number {
	if (node.local.has(src)) return src;
	return egress.hasAddr ? egress.addr : node.firstAddr;
}

/** ARP for `ip` out of `egress` naming `sender`; returns the MAC or null after the timeout. */
export function arpResolve(
	ctx: ProbeContext,
	node: CNode,
	egress: CIface,
	ip: number,
	sender: number,
	floods?: Flood[]
): { mac: string | null; storm: boolean; cached?: boolean; by?: string; ms?: number; suppressed?: boolean } {
	const key = arpKey(node.idx, ip);
	const cached = ctx.arp.get(key);
	if (cached) return { mac: cached, storm: false, cached: true };
	const t0 = ctx.t;
	// ARP suppression: the local VTEP answers for a guest the overlay's controller knows (vxlan.ts).
	const sup = ctx.arpSuppress?.(ctx, egress, ip);
	if (sup) {
		ctx.arp.set(key, sup.mac);
		return { mac: sup.mac, storm: false, cached: false, by: sup.by, ms: 0, suppressed: true };
	}
	const req = l2Send(ctx, egress, BROADCAST, egress.mac, ARP_SIZE, null, floods);
	if (req.storm) return { mac: null, storm: true };
	for (const a of req.arrivals) {
		const rn = ctx.node(a.iface.node);
		if (rn.idx === node.idx) continue;
		if (!rn.local.has(ip)) continue;
		// Found the owner: it learns the requester, then answers by unicast.
		ctx.t = a.t + rn.delay;
		ctx.arp.set(arpKey(rn.idx, egress.hasAddr ? egress.addr : node.firstAddr), egress.mac);
		const answerMac = a.iface.vmac && !a.iface.hasAddr ? a.iface.vmac : ownMacFor(ctx, a.iface, ip);
		const rep = l2Send(ctx, a.iface, egress.mac, answerMac, ARP_SIZE, null);
		const back = rep.arrivals.find((r) => r.iface.idx === egress.idx);
		if (!back) continue;
		ctx.t = back.t;
		ctx.arp.set(key, answerMac);
		return { mac: answerMac, storm: false, cached: false, by: `${rn.id}.${a.iface.name}`, ms: (back.t - t0) / 1e6 };
	}
	ctx.t = t0 + ARP_TIMEOUT_NS;
	return { mac: null, storm: false };
}

/**
 * The rows of an ARP request nobody answered: the node broadcasting it,
 * each switch that flooded it (on which VLAN, to which ports: where the
 * broadcast went), then the node giving up after the timeout. The flood
 * rows have no `out` so nothing mistakes them for the packet's own path;
 * the last row's `arp` (mac null) says what was asked.
 */
export function unansweredArp(ctx: ProbeContext, node: CNode, inIface: string | null, egress: CIface, target: number, sender: number, tAsk: number, floods: Flood[]): void {
	const ms = (t: number) => Math.round(t / 1e3) / 1e3;
	ctx.hop({ node: node.id, in: inIface, out: egress.name, action: 'ARP', detail: arpBroadcastDetail(target, sender, egress.name), vlan: egress.tag || null, tMs: ms(tAsk) });
	for (const f of floods)
		ctx.hop({
			node: f.node,
			in: f.in,
			out: null,
			action: 'SWITCHED',
			detail: arpFloodDetail(target, f.vlan, f.outs),
			tMs: ms(f.t)
		});
	ctx.hop({ node: node.id, in: inIface, out: egress.name, action: 'ARP', detail: arpNoAnswerDetail(target, sender), arp: { target: u32ToIp(target), sender: u32ToIp(sender), mac: null, cached: false } });
}

/** The MAC an interface answers with for one of its node's addresses (VRRP vip → virtual MAC). */
export function ownMacFor(ctx: ProbeContext, iface: CIface, ip: number): string {
	if (iface.vmac && !(iface.hasAddr && iface.addr === ip)) {
		// vip held by this master
		const n = ctx.node(iface.node);
		let isIfaceAddr = false;
		for (const ii of n.ifaces) if (ctx.iface(ii).hasAddr && ctx.iface(ii).addr === ip) isIfaceAddr = true;
		if (!isIfaceAddr) return iface.vmac;
	}
	return iface.mac;
}
