/**
 * A design's `kubernetes:` section → manifests `kubectl apply -f` reads:
 * a Namespace per namespace other than `default`, a Node per Kubernetes node
 * (its podCIDR), one Pod per pod (its node, namespace, labels and the ports
 * its container listens on) and one Service per Service (its ClusterIP,
 * selector and ports; a NodePort's or LoadBalancer's type, node ports and
 * externalTrafficPolicy, a load balancer's own address), the namespaces'
 * labels and every NetworkPolicy. Importing the result gives the same
 * cluster back. Pure (browser-safe).
 */
import { stringify } from 'yaml';
import type { Topology } from '../model/types';
import type { KubePolicySpec, LabelSelector, PolicyPeer, PolicyPort } from '../model/kube-types';
import { externalIp } from '../model/kube-services';
import { inCidr, ipToU32, parseCidr } from '../model/net';

/** The importer's node network (kube-manifests-network.ts), where it puts the load balancers it builds. */
const NODE_NET = parseCidr('192.168.60.0/24')!;

export interface KubeExport {
	yaml: string;
	/** what the manifests cannot say */
	notes: string[];
}

/** The image of exported pods: the design says what a pod listens on, not what runs in it. */
export const EXPORT_IMAGE = 'registry.k8s.io/pause:3.9';

const ns = (n: string) => (n === 'default' ? {} : { namespace: n });

export function toKubernetes(t: Topology): KubeExport {
	const k = t.kubernetes;
	if (!k) return { yaml: '', notes: ['the design has no kubernetes section: nothing to export'] };
	const notes: string[] = [`every pod runs ${EXPORT_IMAGE}; its container ports are the ports the pod listens on`];
	const docs: unknown[] = [];
	const namespaces = new Set<string>();
	for (const p of Object.values(k.pods)) namespaces.add(p.namespace);
	for (const s of Object.values(k.services)) namespaces.add(s.namespace);
	for (const n of Object.keys(k.namespaces ?? {})) namespaces.add(n);
	for (const p of Object.values(k.policies ?? {})) namespaces.add(p.namespace);
	for (const n of [...namespaces].sort()) {
		const labels = k.namespaces?.[n]?.labels ?? {};
		const has = Object.keys(labels).length > 0;
		if (n !== 'default' || has) docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n, ...(has ? { labels } : {}) } });
	}
	for (const [id, n] of Object.entries(k.nodes)) docs.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: id }, spec: n.pod_cidr ? { podCIDR: n.pod_cidr } : {} });
	for (const [id, p] of Object.entries(k.pods)) {
		const listens = t.nodes[id]?.services ?? [];
		const ports = listens.map((s) => ({ containerPort: s.port, protocol: s.proto.toUpperCase() }));
		if (!p.ready) notes.push(`pod ${id} is not ready in the design; a manifest cannot say so (it is exported as a plain Pod)`);
		docs.push({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: id, ...ns(p.namespace), ...(Object.keys(p.labels).length ? { labels: p.labels } : {}) },
			spec: { nodeName: p.node, containers: [{ name: 'main', image: EXPORT_IMAGE, ...(ports.length ? { ports } : {}) }] }
		});
	}
	for (const [name, s] of Object.entries(k.services)) {
		// Kubernetes requires a name on each port of a Service with several
		const named = s.ports.length > 1;
		// the address the Service is reached at, unless it is the one the importer gives its load balancer anyway
		const ext = s.type === 'LoadBalancer' ? externalIp(t, s) : null;
		const given = ext && !inCidr(ipToU32(ext), NODE_NET.net, NODE_NET.mask) ? ext : undefined;
		if (s.type === 'LoadBalancer' && s.load_balancer) notes.push(`Service ${name}: its load balancer ${s.load_balancer} is the cloud's; a manifest names only its address`);
		docs.push({
			apiVersion: 'v1',
			kind: 'Service',
			metadata: { name, ...ns(s.namespace) },
			spec: {
				type: s.type ?? 'ClusterIP',
				clusterIP: s.cluster_ip,
				...(s.external_traffic_policy ? { externalTrafficPolicy: s.external_traffic_policy } : {}),
				...(given ? { loadBalancerIP: given } : {}),
				...(Object.keys(s.selector).length ? { selector: s.selector } : {}),
				ports: s.ports.map((p) => ({
					...(named ? { name: `${p.protocol}-${p.port}` } : {}),
					port: p.port,
					targetPort: p.target_port,
					protocol: p.protocol.toUpperCase(),
					...(p.node_port !== undefined ? { nodePort: p.node_port } : {})
				}))
			}
		});
	}
	for (const [name, p] of Object.entries(k.policies ?? {})) docs.push(networkPolicy(name, p));
	const header = `# Kubernetes manifests exported by vnet from ${JSON.stringify(t.name)}.\n`;
	return { yaml: header + docs.map((d) => '---\n' + stringify(d, { lineWidth: 0 })).join(''), notes };
}

function selector(s: LabelSelector): Record<string, unknown> {
	return {
		...(Object.keys(s.match_labels).length ? { matchLabels: s.match_labels } : {}),
		...(s.match_expressions.length ? { matchExpressions: s.match_expressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values.length ? { values: e.values } : {}) })) } : {})
	};
}

function peer(p: PolicyPeer): Record<string, unknown> {
	if (p.ip_block) return { ipBlock: { cidr: p.ip_block.cidr, ...(p.ip_block.except.length ? { except: p.ip_block.except } : {}) } };
	return { ...(p.namespace_selector ? { namespaceSelector: selector(p.namespace_selector) } : {}), ...(p.pod_selector ? { podSelector: selector(p.pod_selector) } : {}) };
}

const port = (p: PolicyPort) => ({ protocol: p.protocol.toUpperCase(), ...(p.port !== undefined ? { port: p.port } : {}), ...(p.end_port !== undefined ? { endPort: p.end_port } : {}) });

/** policyTypes is always written, so the reader needs no default. */
function networkPolicy(name: string, p: KubePolicySpec): unknown {
	return {
		apiVersion: 'networking.k8s.io/v1',
		kind: 'NetworkPolicy',
		metadata: { name, ...ns(p.namespace) },
		spec: {
			podSelector: selector(p.pod_selector),
			policyTypes: p.policy_types,
			...(p.ingress.length ? { ingress: p.ingress.map((r) => ({ ...(r.from.length ? { from: r.from.map(peer) } : {}), ...(r.ports.length ? { ports: r.ports.map(port) } : {}) })) } : {}),
			...(p.egress.length ? { egress: p.egress.map((r) => ({ ...(r.to.length ? { to: r.to.map(peer) } : {}), ...(r.ports.length ? { ports: r.ports.map(port) } : {}) })) } : {})
		}
	};
}
