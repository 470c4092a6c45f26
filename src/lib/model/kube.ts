/**
 * Kubernetes networking in a topology (docs/kubernetes.md): the optional
 * top-level `kubernetes:` section (its zod schema and types), label selector
 * matching, and the Services resolved to their ready endpoints in a stable
 * order. Nodes and pods stay ordinary nodes of the file (vm/host and
 * container); this section only says which is which.
 */
import { z } from 'zod';
import { boolean, duration, ipv4, ipv4Network, nodeId, oneOf, port, string } from './fields';
import { list, map, name, strict } from './schema-parts';
import { cidrOf, inCidr, ipToU32 } from './net';
import type { Topology } from './types';
import type { KubeIssue, Labels, KubeServiceSpec, KubernetesSection } from './kube-types';
import { kubeNamespaces, kubePolicies } from './kube-policy';
import { serviceTypeIssues } from './kube-services';

export type { KubeIssue, Labels, KubeNodeSpec, KubePodSpec, KubeServicePort, KubeServiceSpec, KubeServiceType, KubeTrafficPolicy, KubernetesSection } from './kube-types';

/**
 * Kubernetes' defaults: kube-controller-manager's --node-monitor-grace-period
 * (40 s), then the DefaultTolerationSeconds admission plugin's 300 s for the
 * not-ready/unreachable taints before the pods are evicted.
 */
export const DEFAULT_NODE_FAILURE = { detection: 40e9, restart: 300e9 };

const labels = map(string('a label key'), string('a label value'), 'a mapping of label key to value');

const servicePort = strict(
	{ port: port(), target_port: port().optional(), protocol: oneOf(['tcp', 'udp']).default('tcp'), node_port: port().optional() },
	'a service port'
).transform((p) => ({ port: p.port, target_port: p.target_port ?? p.port, protocol: p.protocol, ...(p.node_port !== undefined ? { node_port: p.node_port } : {}) }));

export const kubernetesSection = strict(
	{
		service_cidr: ipv4Network.optional(),
		node_port_range: string('a port range like 30000-32767').optional(),
		nodes: map(nodeId, strict({ pod_cidr: ipv4Network.optional(), ready: boolean().optional() }, 'a kubernetes node'), 'a mapping of node id to { pod_cidr, ready }').prefault({}),
		pods: map(
			nodeId,
			strict({ node: nodeId, namespace: name('a namespace').default('default'), labels: labels.prefault({}), ready: boolean().default(true) }, 'a pod'),
			'a mapping of container id to pod'
		).prefault({}),
		services: map(
			name('a service name'),
			strict(
				{
					namespace: name('a namespace').default('default'),
					cluster_ip: ipv4,
					selector: labels.prefault({}),
					ports: list(servicePort, 'a list of service ports'),
					type: oneOf(['ClusterIP', 'NodePort', 'LoadBalancer']).optional(),
					external_traffic_policy: oneOf(['Cluster', 'Local']).optional(),
					load_balancer: nodeId.optional(),
					external_ip: ipv4.optional()
				},
				'a service'
			),
			'a mapping of service name to service'
		).prefault({}),
		node_failure: strict({ detection: duration().default(DEFAULT_NODE_FAILURE.detection), restart: duration().default(DEFAULT_NODE_FAILURE.restart) }, 'a node_failure block').optional(),
		namespaces: kubeNamespaces.optional(),
		policies: kubePolicies.optional()
	},
	'a kubernetes section'
);

// The schema's output must be the section other code reads.
const _matches: (k: z.output<typeof kubernetesSection>) => KubernetesSection = (k) => k;
void _matches;

/** Kubernetes' equality-based selector: every key of the selector has that value; an empty selector matches all. */
export function selectorMatches(selector: Labels, podLabels: Labels): boolean {
	for (const key of Object.keys(selector)) if (podLabels[key] !== selector[key]) return false;
	return true;
}

/** The ready pods a Service selects, in pod id order (byte-wise), the order endpoint choice indexes. */
export function readyEndpoints(k: KubernetesSection, svc: KubeServiceSpec): string[] {
	// A Service without a selector has no endpoints here (manual Endpoints are not modelled).
	if (Object.keys(svc.selector).length === 0) return [];
	return Object.keys(k.pods)
		.filter((id) => {
			const pod = k.pods[id];
			// A NotReady node's pods are marked not ready by the node lifecycle controller.
			return pod.ready && k.nodes[pod.node]?.ready !== false && pod.namespace === svc.namespace && selectorMatches(svc.selector, pod.labels);
		})
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The documented endpoint choice: FNV-1a (32-bit) over the connection's
 * 5-tuple as 13 bytes (source address, destination address, big-endian;
 * source port, destination port, big-endian; protocol number), modulo the
 * number of ready endpoints. Deterministic, and the same for every node.
 */
export function tupleHash(src: number, dst: number, sport: number, dport: number, proto: number): number {
	const bytes = [src >>> 24, (src >>> 16) & 255, (src >>> 8) & 255, src & 255, dst >>> 24, (dst >>> 16) & 255, (dst >>> 8) & 255, dst & 255, sport >>> 8, sport & 255, dport >>> 8, dport & 255, proto];
	let h = 0x811c9dc5;
	for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
	return h >>> 0;
}

export function endpointIndex(count: number, src: number, dst: number, sport: number, dport: number, proto: number): number {
	return tupleHash(src, dst, sport, dport, proto) % count;
}


/** Cross-references the engine needs to hold: each is a format error located at its field. */
export function kubeIssues(t: Topology): KubeIssue[] {
	const k = t.kubernetes;
	if (!k) return [];
	const out: KubeIssue[] = [];
	const nodes = t.nodes ?? {};
	for (const id of Object.keys(k.nodes)) {
		const n = nodes[id];
		if (!n) out.push({ path: ['kubernetes', 'nodes', id], message: `no node \`${id}\` in \`nodes\`` });
		else if (n.kind !== 'vm' && n.kind !== 'host') out.push({ path: ['kubernetes', 'nodes', id], message: `a Kubernetes node is a vm or a host, not a ${n.kind}` });
	}
	for (const [id, pod] of Object.entries(k.pods)) {
		const n = nodes[id];
		if (!n) out.push({ path: ['kubernetes', 'pods', id], message: `no container \`${id}\` in \`nodes\`` });
		else if (n.kind !== 'container') out.push({ path: ['kubernetes', 'pods', id], message: `a pod is a container, not a ${n.kind}` });
		if (!(pod.node in k.nodes)) out.push({ path: ['kubernetes', 'pods', id, 'node'], message: `\`${pod.node}\` is not listed under \`kubernetes.nodes\`` });
	}
	const cidr = k.service_cidr ? cidrOf(k.service_cidr) : null;
	for (const [name, svc] of Object.entries(k.services)) {
		if (cidr && !inCidr(ipToU32(svc.cluster_ip), cidr.net, cidr.mask))
			out.push({ path: ['kubernetes', 'services', name, 'cluster_ip'], message: `${svc.cluster_ip} is outside the service CIDR ${k.service_cidr}` });
		const seen = new Set<string>();
		svc.ports.forEach((p, i) => {
			const key = `${p.protocol}/${p.port}`;
			if (seen.has(key)) out.push({ path: ['kubernetes', 'services', name, 'ports', i], message: `port ${key} is listed twice` });
			seen.add(key);
		});
	}
	out.push(...serviceTypeIssues(t, k));
	return out;
}
