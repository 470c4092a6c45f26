/**
 * Kubernetes objects → what vnet models of them: workloads (the pods they
 * run, with labels and container ports), Services, Namespaces and Nodes.
 * Every field that is read is listed here; every other field present is a
 * warning naming its document, path and line, never an error.
 */
import type { KubePolicySpec, KubeServiceType, KubeTrafficPolicy, Labels } from '../model/kube-types';
import { arr, field, isObject, num, quote, str, type Json } from './safe';
import { warnAt, type ManifestObject } from './kube-manifests-read';
import type { Warnings } from './import-common';
import { EXPORT_IMAGE } from './kube-manifests-export';
import { networkPolicySpec } from './kube-manifests-policy';

export interface ContainerPort {
	name?: string;
	port: number;
	proto: 'tcp' | 'udp';
}

export interface Workload {
	src: ManifestObject;
	kind: 'Pod' | 'Deployment' | 'ReplicaSet' | 'ReplicationController' | 'StatefulSet' | 'DaemonSet';
	name: string;
	namespace: string;
	/** pods it runs; a DaemonSet runs one per node (null) */
	replicas: number | null;
	labels: Labels;
	ports: ContainerPort[];
	/** a Pod's spec.nodeName */
	nodeName?: string;
}

export interface ServicePortObj {
	port: number;
	targetPort: number | string;
	proto: 'tcp' | 'udp';
	path: string;
	/** NodePort/LoadBalancer: as written (the importer allocates the missing ones) */
	nodePort?: number;
}

export interface ServiceObj {
	src: ManifestObject;
	name: string;
	namespace: string;
	clusterIP?: string;
	selector: Labels | null;
	ports: ServicePortObj[];
	type: KubeServiceType;
	externalTrafficPolicy?: KubeTrafficPolicy;
	/** LoadBalancer: status.loadBalancer.ingress[0].ip, else spec.loadBalancerIP (`at`: which) */
	loadBalancerIP?: { ip: string; at: string };
}

export interface PolicyObj {
	src: ManifestObject;
	name: string;
	spec: KubePolicySpec;
}

export interface NodeObj {
	src: ManifestObject;
	name: string;
	podCIDR?: string;
}

export interface Manifests {
	workloads: Workload[];
	services: ServiceObj[];
	namespaces: string[];
	/** labels of the Namespace objects that have some */
	namespaceLabels: Record<string, Labels>;
	nodes: NodeObj[];
	policies: PolicyObj[];
}

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet']);

/** Warns on every key of `obj` (at `path`) that is not in `read`. */
function ignoreOthers(w: Warnings, o: ManifestObject, obj: Json | undefined, path: string, read: string[], why = 'not modelled; ignored'): void {
	if (!isObject(obj)) return;
	for (const key of Object.keys(obj)) if (!read.includes(key)) warnAt(w, o, path ? `${path}.${key}` : key, why);
}

function labelsAt(w: Warnings, o: ManifestObject, v: Json | undefined, path: string): Labels {
	const out: Labels = {};
	if (v === undefined || v === null) return out;
	if (!isObject(v)) {
		warnAt(w, o, path, 'not a mapping of labels; ignored');
		return out;
	}
	for (const [k, val] of Object.entries(v)) {
		const s = typeof val === 'boolean' ? String(val) : str(val);
		if (s === undefined) warnAt(w, o, `${path}.${k}`, 'label value is not a string; ignored');
		else out[k] = s;
	}
	return out;
}

function protoAt(w: Warnings, o: ManifestObject, v: Json | undefined, path: string): 'tcp' | 'udp' | null {
	const p = (str(v) ?? 'TCP').toUpperCase();
	if (p === 'TCP' || p === 'UDP') return p.toLowerCase() as 'tcp' | 'udp';
	warnAt(w, o, path, `protocol ${quote(v)} is not modelled (TCP and UDP are); this port is ignored`);
	return null;
}

function portNumber(v: Json | undefined): number | undefined {
	const n = num(v);
	return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/** Metadata: name, namespace and labels are read; the rest (annotations, uid, ...) is not modelled. */
function metadata(w: Warnings, o: ManifestObject): { namespace: string; labels: Labels } {
	const meta = field(o.obj, 'metadata');
	ignoreOthers(w, o, meta, 'metadata', ['name', 'namespace', 'labels']);
	return { namespace: str(field(meta, 'namespace')) ?? 'default', labels: labelsAt(w, o, field(meta, 'labels'), 'metadata.labels') };
}

/** A pod spec (a Pod's spec, a workload's spec.template.spec): its containers' ports. */
function podSpec(w: Warnings, o: ManifestObject, spec: Json | undefined, path: string, isPod: boolean): { ports: ContainerPort[]; nodeName?: string } {
	const ports: ContainerPort[] = [];
	if (!isObject(spec)) {
		warnAt(w, o, path, 'no pod spec; a pod without containers is imported');
		return { ports };
	}
	ignoreOthers(w, o, spec, path, isPod ? ['containers', 'nodeName', 'hostNetwork'] : ['containers', 'hostNetwork']);
	if (field(spec, 'hostNetwork') === true) warnAt(w, o, `${path}.hostNetwork`, 'hostNetwork pods are not modelled: imported as a pod with its own address');
	const containers = field(spec, 'containers');
	if (!Array.isArray(containers)) warnAt(w, o, `${path}.containers`, 'no containers list');
	arr(containers).forEach((c, i) => {
		const cpath = `${path}.containers[${i}]`;
		if (!isObject(c)) return warnAt(w, o, cpath, 'not a container; ignored');
		// vnet's own export names its placeholder image: nothing was lost there
		ignoreOthers(w, o, c, cpath, field(c, 'image') === EXPORT_IMAGE ? ['name', 'ports', 'image'] : ['name', 'ports']);
		arr(field(c, 'ports')).forEach((p, j) => {
			const ppath = `${cpath}.ports[${j}]`;
			if (!isObject(p)) return warnAt(w, o, ppath, 'not a container port; ignored');
			ignoreOthers(w, o, p, ppath, ['containerPort', 'protocol', 'name']);
			const port = portNumber(field(p, 'containerPort'));
			if (port === undefined) return warnAt(w, o, `${ppath}.containerPort`, `containerPort ${quote(field(p, 'containerPort'))} is not a port number; ignored`);
			const proto = protoAt(w, o, field(p, 'protocol'), `${ppath}.protocol`);
			if (proto) ports.push({ name: str(field(p, 'name')), port, proto });
		});
	});
	const nodeName = isPod ? str(field(spec, 'nodeName')) : undefined;
	return { ports, nodeName };
}

function workload(w: Warnings, o: ManifestObject): Workload | null {
	const kind = o.kind as Workload['kind'];
	const top = metadata(w, o);
	ignoreOthers(w, o, o.obj, '', ['apiVersion', 'kind', 'metadata', 'spec']);
	const spec = field(o.obj, 'spec');
	if (kind === 'Pod') {
		const { ports, nodeName } = podSpec(w, o, spec, 'spec', true);
		return { src: o, kind, name: o.name, namespace: top.namespace, replicas: 1, labels: top.labels, ports, nodeName };
	}
	if (!isObject(spec)) {
		warnAt(w, o, 'spec', 'no spec; ignored');
		return null;
	}
	ignoreOthers(w, o, spec, 'spec', ['replicas', 'selector', 'template']);
	let replicas: number | null = null;
	if (kind !== 'DaemonSet') {
		const r = field(spec, 'replicas');
		replicas = r === undefined ? 1 : num(r) ?? -1;
		if (!Number.isInteger(replicas) || replicas < 0 || replicas > 1000) {
			warnAt(w, o, 'spec.replicas', `replicas ${quote(r)} is not a whole number 0-1000; 1 is imported`);
			replicas = 1;
		}
	}
	const sel = field(spec, 'selector');
	// The pods' labels are the template's; a selector only says which pods the controller owns.
	if (isObject(sel) && (field(sel, 'matchLabels') !== undefined || field(sel, 'matchExpressions') !== undefined)) ignoreOthers(w, o, sel, 'spec.selector', ['matchLabels'], 'set-based selectors are not modelled; the template labels are used');
	// the template's metadata: only its labels are read (its namespace is the workload's)
	ignoreOthers(w, o, field(field(spec, 'template'), 'metadata'), 'spec.template.metadata', ['labels', 'name']);
	const labels = labelsAt(w, o, field(field(field(spec, 'template'), 'metadata'), 'labels'), 'spec.template.metadata.labels');
	ignoreOthers(w, o, field(spec, 'template'), 'spec.template', ['metadata', 'spec']);
	const { ports } = podSpec(w, o, field(field(spec, 'template'), 'spec'), 'spec.template.spec', false);
	return { src: o, kind, name: o.name, namespace: top.namespace, replicas, labels, ports };
}

/** spec.type: ClusterIP, NodePort and LoadBalancer are modelled; ExternalName and others are skipped. */
function serviceType(w: Warnings, o: ManifestObject, type: string): KubeServiceType | null {
	if (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer') return type;
	if (type === 'ExternalName') warnAt(w, o, 'spec.type', 'an ExternalName Service is a DNS name, not an address: ignored');
	else warnAt(w, o, 'spec.type', `unknown Service type ${quote(type)}: ignored`);
	return null;
}

/** The address a LoadBalancer was given: the status the cloud wrote, else the one asked for. */
function loadBalancerIP(w: Warnings, o: ManifestObject, spec: Json): ServiceObj['loadBalancerIP'] {
	const status = str(field(arr(field(field(field(o.obj, 'status'), 'loadBalancer'), 'ingress'))[0], 'ip'));
	const ip = status ?? str(field(spec, 'loadBalancerIP'));
	if (ip === undefined) return undefined;
	const at = status !== undefined ? 'status.loadBalancer.ingress[0].ip' : 'spec.loadBalancerIP';
	if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ip) || ip.split('.').some((x) => Number(x) > 255)) {
		warnAt(w, o, at, `${quote(ip)} is not an IPv4 address: the load balancer's own address is used`);
		return undefined;
	}
	return { ip, at };
}

function service(w: Warnings, o: ManifestObject): ServiceObj | null {
	const { namespace } = metadata(w, o);
	const spec = field(o.obj, 'spec');
	if (!isObject(spec)) {
		warnAt(w, o, 'spec', 'no spec; the Service is ignored');
		return null;
	}
	const type = serviceType(w, o, str(field(spec, 'type')) ?? 'ClusterIP');
	if (type === null) return null;
	const lb = type === 'LoadBalancer';
	// a LoadBalancer's status says its address; the rest of a status is not modelled
	ignoreOthers(w, o, o.obj, '', lb ? ['apiVersion', 'kind', 'metadata', 'spec', 'status'] : ['apiVersion', 'kind', 'metadata', 'spec']);
	if (lb) {
		ignoreOthers(w, o, field(o.obj, 'status'), 'status', ['loadBalancer']);
		ignoreOthers(w, o, field(field(o.obj, 'status'), 'loadBalancer'), 'status.loadBalancer', ['ingress']);
	}
	const external = type !== 'ClusterIP';
	ignoreOthers(w, o, spec, 'spec', ['type', 'selector', 'ports', 'clusterIP', 'clusterIPs', ...(external ? ['externalTrafficPolicy'] : []), ...(lb ? ['loadBalancerIP'] : [])]);
	let externalTrafficPolicy: KubeTrafficPolicy | undefined;
	const etp = field(spec, 'externalTrafficPolicy');
	if (external && etp !== undefined) {
		if (etp === 'Cluster' || etp === 'Local') externalTrafficPolicy = etp;
		else warnAt(w, o, 'spec.externalTrafficPolicy', `${quote(etp)} is neither Cluster nor Local: Cluster is used`);
	}
	const clusterIP = str(field(spec, 'clusterIP'));
	if (clusterIP === 'None') {
		warnAt(w, o, 'spec.clusterIP', 'a headless Service (clusterIP: None) has no address to translate: ignored');
		return null;
	}
	const selField = field(spec, 'selector');
	const selector = selField === undefined || selField === null ? null : labelsAt(w, o, selField, 'spec.selector');
	if (selector === null) warnAt(w, o, 'spec', 'no selector: its Endpoints are written by hand, which vnet does not model; it has no ready endpoint');
	const ports: ServicePortObj[] = [];
	arr(field(spec, 'ports')).forEach((p, i) => {
		const path = `spec.ports[${i}]`;
		if (!isObject(p)) return warnAt(w, o, path, 'not a Service port; ignored');
		ignoreOthers(w, o, p, path, external ? ['port', 'targetPort', 'protocol', 'name', 'nodePort'] : ['port', 'targetPort', 'protocol', 'name']);
		const port = portNumber(field(p, 'port'));
		if (port === undefined) return warnAt(w, o, `${path}.port`, `port ${quote(field(p, 'port'))} is not a port number; ignored`);
		const proto = protoAt(w, o, field(p, 'protocol'), `${path}.protocol`);
		if (!proto) return;
		const t = field(p, 'targetPort');
		const targetPort = t === undefined || t === null ? port : portNumber(t) ?? str(t) ?? port;
		if (ports.some((q) => q.port === port && q.proto === proto)) return warnAt(w, o, path, `${proto}/${port} is listed twice; the first is kept`);
		const np = field(p, 'nodePort');
		const nodePort = external && np !== undefined ? portNumber(np) : undefined;
		if (external && np !== undefined && nodePort === undefined) warnAt(w, o, `${path}.nodePort`, `nodePort ${quote(np)} is not a port number: another is given`);
		ports.push({ port, targetPort, proto, path, ...(nodePort !== undefined ? { nodePort } : {}) });
	});
	if (ports.length === 0) {
		warnAt(w, o, 'spec.ports', 'no usable port: the Service is ignored');
		return null;
	}
	return { src: o, name: o.name, namespace, clusterIP, selector, ports, type, externalTrafficPolicy, loadBalancerIP: lb ? loadBalancerIP(w, o, spec) : undefined };
}

function networkPolicy(w: Warnings, o: ManifestObject): PolicyObj {
	const { namespace } = metadata(w, o);
	ignoreOthers(w, o, o.obj, '', ['apiVersion', 'kind', 'metadata', 'spec']);
	return { src: o, name: o.name, spec: networkPolicySpec(w, o, namespace) };
}

/** The objects of the file that vnet models; the others are warnings. */
export function readObjects(objects: ManifestObject[], w: Warnings): Manifests {
	const m: Manifests = { workloads: [], services: [], namespaces: [], namespaceLabels: {}, nodes: [], policies: [] };
	for (const o of objects) {
		if (!o.kind) {
			warnAt(w, o, '', 'no kind: not a Kubernetes object; ignored');
			continue;
		}
		if (!o.name) {
			warnAt(w, o, 'metadata', `${o.kind} without metadata.name (generateName is not modelled): ignored`);
			continue;
		}
		if (o.kind === 'Pod' || WORKLOADS.has(o.kind)) {
			const wl = workload(w, o);
			if (wl) m.workloads.push(wl);
		} else if (o.kind === 'Service') {
			const s = service(w, o);
			if (s) m.services.push(s);
		} else if (o.kind === 'Namespace') {
			ignoreOthers(w, o, o.obj, '', ['apiVersion', 'kind', 'metadata']);
			ignoreOthers(w, o, field(o.obj, 'metadata'), 'metadata', ['name', 'labels']);
			if (!m.namespaces.includes(o.name)) m.namespaces.push(o.name);
			const labels = labelsAt(w, o, field(field(o.obj, 'metadata'), 'labels'), 'metadata.labels');
			if (Object.keys(labels).length) m.namespaceLabels[o.name] = labels;
		} else if (o.kind === 'Node') {
			ignoreOthers(w, o, o.obj, '', ['apiVersion', 'kind', 'metadata', 'spec']);
			ignoreOthers(w, o, field(o.obj, 'metadata'), 'metadata', ['name']);
			ignoreOthers(w, o, field(o.obj, 'spec'), 'spec', ['podCIDR']);
			m.nodes.push({ src: o, name: o.name, podCIDR: str(field(field(o.obj, 'spec'), 'podCIDR')) });
		} else if (o.kind === 'NetworkPolicy') m.policies.push(networkPolicy(w, o));
		else warnAt(w, o, '', `kind ${quote(o.kind)} (${quote(o.name)}) is not modelled; ignored`);
	}
	return m;
}
