// Kubernetes manifests import and export (docs/kubernetes.md, "Manifests"):
// real public manifests import without errors, each ignored field is a located
// warning, a frontend pod reaches a backend pod through a Service's ClusterIP,
// and export → import gives the same cluster back.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromKubernetes } from '../../src/lib/interchange/kube-manifests-import';
import { toKubernetes } from '../../src/lib/interchange/kube-manifests-export';
import { looksLikeManifests } from '../../src/lib/interchange/kube-manifests-detect';
import type { ImportResult } from '../../src/lib/interchange/import-common';
import type { Topology } from '../../src/lib/model/types';
import { loadTopology } from '../../src/lib/model/load';
import { probe } from './engine-helpers';

const DIR = path.resolve(import.meta.dirname, '../fixtures/kubernetes');
const fixture = (f: string) => readFileSync(path.join(DIR, f), 'utf8');

function ok(r: ImportResult): Extract<ImportResult, { ok: true }> {
	if (!r.ok) throw new Error(r.errors.join('; '));
	// what the importer writes must load as a vnet file
	const back = loadTopology(r.yaml, 'imported.vnet.yaml');
	if (!back.ok) throw new Error(back.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
	return r;
}

/** A probe from a pod to a Service's ClusterIP: delivered to one of the Service's pods, which sees the caller. */
function reachesService(t: Topology, from: string, service: string) {
	const svc = t.kubernetes!.services[service];
	const port = svc.ports[0];
	const tr = probe(t, { from, to: svc.cluster_ip, proto: port.protocol, port: port.port }, true);
	expect(tr.disposition).toBe('DELIVERED');
	const delivered = tr.request.find((h) => h.action === 'DELIVERED')!;
	const pod = t.kubernetes!.pods[delivered.node];
	expect(pod, `delivered at ${delivered.node}`).toBeDefined();
	for (const [k, v] of Object.entries(svc.selector)) expect(pod.labels[k]).toBe(v);
	expect(tr.request.some((h) => h.action === 'NAT' && h.ref === `kubernetes.services.${service}`)).toBe(true);
	expect(tr.seenSource).toBe(t.nodes[from].interfaces!.eth0.ip!.split('/')[0]);
}

describe('real manifests', () => {
	it('guestbook: Deployments and Services on 3 nodes, replicas round-robin, the frontend reaches redis by ClusterIP', () => {
		const r = ok(fromKubernetes(fixture('guestbook-all-in-one.yaml'), { file: 'guestbook-all-in-one.yaml' }));
		const k = r.topology.kubernetes!;
		expect(Object.keys(k.nodes)).toEqual(['n1', 'n2', 'n3']);
		expect(Object.keys(k.pods)).toEqual(['redis-master-1', 'redis-replica-1', 'redis-replica-2', 'frontend-1', 'frontend-2', 'frontend-3']);
		expect(['frontend-1', 'frontend-2', 'frontend-3'].map((p) => k.pods[p].node)).toEqual(['n1', 'n2', 'n3']);
		expect(k.pods['frontend-2'].labels).toEqual({ app: 'guestbook', tier: 'frontend' });
		expect(Object.keys(k.services)).toEqual(['redis-master', 'redis-replica', 'frontend']);
		expect(k.services['redis-replica'].ports).toEqual([{ port: 6379, target_port: 6379, protocol: 'tcp' }]);
		// every ignored field is a warning with its document, path and line
		expect(r.warnings).toContainEqual({ path: 'doc[2].spec.template.spec.containers[0].resources', message: 'not modelled; ignored', line: 39 });
		expect(r.warnings).toHaveLength(8);
		// the frontend is a NodePort without a nodePort: the lowest of the range, called from outside
		expect(k.services.frontend).toMatchObject({ type: 'NodePort', ports: [{ port: 80, target_port: 80, protocol: 'tcp', node_port: 30000 }] });
		expect(r.yaml.split('\n')[1]).toBe('# Node ports the manifests do not give are the lowest free of 30000-32767, in file order.');
		const tr = probe(r.topology, { from: 'client', to: '192.168.60.12', proto: 'tcp', port: 30000 }, true);
		expect(tr.disposition).toBe('DELIVERED');
		expect(k.pods[tr.request.find((h) => h.action === 'DELIVERED')!.node].labels.tier).toBe('frontend');
		expect(tr.request.some((h) => h.kube?.step === 'node-port' && h.kube.service === 'default/frontend')).toBe(true);
		for (const f of ['frontend-1', 'frontend-2', 'frontend-3']) reachesService(r.topology, f, 'redis-master');
		reachesService(r.topology, 'frontend-1', 'redis-replica');
	});

	it('guestbook-go: a named targetPort is the container port of that name', () => {
		const r = ok(fromKubernetes(fixture('guestbook-go.yaml'), { file: 'guestbook-go.yaml' }));
		expect(r.topology.kubernetes!.services['redis-master'].ports[0]).toEqual({ port: 6379, target_port: 6379, protocol: 'tcp' });
		expect(r.topology.kubernetes!.services.guestbook.ports[0]).toEqual({ port: 3000, target_port: 3000, protocol: 'tcp', node_port: 30000 });
		expect(r.topology.kubernetes!.services.guestbook).toMatchObject({ type: 'LoadBalancer', load_balancer: 'lb-guestbook' });
		reachesService(r.topology, 'guestbook-1', 'redis-master');
	});

	it('Online Boutique: 12 Deployments, 12 Services (frontend-external a LoadBalancer); the frontend reaches the cart and the checkout', () => {
		const r = ok(fromKubernetes(fixture('online-boutique.yaml'), { file: 'online-boutique.yaml', nodes: 4 }));
		const k = r.topology.kubernetes!;
		expect(Object.keys(k.nodes)).toHaveLength(4);
		expect(Object.keys(k.pods)).toHaveLength(12);
		expect(Object.keys(k.services)).toHaveLength(12);
		// the LoadBalancer gets a load-balancer node on the node network; its own address is the Service's
		expect(k.services['frontend-external']).toMatchObject({ type: 'LoadBalancer', load_balancer: 'lb-frontend-external', ports: [{ node_port: 30000 }] });
		expect(r.topology.nodes['lb-frontend-external']).toMatchObject({ kind: 'load-balancer', interfaces: { eth0: { ip: '192.168.60.250/24' } } });
		const tr = probe(r.topology, { from: 'client', to: '192.168.60.250', proto: 'tcp', port: 80 }, true);
		expect(tr.disposition).toBe('DELIVERED');
		expect(tr.request.find((h) => h.action === 'DELIVERED')!.node).toBe('frontend-1');
		expect(tr.request.some((h) => h.kube?.step === 'load-balancer')).toBe(true);
		expect(r.warnings.filter((w) => /ServiceAccount/.test(w.message))).toHaveLength(11);
		expect(r.warnings.every((w) => w.line! > 0 && /^doc\[\d+\]/.test(w.path))).toBe(true);
		reachesService(r.topology, 'frontend-1', 'cartservice');
		reachesService(r.topology, 'frontend-1', 'checkoutservice');
		reachesService(r.topology, 'checkoutservice-1', 'paymentservice');
	});

	it('NetworkPolicy recipes: namespace labels and the six policies imported; they allow and deny as the recipes say', () => {
		const r = ok(fromKubernetes(fixture('network-policy-recipes.yaml'), { file: 'network-policy-recipes.yaml', nodes: 2 }));
		const k = r.topology.kubernetes!;
		expect(k.pods['web-1'].namespace).toBe('shop');
		expect(k.pods.tester.namespace).toBe('dev');
		expect(k.namespaces).toEqual({ shop: { labels: { purpose: 'production' } }, dev: { labels: { purpose: 'testing' } } });
		expect(Object.keys(k.policies!)).toEqual(['web-deny-all', 'api-allow', 'deny-from-other-namespaces', 'web-allow-prod', 'api-allow-5678', 'tester-deny-egress']);
		expect(k.policies!['tester-deny-egress']).toMatchObject({ namespace: 'dev', policy_types: ['Egress'], egress: [] });
		expect(k.policies!['api-allow-5678'].ingress[0]).toEqual({ from: [{ pod_selector: { match_labels: { tier: 'frontend' }, match_expressions: [] } }], ports: [{ protocol: 'tcp', port: 5678 }] });
		expect(k.policies!['web-allow-prod'].ingress[0].from).toEqual([{ namespace_selector: { match_labels: { purpose: 'production' }, match_expressions: [] } }]);
		expect(r.warnings.filter((w) => /NetworkPolicy/.test(w.message))).toEqual([]);
		expect(k.services.api.ports[0].target_port).toBe(5678);
		// 02: web reaches api through its Service
		reachesService(r.topology, 'web-1', 'api');
		// 11: the tester's egress is denied, so it no longer reaches api (a Service of another namespace)
		const denied = probe(r.topology, { from: 'tester', to: k.services.api.cluster_ip, proto: 'tcp', port: 8080 }, true);
		expect(denied.disposition).toBe('DENIED');
		expect(denied.request.some((h) => h.netpol?.pod === 'dev/tester' && h.netpol.direction === 'egress' && h.ref === 'kubernetes.policies.tester-deny-egress')).toBe(true);
		// 06: web admits pods of a production namespace, and nothing else (a node is no pod of one)
		const web1 = r.topology.nodes['web-1'].interfaces!.eth0.ip!.split('/')[0];
		expect(probe(r.topology, { from: 'api-2', to: web1, proto: 'tcp', port: 80 }).disposition).toBe('DELIVERED');
		const other = k.pods['web-1'].node === 'n1' ? 'n2' : 'n1';
		const byNode = probe(r.topology, { from: other, to: web1, proto: 'tcp', port: 80 }, true);
		expect(byNode.disposition).toBe('DENIED');
		expect(byNode.request.some((h) => h.netpol?.pod === 'shop/web-1' && h.netpol.direction === 'ingress')).toBe(true);
	});
});

describe('reading', () => {
	it('a List and JSON read like documents', () => {
		const list = { apiVersion: 'v1', kind: 'List', items: [
			{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 53, protocol: 'UDP' }] }] } },
			{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { clusterIP: '10.96.5.5', selector: { app: 'x' }, ports: [{ port: 53, protocol: 'UDP' }] } }
		] };
		const json = JSON.stringify(list, null, 1);
		expect(looksLikeManifests(json)).toBe(true);
		const r = ok(fromKubernetes(json));
		expect(r.topology.nodes.a.services).toEqual([{ proto: 'udp', port: 53 }]);
		expect(r.topology.kubernetes!.services.x).toMatchObject({ cluster_ip: '10.96.5.5', ports: [{ port: 53, target_port: 53, protocol: 'udp' }] });
		expect(r.warnings).toEqual([]);
		// a bare array of objects too, its warnings located by index
		const arr = ok(fromKubernetes(JSON.stringify([list.items[0], { ...list.items[1], spec: { ...list.items[1].spec, sessionAffinity: 'ClientIP' } }], null, 1)));
		expect(arr.topology.kubernetes!.services.x.cluster_ip).toBe('10.96.5.5');
		expect(arr.warnings).toEqual([{ path: 'doc[1][1].spec.sessionAffinity', message: 'not modelled; ignored', line: expect.any(Number) }]);
	});

	it('a key written twice is a warning and the last value is used, as kubectl reads it', () => {
		const r = ok(fromKubernetes('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: etcd }\nspec:\n  replicas: 1\n  replicas: 3\n  template:\n    metadata: { labels: { app: etcd } }\n    spec: { containers: [ { name: c } ] }\n'));
		expect(Object.keys(r.topology.kubernetes!.pods)).toEqual(['etcd-1', 'etcd-2', 'etcd-3']);
		expect(r.warnings).toEqual([{ path: 'doc[1].spec.replicas', line: 6, message: 'this key is written twice in its mapping: the last value is used' }]);
	});

	it('malformed YAML is an error with its line and column', () => {
		const r = fromKubernetes('apiVersion: v1\nkind: Pod\n---\nkind: Service\nmetadata: { name: x\n');
		expect(r.ok).toBe(false);
		expect((r as { errors: string[] }).errors[0]).toMatch(/^not valid YAML \(line \d+, column \d+\)/);
	});

	it('unknown kinds, headless and ExternalName Services, set-based selectors are warnings, never errors', () => {
		const text = [
			'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\ndata: { a: b }',
			'apiVersion: v1\nkind: Service\nmetadata: { name: h }\nspec: { clusterIP: None, selector: { app: a }, ports: [ { port: 80 } ] }',
			'apiVersion: v1\nkind: Service\nmetadata: { name: e }\nspec: { type: ExternalName, externalName: example.com }',
			'apiVersion: v1\nkind: Pod\nmetadata: { name: hn }\nspec: { hostNetwork: true, containers: [ { name: c } ] }',
			'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db }\nspec:\n  replicas: 2\n  serviceName: db\n  selector: { matchExpressions: [ { key: app, operator: In, values: [db] } ] }\n  template:\n    metadata: { labels: { app: db } }\n    spec: { containers: [ { name: pg, ports: [ { containerPort: 5432, protocol: SCTP } ] } ] }'
		].join('\n---\n');
		const r = ok(fromKubernetes(text, { nodes: 1 }));
		expect(Object.keys(r.topology.kubernetes!.pods)).toEqual(['hn', 'db-0', 'db-1']);
		expect(r.warnings.filter((x) => x.path.startsWith('doc[4]'))).toEqual([{ path: 'doc[4].spec.hostNetwork', line: 19, message: expect.stringMatching(/hostNetwork pods are not modelled/) }]);
		expect(r.topology.kubernetes!.services).toEqual({});
		const byPath = Object.fromEntries(r.warnings.map((w) => [w.path, w]));
		expect(byPath['doc[1]'].message).toMatch(/kind "ConfigMap"/);
		expect(byPath['doc[2].spec.clusterIP']).toMatchObject({ line: 9, message: expect.stringMatching(/headless/) });
		expect(byPath['doc[3].spec.type'].message).toMatch(/ExternalName/);
		expect(byPath['doc[5].spec.serviceName']).toMatchObject({ line: 26 });
		expect(byPath['doc[5].spec.selector.matchExpressions'].message).toMatch(/set-based/);
		expect(byPath['doc[5].spec.template.spec.containers[0].ports[0].protocol'].message).toMatch(/SCTP/);
	});

	it('--nodes and --service-cidr; a Pod keeps its nodeName; a DaemonSet runs on every node', () => {
		const text = [
			'apiVersion: v1\nkind: Pod\nmetadata: { name: pinned }\nspec: { nodeName: n2, containers: [ { name: c } ] }',
			'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: agent }\nspec: { template: { metadata: { labels: { app: agent } }, spec: { containers: [ { name: c, ports: [ { containerPort: 9100 } ] } ] } } }',
			'apiVersion: v1\nkind: Service\nmetadata: { name: agent }\nspec: { selector: { app: agent }, ports: [ { port: 80, targetPort: 9100 } ] }'
		].join('\n---\n');
		const r = ok(fromKubernetes(text, { nodes: 2, serviceCidr: '172.20.0.0/16' }));
		const k = r.topology.kubernetes!;
		expect(k.pods.pinned.node).toBe('n2');
		expect(Object.entries(k.pods).filter(([id]) => id.startsWith('agent')).map(([id, p]) => [id, p.node])).toEqual([['agent-n1', 'n1'], ['agent-n2', 'n2']]);
		expect(k.service_cidr).toBe('172.20.0.0/16');
		expect(k.services.agent.cluster_ip).toBe('172.20.0.10');
		reachesService(r.topology, 'pinned', 'agent');
		expect(fromKubernetes(text, { serviceCidr: '10.244.0.0/16' })).toMatchObject({ ok: false, errors: [expect.stringMatching(/overlaps/)] });
	});
});

describe('NodePort, LoadBalancer and NetworkPolicy', () => {
	const text = fixture('nodeport-policies.yaml');

	it('keeps given node ports, gives the lowest free one otherwise, and a LoadBalancer its address as the vip of its load balancer', () => {
		const r = ok(fromKubernetes(text, { nodes: 2 }));
		const k = r.topology.kubernetes!;
		// status.loadBalancer wins over spec.loadBalancerIP: it is the address the cloud gave
		expect(k.services.web).toMatchObject({ type: 'LoadBalancer', external_traffic_policy: 'Local', load_balancer: 'lb-web', external_ip: '203.0.113.9', ports: [{ node_port: 30001 }] });
		expect(r.topology.nodes['lb-web']).toMatchObject({ kind: 'load-balancer', vip: '203.0.113.9', interfaces: { eth0: { ip: '192.168.60.250/24' } } });
		expect(r.topology.nodes.client.routes).toEqual([{ to: '203.0.113.9/32', via: '192.168.60.250' }]);
		// 30000 is np's (written), its second port's 30000 is taken and 80 is outside the range: the next free ones
		expect(k.services.np.ports.map((p) => p.node_port)).toEqual([30000, 30002, 30003]);
		const msgs = Object.fromEntries(r.warnings.map((w) => [w.path, w.message]));
		expect(msgs['doc[4].spec.ports[1].nodePort']).toMatch(/already used/);
		expect(msgs['doc[4].spec.ports[2].nodePort']).toMatch(/outside the node port range 30000-32767/);
		// the client reaches the LoadBalancer at its vip; the load balancer masquerades, and Local keeps what the pod's node received
		const tr = probe(r.topology, { from: 'client', to: '203.0.113.9', proto: 'tcp', port: 80 }, true);
		expect(tr.disposition).toBe('DELIVERED');
		expect(tr.seenSource).toBe('192.168.60.250');
		expect(probe(r.topology, { from: 'client', to: '192.168.60.11', proto: 'tcp', port: 30000 }).disposition).toBe('DELIVERED');
		// an address inside the cluster's networks cannot be the load balancer's: its own is used
		const inside = ok(fromKubernetes(text.replace('ip: 203.0.113.9', 'ip: 10.244.9.9'), { nodes: 2 }));
		expect(inside.topology.kubernetes!.services.web.external_ip).toBeUndefined();
		expect(inside.topology.nodes['lb-web'].vip).toBeUndefined();
		expect(inside.warnings.find((x) => x.path === 'doc[3].status.loadBalancer.ingress[0].ip')?.message).toMatch(/inside the cluster's networks/);
		expect(probe(inside.topology, { from: 'client', to: '192.168.60.250', proto: 'tcp', port: 80 }).disposition).toBe('DELIVERED');
	});

	it('NetworkPolicy: expressions, ipBlock with except, endPort; a named port, SCTP and a prefix with host bits are warnings', () => {
		const r = ok(fromKubernetes(text, { nodes: 2 }));
		const p = r.topology.kubernetes!.policies!['web-in'];
		expect(r.topology.kubernetes!.namespaces).toEqual({ shop: { labels: { team: 'web' } } });
		expect(p.pod_selector).toEqual({ match_labels: {}, match_expressions: [{ key: 'app', operator: 'In', values: ['web'] }] });
		expect(p.ingress[0]).toEqual({
			from: [{ ip_block: { cidr: '192.168.60.0/24', except: ['192.168.60.2/32'] } }, { namespace_selector: { match_labels: { team: 'web' }, match_expressions: [] }, pod_selector: { match_labels: {}, match_expressions: [] } }],
			ports: [{ protocol: 'tcp', port: 8000, end_port: 8100 }]
		});
		expect(p.ingress[1]).toEqual({ from: [], ports: [] });
		const msgs = Object.fromEntries(r.warnings.map((w) => [w.path, w]));
		expect(msgs['doc[5].spec.ingress[0].ports[1].port']).toMatchObject({ message: expect.stringMatching(/named port/), line: expect.any(Number) });
		expect(msgs['doc[5].spec.ingress[0].ports[2].protocol'].message).toMatch(/SCTP/);
		expect(msgs['doc[5].spec.ingress[1].from[0].ipBlock.cidr'].message).toMatch(/not an IPv4 network prefix/);
		// the web pods admit the other node (inside the ipBlock) on 8000-8100 only
		const web = r.topology.nodes['web-1'].interfaces!.eth0.ip!.split('/')[0];
		const other = r.topology.kubernetes!.pods['web-1'].node === 'n1' ? 'n2' : 'n1';
		expect(probe(r.topology, { from: other, to: web, proto: 'tcp', port: 8080 }).disposition).toBe('DELIVERED');
	});

	it('export → import gives them back: type, node ports, externalTrafficPolicy, loadBalancerIP, NetworkPolicy, Namespace labels', () => {
		const a = ok(fromKubernetes(text, { nodes: 2 }));
		const { yaml } = toKubernetes(a.topology);
		expect(yaml).toMatch(/type: LoadBalancer\n  clusterIP: \S+\n  externalTrafficPolicy: Local\n  loadBalancerIP: 203.0.113.9\n/);
		expect(yaml).toMatch(/kind: NetworkPolicy\n/);
		expect(yaml).toMatch(/name: shop\n  labels:\n    team: web\n/);
		const b = ok(fromKubernetes(yaml, { nodes: 2 }));
		expect(b.warnings).toEqual([]);
		expect(b.topology.nodes).toEqual(a.topology.nodes);
		expect(b.topology.links).toEqual(a.topology.links);
		expect(b.topology.kubernetes).toEqual(a.topology.kubernetes);
	});
});

describe('export', () => {
	it('import → export → import gives the same cluster', () => {
		for (const f of ['guestbook-all-in-one.yaml', 'online-boutique.yaml', 'network-policy-recipes.yaml', 'nodeport-policies.yaml']) {
			const a = ok(fromKubernetes(fixture(f), { file: f }));
			const manifests = toKubernetes(a.topology);
			expect(looksLikeManifests(manifests.yaml)).toBe(true);
			const b = ok(fromKubernetes(manifests.yaml, { file: f }));
			expect(b.topology.nodes).toEqual(a.topology.nodes);
			expect(b.topology.links).toEqual(a.topology.links);
			expect(b.topology.kubernetes).toEqual(a.topology.kubernetes);
			expect(b.warnings, f).toEqual([]);
		}
	});

	it('exports the example cluster: Namespace, Nodes, one Pod per pod, Services', () => {
		const t = loadTopology(readFileSync(path.resolve(import.meta.dirname, '../../topologies/k8s-three-tier.vnet.yaml'), 'utf8'), 'k8s.vnet.yaml');
		if (!t.ok) throw new Error('example does not load');
		const { yaml } = toKubernetes(t.topology);
		expect(yaml).toMatch(/kind: Namespace\nmetadata:\n  name: shop\n/);
		expect(yaml.match(/^kind: Pod$/gm)).toHaveLength(5);
		expect(yaml).toMatch(/name: api\n  namespace: shop\nspec:\n  type: ClusterIP\n  clusterIP: 10.96.0.90\n/);
		const back = ok(fromKubernetes(yaml, { serviceCidr: '10.96.0.0/12' }));
		expect(back.topology.kubernetes!.services).toEqual(t.topology.kubernetes!.services);
		expect(Object.fromEntries(Object.entries(back.topology.kubernetes!.pods).map(([id, p]) => [id, p.node]))).toEqual(Object.fromEntries(Object.entries(t.topology.kubernetes!.pods).map(([id, p]) => [id, p.node])));
	});
});

describe('export of a hand-made cluster', () => {
	it('the NodePort example: types, node ports and the load balancer address come back; the client reaches it', () => {
		const t = loadTopology(readFileSync(path.resolve(import.meta.dirname, '../../topologies/k8s-nodeport.vnet.yaml'), 'utf8'), 'k8s.vnet.yaml');
		if (!t.ok) throw new Error('example does not load');
		const { yaml, notes } = toKubernetes(t.topology);
		expect(yaml).toMatch(/type: LoadBalancer\n  clusterIP: 10.96.0.80\n  loadBalancerIP: 10.0.0.5\n/);
		expect(yaml).toMatch(/externalTrafficPolicy: Local\n/);
		expect(notes).toContain("Service web: its load balancer lb is the cloud's; a manifest names only its address");
		const back = ok(fromKubernetes(yaml));
		expect(back.warnings).toEqual([]);
		const k = back.topology.kubernetes!;
		for (const name of ['web', 'api', 'reports']) {
			const { load_balancer: _a, external_ip: _b, ...want } = t.topology.kubernetes!.services[name];
			const { load_balancer: _c, external_ip: _d, ...got } = k.services[name];
			expect(got, name).toEqual(want);
		}
		expect(k.services.web).toMatchObject({ load_balancer: 'lb-web', external_ip: '10.0.0.5' });
		const tr = probe(back.topology, { from: 'client', to: '10.0.0.5', proto: 'tcp', port: 80 }, true);
		expect(tr.disposition).toBe('DELIVERED');
		expect(k.pods[tr.request.find((h) => h.action === 'DELIVERED')!.node].labels.app).toBe('web');
	});
});

describe('hostile input', () => {
	it('seeded variants of the fixtures (lines dropped, values swapped for other types) import or fail cleanly, never throw', () => {
		let seed = 19;
		const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
		const swaps = ['[]', '{}', 'null', '-1', '70000', '"x"', 'true', '1.5', '[1, {a: b}]', '__proto__', 'None', '10.96.0.1', 'UDP'];
		for (const f of ['guestbook-all-in-one.yaml', 'online-boutique.yaml', 'network-policy-recipes.yaml', 'nodeport-policies.yaml']) {
			const lines = fixture(f).split('\n');
			for (let i = 0; i < 40; i++) {
				const copy = lines.slice();
				for (let k = 0; k < 4; k++) {
					const at = rand(copy.length);
					if (rand(3) === 0) copy.splice(at, 1);
					else copy[at] = copy[at].replace(/:\s.*$/, `: ${swaps[rand(swaps.length)]}`);
				}
				const r = fromKubernetes(copy.join('\n'), { file: f, nodes: 1 + rand(4) });
				if (r.ok) expect(loadTopology(r.yaml, 'x.vnet.yaml').ok).toBe(true);
				else expect(r.errors[0]).toMatch(/\S/);
			}
		}
	});
});
