// NodePort and LoadBalancer Services (docs/kubernetes.md): node ports on every
// node (Cluster masquerades, Local keeps the client and drops without a local
// endpoint), REJECT without endpoints, the load balancer's pick of a healthy
// node, and the located format errors of the new fields.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../../src/lib/model/load';
import { topologyToYaml } from '../../src/lib/interchange/vnet-yaml';
import { lbChoice } from '../../src/lib/engine/probe/lb-choice';
import { ipToU32 } from '../../src/lib/model/net';
import { probe, topo } from './engine-helpers';

const read = (f: string) => readFileSync(path.resolve(import.meta.dirname, '../conformance-extra', f), 'utf8');
const CLUSTER = read('52-k8s-nodeport-cluster.vnet.yaml');
const LOCAL = read('53-k8s-nodeport-local.vnet.yaml');
const LB = read('54-k8s-loadbalancer.vnet.yaml');
const REJECT = read('55-k8s-nodeport-reject.vnet.yaml');

type R = ReturnType<typeof probe>;
const nats = (r: R) => r.request.filter((h) => h.action === 'NAT');

describe('NodePort, externalTrafficPolicy Cluster', () => {
	const t = topo(CLUSTER);
	it('DNATs on the node called and masquerades: a remote endpoint sees the node, the answer comes from the node port', () => {
		const r = probe(t, { from: 'client', to: '192.168.50.11', proto: 'tcp', port: 30080, sport: 40000 });
		expect(r.disposition).toBe('DELIVERED');
		expect(nats(r)[0]).toMatchObject({ node: 'n1', ref: 'kubernetes.services.web', dst: '10.244.2.2:8080' });
		expect(nats(r)[0].detail).toMatch(/masquerade/);
		expect(nats(r)[0].kube).toEqual({ step: 'node-port', service: 'shop/web', before: '192.168.50.11:30080', after: '10.244.2.2:8080', to: 'web-b', index: 1, of: 2, masquerade: true });
		expect(r.seenSource).toBe('192.168.50.11');
		expect(r.reply.at(-1)?.src).toBe('192.168.50.11:30080');
	});
	it('a local endpoint sees the node address on its own link', () => {
		const r = probe(t, { from: 'client', to: '192.168.50.11', proto: 'tcp', port: 30080, sport: 40001 });
		expect(nats(r)[0]?.dst).toBe('10.244.1.2:8080');
		expect(r.seenSource).toBe('10.244.1.1');
	});
	it('opens only the node ports listed', () => {
		const r = probe(t, { from: 'client', to: '192.168.50.11', proto: 'tcp', port: 30081 });
		expect(r.disposition).toBe('REFUSED');
		expect(nats(r)).toEqual([]);
	});
});

describe('NodePort, externalTrafficPolicy Local', () => {
	const t = topo(LOCAL);
	it('keeps the client address on a node with a local endpoint', () => {
		const r = probe(t, { from: 'client', to: '192.168.50.11', proto: 'tcp', port: 30090 });
		expect(r.disposition).toBe('DELIVERED');
		expect(r.seenSource).toBe('203.0.113.10');
		expect(nats(r)[0].detail).toMatch(/client address kept/);
	});
	it('drops silently on a node without one', () => {
		for (const [proto, port] of [['tcp', 30090], ['udp', 30053]] as const) {
			const r = probe(t, { from: 'client', to: '192.168.50.12', proto, port });
			expect(r.disposition).toBe('DENIED');
			expect(r.icmp).toBeFalsy();
			expect(r.request.at(-1)).toMatchObject({ node: 'n2', action: 'DENIED', ref: `kubernetes.services.${proto === 'tcp' ? 'api' : 'dns'}`, kube: { step: 'no-local-endpoint' } });
		}
	});
});

describe('LoadBalancer', () => {
	const t = topo(LB);
	it('forwards to the node port of the healthy node (client address + port) mod the healthy nodes picks', () => {
		for (const sport of [40000, 40001, 40002, 40003]) {
			const r = probe(t, { from: 'client', to: '203.0.113.1', proto: 'tcp', port: 80, sport });
			const want = ['n1', 'n2'][lbChoice(2, ipToU32('203.0.113.10'), sport)];
			expect(r.disposition).toBe('DELIVERED');
			expect(nats(r)[0]).toMatchObject({ node: 'lb', ref: 'kubernetes.services.web', dst: `${want === 'n1' ? '192.168.50.11' : '192.168.50.12'}:30080` });
			expect(nats(r)[1].node).toBe(want);
			expect(nats(r)[0].kube).toMatchObject({ step: 'load-balancer', service: 'shop/web', to: want, of: 2, masquerade: false });
			expect(r.reply.at(-1)?.src).toBe('203.0.113.1:80');
		}
	});
	it('with Local, only nodes with a local endpoint are healthy, and the pod sees the client', () => {
		for (const sport of [40000, 40001]) {
			const r = probe(t, { from: 'client', to: '203.0.113.1', proto: 'tcp', port: 8000, sport });
			expect(nats(r).map((h) => h.node)).toEqual(['lb', 'n1']);
			expect(r.seenSource).toBe('203.0.113.10');
		}
	});
	it('masquerades at a load-balancer node with the default snat', () => {
		const r = probe(topo(LB.replace('    snat: false\n', '')), { from: 'client', to: '203.0.113.1', proto: 'tcp', port: 8000 });
		expect(r.disposition).toBe('DELIVERED');
		expect(r.seenSource).toBe('192.168.50.1');
	});
	it('a host can stand as the load balancer: it forwards and masquerades', () => {
		const r = probe(topo(LB.replace('    kind: load-balancer\n    snat: false\n', '    kind: host\n')), { from: 'client', to: '203.0.113.1', proto: 'tcp', port: 8000 });
		expect(r.disposition).toBe('DELIVERED');
		expect(nats(r).map((h) => h.node)).toEqual(['lb', 'n1']);
		expect(r.seenSource).toBe('192.168.50.1');
	});
});

describe('hairpin', () => {
	it('a pod reaching itself through its Service is masqueraded by its node, and its answer comes back translated', () => {
		const t = topo(read('56-k8s-clusterip-and-nodeport.vnet.yaml'));
		const self = probe(t, { from: 'web-a', to: '10.96.0.10', proto: 'tcp', port: 80, sport: 40000 });
		expect(self.disposition).toBe('DELIVERED');
		expect(nats(self)[0].kube).toMatchObject({ step: 'cluster-ip', to: 'web-a', masquerade: true });
		expect(self.seenSource).toBe('10.244.1.1');
		const other = probe(t, { from: 'web-a', to: '10.96.0.10', proto: 'tcp', port: 80, sport: 40001 });
		expect(nats(other)[0].kube?.to).toBe('web-b');
		expect(other.seenSource).toBe('10.244.1.2');
	});
});

describe('no ready endpoint', () => {
	const t = topo(REJECT);
	it('REJECTs a node port with ICMP port unreachable from the address called, Local alike', () => {
		for (const [to, proto, port] of [['192.168.50.11', 'tcp', 30079], ['192.168.50.12', 'udp', 30079], ['192.168.50.12', 'tcp', 30672]] as const) {
			const r = probe(t, { from: 'client', to, proto, port });
			expect(r.disposition).toBe('DENIED');
			expect(r.icmp).toMatchObject({ from: to, type: 3, code: 3 });
			expect(r.request.at(-1)?.kube?.step).toBe('reject');
		}
	});
	it('through a load balancer, the error comes from the address the client called', () => {
		const r = probe(t, { from: 'client', to: '203.0.113.1', proto: 'tcp', port: 5432 });
		expect(r.disposition).toBe('DENIED');
		expect(r.icmp?.from).toBe('203.0.113.1');
	});
});

describe('format', () => {
	const errors = (text: string) => {
		const r = loadTopology(text, 'k.vnet.yaml');
		expect(r.ok).toBe(false);
		return r.ok ? [] : r.errors.map((e) => `${e.path} ${e.line}:${e.col} ${e.message}`);
	};
	it('needs a node port in the range, once per cluster, and only on NodePort and LoadBalancer Services', () => {
		expect(errors(LOCAL.replace('node_port: 30090', 'node_port: 8080'))).toEqual([expect.stringMatching(/^kubernetes\.services\.api\.ports\[0\]\.node_port \d+:\d+ node port 8080 is outside the node port range 30000-32767$/)]);
		expect(errors(LOCAL.replace('node_port: 30053', 'node_port: 30090').replace('protocol: udp, ', ''))).toEqual([expect.stringMatching(/^kubernetes\.services\.dns\.ports\[0\]\.node_port \d+:\d+ node port tcp\/30090 is already used by Service api$/)]);
		expect(errors(LOCAL.replace(', node_port: 30090', ''))).toEqual([expect.stringMatching(/^kubernetes\.services\.api\.ports\[0\] \d+:\d+ a NodePort Service port needs `node_port`/)]);
		const clusterIp = errors(LOCAL.replace('      type: NodePort\n      external_traffic_policy: Local\n      cluster_ip: 10.96.0.20', '      cluster_ip: 10.96.0.20'));
		expect(clusterIp).toEqual([expect.stringMatching(/^kubernetes\.services\.api\.ports\[0\]\.node_port \d+:\d+ `node_port` applies to NodePort and LoadBalancer Services/)]);
		expect(errors(LOCAL.replace('type: NodePort', 'type: Headless'))[0]).toMatch(/^kubernetes\.services\.api\.type \d+:\d+/);
	});
	it('takes another node port range, and says when it is not one', () => {
		const ranged = LOCAL.replace('  service_cidr: 10.96.0.0/12', '  service_cidr: 10.96.0.0/12\n  node_port_range: 8000-9000').replace('node_port: 30090', 'node_port: 8080').replace('node_port: 30053', 'node_port: 8053');
		expect(loadTopology(ranged, 'k.vnet.yaml').ok).toBe(true);
		expect(errors(LOCAL.replace('  service_cidr: 10.96.0.0/12', '  service_cidr: 10.96.0.0/12\n  node_port_range: lots'))[0]).toMatch(/^kubernetes\.node_port_range \d+:\d+ expected a port range like 30000-32767/);
	});
	it('locates a load balancer that is not a load-balancer or host, and an external IP it does not own', () => {
		expect(errors(LB.replace('load_balancer: lb\n      external_ip', 'load_balancer: out\n      external_ip'))).toEqual([expect.stringMatching(/^kubernetes\.services\.web\.load_balancer \d+:\d+ a Service's load balancer is a load-balancer or a host, not a switch$/)]);
		expect(errors(LB.replace('external_ip: 203.0.113.1', 'external_ip: 203.0.113.99'))).toEqual([expect.stringMatching(/^kubernetes\.services\.web\.external_ip \d+:\d+ 203\.0\.113\.99 is not an address of `lb`/)]);
		expect(errors(LB.replace('load_balancer: lb\n      external_ip', 'load_balancer: nope\n      external_ip'))[0]).toMatch(/^kubernetes\.services\.web\.load_balancer \d+:\d+ no node `nope`/);
		expect(errors(LB.replace('type: LoadBalancer\n      load_balancer: lb\n      external_ip: 203.0.113.1', 'type: NodePort\n      load_balancer: lb'))[0]).toMatch(/^kubernetes\.services\.web\.load_balancer \d+:\d+ `load_balancer` applies to a LoadBalancer Service/);
	});
	it('a LoadBalancer without its load balancer is still a NodePort', () => {
		const t = topo(LB.replace('      load_balancer: lb\n      external_ip: 203.0.113.1\n', ''));
		expect(probe(t, { from: 'client', to: '192.168.50.12', proto: 'tcp', port: 30080 }).disposition).toBe('DELIVERED');
		expect(probe(t, { from: 'client', to: '203.0.113.1', proto: 'tcp', port: 80 }).disposition).toBe('REFUSED');
	});
	it('writes the new fields back', () => {
		const t = topo(LB);
		const again = topo(topologyToYaml(t));
		expect(again.kubernetes?.services.api).toMatchObject({ type: 'LoadBalancer', external_traffic_policy: 'Local', load_balancer: 'lb', ports: [{ node_port: 30090 }] });
		expect(JSON.parse(JSON.stringify(again.kubernetes))).toEqual(JSON.parse(JSON.stringify(t.kubernetes)));
	});
});
