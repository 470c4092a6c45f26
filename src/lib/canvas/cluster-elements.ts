/**
 * A Kubernetes cluster and VXLAN tunnels as cytoscape elements (pure, like
 * elements.ts): the cluster is a compound holding each node, each node a
 * compound holding its pods; a Service is its own symbol, linked dashed to
 * the pods it selects; a tunnel joins two VTEPs that carry a segment in common.
 * Loaded by the canvas only for a design that needs it (not on the first-draw
 * path); elements.ts takes its result as `ElementOptions.cluster`.
 */
import type { ElementDefinition } from 'cytoscape';
import type { Topology } from '../model/types';
import type { Labels } from '../model/kube-types';
import type { ClusterDrawing } from './elements';

export { clusterStyle } from './cluster-style';

export const CLUSTER_ID = 'k8s:cluster';

/** The compound each cluster member is drawn inside: a pod → its node, a node → the cluster. */
export function kubeParents(t: Topology): Map<string, string> {
	const out = new Map<string, string>();
	const k = t.kubernetes;
	if (!k) return out;
	for (const id of Object.keys(k.nodes)) if (t.nodes[id]) out.set(id, CLUSTER_ID);
	for (const [id, pod] of Object.entries(k.pods)) if (t.nodes[id] && out.has(pod.node)) out.set(id, pod.node);
	return out;
}

// Read straight from the file's sections (no model module): importing one here splits the first-draw chunks.

/** Kubernetes' equality-based selector, as model/kube.ts's selectorMatches. */
function matches(selector: Labels, labels: Labels): boolean {
	return Object.keys(selector).every((k) => labels[k] === selector[k]);
}

export interface SegmentView {
	name: string;
	vni: number;
	subnet?: string;
	/** guests on it, in id order */
	members: string[];
	/** hypervisors it spans, in id order */
	hosts: string[];
}

/** The overlay's segments as the canvas and the legend show them; `vteps`: hypervisors with a VTEP. */
export function segmentsOf(t: Topology): { segments: SegmentView[]; vteps: Set<string> } {
	const ids = Object.keys(t.nodes).sort();
	const vteps = new Set(ids.filter((id) => t.nodes[id].kind === 'hypervisor' && t.nodes[id].vtep));
	const segments = Object.entries(t.overlay?.segments ?? {}).map(([name, s]) => {
		const members = ids.filter((id) => t.nodes[id].on && Object.values(t.nodes[id].interfaces ?? {}).some((i) => i.segment === name));
		const hosts = [...new Set(members.map((id) => t.nodes[id].on!))].sort();
		return { name, vni: s.vni, subnet: s.subnet, members, hosts };
	});
	return { segments, vteps };
}

/** The pods a Service selects (ready or not), in id order: its dashed lines and its card. */
export function servicePods(t: Topology, name: string): { pod: string; ready: boolean }[] {
	const k = t.kubernetes;
	const svc = k?.services[name];
	if (!k || !svc || Object.keys(svc.selector).length === 0) return [];
	return Object.keys(k.pods)
		.filter((id) => k.pods[id].namespace === svc.namespace && matches(svc.selector, k.pods[id].labels))
		.sort()
		.map((pod) => ({ pod, ready: k.pods[pod].ready }));
}

/** The cluster compound (first: parents go before their children) and the Services with their endpoint lines. */
export function clusterElements(t: Topology): { compound: ElementDefinition[]; services: ElementDefinition[] } {
	const k = t.kubernetes;
	if (!k || !Object.keys(k.nodes).some((id) => t.nodes[id])) return { compound: [], services: [] };
	const label = `Kubernetes cluster${k.service_cidr ? ` · services ${k.service_cidr}` : ''}`;
	// `segment`: drawn, not a node of the file (never selected, moved or saved)
	const compound: ElementDefinition[] = [{ group: 'nodes', data: { id: CLUSTER_ID, label, caption: label, cluster: true, segment: true }, classes: 'kube-cluster', selectable: false }];
	const services: ElementDefinition[] = [];
	for (const [name, svc] of Object.entries(k.services)) {
		const id = `svc:${name}`;
		const pods = servicePods(t, name).filter((p) => t.nodes[p.pod]);
		const ready = pods.filter((p) => p.ready).length;
		const data = { id, parent: CLUSTER_ID, service: name, label: `${name}\n${svc.cluster_ip}`, segment: true, ready, endpoints: pods.length };
		services.push({ group: 'nodes', data, classes: ready ? 'kube-service' : 'kube-service no-endpoints', selectable: false, grabbable: false });
		for (const p of pods) {
			services.push({
				group: 'edges',
				data: { id: `svcep:${name}:${p.pod}`, source: id, target: p.pod, endpoint: true },
				classes: p.ready ? 'kube-endpoint' : 'kube-endpoint not-ready',
				selectable: false
			});
		}
	}
	return { compound, services };
}

/** What elements.ts adds for a cluster and, when asked, the tunnels. */
export function clusterDrawing(t: Topology, tunnels: boolean): ClusterDrawing {
	const parents = kubeParents(t);
	const { compound, services } = parents.size ? clusterElements(t) : { compound: [], services: [] };
	const kubeNodes = new Set([...parents].filter(([, p]) => p === CLUSTER_ID).map(([id]) => id));
	return { parents, kubeNodes, compound, services, tunnels: tunnels ? tunnelElements(t) : [] };
}

/** Dashed VTEP ↔ VTEP edges, one per pair of hypervisors sharing a segment, labelled with the VNIs. */
export function tunnelElements(t: Topology): ElementDefinition[] {
	if (!t.overlay) return [];
	const ov = segmentsOf(t);
	const pairs = new Map<string, number[]>();
	for (const seg of ov.segments) {
		const hosts = seg.hosts.filter((h) => ov.vteps.has(h));
		for (let i = 0; i < hosts.length; i++)
			for (let j = i + 1; j < hosts.length; j++) {
				const key = `${hosts[i]}|${hosts[j]}`;
				pairs.set(key, [...(pairs.get(key) ?? []), seg.vni]);
			}
	}
	return [...pairs].map(([key, vnis]) => {
		const [a, b] = key.split('|');
		return { group: 'edges', data: { id: `tunnel:${key}`, source: a, target: b, tunnel: true, label: `VXLAN ${vnis.join(', ')}` }, classes: 'tunnel', selectable: false };
	});
}

const SEGMENT_COLORS = ['#34d399', '#60a5fa', '#f472b6', '#fbbf24', '#a78bfa', '#f87171', '#2dd4bf', '#fb923c'];

/** The colour of the overlay segment at this position in the file: its band on the canvas and its swatch in the legend. */
export function segmentColor(index: number): string {
	return SEGMENT_COLORS[index % SEGMENT_COLORS.length];
}
