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
import { cidrContains, cidrOfParts, parseCidr, u32ToIp } from '../../model/net';
import type { MechanismHost } from './mechanisms';

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

/** The cable between the pod and its node in the document (a pod on a shared bridge has none): index and the pod's interface. */
function podLink(t: Topology, pod: string, node: string): { i: number; iface: string } | null {
	for (let i = 0; i < t.links.length; i++) {
		const l = t.links[i];
		for (const [mine, other] of [
			[l.a, l.b],
			[l.b, l.a]
		])
			if (mine.startsWith(`${pod}.`) && other.startsWith(`${node}.`)) return { i, iface: mine.slice(pod.length + 1) };
	}
	return null;
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

/** A copy of the document with the pods of `moved` relocated, in the order they moved (its other entries are guests). */
export function movedDocument(t: Topology, moved: Map<string, string>, doc: Topology = structuredClone(t)): Topology {
	for (const [pod, to] of moved) if (t.kubernetes?.pods[pod] && t.kubernetes.pods[pod].node !== to) relocatePod(doc, pod, to);
	return doc;
}

/** Interface names of a node that look like "veth<k>": the next free k. */
function freeVeth(t: Topology, node: string): string {
	const used = new Set(Object.keys(t.nodes[node].interfaces ?? {}));
	for (const l of t.links) for (const end of [l.a, l.b]) if (end.startsWith(`${node}.`)) used.add(end.slice(node.length + 1));
	let k = 1;
	while (used.has(`veth${k}`)) k++;
	return `veth${k}`;
}

/**
 * Moves pod `pod` to Kubernetes node `to` in `doc` (a copy the caller owns):
 * its cable now ends on a new `veth<k>` of `to` (the first k free there);
 * the pod's link gets the first subnet of its own prefix length (/30 when
 * that is not longer than the pod CIDR's, or longer than /30) inside `to`'s
 * pod CIDR with no interface address of the document in it: the node takes
 * its first address, the pod the second, and the node is the pod's gateway.
 * Returns the pod's new address, or null when it cannot move.
 */
export function relocatePod(doc: Topology, pod: string, to: string): string | null {
	const k = doc.kubernetes;
	const spec = k?.pods[pod];
	const cidr = parseCidr(k?.nodes[to]?.pod_cidr);
	if (!k || !spec || !cidr || !doc.nodes[pod] || !doc.nodes[to]) return null;
	const link = podLink(doc, pod, spec.node);
	if (!link) return null;
	const itf = doc.nodes[pod].interfaces?.[link.iface];
	const own = parseCidr(itf?.ip);
	const len = own && own.len > cidr.len && own.len <= 30 ? own.len : 30;
	if (len <= cidr.len) return null;
	const taken: number[] = [];
	for (const [id, n] of Object.entries(doc.nodes))
		for (const i of Object.values(n.interfaces ?? {})) {
			const c = id === pod ? null : parseCidr(i.ip);
			if (c) taken.push(c.addr);
		}
	const size = 2 ** (32 - len);
	for (let net = cidr.net; net + size - 1 <= cidr.last; net += size) {
		const sub = cidrOfParts(net, len);
		if (taken.some((a) => cidrContains(sub, a))) continue;
		const nodeIf = freeVeth(doc, to);
		const gw = u32ToIp(net + 1);
		const addr = u32ToIp(net + 2);
		doc.nodes[to].interfaces = { ...(doc.nodes[to].interfaces ?? {}), [nodeIf]: { ip: `${gw}/${len}` } };
		doc.nodes[pod].interfaces = { ...(doc.nodes[pod].interfaces ?? {}), [link.iface]: { ...(itf ?? {}), ip: `${addr}/${len}`, gateway: gw } };
		const l = doc.links[link.i];
		const podEnd = `${pod}.${link.iface}`;
		doc.links[link.i] = l.a === podEnd ? { ...l, b: `${to}.${nodeIf}` } : { ...l, a: `${to}.${nodeIf}` };
		k.pods[pod] = { ...spec, node: to };
		return addr;
	}
	return null;
}
