/**
 * kube-proxy (iptables mode) on a Kubernetes node: a new connection to a
 * Service's ClusterIP and port is DNATed in PREROUTING (KUBE-SERVICES →
 * KUBE-SVC-* → KUBE-SEP-*) to one ready endpoint, chosen by the documented
 * rule of model/kube.ts (endpointIndex) instead of the kernel's random
 * `statistic` match; a Service port without a ready endpoint hits the
 * filter table's REJECT rule (icmp-port-unreachable) after routing.
 * Replies are translated back by connection tracking, as for any DNAT.
 */
import { endpointIndex } from '../../model/kube';
import type { CIface, CNode } from '../net-types';
import type { Hop } from '../trace';
import type { LegEnd, Pkt } from '../packet';
import { makeError } from './icmp';
import { kubeKey, type KubeEndpoint } from '../kube';
import type { KubeStep } from '../kube-types';
import type { ProbeContext } from './context';
import { kubeLoadBalancer, kubeNodePort, type KubeExternalDecision } from './kube-nodeport';
import { fmtAddr, kubeDnatNote, kubeRejectDetail, kubeRejectReason } from './wording';

export type KubeDecision =
	| { kind: 'dnat'; note: string; ref: string; masq: boolean; endpoint?: KubeEndpoint; step?: KubeStep }
	| { kind: 'reject'; service: string; ref: string }
	| KubeExternalDecision;

/** What kube-proxy (or a Service's load balancer) does with a new packet arriving at `node`; null: not a Service port. */
export function kubeProxy(ctx: ProbeContext, node: CNode, p: Pkt): KubeDecision | null {
	const kube = ctx.net.kube;
	if (!kube || p.kind === 'icmp-err') return null;
	if (!kube.proxyNodes.has(node.idx)) return kubeLoadBalancer(ctx, node, p);
	const svc = kube.ports.get(kubeKey(p.proto, p.dst, p.dport));
	if (!svc) return kubeNodePort(ctx, node, p);
	if (svc.endpoints.length === 0) return { kind: 'reject', service: svc.service, ref: svc.path };
	const i = endpointIndex(svc.endpoints.length, p.src, p.dst, p.sport, p.dport, p.proto);
	const ep = svc.endpoints[i];
	// Hairpin: an endpoint reaching itself through its Service is masqueraded (KUBE-SEP-*: -s POD -j KUBE-MARK-MASQ), else its answer would not come back through the node.
	const masq = p.src === ep.addr;
	let note = 'dnat';
	let step: KubeStep | undefined;
	if (ctx.record) {
		const before = fmtAddr(p.dst, p.dport, p.proto);
		const after = fmtAddr(ep.addr, ep.port, p.proto);
		note = kubeDnatNote(svc.service, before, ep.pod, after, i, svc.endpoints.length);
		step = { step: 'cluster-ip', service: svc.service, to: ep.pod, index: i, of: svc.endpoints.length, before, after, ...(masq ? { masquerade: true } : {}) };
	}
	p.dst = ep.addr;
	p.dport = ep.port;
	return { kind: 'dnat', note, ref: svc.path, masq, endpoint: ep, step };
}

/** The REJECT of a Service port without endpoints (filter table, after routing): ICMP port unreachable from the node. */
export function kubeReject(ctx: ProbeContext, node: CNode, egress: CIface, p: Pkt, base: Hop, d: { service: string; ref: string }): LegEnd {
	ctx.hop({ ...base, out: egress.name, action: 'DENIED', ...ctx.pktFields(p), detail: kubeRejectDetail(d.service), ref: d.ref, kube: { step: 'reject', service: d.service } });
	const err = makeError(ctx, node, p, 3, 3, 0, false);
	return { kind: 'error', node, disposition: 'DENIED', err, reason: kubeRejectReason(d.service, node.id), local: false, mtu: null };
}
