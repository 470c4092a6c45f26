/**
 * User-mode NAT (presets.md): VirtualBox `nat` and `nat-network`, QEMU `nat`
 * (slirp). The product does not route: it terminates each guest connection
 * in a NAT engine and opens its own socket on the hypervisor. So
 *   - the remote sees the hypervisor's address and a new source port
 *     (49152 upward, in order of use on that hypervisor);
 *   - the guest's TTL is not carried: every packet delivered to the guest has
 *     TTL 64, and a traceroute from the guest shows only the destination;
 *   - only TCP, UDP and ICMP echo are carried; an ICMP error from beyond the
 *     engine never reaches the guest (time-out), a refused connection comes
 *     back as a TCP RST;
 *   - echo to the engine's gateway is answered by the engine itself; TCP/UDP
 *     to the gateway reach the hypervisor's own services (its loopback);
 *   - port forwards apply to every hypervisor address: the guest sees a LAN
 *     client's own address, and the engine's gateway for a connection from
 *     the hypervisor itself.
 *
 * The engine is a node of its own (`hv:nat-engine:...`, kind `nat-engine`)
 * on the guest's segment; the hypervisor has no interface there. The probe
 * engine hands this module every packet the engine receives, and the probe's
 * request leg ends `proxied` there; `proxy()` then runs the hypervisor's own
 * connection (an inner exchange) and says what the original requester gets.
 */
import type { Disposition } from '../../model/types';
import type { CNode } from '../compile';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, lookup } from '../compile';
import { u32ToIp } from '../../model/net';
import type { Pkt, ProxyStart } from '../packet';
import type { ProbeContext } from './context';
import { runLeg } from './forward';
import { inputFilter } from './filter';
import { answer } from './icmp';
import { LOOPBACK_ANSWER_DETAIL, LOOPBACK_DETAIL, denialDetail, fmtAddr, howOf, umForwardDetail, umLoopbackDetail, umOpenedDetail, umAnsweredDetail } from './wording';

export type { ProxyStart } from '../packet';

/** First port of the hypervisor's new sockets (the IANA dynamic range). */
export const FIRST_PORT = 49152;
const LOOPBACK = 0x7f000001;

/** Where a proxied exchange starts. */
export type ProxyResult =
	| { kind: 'answer'; sender: CNode; ans: Pkt; seen: Pkt; dnode: CNode }
	| { kind: 'failed'; disposition: Disposition; reason: string; leg: 'request' | 'reply'; seen: Pkt | null }
	| { kind: 'exits'; pkt: Pkt };

type Inner =
	| { kind: 'answered'; ans: Pkt; seen: Pkt; dnode: CNode }
	| { kind: 'failed'; disposition: Disposition; reason: string; leg: 'request' | 'reply'; seen: Pkt | null }
	| { kind: 'exits'; pkt: Pkt };

/** Dispositions that reach a requester only as an ICMP error. */
const ICMP_ERRORS: ReadonlySet<Disposition> = new Set(['NO_ROUTE', 'HOST_UNREACHABLE', 'TTL_EXCEEDED', 'FRAGMENTATION_NEEDED', 'REFUSED']);

function protoName(proto: number): string {
	return proto === PROTO_TCP ? 'tcp' : proto === PROTO_UDP ? 'udp' : 'icmp';
}

function hypervisorOf(ctx: ProbeContext, engine: CNode): CNode {
	return ctx.node(ctx.net.nodeIndex.get(engine.owner!)!);
}

/** The next new source port of a hypervisor's sockets. */
export function allocPort(ctx: ProbeContext, hv: CNode): number {
	const ports = ctx.umPorts;
	const port = ports.get(hv.idx) ?? FIRST_PORT;
	ports.set(hv.idx, port + 1);
	return port;
}

/** Runs the hypervisor's (or engine's) own connection for a proxied packet; what the original requester gets. */
export function proxy(ctx: ProbeContext, px: ProxyStart): ProxyResult {
	const p = px.pkt;
	const name = px.engine.engine!.name;
	if (px.kind === 'in') {
		const src = px.fromHost ? px.engine.engine!.gateway : p.src;
		const req: Pkt = { ...p, src, dst: px.fwd.toAddr, dport: px.fwd.toPort, ttl: 64, df: false, frags: null, inner: null };
		ctx.hop({
			node: px.hv.id,
			in: null,
			out: null,
			action: 'NAT',
			...ctx.pktFields(req),
			detail: umForwardDetail(name, px.fwd.text, px.hv.id, fmtAddr(src, p.sport, p.proto), px.fromHost, src),
			ref: px.fwd.path
		});
		const inner = exchange(ctx, px.engine, req);
		return toRequester(inner, px.hv, p, name);
	}
	const hv = hypervisorOf(ctx, px.engine);
	if (px.kind === 'loopback') {
		const req: Pkt = { ...p, src: LOOPBACK, sport: allocPort(ctx, hv), dst: LOOPBACK, ttl: 64, df: false, frags: null, inner: null };
		ctx.hop({
			node: hv.id,
			in: null,
			out: null,
			action: 'NAT',
			...ctx.pktFields(req),
			detail: umLoopbackDetail(name, fmtAddr(p.dst, p.dport, p.proto), hv.id, fmtAddr(p.src, p.sport, p.proto))
		});
		const inner = local(ctx, hv, req);
		return toRequester(inner, px.engine, p, name);
	}
	// out: the hypervisor's own socket, from the address its route to the destination picks.
	let src = hv.firstAddr;
	if (hv.local.has(p.dst)) src = p.dst;
	else {
		const r = lookup(hv, p.dst);
		if (r && !r.blackhole && r.iface >= 0 && ctx.net.ifaces[r.iface].hasAddr) src = ctx.net.ifaces[r.iface].addr;
	}
	const sport = p.proto === PROTO_ICMP ? p.sport : allocPort(ctx, hv);
	const req: Pkt = { ...p, src, sport, ttl: 64, df: false, frags: null, inner: null };
	ctx.hop({
		node: hv.id,
		in: null,
		out: null,
		action: 'NAT',
		...ctx.pktFields(req),
		detail: umOpenedDetail(name, p, src, sport)
	});
	return toRequester(exchange(ctx, hv, req), px.engine, p, name);
}

/** What the requester of the proxied packet `p` gets, sent by `sender` (the engine, or the hypervisor for a forward). */
function toRequester(inner: Inner, sender: CNode, p: Pkt, name: string): ProxyResult {
	if (inner.kind === 'exits') return inner;
	if (inner.kind === 'failed') {
		if (ICMP_ERRORS.has(inner.disposition))
			return {
				kind: 'failed',
				disposition: 'DROPPED',
				leg: inner.leg,
				seen: inner.seen,
				reason: `${inner.reason}; ${name} does not pass ICMP errors on: the requester sees a time-out`
			};
		return inner;
	}
	const a = inner.ans;
	if (a.kind === 'icmp-err') {
		const what = a.icmpType === 3 && a.icmpCode === 3 ? `${protoName(inner.seen.proto)}/${inner.seen.dport} is closed on ${inner.dnode.id}` : `ICMP ${a.icmpType}/${a.icmpCode} from ${u32ToIp(a.src)}`;
		return { kind: 'failed', disposition: 'DROPPED', leg: 'reply', seen: inner.seen, reason: `${what}; ${name} does not pass ICMP errors on: the requester sees a time-out` };
	}
	const ans: Pkt = {
		...a,
		src: p.dst,
		sport: p.dport,
		dst: p.src,
		dport: p.sport,
		ttl: 64,
		df: false,
		frags: null,
		inner: null
	};
	return { kind: 'answer', sender, ans, seen: inner.seen, dnode: inner.dnode };
}

/** A connection from a node to its own loopback. */
function local(ctx: ProbeContext, node: CNode, req: Pkt): Inner {
	ctx.hop({ node: node.id, in: 'lo', out: null, action: 'LOCAL', ...ctx.pktFields(req), detail: LOOPBACK_DETAIL });
	const lo = { ...ctx.net.ifaces[node.ifaces[0]], name: 'lo' };
	const filt = inputFilter(node, lo, req, false);
	if (filt.action !== 'allow') {
		const denial = { how: howOf(filt.action), what: filt.by! };
		ctx.denied({ node: node.id, in: 'lo', out: null, action: 'DENIED', ...ctx.pktFields(req), detail: denialDetail(denial) }, denial);
		return { kind: 'failed', disposition: 'DENIED', reason: `${filt.action === 'reject' ? 'rejected' : 'denied'} by ${filt.what} on ${node.id}`, leg: 'request', seen: req };
	}
	const ans = answer(ctx, node, req);
	ctx.hop({ node: node.id, in: 'lo', out: null, action: ans && (ans.kind === 'rst' || ans.kind === 'icmp-err') ? 'REFUSED' : 'DELIVERED', ...ctx.pktFields(req), detail: LOOPBACK_ANSWER_DETAIL });
	if (!ans) return { kind: 'failed', disposition: 'DROPPED', reason: 'no answer', leg: 'reply', seen: req };
	return { kind: 'answered', ans, seen: req, dnode: node };
}

/**
 * A request from `start` and its answer, as a probe walks them: the
 * engine's own connection. Nested user-mode NAT (a forward into another
 * engine on the way) recurses through proxy().
 */
function exchange(ctx: ProbeContext, start: CNode, req: Pkt): Inner {
	const end = runLeg(ctx, start, req);
	let dnode: CNode;
	let sender: CNode;
	let seen: Pkt;
	let ans: Pkt | null;
	if (end.kind === 'proxied') {
		const px = proxy(ctx, end.px);
		if (px.kind !== 'answer') return px;
		({ dnode, sender, seen, ans } = px);
	} else if (end.kind === 'exits') return { kind: 'exits', pkt: end.pkt };
	else if (end.kind === 'dropped') return { kind: 'failed', disposition: end.disposition, reason: end.reason, leg: 'request', seen: null };
	else if (end.kind === 'error') {
		// The error goes back to `start` (for the trace); it stops there.
		if (end.err) runLeg(ctx, end.node, end.err);
		return { kind: 'failed', disposition: end.disposition, reason: end.reason, leg: 'request', seen: null };
	} else {
		dnode = end.node;
		seen = end.pkt;
		const filt = inputFilter(dnode, end.iface, seen, end.established);
		if (filt.action !== 'allow') {
			const how = howOf(filt.action);
			const denial = { how, what: filt.by! };
			ctx.denied({ node: dnode.id, in: end.iface.name, out: null, action: 'DENIED', ...ctx.pktFields(seen), detail: denialDetail(denial) }, denial);
			return { kind: 'failed', disposition: 'DENIED', reason: `${how} by ${filt.what} on ${dnode.id}`, leg: 'request', seen };
		}
		ans = answer(ctx, dnode, seen);
		ctx.hop({
			node: dnode.id,
			in: end.iface.name,
			out: null,
			action: ans && (ans.kind === 'rst' || ans.kind === 'icmp-err') ? 'REFUSED' : 'DELIVERED',
			...ctx.pktFields(seen),
			detail: umAnsweredDetail(ans)
		});
		sender = dnode;
	}
	if (!ans) return { kind: 'failed', disposition: 'DROPPED', reason: 'no answer', leg: 'reply', seen };
	const back = runLeg(ctx, sender, ans);
	if (back.kind === 'arrived' && back.node.idx === start.idx) {
		const filt = inputFilter(start, back.iface, back.pkt, back.established);
		if (filt.action !== 'allow') return { kind: 'failed', disposition: 'DENIED', reason: `reply ${filt.action === 'reject' ? 'rejected' : 'denied'} by ${filt.what} on ${start.id}`, leg: 'reply', seen };
		return { kind: 'answered', ans: back.pkt, seen, dnode };
	}
	if (back.kind === 'dropped' || back.kind === 'error')
		return { kind: 'failed', disposition: back.disposition === 'DENIED' ? 'DENIED' : 'DROPPED', reason: `reply: ${back.reason}`, leg: 'reply', seen };
	return { kind: 'failed', disposition: 'DROPPED', reason: `the reply did not come back to ${start.id}`, leg: 'reply', seen };
}
