/**
 * The packets a node makes itself: ICMP errors (RFC 792, quoting at most
 * 548 bytes as RFC 1812's 576-byte limit allows), TCP resets, and what an
 * endpoint answers (echo reply, SYN-ACK, a UDP answer, port unreachable).
 */
import type { CNode } from '../compile';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, lookup } from '../compile';
import type { PKind, Pkt } from '../packet';
import type { ProbeContext } from './context';

const ICMP_ERR_MAX_QUOTE = 548; // 576-byte ICMP errors (RFC 1812)

/** An ICMP error about p, sent by node towards p's source, from the right address. */
export function makeError(ctx: ProbeContext, node: CNode, p: Pkt, type: number, code: number, mtu: number, fromOwnDst: boolean, offenderSrc = p.src): Pkt | null {
	let from: number;
	if (fromOwnDst) from = p.dst;
	else {
		const r = lookup(node, offenderSrc);
		if (!r || r.blackhole) return null;
		from = ctx.iface(r.iface).addr;
	}
	return {
		kind: 'icmp-err',
		src: from,
		dst: offenderSrc,
		proto: PROTO_ICMP,
		sport: 0,
		dport: 0,
		ttl: 64,
		size: 28 + Math.min(p.size, ICMP_ERR_MAX_QUOTE),
		df: false,
		payload: 0,
		frags: null,
		icmpType: type,
		icmpCode: code,
		icmpMtu: mtu,
		inner: { src: offenderSrc, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport },
		rejectedBy: null
	};
}

export function makeRst(p: Pkt, by: string | null): Pkt {
	return {
		kind: 'rst',
		src: p.dst,
		dst: p.src,
		proto: PROTO_TCP,
		sport: p.dport,
		dport: p.sport,
		ttl: 64,
		size: 40,
		df: false,
		payload: 0,
		frags: null,
		icmpType: 0,
		icmpCode: 0,
		icmpMtu: 0,
		inner: null,
		rejectedBy: by
	};
}

/** A fresh answer packet: TTL 64, DF clear (replies never set DF). */
export function newPkt(kind: PKind, src: number, dst: number, proto: number, sport: number, dport: number, size: number, payload: number): Pkt {
	return { kind, src, dst, proto, sport, dport, ttl: 64, size, df: false, payload, frags: null, icmpType: 0, icmpCode: 0, icmpMtu: 0, inner: null, rejectedBy: null };
}

/** What node answers to p addressed to it, or null when nothing answers. */
export function answer(ctx: ProbeContext, node: CNode, p: Pkt): Pkt | null {
	if (p.proto === PROTO_ICMP) {
		if (p.kind !== 'echo-req') return null;
		return newPkt('echo-rep', p.dst, p.src, PROTO_ICMP, p.sport, p.dport, p.size, p.payload);
	}
	if (p.proto === PROTO_TCP) {
		const listening = node.endpoint && node.tcpServices.has(p.dport);
		if (listening) return newPkt('synack', p.dst, p.src, PROTO_TCP, p.dport, p.sport, 40, 0);
		return makeRst(p, null);
	}
	const listening = node.endpoint && node.udpServices.has(p.dport);
	if (listening) {
		const payload = Math.min(64, p.payload);
		return newPkt('udp-rep', p.dst, p.src, PROTO_UDP, p.dport, p.sport, 28 + payload, payload);
	}
	return makeError(ctx, node, p, 3, 3, 0, true);
}
