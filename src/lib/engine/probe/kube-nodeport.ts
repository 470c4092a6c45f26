/**
 * kube-proxy (iptables mode) for node ports, and the load balancer in front
 * of a LoadBalancer Service (docs/kubernetes.md). A new connection to any
 * address of a Kubernetes node on a Service's node port goes KUBE-NODEPORTS →
 * KUBE-EXT-*: with externalTrafficPolicy Cluster it is marked for masquerade
 * and DNATed to any ready endpoint (the pod sees the node); with Local only
 * to an endpoint on this node, the client's address kept, and a node without
 * one drops it (filter KUBE-EXTERNAL-SERVICES). A Service without ready
 * endpoints is rejected there (icmp-port-unreachable, from the address
 * called). The load balancer DNATs its external address to a healthy node's
 * node port by the load-balancer kind's rule (lb-choice.ts).
 */
import { endpointIndex } from '../../model/kube';
import type { CNode } from '../net-types';
import type { Hop } from '../trace';
import type { LegEnd, Pkt } from '../packet';
import { nodePortKey } from '../kube-nodeport';
import type { KubeStep } from '../kube-types';
import { makeError } from './icmp';
import { lbChoice } from './lb-choice';
import type { ProbeContext } from './context';
import { fmtAddr, kubeLbNote, kubeNoLocalDetail, kubeNoLocalReason, kubeNodePortNote, kubeNodePortRejectDetail, kubeRejectReason } from './wording';

export type KubeExternalDecision =
	| { kind: 'dnat'; note: string; ref: string; masq: boolean; step?: KubeStep }
	/** no ready endpoint at all: REJECT in INPUT, before local delivery */
	| { kind: 'reject-local'; service: string; ref: string }
	/** externalTrafficPolicy Local, no ready endpoint on this node: DROP */
	| { kind: 'drop-local'; service: string; ref: string };

/** On a Service's load-balancer node: its external address and port to a healthy node's node port; null: not one. */
export function kubeLoadBalancer(ctx: ProbeContext, node: CNode, p: Pkt): KubeExternalDecision | null {
	const lbs = ctx.net.kube?.external.lbs.get(node.idx);
	const lb = lbs?.get(`${p.proto}/${p.dst}/${p.dport}`);
	if (!lb || lb.healthy.length === 0) return null;
	const i = lbChoice(lb.healthy.length, p.src, p.sport);
	const to = lb.healthy[i];
	let note = 'lb';
	let step: KubeStep | undefined;
	if (ctx.record) {
		const before = fmtAddr(p.dst, p.dport, p.proto);
		const after = fmtAddr(to.addr, lb.nodePort, p.proto);
		note = kubeLbNote(lb.service, before, to.node, after, i, lb.healthy.length);
		step = { step: 'load-balancer', service: lb.service, to: to.node, index: i, of: lb.healthy.length, before, after, masquerade: lb.snat };
	}
	p.dst = to.addr;
	p.dport = lb.nodePort;
	return { kind: 'dnat', note, ref: lb.path, masq: lb.snat, step };
}

/** On a Kubernetes node: a new packet to one of its own addresses on a node port; null: not one. */
export function kubeNodePort(ctx: ProbeContext, node: CNode, p: Pkt): KubeExternalDecision | null {
	if (!node.local.has(p.dst)) return null;
	const np = ctx.net.kube?.external.nodePorts.get(nodePortKey(p.proto, p.dport));
	if (!np) return null;
	if (np.endpoints.length === 0) return { kind: 'reject-local', service: np.service, ref: np.path };
	const eps = np.local ? np.endpoints.filter((e) => e.node === node.idx) : np.endpoints;
	if (eps.length === 0) return { kind: 'drop-local', service: np.service, ref: np.path };
	const i = endpointIndex(eps.length, p.src, p.dst, p.sport, p.dport, p.proto);
	const ep = eps[i];
	// Cluster marks every external connection for masquerade; Local only a hairpin (the endpoint calling itself).
	const masq = !np.local || p.src === ep.addr;
	let note = 'dnat';
	let step: KubeStep | undefined;
	if (ctx.record) {
		const before = fmtAddr(p.dst, p.dport, p.proto);
		const after = fmtAddr(ep.addr, ep.port, p.proto);
		note = kubeNodePortNote(np.service, before, ep.pod, after, i, eps.length, np.local);
		step = { step: 'node-port', service: np.service, to: ep.pod, index: i, of: eps.length, before, after, masquerade: masq };
	}
	p.dst = ep.addr;
	p.dport = ep.port;
	return { kind: 'dnat', note, ref: np.path, masq, step };
}

/** A node port refused on the node itself (filter INPUT): REJECT from the address called, or a silent DROP. */
export function kubeNodePortRefusal(ctx: ProbeContext, node: CNode, p: Pkt, base: Hop, d: { kind: 'reject-local' | 'drop-local'; service: string; ref: string }): LegEnd {
	if (d.kind === 'drop-local') {
		ctx.hop({ ...base, action: 'DENIED', ...ctx.pktFields(p), detail: kubeNoLocalDetail(d.service, node.id), ref: d.ref, kube: { step: 'no-local-endpoint', service: d.service } });
		return { kind: 'dropped', node, disposition: 'DENIED', reason: kubeNoLocalReason(d.service, node.id), local: false };
	}
	ctx.hop({ ...base, action: 'DENIED', ...ctx.pktFields(p), detail: kubeNodePortRejectDetail(d.service), ref: d.ref, kube: { step: 'reject', service: d.service } });
	// Addressed to the node itself: Linux answers from that address (icmp_send on a local route).
	const err = makeError(ctx, node, p, 3, 3, 0, true);
	return { kind: 'error', node, disposition: 'DENIED', err, reason: kubeRejectReason(d.service, node.id), local: false, mtu: null };
}
