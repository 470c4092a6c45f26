/**
 * NetworkPolicy at a pod's interface, the way an iptables CNI (Calico)
 * enforces it in its node's FORWARD chain: a packet of an established or
 * related connection passes (conntrack, here the pod's own entries); traffic
 * between a pod and its own node always passes; otherwise, when policies
 * isolate the pod for that direction, the packet passes only if one of their
 * rules allows the peer, protocol and port (model/kube-policy.ts), else it
 * is dropped. Egress is judged after kube-proxy's DNAT, as the CNI's chains
 * run after PREROUTING: a pod calling a ClusterIP is judged against the
 * endpoint kube-proxy on its node picks. A Service port without endpoints is
 * left to kube-proxy's REJECT, which comes first in FORWARD.
 */
import { endpointIndex } from '../../model/kube';
import { policyDecision, type PolicyDirection } from '../../model/kube-policy';
import type { CNode } from '../net-types';
import type { NetpolStep } from '../trace';
import type { Pkt } from '../packet';
import { kubeKey } from '../kube';
import type { ProbeContext } from './context';
import { protoName } from './wording';

/** What policy decided, or null when it does not concern this packet (no policy, not a pod, established, own node, not isolated). */
function judge(ctx: ProbeContext, node: CNode, dir: PolicyDirection, p: Pkt, established: boolean, peer: number, dport: number): NetpolStep | null {
	const np = ctx.net.netpol;
	const pod = np?.pods.get(node.idx);
	if (!np || !pod || established) return null;
	if (ctx.node(pod.node).local.has(peer)) return null;
	const d = policyDecision(np.k, pod.id, dir, { addr: peer, pod: np.addrPod.get(peer) ?? null }, protoName(p.proto) as 'tcp' | 'udp' | 'icmp', dport);
	if (!d.isolated) return null;
	return { pod: pod.name, direction: dir, isolatedBy: d.by, policy: d.allowed?.policy ?? null, rule: d.allowed?.rule ?? null };
}

/** Where kube-proxy on the pod's node sends p: its endpoint, or p's own destination; null: its REJECT rule answers first. */
function afterDnat(ctx: ProbeContext, podNode: number, p: Pkt): { addr: number; port: number } | null {
	const kube = ctx.net.kube;
	if (!kube || !kube.proxyNodes.has(podNode) || p.kind === 'icmp-err') return { addr: p.dst, port: p.dport };
	const svc = kube.ports.get(kubeKey(p.proto, p.dst, p.dport));
	if (!svc) return { addr: p.dst, port: p.dport };
	if (svc.endpoints.length === 0) return null;
	const ep = svc.endpoints[endpointIndex(svc.endpoints.length, p.src, p.dst, p.sport, p.dport, p.proto)];
	return { addr: ep.addr, port: ep.port };
}

/** Egress policy of the pod `node` sending p (`tracked`: its conntrack knows the connection). */
export function netpolEgress(ctx: ProbeContext, node: CNode, p: Pkt, tracked: boolean): { step: NetpolStep; peer: number; port: number } | null {
	const pod = ctx.net.netpol?.pods.get(node.idx);
	if (!pod || tracked) return null;
	const to = afterDnat(ctx, pod.node, p);
	if (!to) return null;
	const step = judge(ctx, node, 'egress', p, false, to.addr, to.port);
	return step ? { step, peer: to.addr, port: to.port } : null;
}

/** Ingress policy of the pod `node` receiving p. */
export function netpolIngress(ctx: ProbeContext, node: CNode, p: Pkt, established: boolean): NetpolStep | null {
	return judge(ctx, node, 'ingress', p, established, p.src, p.dport);
}
