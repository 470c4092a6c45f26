/**
 * Compiles the `kubernetes.policies` of a topology (model/kube-policy.ts) for
 * the probe's NetworkPolicy stage (probe/kube-policy.ts): which compiled node
 * is which pod, on which Kubernetes node, and which pod owns an address (the
 * peer a pod or namespace selector matches). Null when the file has no policy,
 * so a file without policies runs exactly as before.
 */
import type { KubernetesSection } from '../model/kube-types';
import type { CNode } from './net-types';
import type { NetpolNet, NetpolPod } from './kube-netpol-types';

export type { NetpolNet, NetpolPod } from './kube-netpol-types';

export function compileNetpol(k: KubernetesSection | undefined, nodes: CNode[], nodeIndex: Map<string, number>): NetpolNet | null {
	if (!k || !k.policies || Object.keys(k.policies).length === 0) return null;
	const pods = new Map<number, NetpolPod>();
	const addrPod = new Map<number, string>();
	for (const [id, pod] of Object.entries(k.pods)) {
		const i = nodeIndex.get(id);
		const n = nodeIndex.get(pod.node);
		if (i === undefined || n === undefined) continue;
		pods.set(i, { id, name: `${pod.namespace}/${id}`, node: n });
		for (const a of nodes[i].local) addrPod.set(a, id);
	}
	return { k, pods, addrPod };
}
