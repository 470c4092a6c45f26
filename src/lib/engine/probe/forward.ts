/**
 * Forwarding: a packet's leg from the node that sends it to the node that
 * owns its destination, in the order of the spec's "Inside a node":
 * connection state and DNAT, local delivery, route, TTL, DF/MTU, the
 * product's forward filter, rules, masquerade, then transmit.
 */
import type { CIface, CNode } from '../compile';
import { PROTO_ICMP, PROTO_TCP, lookup } from '../compile';
import type { Hop } from '../trace';
import type { LegEnd, Pkt, Tuple } from '../packet';
import { NO_HOP, type ProbeContext } from './context';
import { ctAdd, ctFind, ctTranslate } from './conntrack';
import { matchRule, ruleOrPolicy } from './filter';
import { makeError, makeRst } from './icmp';
import { fromCalledAddress } from './error-source';
import { transmit, txFailure } from './transmit';
import { hostProxy, inNat, isNatIface, productBlock } from './products';
import { engineReceive, forwardIn } from './usermode-entry';
import { kubeProxy, kubeReject } from './kube-proxy';
import { netpolEgress } from './kube-policy';
import { kubeNodePortRefusal } from './kube-nodeport';
import { lbChoice } from './lb-choice';
import {
	FORWARDING_LOOP_REASON,
	LOCAL_DETAIL,
	TTL_DETAIL,
	acceptedByStateDetail,
	allowedDetail,
	denialDetail,
	dfTooBigDetail,
	exitsDetail,
	filterWhat,
	fmtAddr,
	howOf,
	hypervisorNoForwardDetail,
	lbNote,
	masqueradeNote,
	noRouteDetail,
	notForwardingDetail,
	notOutsideDetail,
	outboundDeniedDetail,
	portForwardNote,
	routeNote,
	blackholeReason,
	filteredReason,
	hypervisorNoForwardReason,
	localMtuReason,
	mtuReason,
	noRouteReason,
	notForwardingReason,
	notOutsideReason,
	outboundRuleReason,
	ttlReason,
	netpolAllowedNote,
	netpolDeniedDetail,
	netpolWhat
} from './wording';

type Step = { kind: 'rx'; iface: CIface } | { kind: 'end'; end: LegEnd };

/**
 * Originates p at node and carries it until it is delivered to the node
 * owning its destination, exits, or fails.
 */
export function runLeg(ctx: ProbeContext, start: CNode, p: Pkt): LegEnd {
	const o = originate(ctx, start, p);
	if (o.kind !== 'rx') return o.end;
	let node = ctx.node(o.iface.node);
	let inIf = o.iface;
	for (let guard = 0; guard < 10000; guard++) {
		const step = receive(ctx, node, inIf, p);
		if (step.kind !== 'rx') return step.end;
		node = ctx.node(step.iface.node);
		inIf = step.iface;
	}
	return { kind: 'dropped', node, disposition: 'DROPPED', reason: FORWARDING_LOOP_REASON, local: false };
}

function originate(ctx: ProbeContext, node: CNode, p: Pkt): Step {
	ctx.t += node.delay;
	// A hypervisor connecting to its own forwarded port (presets.md): through its user-mode NAT engine, or docker-proxy.
	if (node.umForwards.length && node.local.has(p.dst)) {
		const px = forwardIn(ctx, node, p, true);
		if (px) return { kind: 'end', end: px };
	}
	const proxied = node.kind === 'hypervisor' && node.forwardsNat.length && node.local.has(p.dst) ? hostProxy(ctx.net, node, p) : null;
	if (proxied) {
		ctAdd(ctx, node, proxied.orig, p);
		ctx.hop({ node: node.id, in: null, out: null, action: 'NAT', ...ctx.pktFields(p), detail: proxied.detail, ref: proxied.ref });
	}
	if (node.local.has(p.dst)) {
		ctx.hop({ node: node.id, in: null, out: null, action: 'LOCAL', ...ctx.pktFields(p), detail: LOCAL_DETAIL });
		// Over lo, still through conntrack and the input rules: a request is NEW, its answer ESTABLISHED.
		const lct = ctFind(ctx, node, p);
		if (!lct && p.kind !== 'icmp-err') ctAdd(ctx, node, p, p);
		return { kind: 'end', end: { kind: 'arrived', node, iface: ctx.iface(node.ifaces[0]), pkt: p, established: lct !== null } };
	}
	const r = lookup(node, p.dst);
	if (!r) {
		ctx.hop({ node: node.id, in: null, out: null, action: 'NO_ROUTE', ...ctx.pktFields(p), detail: noRouteDetail(p.dst, true) });
		return { kind: 'end', end: { kind: 'error', node, disposition: 'NO_ROUTE', err: null, reason: noRouteReason(node.id), local: true, mtu: null } };
	}
	if (r.blackhole) {
		ctx.hop({ node: node.id, in: null, out: null, action: 'NULL_ROUTED', ...ctx.pktFields(p), detail: r.text, ref: r.path });
		return { kind: 'end', end: { kind: 'dropped', node, disposition: 'NULL_ROUTED', reason: blackholeReason(node.id), local: true } };
	}
	const egress = ctx.iface(r.iface);
	if (p.df && p.size > egress.mtu) {
		ctx.hop({ node: node.id, in: null, out: egress.name, action: 'FRAGMENTATION_NEEDED', ...ctx.pktFields(p), detail: dfTooBigDetail(p.size, egress.name, egress.mtu, true) });
		return { kind: 'end', end: { kind: 'error', node, disposition: 'FRAGMENTATION_NEEDED', err: null, reason: localMtuReason(egress.mtu), local: true, mtu: egress.mtu } };
	}
	// Outbound rules of an endpoint (direction: out), after connection state.
	const ct = ctFind(ctx, node, p);
	if (node.endpoint && !(node.stateful && ct)) {
		const rule = matchRule(node, p, null, egress, true);
		if (rule && rule.action !== 'allow') {
			ctx.hop({ node: node.id, in: null, out: egress.name, action: 'DENIED', ...ctx.pktFields(p), detail: outboundDeniedDetail(rule.index, rule.text), rule: rule.index, ref: rule.path });
			return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DENIED', reason: outboundRuleReason(rule.index, node.id), local: true } };
		}
	}
	// NetworkPolicy egress of a pod (at its node's side of the pod interface, after kube-proxy's DNAT).
	const np = ctx.net.netpol ? netpolEgress(ctx, node, p, ct !== null) : null;
	if (np && np.step.policy === null) {
		const step = np.step;
		ctx.denied(
			{ node: node.id, in: null, out: egress.name, action: 'DENIED', ...ctx.pktFields(p), detail: netpolDeniedDetail(step, p.proto, np.port, np.peer), ref: `kubernetes.policies.${step.isolatedBy[0]}`, netpol: step },
			{ how: 'denied', what: { kind: 'netpol', step } }
		);
		return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DENIED', reason: filteredReason('denied', netpolWhat(step), node.id), local: false } };
	}
	// Masquerade (POSTROUTING) also rewrites what the node itself sends out of that interface:
	// new connections only, never an error or a reset (they belong to the connection they answer).
	let masqNote = '';
	if (!ct && p.kind !== 'icmp-err' && p.kind !== 'rst' && node.masquerade.has(egress.name) && egress.hasAddr && p.src !== egress.addr) {
		const orig: Tuple = { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport };
		p.src = egress.addr;
		ctAdd(ctx, node, orig, p);
		masqNote = masqueradeNote(fmtAddr(orig.src, orig.sport, orig.proto), fmtAddr(p.src, p.sport, p.proto));
	} else if (!ct) ctAdd(ctx, node, p, p);
	const nextHop = r.via || p.dst;
	const sent: Hop | null = ctx.record ? { node: node.id, in: null, out: egress.name, action: 'SENT', detail: [routeNote(r.text), masqNote, np ? netpolAllowedNote(np.step) : ''].filter(Boolean).join('; '), ref: r.path } : null;
	if (sent && np) sent.netpol = np.step;
	const tx = transmit(ctx, node, egress, nextHop, p, sent ?? NO_HOP);
	if (tx.kind === 'rx') return tx;
	return { kind: 'end', end: txFailure(ctx, node, tx, p, null, true) };
}

/** A packet arrives at node on inIf. */
function receive(ctx: ProbeContext, node: CNode, inIf: CIface, p: Pkt): Step {
	ctx.t += node.delay;
	if (node.engine) return engineReceive(ctx, node, inIf, p);
	const base: Hop = ctx.record ? { node: node.id, in: inIf.name, out: null, action: 'SENT' } : NO_HOP;
	// 1. connection state and port forwards (DNAT)
	const ct = ctFind(ctx, node, p);
	let natNote: string | null = null;
	let dnat = false;
	const origTuple: Tuple = { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport };
	let lbSnat = false;
	const kube = ct ? null : kubeProxy(ctx, node, p);
	if (ct) natNote = ctTranslate(ctx, p, ct);
	else if (kube?.kind === 'dnat') {
		natNote = kube.note;
		if (ctx.record) {
			base.ref = kube.ref;
			if (kube.step) base.kube = kube.step;
		}
		dnat = true;
		lbSnat = kube.masq;
	} else if (node.lb && p.dst === node.lb.vip && p.dport === node.lb.port && p.proto !== PROTO_ICMP && node.lb.backends.length) {
		// Backend = (client address + client port) mod healthy backends, in pool order.
		const lb = node.lb;
		const b = lb.backends[lbChoice(lb.backends.length, p.src, p.sport)];
		natNote = ctx.record ? lbNote(fmtAddr(p.dst, p.dport, p.proto), b.name, fmtAddr(b.addr, b.port, p.proto)) : 'lb';
		if (ctx.record) base.ref = `nodes.${node.id}.pool`;
		p.dst = b.addr;
		p.dport = b.port;
		dnat = true;
		lbSnat = lb.snat;
	} else if (node.forwardsNat.length && p.kind !== 'icmp-err') {
		for (const f of node.forwardsNat) {
			if (f.proto !== p.proto || f.port !== p.dport) continue;
			if (f.inIf !== null) {
				if (inIf.name !== f.inIf || !inIf.hasAddr || inIf.addr !== p.dst) continue;
			} else {
				// hypervisor: any of its addresses outside its NAT networks (docker, podman: any of its addresses)
				if (!node.local.has(p.dst) || (node.product !== 'docker' && node.product !== 'podman' && inNat(node, p.dst) >= 0)) continue;
			}
			natNote = ctx.record ? portForwardNote(f.text, fmtAddr(p.dst, p.dport, p.proto), fmtAddr(f.toAddr, f.toPort, p.proto)) : 'dnat';
			if (ctx.record) base.ref = f.path;
			p.dst = f.toAddr;
			p.dport = f.toPort;
			dnat = true;
			// docker-proxy: a container reaching a published port is proxied from the target network's gateway
			if ((node.product === 'docker' || node.product === 'podman') && isNatIface(node, inIf.idx)) lbSnat = true;
			break;
		}
	}
	// What this node says about a packet it DNATed comes from the address the client called.
	const called = dnat ? origTuple : null;
	if (!ct && node.umForwards.length && p.kind !== 'icmp-err' && node.local.has(p.dst)) {
		const px = forwardIn(ctx, node, p, false);
		if (px) return { kind: 'end', end: px };
	}
	if (kube?.kind === 'reject-local' || kube?.kind === 'drop-local') return { kind: 'end', end: kubeNodePortRefusal(ctx, node, p, base, kube) };
	// 2. local delivery (weak host model)
	if (node.local.has(p.dst)) {
		// The final hop (DELIVERED, REFUSED, DENIED...) is recorded by the caller; a translation here is worth its own line.
		if (natNote) ctx.hop({ ...base, action: 'NAT', ...ctx.pktFields(p), detail: natNote });
		// The receiver tracks the connection too: its answers are replies (ESTABLISHED).
		if (!ct && p.kind !== 'icmp-err') ctAdd(ctx, node, p, p);
		return { kind: 'end', end: { kind: 'arrived', node, iface: inIf, pkt: p, established: !!ct } };
	}
	if (node.kind === 'internet') {
		const owner = ctx.net.owned.get(p.dst);
		if (owner !== undefined) {
			ctx.hop({ ...base, action: 'DROPPED', ...ctx.pktFields(p), detail: notOutsideDetail(p.dst, owner) });
			return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DROPPED', reason: notOutsideReason(owner), local: false } };
		}
		ctx.hop({ ...base, action: 'EXITS_NETWORK', ...ctx.pktFields(p), detail: exitsDetail(p.dst, node.id) });
		return { kind: 'end', end: { kind: 'exits', node, pkt: p } };
	}
	let viaHypervisorNat = false;
	let hvNoForward = false;
	if (!node.forwards) {
		const nat = node.natIface >= 0 ? inNat(node, p.src) : -1;
		const fromNatGuest = nat >= 0 && inIf.idx === node.natNets[nat].iface;
		if (node.kind === 'hypervisor' && (fromNatGuest || dnat || (ct && natNote !== null) || (ct && ct.dir === 'related'))) viaHypervisorNat = true;
		// A hypervisor with a NAT network has IP forwarding on and a forward filter that
		// drops everything else: route, TTL and MTU are still decided first (Linux ip_forward).
		else if (node.kind === 'hypervisor' && (node.natIface >= 0 || node.product === 'libvirt')) hvNoForward = true;
		else {
			ctx.hop({ ...base, action: 'DROPPED', ...ctx.pktFields(p), detail: notForwardingDetail(node.id, node.kind) });
			return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DROPPED', reason: notForwardingReason(node.id), local: false } };
		}
	}
	// 2. route lookup
	const r = lookup(node, p.dst);
	if (!r) {
		ctx.hop({ ...base, action: 'NO_ROUTE', ...ctx.pktFields(p), detail: noRouteDetail(p.dst, false) });
		return { kind: 'end', end: { kind: 'error', node, disposition: 'NO_ROUTE', err: fromCalledAddress(makeError(ctx, node, p, 3, 0, 0, false), called), reason: noRouteReason(node.id), local: false, mtu: null } };
	}
	if (r.blackhole) {
		ctx.hop({ ...base, action: 'NULL_ROUTED', ...ctx.pktFields(p), detail: r.text, ref: r.path });
		return { kind: 'end', end: { kind: 'dropped', node, disposition: 'NULL_ROUTED', reason: blackholeReason(node.id), local: false } };
	}
	const egress = ctx.iface(r.iface);
	// 3. TTL
	if (p.ttl <= 1) {
		ctx.hop({ ...base, out: egress.name, action: 'TTL_EXCEEDED', ...ctx.pktFields(p), detail: TTL_DETAIL });
		return { kind: 'end', end: { kind: 'error', node, disposition: 'TTL_EXCEEDED', err: fromCalledAddress(makeError(ctx, node, p, 11, 0, 0, false), called), reason: ttlReason(node.id), local: false, mtu: null } };
	}
	// 4. DF and egress MTU
	const size = p.frags ? Math.max(...p.frags) : p.size;
	if (p.df && size > egress.mtu) {
		ctx.hop({ ...base, out: egress.name, action: 'FRAGMENTATION_NEEDED', ...ctx.pktFields(p), detail: dfTooBigDetail(size, egress.name, egress.mtu, false) });
		return {
			kind: 'end',
			end: { kind: 'error', node, disposition: 'FRAGMENTATION_NEEDED', err: fromCalledAddress(makeError(ctx, node, p, 3, 4, egress.mtu, false), called), reason: mtuReason(egress.mtu, node.id), local: false, mtu: egress.mtu }
		};
	}
	const block = node.product ? productBlock(ctx.net, node, inIf, egress, p, { hvNoForward, viaHypervisorNat, tracked: !!ct, dnat }) : null;
	if (block) {
		ctx.hop({ ...base, out: egress.name, action: block.disposition === 'DENIED' ? 'DENIED' : 'DROPPED', ...ctx.pktFields(p), detail: block.detail });
		if (block.reject) {
			const err = p.kind === 'icmp-err' ? null : fromCalledAddress(makeError(ctx, node, p, 3, 3, 0, false), called);
			return { kind: 'end', end: { kind: 'error', node, disposition: 'DENIED', err, reason: block.reason, local: false, mtu: null } };
		}
		return { kind: 'end', end: { kind: 'dropped', node, disposition: block.disposition, reason: block.reason, local: false } };
	}
	if (kube?.kind === 'reject') return { kind: 'end', end: kubeReject(ctx, node, egress, p, base, kube) };
	if (hvNoForward) {
		ctx.hop({ ...base, out: egress.name, action: 'DROPPED', ...ctx.pktFields(p), detail: hypervisorNoForwardDetail(node.id) });
		return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DROPPED', reason: hypervisorNoForwardReason(node.id), local: false } };
	}
	// 5. rules (state first if stateful)
	let ruleNote: string | null = null;
	if (!viaHypervisorNat) {
		if (node.stateful && ct) ruleNote = acceptedByStateDetail(ct.dir === 'related');
		else {
			const rule = matchRule(node, p, inIf, egress, false);
			const action = rule ? rule.action : node.policy;
			const by = ruleOrPolicy(node, rule);
			const what = !ctx.record && action === 'allow' ? '' : filterWhat(by);
			if (action !== 'allow') {
				const denial = { how: howOf(action), what: by };
				const hop: Hop = { ...base, out: egress.name, action: 'DENIED', ...ctx.pktFields(p), detail: denialDetail(denial) };
				if (rule) {
					hop.rule = rule.index;
					hop.ref = rule.path;
				} else hop.ref = `nodes.${node.id}.policy`;
				ctx.denied(hop, denial);
				if (action === 'reject') {
					const err = fromCalledAddress(p.proto === PROTO_TCP && p.kind !== 'icmp-err' ? makeRst(p, node.id) : p.kind === 'icmp-err' ? null : makeError(ctx, node, p, 3, 13, 0, false), called);
					return { kind: 'end', end: { kind: 'error', node, disposition: 'DENIED', err, reason: filteredReason('rejected', what, node.id), local: false, mtu: null } };
				}
				return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DENIED', reason: filteredReason('denied', what, node.id), local: false } };
			}
			if (ctx.record && (node.rules.length || node.policy !== 'allow')) ruleNote = allowedDetail(what);
		}
	}
	// 6. masquerade
	const preSnatSrc = p.src;
	const masq = lbSnat || node.masquerade.has(egress.name) || (viaHypervisorNat && !isNatIface(node, egress.idx) && inNat(node, p.src) >= 0);
	if (masq && !ct && egress.hasAddr && p.src !== egress.addr) {
		const before = ctx.record ? fmtAddr(p.src, p.sport, p.proto) : '';
		p.src = egress.addr;
		natNote = ctx.record ? [natNote, masqueradeNote(before, fmtAddr(p.src, p.sport, p.proto))].filter(Boolean).join('; ') : 'snat';
	}
	if (!ct) ctAdd(ctx, node, origTuple, p);
	p.ttl -= 1;
	const nextHop = r.via || p.dst;
	const notes = ctx.record ? [ruleNote, natNote, routeNote(r.text)].filter(Boolean).join('; ') : '';
	const tx = transmit(ctx, node, egress, nextHop, p, ctx.record ? { ...base, action: natNote ? 'NAT' : 'FORWARDED', detail: notes, ref: base.ref ?? r.path } : base);
	if (tx.kind === 'rx') return tx;
	p.ttl += 1;
	return { kind: 'end', end: txFailure(ctx, node, tx, p, preSnatSrc, false, called) };
}
