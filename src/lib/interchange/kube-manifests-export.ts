/**
 * A design's `kubernetes:` section → manifests `kubectl apply -f` reads:
 * a Namespace per namespace other than `default`, a Node per Kubernetes node
 * (its podCIDR), one Pod per pod (its node, namespace, labels and the ports
 * its container listens on) and one Service per Service (its ClusterIP,
 * selector and ports). Importing the result gives the same cluster back.
 * Pure (browser-safe).
 */
import { stringify } from 'yaml';
import type { Topology } from '../model/types';

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
	for (const n of [...namespaces].sort()) if (n !== 'default') docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } });
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
		docs.push({
			apiVersion: 'v1',
			kind: 'Service',
			metadata: { name, ...ns(s.namespace) },
			spec: {
				type: 'ClusterIP',
				clusterIP: s.cluster_ip,
				...(Object.keys(s.selector).length ? { selector: s.selector } : {}),
				ports: s.ports.map((p) => ({ ...(named ? { name: `${p.protocol}-${p.port}` } : {}), port: p.port, targetPort: p.target_port, protocol: p.protocol.toUpperCase() }))
			}
		});
	}
	const header = `# Kubernetes manifests exported by vnet from ${JSON.stringify(t.name)}.\n`;
	return { yaml: header + docs.map((d) => '---\n' + stringify(d, { lineWidth: 0 })).join(''), notes };
}
