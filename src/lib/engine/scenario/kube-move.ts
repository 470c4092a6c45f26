/**
 * Where a restarted pod goes in the document (kube.ts decides when): its cable
 * moves to a new veth of the new node and its link gets a subnet of that
 * node's pod CIDR. Apart from kube.ts so that state.ts can build a state's
 * document without importing the mechanisms (no import cycle).
 */
import type { Topology } from '../../model/types';
import { cidrContains, cidrOfParts, parseCidr, u32ToIp } from '../../model/net';

/** The cable between the pod and its node in the document (a pod on a shared bridge has none): index and the pod's interface. */
export function podLink(t: Topology, pod: string, node: string): { i: number; iface: string } | null {
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
