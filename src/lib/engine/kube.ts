/**
 * Compiles the topology's `kubernetes:` section (model/kube.ts) for the
 * probe's kube-proxy stage (probe/kube-proxy.ts): each Service port keyed by
 * protocol, ClusterIP and port, with its ready endpoints in id order. A
 * Kubernetes node forwards (ip_forward=1, as every CNI sets it).
 */
import { readyEndpoints } from '../model/kube';
import { ipToU32 } from '../model/net';
import type { Topology } from '../model/types';
import { PROTO_NUM, type CNode } from './net-types';
import type { KubeNet, KubeServicePortC } from './kube-types';
import { compileNodePorts } from './kube-nodeport';

export type { KubeEndpoint, KubeLbC, KubeNet, KubeNodePortC, KubeServicePortC } from './kube-types';

export function kubeKey(proto: number, addr: number, port: number): string {
	return `${proto}/${addr}/${port}`;
}

export function compileKube(t: Topology, nodes: CNode[], nodeIndex: Map<string, number>): KubeNet | null {
	const k = t.kubernetes;
	if (!k) return null;
	const proxyNodes = new Set<number>();
	for (const id of Object.keys(k.nodes)) {
		const i = nodeIndex.get(id);
		if (i === undefined) continue;
		proxyNodes.add(i);
		nodes[i].forwards = true;
	}
	const ports = new Map<string, KubeServicePortC>();
	for (const [name, svc] of Object.entries(k.services)) {
		const pods = readyEndpoints(k, svc).filter((id) => nodeIndex.has(id) && nodes[nodeIndex.get(id)!].hasFirstAddr);
		for (const p of svc.ports) {
			const endpoints = pods.map((pod) => ({ pod, addr: nodes[nodeIndex.get(pod)!].firstAddr, port: p.target_port }));
			ports.set(kubeKey(PROTO_NUM[p.protocol], ipToU32(svc.cluster_ip), p.port), { service: `${svc.namespace}/${name}`, path: `kubernetes.services.${name}`, endpoints });
		}
	}
	return { proxyNodes, ports, external: compileNodePorts(t, nodes, nodeIndex) };
}
