/**
 * The probe driver: builds the request of a ProbeSpec, runs its leg, then
 * whatever comes back (the answer, a reject's RST or error, an ICMP error),
 * applies the requester's own input rules and says what the requester got.
 * A traceroute is the same probe with TTL 1, 2, ... unrecorded.
 */
import type { CNode } from '../compile';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP } from '../compile';
import { ipToU32, isIpv4, u32ToIp } from '../../model/net';
import type { Hop, NetpolStep, ProbeSpec, Trace } from '../trace';
import type { Pkt } from '../packet';
import type { ProbeContext } from './context';
import { ctFind } from './conntrack';
import { inputFilter, type FilterVerdict } from './filter';
import { answer, makeError, makeRst } from './icmp';
import { runLeg } from './forward';
import { proxy } from './usermode-nat';
import { probeSource } from './source-address';
import { netpolIngress } from './kube-policy';
import {
	answerDetail,
	closedPortReason,
	denialDetail,
	errorFilteredReason,
	errorLostReason,
	filteredReason,
	fmtAddr,
	howOf,
	localErrorFilteredReason,
	noAddressReason,
	noAddressVerdict,
	replyDetail,
	replyExitsReason,
	replyFilteredReason,
	replyMisdeliveredReason,
	replyReason,
	verdict,
	wrongSourceReason,
	netpolAllowedNote,
	netpolDeniedDetail,
	netpolWhat
} from './wording';

const MAX_TTL = 255;

export function run(ctx: ProbeContext, spec: ProbeSpec, opts: { hops?: boolean; record?: boolean } = {}): Trace {
	const trace = runOnce(ctx, spec, opts.record ?? true);
	if (opts.hops && trace.disposition !== 'EXITS_NETWORK') trace.hops = traceroute(ctx, spec);
	return trace;
}

function traceroute(ctx: ProbeContext, spec: ProbeSpec): (string | null)[] {
	const out: (string | null)[] = [];
	for (let ttl = 1; ttl <= 30; ttl++) {
		const t = runOnce(ctx, { ...spec, ttl }, false);
		if (t.disposition === 'TTL_EXCEEDED' || ctx.ttlExpired) {
			out.push(t.icmp?.from ?? null);
			continue;
		}
		if (t.disposition === 'DELIVERED' || t.disposition === 'REFUSED') out.push(t.icmp?.from ?? destinationAddress(ctx, spec));
		else out.push(t.icmp?.from ?? null);
		break;
	}
	return out;
}

export function destinationAddress(ctx: ProbeContext, spec: ProbeSpec): string {
	if (isIpv4(spec.to)) return spec.to;
	const n = ctx.net.nodeIndex.get(spec.to);
	return n === undefined ? spec.to : u32ToIp(ctx.node(n).firstAddr);
}

/** Records a DENIED hop for an endpoint's input filter decision. */
function deniedHop(ctx: ProbeContext, node: CNode, inIface: string, p: Pkt, filt: FilterVerdict): void {
	const denial = { how: howOf(filt.action as 'deny' | 'reject'), what: filt.by! };
	ctx.denied({ node: node.id, in: inIface, out: null, action: 'DENIED', ...ctx.pktFields(p), detail: denialDetail(denial), rule: filt.rule ?? undefined, ref: filt.ref }, denial);
}

/** A pod's NetworkPolicy ingress denial, as a DENIED hop at the pod. */
function netpolDeniedHop(ctx: ProbeContext, node: CNode, inIface: string, p: Pkt, step: NetpolStep): void {
	const hop: Hop = { node: node.id, in: inIface, out: null, action: 'DENIED', ...ctx.pktFields(p), detail: netpolDeniedDetail(step, p.proto, p.dport, p.src), ref: `kubernetes.policies.${step.isolatedBy[0]}`, netpol: step };
	ctx.denied(hop, { how: 'denied', what: { kind: 'netpol', step } });
}

function runOnce(ctx: ProbeContext, spec: ProbeSpec, record: boolean): Trace {
	ctx.reset(record);
	const trace: Trace = { disposition: 'DROPPED', leg: 'request', reason: null, seenSource: null, icmp: null, mtu: null, rttMs: null, hops: null, request: [], reply: [] };
	const srcIdx = ctx.net.nodeIndex.get(spec.from);
	if (srcIdx === undefined) throw new Error(`unknown node "${spec.from}"`);
	const src = ctx.node(srcIdx);
	if (!src.hasFirstAddr) {
		trace.disposition = 'NO_ROUTE';
		trace.reason = noAddressReason(src.id);
		trace.verdict = noAddressVerdict(src.id, 'from');
		return trace;
	}
	let dst: number;
	if (isIpv4(spec.to)) dst = ipToU32(spec.to);
	else {
		const di = ctx.net.nodeIndex.get(spec.to);
		if (di === undefined) throw new Error(`unknown node "${spec.to}"`);
		if (!ctx.node(di).hasFirstAddr) {
			trace.disposition = 'NO_ROUTE';
			trace.reason = noAddressReason(spec.to);
			trace.verdict = noAddressVerdict(spec.to, 'to');
			return trace;
		}
		dst = ctx.node(di).firstAddr;
	}
	const proto = spec.proto === 'tcp' ? PROTO_TCP : spec.proto === 'udp' ? PROTO_UDP : PROTO_ICMP;
	const payload = spec.size ?? (proto === PROTO_ICMP ? 56 : proto === PROTO_UDP ? 32 : 0);
	const hdr = proto === PROTO_TCP ? 40 : 28;
	const sport = spec.sport ?? 40000;
	const req: Pkt = {
		kind: proto === PROTO_ICMP ? 'echo-req' : proto === PROTO_TCP ? 'syn' : 'udp',
		src: probeSource(ctx.net, src, dst),
		dst,
		proto,
		sport: proto === PROTO_ICMP ? 40000 : sport,
		dport: proto === PROTO_ICMP ? 40000 : (spec.port ?? 0),
		ttl: Math.min(spec.ttl ?? 64, MAX_TTL),
		size: proto === PROTO_TCP ? hdr : hdr + payload, // a SYN carries no payload: `size` is sent only once connected
		df: spec.df ?? false,
		payload,
		frags: null,
		icmpType: 8,
		icmpCode: 0,
		icmpMtu: 0,
		inner: null,
		rejectedBy: null
	};
	const asSent = { dst: req.dst, dport: req.dport };
	const end = runLeg(ctx, src, req);
	trace.request = ctx.hops;
	ctx.hops = [];
	const finish = (): Trace => {
		trace.reply = ctx.hops;
		trace.verdict = verdict(trace, spec, ctx.denials);
		return trace;
	};
	if (end.kind === 'exits') {
		trace.disposition = 'EXITS_NETWORK';
		trace.leg = null;
		trace.seenSource = u32ToIp(end.pkt.src);
		return finish();
	}
	if (end.kind === 'proxied') {
		// User-mode NAT (usermode-nat.ts): the hypervisor's own connection decides what the requester gets.
		const px = proxy(ctx, end.px);
		trace.request = [...trace.request, ...ctx.hops];
		ctx.hops = [];
		if (px.kind === 'exits') {
			trace.disposition = 'EXITS_NETWORK';
			trace.leg = null;
			trace.seenSource = u32ToIp(px.pkt.src);
			return finish();
		}
		if (px.seen) trace.seenSource = u32ToIp(px.seen.src);
		if (px.kind === 'failed') {
			trace.disposition = px.disposition;
			trace.leg = px.leg;
			trace.reason = px.reason;
			return finish();
		}
		return replyLeg(ctx, trace, src, req, asSent, px.dnode, px.sender, px.seen, px.ans, finish);
	}
	if (end.kind === 'dropped') {
		trace.disposition = end.disposition;
		trace.reason = end.reason;
		return finish();
	}
	if (end.kind === 'error') {
		trace.disposition = end.disposition;
		trace.reason = end.reason;
		ctx.ttlExpired = end.disposition === 'TTL_EXCEEDED';
		if (end.local) {
			trace.mtu = end.mtu;
			// Linux reports a failed neighbour resolution to the sender with an ICMP
			// host-unreachable to itself (over lo): the sender's input rules see it.
			if (end.disposition === 'HOST_UNREACHABLE' && src.endpoint && end.node.idx === src.idx) {
				const self = makeError(ctx, src, req, 3, 1, 0, true, req.src);
				if (self) {
					self.src = req.src;
					const lo = { ...ctx.iface(src.ifaces[0]), name: 'lo' };
					const filt = inputFilter(src, lo, self, ctFind(ctx, src, self) !== null);
					if (filt.action !== 'allow') {
						trace.disposition = 'DENIED';
						trace.leg = 'reply';
						trace.reason = localErrorFilteredReason(howOf(filt.action), filt.what, src.id);
					}
				}
			}
			return finish();
		}
		const back = end.err ? runLeg(ctx, end.node, end.err) : null;
		if (back && back.kind === 'arrived' && back.node.idx === src.idx) {
			const filt = inputFilter(src, back.iface, back.pkt, back.established);
			if (filt.action !== 'allow') {
				deniedHop(ctx, src, back.iface.name, back.pkt, filt);
				trace.disposition = 'DENIED';
				trace.leg = 'reply';
				trace.reason = errorFilteredReason(end.reason, howOf(filt.action), filt.what, src.id);
				return finish();
			}
			trace.rttMs = ctx.t / 1e6;
			const e = back.pkt;
			ctx.hop({ node: src.id, in: back.iface.name, out: null, action: 'RECEIVED', ...ctx.pktFields(e), detail: replyDetail(e) });
			if (e.kind === 'icmp-err') {
				trace.icmp = { from: u32ToIp(e.src), type: e.icmpType, code: e.icmpCode, mtu: e.icmpType === 3 && e.icmpCode === 4 ? e.icmpMtu : null };
				if (trace.icmp.mtu !== null) trace.mtu = trace.icmp.mtu;
			}
		} else if (end.disposition !== 'DENIED') {
			// No ICMP error reached the requester: all it sees is a time-out.
			trace.leg = 'reply';
			trace.disposition = back && (back.kind === 'dropped' || back.kind === 'error') && back.disposition === 'DENIED' ? 'DENIED' : 'DROPPED';
			trace.reason = errorLostReason(end.reason, back && back.kind !== 'arrived' && back.kind !== 'exits' ? back.reason : null);
		}
		return finish();
	}
	// arrived at the destination node
	const dnode = end.node;
	const p = end.pkt;
	const npIn = ctx.net.netpol ? netpolIngress(ctx, dnode, p, end.established) : null;
	if (npIn && npIn.policy === null) {
		ctx.hops = trace.request;
		netpolDeniedHop(ctx, dnode, end.iface.name, p, npIn);
		ctx.hops = [];
		trace.disposition = 'DENIED';
		trace.reason = filteredReason('denied', netpolWhat(npIn), dnode.id);
		return finish();
	}
	const filt = inputFilter(dnode, end.iface, p, end.established);
	if (filt.action !== 'allow') {
		ctx.hops = trace.request;
		deniedHop(ctx, dnode, end.iface.name, p, filt);
		ctx.hops = [];
		trace.disposition = 'DENIED';
		trace.reason = filteredReason(howOf(filt.action), filt.what, dnode.id);
		if (filt.action === 'reject') {
			const rej = p.proto === PROTO_TCP ? makeRst(p, dnode.id) : makeError(ctx, dnode, p, 3, 13, 0, true);
			if (rej) {
				const back = runLeg(ctx, dnode, rej);
				if (back.kind === 'arrived' && back.node.idx === src.idx) {
					trace.rttMs = ctx.t / 1e6;
					if (back.pkt.kind === 'icmp-err') trace.icmp = { from: u32ToIp(back.pkt.src), type: back.pkt.icmpType, code: back.pkt.icmpCode, mtu: null };
				}
			}
		}
		return finish();
	}
	trace.seenSource = u32ToIp(p.src);
	const ans = answer(ctx, dnode, p);
	ctx.hops = trace.request;
	const dAction = !ans ? 'DELIVERED' : ans.kind === 'rst' ? 'REFUSED' : ans.kind === 'icmp-err' ? 'REFUSED' : 'DELIVERED';
	ctx.hop({
		node: dnode.id,
		in: end.iface.name,
		out: null,
		action: dAction,
		...ctx.pktFields(p),
		detail: npIn ? `${netpolAllowedNote(npIn)}; ${answerDetail(dnode, p, ans)}` : answerDetail(dnode, p, ans),
		...(npIn ? { netpol: npIn } : {})
	});
	ctx.hops = [];
	if (!ans) {
		trace.disposition = 'DELIVERED';
		trace.leg = null;
		return finish();
	}
	return replyLeg(ctx, trace, src, req, asSent, dnode, dnode, p, ans, finish);
}

/** The answer `ans` to what `dnode` saw as `p`, sent by `sender`, back to the requester `src`. */
function replyLeg(ctx: ProbeContext, trace: Trace, src: CNode, req: Pkt, asSent: { dst: number; dport: number }, dnode: CNode, sender: CNode, p: Pkt, ans: Pkt, finish: () => Trace): Trace {
	// the reply leg
	const back = runLeg(ctx, sender, ans);
	if (back.kind === 'arrived' && back.node.idx === src.idx && req.proto !== PROTO_ICMP && back.pkt.kind !== 'icmp-err' && (back.pkt.src !== asSent.dst || back.pkt.sport !== asSent.dport)) {
		// A TCP/UDP socket only takes answers from the address and port it sent to.
		trace.leg = 'reply';
		trace.disposition = 'DROPPED';
		trace.reason = wrongSourceReason(fmtAddr(back.pkt.src, back.pkt.sport, back.pkt.proto), fmtAddr(asSent.dst, asSent.dport, req.proto));
		return finish();
	}
	if (back.kind === 'arrived' && back.node.idx === src.idx) {
		const npBack = ctx.net.netpol ? netpolIngress(ctx, src, back.pkt, back.established) : null;
		if (npBack && npBack.policy === null) {
			netpolDeniedHop(ctx, src, back.iface.name, back.pkt, npBack);
			trace.disposition = 'DENIED';
			trace.leg = 'reply';
			trace.reason = replyFilteredReason('denied', netpolWhat(npBack), src.id);
			return finish();
		}
		const filtBack = inputFilter(src, back.iface, back.pkt, back.established);
		if (filtBack.action !== 'allow') {
			deniedHop(ctx, src, back.iface.name, back.pkt, filtBack);
			trace.disposition = 'DENIED';
			trace.leg = 'reply';
			trace.reason = replyFilteredReason('denied', filtBack.what, src.id);
			return finish();
		}
		trace.rttMs = ctx.t / 1e6;
		ctx.hop({ node: src.id, in: back.iface.name, out: null, action: 'DELIVERED', ...ctx.pktFields(back.pkt), detail: replyDetail(back.pkt) });
		if (ans.kind === 'rst' || ans.kind === 'icmp-err') {
			trace.disposition = 'REFUSED';
			trace.leg = 'request';
			if (back.pkt.kind === 'icmp-err') trace.icmp = { from: u32ToIp(back.pkt.src), type: back.pkt.icmpType, code: back.pkt.icmpCode, mtu: null };
			trace.reason = closedPortReason(p.dport, p.proto, dnode.id);
		} else {
			trace.disposition = 'DELIVERED';
			trace.leg = null;
		}
		return finish();
	}
	// The reply leg failed.
	trace.leg = 'reply';
	if (back.kind === 'dropped' || back.kind === 'error') {
		trace.disposition = back.disposition === 'DENIED' ? 'DENIED' : 'DROPPED';
		trace.reason = replyReason(back.reason);
	} else if (back.kind === 'exits') {
		trace.disposition = 'DROPPED';
		trace.reason = replyExitsReason(back.node.id);
	} else {
		trace.disposition = 'DROPPED';
		trace.reason = replyMisdeliveredReason(back.node.id, src.id);
	}
	return finish();
}
