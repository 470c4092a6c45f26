/**
 * Compiles NodePort and LoadBalancer Services (model/kube-services.ts) for
 * the probe's kube-proxy stage (probe/kube-nodeport.ts): each node port
 * keyed by protocol and port with its ready endpoints and their nodes, and
 * on each load-balancer node its Services' external addresses with the
 * Kubernetes nodes its health check passes. A host standing as a Service's
 * load balancer forwards.
 */
import { readyEndpoints } from '../model/kube';
import { externalIp, hasNodePorts, serviceType, trafficPolicy } from '../model/kube-services';
import { ipToU32 } from '../model/net';
import type { Topology } from '../model/types';
import { PROTO_NUM, type CNode } from './net-types';
import type { KubeLbC, KubeNodePortC, KubeNodePorts } from './kube-types';

export function nodePortKey(proto: number, port: number): string {
	return `${proto}/${port}`;
}

export function compileNodePorts(t: Topology, nodes: CNode[], nodeIndex: Map<string, number>): KubeNodePorts {
	const out: KubeNodePorts = { nodePorts: new Map(), lbs: new Map() };
	const k = t.kubernetes;
	if (!k) return out;
	const kubeNodes = Object.keys(k.nodes)
		.filter((id) => nodeIndex.has(id) && nodes[nodeIndex.get(id)!].hasFirstAddr && k.nodes[id].ready !== false)
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	for (const [name, svc] of Object.entries(k.services)) {
		if (!hasNodePorts(svc)) continue;
		const service = `${svc.namespace}/${name}`;
		const path = `kubernetes.services.${name}`;
		const pods = readyEndpoints(k, svc).filter((id) => nodeIndex.has(id) && nodes[nodeIndex.get(id)!].hasFirstAddr && nodeIndex.has(k.pods[id].node));
		const local = trafficPolicy(svc) === 'Local';
		const withEndpoint = new Set(pods.map((id) => k.pods[id].node));
		const healthy = kubeNodes.filter((id) => !local || withEndpoint.has(id)).map((id) => ({ node: id, addr: nodes[nodeIndex.get(id)!].firstAddr }));
		const lbAt = serviceType(svc) === 'LoadBalancer' && svc.load_balancer ? nodeIndex.get(svc.load_balancer) : undefined;
		const ext = externalIp(t, svc);
		if (lbAt !== undefined) nodes[lbAt].forwards = true;
		for (const p of svc.ports) {
			if (p.node_port === undefined) continue;
			const proto = PROTO_NUM[p.protocol];
			const endpoints = pods.map((pod) => ({ pod, addr: nodes[nodeIndex.get(pod)!].firstAddr, port: p.target_port, node: nodeIndex.get(k.pods[pod].node)! }));
			const np: KubeNodePortC = { service, path, local, endpoints };
			out.nodePorts.set(nodePortKey(proto, p.node_port), np);
			if (lbAt === undefined || !ext) continue;
			const lbNode = t.nodes[svc.load_balancer!];
			const lb: KubeLbC = { service, path, nodePort: p.node_port, snat: lbNode.kind === 'load-balancer' ? (lbNode.snat ?? true) : true, healthy };
			if (!out.lbs.has(lbAt)) out.lbs.set(lbAt, new Map());
			out.lbs.get(lbAt)!.set(`${proto}/${ipToU32(ext)}/${p.port}`, lb);
		}
	}
	return out;
}
