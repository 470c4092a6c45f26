/**
 * The cluster a set of manifests runs on, as a vnet design: N Kubernetes
 * nodes (vm) on one switch, each with a pod CIDR, host-gw routes to every
 * other node's pod CIDR, and one routed /30 per pod to its node (as Calico
 * gives it: a shared bridge is a known limit, docs/kubernetes.md). Replicas
 * are placed round-robin over the nodes in file order; a Pod's nodeName and
 * a DaemonSet's one pod per node are kept. Services with their ClusterIP
 * (given, or the next free address of the service CIDR) and resolved
 * target ports; a pod listens on its container ports and on the target
 * ports of the Services that select it. NodePort and LoadBalancer Services
 * keep their node ports (the missing ones: the lowest free of the default
 * range, in file order); each LoadBalancer gets a load-balancer node on the
 * node network, and a `client` host there can call them from outside.
 */
import type { KubernetesSection, KubePodSpec, KubePolicySpec, KubeServiceSpec, Labels } from '../model/kube-types';
import { DEFAULT_NODE_PORT_RANGE, parsePortRange } from '../model/kube-services';
import { selectorMatches } from '../model/kube';
import type { Interface, Node, Route, Service, Topology } from '../model/types';
import { cidrsOverlap, fmtNet, parseCidr, u32ToIp, type Cidr } from '../model/net';
import { IdAllocator, renamedNode } from './ids';
import { InputError, quote } from './safe';
import { warnAt } from './kube-manifests-read';
import type { Manifests, ServiceObj, Workload } from './kube-manifests-objects';
import type { Warnings } from './import-common';

export const DEFAULT_NODES = 3;
export const MAX_NODES = 200;
export const MAX_PODS = 5000;
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
/** Pod CIDRs are cut from this prefix, one block per node (flannel's and kubeadm's usual choice). */
export const POD_NETWORK = '10.244.0.0/16';
/** The nodes' own network. */
export const NODE_NETWORK = '192.168.60.0/24';
const SWITCH = 'lan';
/** The outside caller of node ports and load balancers: the node network's .2. */
const CLIENT = 'client';
const CLIENT_HOST = 2;
/** Load balancers take the node network's addresses from .250 downwards, one per LoadBalancer Service. */
const LB_TOP = 250;
/** Layout: the switch above a row of nodes, each node's pods in a grid of POD_COLS columns below it. */
const POD_COLS = 3;
const POD_DX = 100;
const POD_DY = 90;
const NODE_DX = POD_COLS * POD_DX + 80;

export interface ClusterOptions {
	/** node count when the file lists no Node objects (default 3) */
	nodes?: number;
	/** service CIDR (default 10.96.0.0/12) */
	serviceCidr?: string;
}

interface PodInstance {
	id: string;
	node: number;
	namespace: string;
	labels: Labels;
	wl: Workload;
	listens: Service[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function nodeNames(m: Manifests, opts: ClusterOptions, ids: IdAllocator, w: Warnings): { id: string; name: string; podCIDR?: string }[] {
	if (m.nodes.length > 0) {
		if (m.nodes.length > MAX_NODES) throw new InputError(`${m.nodes.length} Node objects; at most ${MAX_NODES} are imported`);
		if (opts.nodes !== undefined && opts.nodes !== m.nodes.length) w.add('', `the file lists ${m.nodes.length} Node objects: they are the cluster, --nodes ${opts.nodes} is not used`);
		return m.nodes.map((n) => {
			const t = ids.take(n.name);
			if (t.changed) warnAt(w, n.src, 'metadata.name', renamedNode(n.name, t, quote));
			return { id: t.id, name: n.name, podCIDR: n.podCIDR };
		});
	}
	const count = opts.nodes ?? DEFAULT_NODES;
	if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) throw new InputError(`--nodes expects a whole number 1-${MAX_NODES}, got ${count}`);
	return Array.from({ length: count }, (_, i) => ({ id: ids.take(`n${i + 1}`).id, name: `n${i + 1}` }));
}

/** Pods of every workload, with ids and nodes. */
function placePods(m: Manifests, nodes: { id: string; name: string }[], ids: IdAllocator, w: Warnings): PodInstance[] {
	const pods: PodInstance[] = [];
	let next = 0;
	const add = (wl: Workload, name: string, node: number) => {
		if (pods.length >= MAX_PODS) throw new InputError(`more than ${MAX_PODS} pods`);
		const t = ids.take(name);
		if (t.changed) warnAt(w, wl.src, 'metadata.name', `pod ${renamedNode(name, t, quote).replace(/^node name /, '')}`);
		pods.push({ id: t.id, node, namespace: wl.namespace, labels: wl.labels, wl, listens: wl.ports.map((p) => ({ proto: p.proto, port: p.port })) });
	};
	for (const wl of m.workloads) {
		if (wl.kind === 'DaemonSet') nodes.forEach((n, i) => add(wl, `${wl.name}-${n.id}`, i));
		else if (wl.kind === 'Pod') {
			let node = wl.nodeName === undefined ? -1 : nodes.findIndex((n) => n.name === wl.nodeName);
			if (wl.nodeName !== undefined && node < 0) warnAt(w, wl.src, 'spec.nodeName', `no node ${quote(wl.nodeName)} in the cluster: placed round-robin`);
			if (node < 0) node = next++ % nodes.length;
			add(wl, wl.name, node);
		} else {
			const first = wl.kind === 'StatefulSet' ? 0 : 1; // a StatefulSet's pods are NAME-0, NAME-1, ...
			for (let k = 0; k < (wl.replicas ?? 1); k++) add(wl, `${wl.name}-${k + first}`, next++ % nodes.length);
		}
	}
	return pods;
}

/** One block per node, big enough for its pods' /30s (at least a /24), from POD_NETWORK; a Node's own podCIDR when it fits. */
function podCidrs(nodes: { id: string; podCIDR?: string }[], pods: PodInstance[], m: Manifests, w: Warnings): Cidr[] {
	const counts = nodes.map((_, i) => pods.filter((p) => p.node === i).length);
	let block = 256;
	while (block < 4 * Math.max(0, ...counts)) block *= 2;
	const net = parseCidr(POD_NETWORK)!;
	const given: (Cidr | null)[] = nodes.map((n, i) => {
		if (n.podCIDR === undefined) return null;
		const c = parseCidr(n.podCIDR);
		const src = m.nodes[i]?.src;
		if (!c || c.addr !== c.net || c.len > 30) {
			if (src) warnAt(w, src, 'spec.podCIDR', `${quote(n.podCIDR)} is not a network prefix: another is given`);
			return null;
		}
		if (2 ** (32 - c.len) < 4 * counts[i]) {
			if (src) warnAt(w, src, 'spec.podCIDR', `${n.podCIDR} is too small for ${counts[i]} pods (a /30 each): another is given`);
			return null;
		}
		return c;
	});
	const out: Cidr[] = [];
	let k = 1;
	for (let i = 0; i < nodes.length; i++) {
		const g = given[i];
		if (g && !out.some((c) => cidrsOverlap(c, g))) {
			out.push(g);
			continue;
		}
		for (;; k++) {
			if (k * block >= 2 ** (32 - net.len)) throw new InputError(`${pods.length} pods on ${nodes.length} nodes do not fit in ${POD_NETWORK} (a /30 per pod): use more nodes`);
			const c = parseCidr(fmtNet(net.net + k * block, 32 - Math.log2(block)))!;
			if (!out.some((x) => cidrsOverlap(x, c)) && !given.some((x) => x && cidrsOverlap(x, c))) break;
		}
		out.push(parseCidr(fmtNet(net.net + k++ * block, 32 - Math.log2(block)))!);
	}
	return out;
}

function services(m: Manifests, pods: PodInstance[], cidr: Cidr, w: Warnings, notes: string[], objs: Map<string, ServiceObj>): Record<string, KubeServiceSpec> {
	const out: Record<string, KubeServiceSpec> = {};
	const used = new Set<string>();
	for (const s of m.services) {
		const ip = s.clusterIP ? parseCidr(s.clusterIP) : null;
		if (s.clusterIP && ip && ip.len === 32 && ip.addr > cidr.net && ip.addr < cidr.last && !used.has(s.clusterIP)) used.add(s.clusterIP);
		else if (s.clusterIP) warnAt(w, s.src, 'spec.clusterIP', `${quote(s.clusterIP)} is not a free address of the service CIDR ${fmtNet(cidr.net, cidr.len)}: another is given`);
	}
	const [lo, hi] = parsePortRange(DEFAULT_NODE_PORT_RANGE)!;
	const taken = new Set<string>();
	for (const s of m.services)
		for (const p of s.ports) {
			if (p.nodePort === undefined) continue;
			const key = `${p.proto}/${p.nodePort}`;
			if (p.nodePort < lo || p.nodePort > hi) warnAt(w, s.src, `${p.path}.nodePort`, `${p.nodePort} is outside the node port range ${DEFAULT_NODE_PORT_RANGE}: another is given`);
			else if (taken.has(key)) warnAt(w, s.src, `${p.path}.nodePort`, `node port ${key} is already used by another Service: another is given`);
			else {
				taken.add(key);
				continue;
			}
			p.nodePort = undefined;
		}
	// a node port the file does not give: the lowest free one of the range, in file order
	const nodePort = (proto: string) => {
		for (let n = lo; n <= hi; n++) if (!taken.has(`${proto}/${n}`)) return taken.add(`${proto}/${n}`), n;
		throw new InputError(`the node port range ${DEFAULT_NODE_PORT_RANGE} has no free port left`);
	};
	const given = (p: { nodePort?: number }) => p.nodePort !== undefined;
	// not a warning (nothing was lost), but the file says where its node ports came from
	if (m.services.some((s) => s.type !== 'ClusterIP' && !s.ports.every(given))) notes.push(`Node ports the manifests do not give are the lowest free of ${DEFAULT_NODE_PORT_RANGE}, in file order.`);
	let next = cidr.net + 10; // below .10 stay free, as kubeadm keeps .1 (kubernetes) and .10 is often DNS
	const allocate = () => {
		for (; next < cidr.last; next++) if (!used.has(u32ToIp(next))) return u32ToIp(next++);
		throw new InputError(`the service CIDR ${fmtNet(cidr.net, cidr.len)} has no free address left`);
	};
	for (const s of m.services) {
		let key = s.name;
		if (key in out) {
			key = `${s.name}-${s.namespace}`;
			for (let n = 2; key in out; n++) key = `${s.name}-${s.namespace}-${n}`;
			warnAt(w, s.src, 'metadata.name', `another Service is already named ${quote(s.name)}: imported as ${key}`);
		}
		const ip = s.clusterIP && used.has(s.clusterIP) && !Object.values(out).some((x) => x.cluster_ip === s.clusterIP) ? s.clusterIP : allocate();
		const selected = s.selector && Object.keys(s.selector).length ? pods.filter((p) => p.namespace === s.namespace && selectorMatches(s.selector!, p.labels)) : [];
		const ports = s.ports.map((p) => {
			let target = p.targetPort;
			if (typeof target === 'string') {
				const named = selected.flatMap((pod) => pod.wl.ports).find((c) => c.name === target && c.proto === p.proto);
				if (!named) warnAt(w, s.src, `${p.path}.targetPort`, `no selected pod has a container port named ${quote(target)}: ${p.port} is used`);
				target = named ? named.port : p.port;
			}
			for (const pod of selected) if (!pod.listens.some((l) => l.proto === p.proto && l.port === target)) pod.listens.push({ proto: p.proto, port: target });
			const open = s.type !== 'ClusterIP';
			return { port: p.port, target_port: target, protocol: p.proto, ...(open ? { node_port: p.nodePort ?? nodePort(p.proto) } : {}) };
		});
		out[key] = {
			namespace: s.namespace,
			...(s.type !== 'ClusterIP' ? { type: s.type } : {}),
			...(s.externalTrafficPolicy ? { external_traffic_policy: s.externalTrafficPolicy } : {}),
			cluster_ip: ip,
			selector: s.selector ?? {},
			ports
		};
		if (s.loadBalancerIP) out[key].external_ip = s.loadBalancerIP.ip;
		objs.set(key, s);
	}
	return out;
}

function policies(m: Manifests, w: Warnings): Record<string, KubePolicySpec> {
	const out: Record<string, KubePolicySpec> = {};
	for (const p of m.policies) {
		let key = p.name;
		if (key in out) {
			key = `${p.name}-${p.spec.namespace}`;
			for (let n = 2; key in out; n++) key = `${p.name}-${p.spec.namespace}-${n}`;
			warnAt(w, p.src, 'metadata.name', `another NetworkPolicy is already named ${quote(p.name)}: imported as ${key}`);
		}
		out[key] = p.spec;
	}
	return out;
}

/**
 * What calls the cluster from outside: a load-balancer node per LoadBalancer
 * Service (its address on the node network, the Service's given address as
 * its vip), and the `client` host, when some Service has node ports.
 */
function outside(objs: Map<string, ServiceObj>, kube: KubernetesSection, topoNodes: Record<string, Node>, links: Topology['links'], ids: IdAllocator, count: number, sc: Cidr, w: Warnings): void {
	const names = Object.keys(kube.services);
	const external = names.filter((n) => kube.services[n].type !== undefined);
	if (external.length === 0) return;
	const base = parseCidr(NODE_NETWORK)!;
	const routes: Route[] = [];
	const vips = new Set<string>();
	let port = count + 1;
	let k = 0;
	external.forEach((name) => {
		const svc = kube.services[name];
		if (svc.type !== 'LoadBalancer') return;
		const host = LB_TOP - k++;
		if (host <= 10 + count) throw new InputError(`${external.length} load balancers and ${count} nodes do not fit in the node network ${NODE_NETWORK}`);
		const id = ids.take(`lb-${name}`).id;
		const addr = u32ToIp(base.net + host);
		const node: Node = { kind: 'load-balancer', position: { x: -NODE_DX, y: 150 + (k - 1) * POD_DY }, interfaces: { eth0: { ip: `${addr}/${base.len}` } } };
		svc.load_balancer = id;
		const ext = svc.external_ip;
		if (ext !== undefined) {
			const c = parseCidr(ext)!;
			const clash = [NODE_NETWORK, POD_NETWORK].some((x) => cidrsOverlap(parseCidr(x)!, c)) || cidrsOverlap(sc, c) || vips.has(ext);
			const obj = objs.get(name)!;
			if (clash) {
				warnAt(w, obj.src, obj.loadBalancerIP!.at, `${ext} is inside the cluster's networks or taken: the load balancer's own address ${addr} is used`);
				delete svc.external_ip;
			} else {
				vips.add(ext);
				node.vip = ext;
				routes.push({ to: `${ext}/32`, via: addr });
			}
		}
		topoNodes[id] = node;
		links.push({ a: `${id}.eth0`, b: `${SWITCH}.p${++port}` });
	});
	const client = ids.take(CLIENT).id;
	topoNodes[client] = { kind: 'host', label: 'Outside client', position: { x: -NODE_DX, y: 0 }, interfaces: { eth0: { ip: `${u32ToIp(base.net + CLIENT_HOST)}/${base.len}` } }, ...(routes.length ? { routes } : {}) };
	links.push({ a: `${client}.eth0`, b: `${SWITCH}.p${count + 1}` });
}

/** `notes`: what the file's header says beside the warnings (nothing was lost there). */
export function buildCluster(m: Manifests, opts: ClusterOptions, name: string, w: Warnings, notes: string[] = []): Topology {
	const serviceCidr = opts.serviceCidr ?? DEFAULT_SERVICE_CIDR;
	const sc = parseCidr(serviceCidr);
	if (!sc || sc.addr !== sc.net || sc.len > 28) throw new InputError(`--service-cidr expects a network prefix of at least 16 addresses (10.96.0.0/12), got ${quote(serviceCidr)}`);
	for (const other of [POD_NETWORK, NODE_NETWORK])
		if (cidrsOverlap(sc, parseCidr(other)!)) throw new InputError(`the service CIDR ${serviceCidr} overlaps ${other}, used by the imported cluster`);
	const ids = new IdAllocator([SWITCH]);
	const nodes = nodeNames(m, opts, ids, w);
	const pods = placePods(m, nodes, ids, w);
	const cidrs = podCidrs(nodes, pods, m, w);
	const objs = new Map<string, ServiceObj>();
	const svcs = services(m, pods, sc, w, notes, objs);
	const base = parseCidr(NODE_NETWORK)!;
	const nodeIp = (i: number) => u32ToIp(base.net + 11 + i);

	const topoNodes: Record<string, Node> = { [SWITCH]: { kind: 'switch', position: { x: ((nodes.length - 1) * NODE_DX) / 2, y: 0 } } };
	const links: Topology['links'] = [];
	const kube: KubernetesSection = { service_cidr: fmtNet(sc.net, sc.len), nodes: {}, pods: {}, services: svcs };
	nodes.forEach((n, i) => {
		const routes: Route[] = nodes.flatMap((_, j) => (j === i ? [] : [{ to: fmtNet(cidrs[j].net, cidrs[j].len), via: nodeIp(j) }]));
		topoNodes[n.id] = { kind: 'vm', position: { x: i * NODE_DX, y: 150 }, interfaces: { eth0: { ip: `${nodeIp(i)}/${base.len}` } }, routes };
		links.push({ a: `${n.id}.eth0`, b: `${SWITCH}.p${i + 1}` });
		kube.nodes[n.id] = { pod_cidr: fmtNet(cidrs[i].net, cidrs[i].len) };
	});
	outside(objs, kube, topoNodes, links, ids, nodes.length, sc, w);
	if (Object.keys(m.namespaceLabels).length) kube.namespaces = Object.fromEntries(Object.entries(m.namespaceLabels).map(([n, labels]) => [n, { labels }]));
	if (m.policies.length) kube.policies = policies(m, w);
	const onNode = nodes.map(() => 0);
	for (const p of pods) {
		const k = onNode[p.node]++;
		const at = cidrs[p.node].net + 4 * k;
		const node = nodes[p.node].id;
		const veth = `veth${k + 1}`;
		(topoNodes[node].interfaces as Record<string, Interface>)[veth] = { ip: `${u32ToIp(at + 1)}/30` };
		const listens = p.listens.slice().sort((a, b) => byText(a.proto, b.proto) || a.port - b.port);
		const position = { x: p.node * NODE_DX + ((k % POD_COLS) - (POD_COLS - 1) / 2) * POD_DX, y: 300 + Math.floor(k / POD_COLS) * POD_DY };
		topoNodes[p.id] = { kind: 'container', position, interfaces: { eth0: { ip: `${u32ToIp(at + 2)}/30`, gateway: u32ToIp(at + 1) } }, ...(listens.length ? { services: listens } : {}) };
		links.push({ a: `${p.id}.eth0`, b: `${node}.${veth}` });
		const spec: KubePodSpec = { node, namespace: p.namespace, labels: p.labels, ready: true };
		kube.pods[p.id] = spec;
	}
	return { vnet: 1, name, description: `${pods.length} pods and ${Object.keys(svcs).length} Services on ${nodes.length} Kubernetes nodes, imported from manifests.`, nodes: topoNodes, links, scenarios: {}, checks: [], kubernetes: kube };
}
