/**
 * Kubernetes in scenarios (docs/kubernetes.md "Scenarios"): a failed
 * Kubernetes node takes its pods down at once; `node_failure.detection`
 * later the control plane marks it NotReady (its pods leave the Services'
 * endpoints, load balancers skip it); `node_failure.restart` after that its
 * pods run again on the healthy nodes, round robin in id order, each with a
 * new address from its new node's pod CIDR. A moved pod is a `moved` entry
 * of the state (as an HA-restarted guest); `relocatePod` applies it to the
 * state's document.
 */
import type { Topology } from '../../model/types';
import { DEFAULT_NODE_FAILURE } from '../../model/kube';
import type { MechanismHost } from './mechanisms';
import { movedDocument, podLink } from './kube-move';

export { movedDocument, relocatePod } from './kube-move';

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function isKubeNode(t: Topology, id: string): boolean {
	return !!t.kubernetes && id in t.kubernetes.nodes;
}

/** The pod's node in the current state. */
function placement(h: MechanismHost, pod: string): string {
	return h.state.moved.get(pod) ?? h.topology.kubernetes!.pods[pod].node;
}

/** Pods running on Kubernetes node `node` in the current state, in id order. */
export function podsOn(h: MechanismHost, node: string): string[] {
	return Object.keys(h.topology.kubernetes?.pods ?? {})
		.filter((p) => placement(h, p) === node)
		.sort(byId);
}

/** Applies a failed Kubernetes node's reactions (the node itself is already in `failed`). */
export function failKubeNode(h: MechanismHost, node: string): void {
	const s = h.state;
	const now = h.now();
	const k = h.topology.kubernetes!;
	const timing = k.node_failure ?? DEFAULT_NODE_FAILURE;
	const pods = podsOn(h, node).filter((p) => !s.failed.has(p));
	for (const p of pods) s.failed.add(p);
	if (pods.length) h.marker(now, `${node}: pods down: ${pods.join(', ')}`);
	h.schedule(`k8s-notready|${node}`, now + timing.detection, () => {
		if (!s.failed.has(node)) return false;
		s.kubeNotReady.add(node);
		const gone = podsOn(h, node);
		h.marker(h.now(), `${node}: NotReady, endpoints removed${gone.length ? `: ${gone.join(', ')}` : ''}`);
		h.schedule(`k8s-restart|${node}`, h.now() + timing.restart, () => restartPods(h, node));
		return true;
	});
}

/** Restarts the failed node's pods on the healthy nodes (round robin over them in id order, the pods in id order). */
function restartPods(h: MechanismHost, node: string): boolean {
	const s = h.state;
	const t = h.topology;
	const k = t.kubernetes!;
	if (!s.failed.has(node)) return false;
	const healthy = Object.keys(k.nodes)
		.filter((n) => !s.failed.has(n) && !s.kubeNotReady.has(n) && k.nodes[n].ready !== false && k.nodes[n].pod_cidr && n in t.nodes)
		.sort(byId);
	const pods = podsOn(h, node).filter((p) => s.failed.has(p));
	if (!pods.length) return false;
	if (!healthy.length) {
		h.marker(h.now(), `${node}: pods cannot restart, no healthy node with a pod CIDR`);
		return false;
	}
	let moved = 0;
	pods.forEach((p, i) => {
		if (!podLink(t, p, k.pods[p].node)) {
			h.marker(h.now(), `${p}: cannot restart elsewhere (not linked to its node by its own cable)`);
			return;
		}
		const to = healthy[i % healthy.length];
		s.failed.delete(p);
		// Later moves come later in the map: addresses are chosen in the order pods moved.
		s.moved.delete(p);
		s.moved.set(p, to);
		h.resetGates(p);
		moved++;
	});
	if (moved) {
		const doc = movedDocument(t, s.moved);
		for (const p of pods) if (!s.failed.has(p)) h.marker(h.now(), `${p} restarted on ${s.moved.get(p)} (${doc.nodes[p].interfaces?.[podLink(t, p, k.pods[p].node)!.iface]?.ip})`);
	}
	return moved > 0;
}

/** A restored Kubernetes node is Ready again; its pods that did not move run again. */
export function restoreKubeNode(h: MechanismHost, node: string): void {
	const s = h.state;
	s.kubeNotReady.delete(node);
	h.cancel(`k8s-notready|${node}`);
	h.cancel(`k8s-restart|${node}`);
	for (const p of podsOn(h, node))
		if (s.failed.has(p)) {
			s.failed.delete(p);
			h.resetGates(p);
		}
}
