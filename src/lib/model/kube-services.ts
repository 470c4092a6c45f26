/**
 * Service types beyond ClusterIP (docs/kubernetes.md): NodePort and
 * LoadBalancer, their node ports, externalTrafficPolicy and the load
 * balancer in front. The located format errors of those fields, and the
 * helpers the engine reads them through.
 */
import type { Topology } from './types';
import type { KubeIssue, KubeServiceSpec, KubeServiceType, KubeTrafficPolicy, KubernetesSection } from './kube-types';

/** kube-apiserver's default --service-node-port-range. */
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export function serviceType(svc: KubeServiceSpec): KubeServiceType {
	return svc.type ?? 'ClusterIP';
}

export function trafficPolicy(svc: KubeServiceSpec): KubeTrafficPolicy {
	return svc.external_traffic_policy ?? 'Cluster';
}

/** Whether the Service's ports are open on every node (NodePort, and LoadBalancer which builds on it). */
export function hasNodePorts(svc: KubeServiceSpec): boolean {
	return serviceType(svc) !== 'ClusterIP';
}

/** [low, high] of "30000-32767", or null when it is not such a range. */
export function parsePortRange(s: string): [number, number] | null {
	const m = /^(\d{1,5})-(\d{1,5})$/.exec(s.trim());
	if (!m) return null;
	const lo = Number(m[1]);
	const hi = Number(m[2]);
	return lo >= 1 && hi <= 65535 && lo <= hi ? [lo, hi] : null;
}

/** The addresses a node of the file owns as written: its interfaces' and a load balancer's vip. */
function writtenAddresses(t: Topology, id: string): string[] {
	const n = t.nodes?.[id];
	if (!n) return [];
	const out: string[] = [];
	if (n.vip) out.push(n.vip);
	for (const i of Object.values(n.interfaces ?? {})) if (i.ip && i.ip.includes('/')) out.push(i.ip.split('/')[0]);
	return out;
}

/** The address a LoadBalancer Service is reached at: external_ip, else the load balancer's vip, else its first address. */
export function externalIp(t: Topology, svc: KubeServiceSpec): string | null {
	if (!svc.load_balancer) return null;
	return svc.external_ip ?? writtenAddresses(t, svc.load_balancer)[0] ?? null;
}

export function serviceTypeIssues(t: Topology, k: KubernetesSection): KubeIssue[] {
	const out: KubeIssue[] = [];
	let range: [number, number] = parsePortRange(DEFAULT_NODE_PORT_RANGE)!;
	if (k.node_port_range !== undefined) {
		const r = parsePortRange(k.node_port_range);
		if (r) range = r;
		else out.push({ path: ['kubernetes', 'node_port_range'], message: `expected a port range like ${DEFAULT_NODE_PORT_RANGE}, got ${JSON.stringify(k.node_port_range)}` });
	}
	const used = new Map<string, string>();
	for (const [name, svc] of Object.entries(k.services)) {
		const at = ['kubernetes', 'services', name];
		const type = serviceType(svc);
		const open = hasNodePorts(svc);
		if (!open && svc.external_traffic_policy !== undefined)
			out.push({ path: [...at, 'external_traffic_policy'], message: 'external_traffic_policy applies to NodePort and LoadBalancer Services (add `type`)' });
		if (type !== 'LoadBalancer') {
			for (const f of ['load_balancer', 'external_ip'] as const)
				if (svc[f] !== undefined) out.push({ path: [...at, f], message: `\`${f}\` applies to a LoadBalancer Service (type: LoadBalancer)` });
		} else if (svc.load_balancer !== undefined) {
			const lb = t.nodes?.[svc.load_balancer];
			if (!lb) out.push({ path: [...at, 'load_balancer'], message: `no node \`${svc.load_balancer}\` in \`nodes\`` });
			else if (lb.kind !== 'load-balancer' && lb.kind !== 'host')
				out.push({ path: [...at, 'load_balancer'], message: `a Service's load balancer is a load-balancer or a host, not a ${lb.kind}` });
			else if (svc.load_balancer in k.nodes)
				out.push({ path: [...at, 'load_balancer'], message: `\`${svc.load_balancer}\` is a Kubernetes node; the load balancer stands in front of the nodes` });
			else {
				const own = writtenAddresses(t, svc.load_balancer);
				if (svc.external_ip !== undefined && !own.includes(svc.external_ip))
					out.push({ path: [...at, 'external_ip'], message: `${svc.external_ip} is not an address of \`${svc.load_balancer}\` (${own.join(', ') || 'it has none'})` });
				else if (own.length === 0) out.push({ path: [...at, 'load_balancer'], message: `\`${svc.load_balancer}\` has no address to be reached at` });
			}
		} else if (svc.external_ip !== undefined) out.push({ path: [...at, 'external_ip'], message: '`external_ip` needs `load_balancer`, the node that owns it' });
		svc.ports.forEach((p, i) => {
			if (p.node_port === undefined) {
				if (open) out.push({ path: [...at, 'ports', i], message: `a ${type} Service port needs \`node_port\` (${range[0]}-${range[1]})` });
				return;
			}
			const np = [...at, 'ports', i, 'node_port'];
			if (!open) out.push({ path: np, message: '`node_port` applies to NodePort and LoadBalancer Services (add `type`)' });
			else if (p.node_port < range[0] || p.node_port > range[1]) out.push({ path: np, message: `node port ${p.node_port} is outside the node port range ${range[0]}-${range[1]}` });
			const key = `${p.protocol}/${p.node_port}`;
			const other = used.get(key);
			if (other !== undefined) out.push({ path: np, message: `node port ${key} is already used by Service ${other}` });
			else used.set(key, name);
		});
	}
	return out;
}
