// Kubernetes in scenarios (docs/kubernetes.md "Scenarios"): a failed node's
// pods go down at once, leave the endpoints when the node is NotReady
// (node_failure.detection) and restart on the healthy nodes after
// node_failure.restart, with addresses from their new node's pod CIDR.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simulate, flow, topo } from './scenario-helpers';
import { probe } from './engine-helpers';
import { topologyToYaml } from '../../src/lib/interchange/vnet-yaml';
import { groupMarkers, podsDownAt } from '../../src/lib/ui/scenario/format';
import { relocatePod } from '../../src/lib/engine/scenario/kube';
import { runScenario } from '../../src/lib/engine/scenario/index';

const root = path.resolve(import.meta.dirname, '../..');
const gallery = (f: string) => readFileSync(path.join(root, 'topologies', f), 'utf8');
const events = (r: { events: { atS: number; what: string }[] }) => r.events.map((e) => `${e.atS} ${e.what}`);

describe('scenario: a Kubernetes node fails (k8s-three-tier)', () => {
	const r = runScenario(topo(gallery('k8s-three-tier.vnet.yaml')), 'node-failure');

	it('takes its pods down at once, marks it NotReady after the detection delay, restarts its pods on n1', () => {
		const ev = events(r);
		expect(ev).toContain('10 n2: pods down: api-2, db-0, frontend-2');
		expect(ev).toContain('50 n2: NotReady, endpoints removed: api-2, db-0, frontend-2');
		// one healthy node: every pod goes to n1, each with the next free /30 of 10.244.1.0/24
		expect(ev).toContain('70 api-2 restarted on n1 (10.244.1.10/30)');
		expect(ev).toContain('70 db-0 restarted on n1 (10.244.1.14/30)');
		expect(ev).toContain('70 frontend-2 restarted on n1 (10.244.1.18/30)');
	});

	it('reports the failover of a flow to a ClusterIP: detection + restart for the db, detection for the api', () => {
		const db = flow(r, 'api-to-db');
		expect(db.failovers[0].failoverMs!).toBeGreaterThan(60000);
		expect(db.failovers[0].failoverMs!).toBeLessThan(60001);
		expect(db.lost).toBe(600);
		// before NotReady: sent to dead n2; between NotReady and the restart: no endpoint, kube-proxy rejects
		expect(Object.entries(db.drops).find(([k]) => k.includes('no ready endpoints'))?.[1]).toBe(200);
		const api = flow(r, 'web-to-api');
		expect(api.failovers[0].failoverMs!).toBeGreaterThan(40000);
		expect(api.failovers[0].failoverMs!).toBeLessThan(40001);
		expect(api.lost).toBe(400);
	});

	it('delivers again after the restart, to the pod at its new address', () => {
		const db = flow(r, 'api-to-db');
		const tl = r.timeline.delivered['api-to-db'];
		const bucket = r.timeline.bucketMs;
		const after = tl.slice(Math.ceil(71000 / bucket), Math.floor(89000 / bucket)).reduce((a, b) => a + b, 0);
		expect(after).toBeGreaterThan(0);
		expect(db.delivered).toBe(300); // 0–10 s and 70–90 s at 10 pps
	});

	it('keeps a NetworkPolicy by label on the moved pod', () => {
		const yaml = gallery('k8s-three-tier.vnet.yaml')
			.replace(
				'  node_failure:',
				`  policies:
    db-from-api:
      namespace: shop
      pod_selector: { match_labels: { app: db } }
      ingress: [ { from: [ { pod_selector: { match_labels: { app: api } } } ] } ]
  node_failure:`
			)
			.replace(
				'    events:\n      - { at: 10s, fail: n2 }',
				'      - { name: web-to-db, from: frontend-1, to: 10.96.0.54, proto: tcp, port: 5432, rate: 10pps, size: 200 }\n    events:\n      - { at: 10s, fail: n2 }'
			);
		const r2 = simulate(yaml, 'node-failure');
		expect(flow(r2, 'api-to-db').delivered).toBe(300);
		const web = flow(r2, 'web-to-db');
		expect(web.delivered).toBe(0);
		// after the restart the policy still selects db-0 by its label and denies frontend-1
		// 0–10 s and 70–90 s: denied by the policy at db-0 (before and after the move)
		expect(Object.entries(web.drops).find(([k]) => k.includes('NetworkPolicy') && k.includes('shop/db-0'))?.[1]).toBe(300);
	});
});

describe('scenario: a Kubernetes node behind a LoadBalancer fails (k8s-nodeport)', () => {
	const yaml =
		gallery('k8s-nodeport.vnet.yaml').replace('  services:\n    web:', '  node_failure: { detection: 10s, restart: 10s }\n  services:\n    web:') +
		`scenarios:
  s:
    duration: 40s
    seed: 1
    traffic:
      - { name: shop, from: customer, to: 10.0.0.5, proto: tcp, port: 80, rate: 10pps, size: 200 }
    events:
      - { at: 5s, fail: n2 }
`;

	it('the load balancer skips the NotReady node; its pod restarts on the first healthy node', () => {
		const r = simulate(yaml, 's');
		const f = flow(r, 'shop');
		// at rest the load balancer picks n2: lost until n2 is NotReady and leaves the healthy nodes
		expect(f.path).toContain('n2');
		expect(f.failovers[0].failoverMs!).toBeGreaterThan(10000);
		expect(f.failovers[0].failoverMs!).toBeLessThan(10001);
		expect(f.lost).toBe(100);
		const ev = events(r);
		expect(ev).toContain('5 n2: pods down: web-2');
		expect(ev).toContain('15 n2: NotReady, endpoints removed: web-2');
		// healthy nodes n1, n3 in id order: web-2 goes to n1, next free /30 after web-1's
		expect(ev).toContain('25 web-2 restarted on n1 (10.244.1.6/30)');
	});

	it('round robin over the healthy nodes in id order; a Local node port answers where the pod went', () => {
		const y = yaml
			.replace('      - { name: shop, from: customer, to: 10.0.0.5, proto: tcp, port: 80, rate: 10pps, size: 200 }', '      - { name: local, from: partner, to: 10.0.0.11, proto: tcp, port: 30090, rate: 10pps, size: 200 }')
			.replace('fail: n2 }', 'fail: n3 }');
		const r = simulate(y, 's');
		const ev = events(r);
		expect(ev).toContain('5 n3: pods down: api-1, reports-1');
		expect(ev).toContain('25 api-1 restarted on n1 (10.244.1.6/30)');
		expect(ev).toContain('25 reports-1 restarted on n2 (10.244.2.6/30)');
		// n1 has no local api endpoint until 15 s (dropped), then none at all (rejected), then api-1 from 25 s
		const f = flow(r, 'local');
		expect(f.delivered).toBe(150);
		const drops = (text: string) => Object.entries(f.drops).find(([k]) => k.includes(text))?.[1];
		expect(drops('no ready endpoint on n1')).toBe(150);
		expect(drops('has no ready endpoints')).toBe(100);
	});

	it('a restored node before the restart keeps its pods', () => {
		const r = simulate(yaml.replace('      - { at: 5s, fail: n2 }', '      - { at: 5s, fail: n2 }\n      - { at: 8s, restore: n2 }'), 's');
		expect(events(r).some((e) => e.includes('NotReady') || e.includes('restarted'))).toBe(false);
		expect(flow(r, 'shop').lost).toBe(30);
	});
});

describe('relocatePod', () => {
	it('moves the cable to a new veth of the node, with the first free subnet of its pod CIDR', () => {
		const t = structuredClone(topo(gallery('k8s-three-tier.vnet.yaml')));
		expect(relocatePod(t, 'db-0', 'n1')).toBe('10.244.1.10');
		expect(t.nodes.n1.interfaces!.veth3.ip).toBe('10.244.1.9/30');
		expect(t.nodes['db-0'].interfaces!.eth0).toMatchObject({ ip: '10.244.1.10/30', gateway: '10.244.1.9' });
		expect(t.links.some((l) => [l.a, l.b].sort().join(' ') === 'db-0.eth0 n1.veth3')).toBe(true);
		expect(t.kubernetes!.pods['db-0']).toMatchObject({ node: 'n1', labels: { app: 'db', tier: 'data' } });
		// the next one takes the next subnet
		expect(relocatePod(t, 'api-2', 'n1')).toBe('10.244.1.14');
	});

	it('cannot move a pod to a node without a pod CIDR', () => {
		const t = structuredClone(topo(gallery('k8s-three-tier.vnet.yaml')));
		delete t.kubernetes!.nodes.n1.pod_cidr;
		expect(relocatePod(t, 'db-0', 'n1')).toBeNull();
	});
});

describe('a NotReady node at rest (kubernetes.nodes.N.ready: false)', () => {
	const base = gallery('k8s-nodeport.vnet.yaml');
	const notReady = base.replace('    n2: { pod_cidr: 10.244.2.0/24 }', '    n2: { pod_cidr: 10.244.2.0/24, ready: false }');

	it('its pods are no endpoints, and the load balancer skips it', () => {
		// at rest the customer's default connection goes to n2 and web-2 (seen-source: n2 on web-2's link)
		const before = probe(base, { from: 'customer', to: '10.0.0.5', proto: 'tcp', port: 80 }, true);
		expect(before.disposition).toBe('DELIVERED');
		expect(before.request.some((h) => h.node === 'web-2')).toBe(true);
		const after = probe(notReady, { from: 'customer', to: '10.0.0.5', proto: 'tcp', port: 80 }, true);
		expect(after.disposition).toBe('DELIVERED');
		expect(after.request.some((h) => h.node === 'n2' || h.node === 'web-2')).toBe(false);
		expect(after.request.some((h) => h.node === 'web-1')).toBe(true);
	});

	it('a ClusterIP call never picks a pod of a NotReady node', () => {
		for (let sport = 40000; sport < 40008; sport++) {
			const tr = probe(notReady, { from: 'api-1', to: '10.96.0.80', proto: 'tcp', port: 80, sport }, true);
			expect(tr.disposition).toBe('DELIVERED');
			expect(tr.request.some((h) => h.node === 'web-2')).toBe(false);
		}
	});
});

describe('writing node_failure back', () => {
	it('keeps its durations as text and node readiness', () => {
		const t = topo(gallery('k8s-three-tier.vnet.yaml').replace('    n1: { pod_cidr: 10.244.1.0/24 }', '    n1: { pod_cidr: 10.244.1.0/24, ready: false }'));
		const yaml = topologyToYaml(t);
		expect(yaml).toMatch(/detection: 40s/);
		const again = topo(yaml);
		expect(again.kubernetes!.node_failure).toEqual({ detection: 40e9, restart: 20e9 });
		expect(again.kubernetes!.nodes.n1.ready).toBe(false);
	});
});

describe("the Scenarios panel's event timeline", () => {
	it('lists the pod moves at the restart instant', () => {
		const r = runScenario(topo(gallery('k8s-three-tier.vnet.yaml')), 'node-failure');
		const g = groupMarkers(r.events);
		const restart = g.find((x) => Math.abs(x.atS - 70) < 1e-9)!;
		expect(restart.label).toBe('t=70.000s api-2 restarted on n1 +2');
		expect(restart.markers.map((m) => m.what)).toContain('db-0 restarted on n1 (10.244.1.14/30)');
		expect(g.find((x) => Math.abs(x.atS - 50) < 1e-9)!.label).toBe('t=50.000s n2: NotReady, endpoints removed: api-2, db-0, frontend-2');
	});

	it('the playhead shows the pods down from the fault until they restart or their node is back', () => {
		const r = runScenario(topo(gallery('k8s-three-tier.vnet.yaml')), 'node-failure');
		expect([...podsDownAt(r.events, 5)]).toEqual([]);
		expect([...podsDownAt(r.events, 30)].sort()).toEqual(['api-2', 'db-0', 'frontend-2']);
		expect([...podsDownAt(r.events, 75)]).toEqual([]);
		const back = [...r.events, { atS: 20, what: 'restore n2' }].sort((a, b) => a.atS - b.atS);
		expect([...podsDownAt(back, 30)]).toEqual([]);
	});
});

describe('a Kubernetes node on a failed hypervisor', () => {
	it('fails with it, and its pods restart on the other nodes', () => {
		const yaml = gallery('k8s-three-tier.vnet.yaml')
			.replace('nodes:\n  gw:', 'nodes:\n  hv2: { kind: hypervisor, interfaces: { eth0: { ip: 192.168.60.2/24 } } }\n  gw:')
			.replace('  n2:\n    kind: vm\n', '  n2:\n    kind: vm\n    on: hv2\n')
			.replace('      - { at: 10s, fail: n2 }', '      - { at: 10s, fail: hv2 }');
		const r = simulate(yaml, 'node-failure');
		const ev = events(r);
		expect(ev).toContain('10 hv2: guests down: n2');
		expect(ev).toContain('10 n2: pods down: api-2, db-0, frontend-2');
		expect(ev).toContain('70 db-0 restarted on n1 (10.244.1.14/30)');
		expect(flow(r, 'api-to-db').failovers[0].failoverMs!).toBeGreaterThan(60000);
		expect(flow(r, 'api-to-db').failovers[0].failoverMs!).toBeLessThan(60001);
	});
});
