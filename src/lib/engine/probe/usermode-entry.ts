/**
 * Where packets enter user-mode NAT (usermode-nat.ts has the rest): a
 * packet arriving at a NAT engine, and a connection to a hypervisor port
 * forwarded into one. Both end the leg `proxied`; the driver then runs the
 * hypervisor's own connection. Kept apart so forwarding need not import the
 * module that imports forwarding.
 */
import type { CIface, CNode } from '../compile';
import { PROTO_ICMP } from '../compile';
import type { LegEnd, Pkt } from '../packet';
import type { ProbeContext } from './context';
import { ctFind } from './conntrack';
import { umEchoGatewayOnlyDetail, umNoIcmpErrorsDetail, umOnlyNewDetail } from './wording';

/** A packet arrives at a NAT engine. */
export function engineReceive(ctx: ProbeContext, engine: CNode, inIf: CIface, p: Pkt): { kind: 'end'; end: LegEnd } {
	const e = engine.engine!;
	const base = { node: engine.id, in: inIf.name, out: null };
	const end = (x: LegEnd) => ({ kind: 'end' as const, end: x });
	// A reply on a connection the engine opened into its guest (a port forward).
	if (ctFind(ctx, engine, p)) return end({ kind: 'arrived', node: engine, iface: inIf, pkt: p, established: true });
	const drop = (detail: string, reason: string) => {
		ctx.hop({ ...base, action: 'DROPPED', ...ctx.pktFields(p), detail });
		return end({ kind: 'dropped', node: engine, disposition: 'DROPPED', reason, local: false });
	};
	if (p.kind === 'icmp-err') return drop(umNoIcmpErrorsDetail(e.name), `${e.name} does not pass ICMP errors`);
	if (engine.local.has(p.dst)) {
		if (p.proto !== PROTO_ICMP && p.dst === e.gateway) return end({ kind: 'proxied', node: engine, pkt: p, reason: 'user-mode NAT', px: { kind: 'loopback', engine, pkt: p } });
		// Echo (and DNS on the DNS address) is answered by the engine itself.
		return end({ kind: 'arrived', node: engine, iface: inIf, pkt: p, established: false });
	}
	if (p.kind !== 'echo-req' && p.kind !== 'syn' && p.kind !== 'udp')
		return drop(umOnlyNewDetail(e.name), `${e.name} has no connection for this packet`);
	if (p.kind === 'echo-req' && !e.echoBeyond)
		return drop(umEchoGatewayOnlyDetail(e.name, e.gateway), `${e.name} carries ICMP echo only to its gateway`);
	return end({ kind: 'proxied', node: engine, pkt: p, reason: 'user-mode NAT', px: { kind: 'out', engine, pkt: p } });
}

/** A packet for a hypervisor address on a port forwarded into a user-mode NAT engine, or null. */
export function forwardIn(ctx: ProbeContext, hv: CNode, p: Pkt, fromHost: boolean): LegEnd | null {
	if (p.kind !== 'syn' && p.kind !== 'udp') return null;
	const fwd = hv.umForwards.find((f) => f.proto === p.proto && f.port === p.dport);
	if (!fwd || !hv.local.has(p.dst)) return null;
	return { kind: 'proxied', node: hv, pkt: p, reason: 'user-mode NAT port forward', px: { kind: 'in', engine: ctx.node(fwd.engine), hv, pkt: p, fwd, fromHost } };
}
