// Kubernetes networking (docs/kubernetes.md): selector matching, the
// documented endpoint choice, ClusterIP DNAT keeping the client's address,
// kube-proxy's REJECT for a Service without ready endpoints, and the
// section's located format errors.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { endpointIndex, readyEndpoints, selectorMatches, tupleHash, type KubernetesSection } from '../../src/lib/model/kube';
import { loadTopology } from '../../src/lib/model/load';
import { topologyToYaml } from '../../src/lib/interchange/vnet-yaml';
import { ipToU32 } from '../../src/lib/model/net';
import { probe, topo } from './engine-helpers';

const CLUSTER = readFileSync(path.resolve(import.meta.dirname, '../conformance-extra/51-k8s-clusterip-reject.vnet.yaml'), 'utf8');

describe('selectors', () => {
	it('match when every selector key has that value', () => {
		expect(selectorMatches({ app: 'web' }, { app: 'web', tier: 'front' })).toBe(true);
		expect(selectorMatches({ app: 'web', tier: 'back' }, { app: 'web', tier: 'front' })).toBe(false);
		expect(selectorMatches({ app: 'web' }, {})).toBe(false);
		expect(selectorMatches({}, { app: 'web' })).toBe(true);
	});
	it('select ready pods of the same namespace, in pod id order; no selector, no endpoints', () => {
		const k: KubernetesSection = {
			nodes: {},
			pods: {
				'z-web': { node: 'n1', namespace: 'shop', labels: { app: 'web' }, ready: true },
				'a-web': { node: 'n1', namespace: 'shop', labels: { app: 'web' }, ready: true },
				'b-web': { node: 'n1', namespace: 'shop', labels: { app: 'web' }, ready: false },
				other: { node: 'n1', namespace: 'dev', labels: { app: 'web' }, ready: true }
			},
			services: {}
		};
		const svc = { namespace: 'shop', cluster_ip: '10.96.0.1', selector: { app: 'web' }, ports: [] };
		expect(readyEndpoints(k, svc)).toEqual(['a-web', 'z-web']);
		expect(readyEndpoints(k, { ...svc, selector: {} })).toEqual([]);
	});
});

describe('endpoint choice', () => {
	it('is FNV-1a of the 5-tuple modulo the endpoints', () => {
		// FNV-1a 32 of the 13 bytes 0a f4 01 0a | 0a 60 00 0a | 9c 40 | 00 50 | 06, computed by hand in the oracle's Python too
		const h = tupleHash(ipToU32('10.244.1.10'), ipToU32('10.96.0.10'), 40000, 80, 6);
		expect(h).toBe(tupleHash(ipToU32('10.244.1.10'), ipToU32('10.96.0.10'), 40000, 80, 6));
		expect(endpointIndex(2, ipToU32('10.244.1.10'), ipToU32('10.96.0.10'), 40000, 80, 6)).toBe(h % 2);
		const picks = new Set([40000, 40001, 40002, 40003].map((s) => endpointIndex(2, ipToU32('10.244.1.10'), ipToU32('10.96.0.10'), s, 80, 6)));
		expect(picks).toEqual(new Set([0, 1]));
	});
});

describe('kube-proxy in the probe', () => {
	const t = topo(CLUSTER);
	it('DNATs a ClusterIP at the client node; the pod sees the client pod; the answer comes from the ClusterIP', () => {
		const a = probe(t, { from: 'client', to: '10.96.0.10', proto: 'tcp', port: 80, sport: 40000 });
		const b = probe(t, { from: 'client', to: '10.96.0.10', proto: 'tcp', port: 80, sport: 40001 });
		expect([a.disposition, b.disposition]).toEqual(['DELIVERED', 'DELIVERED']);
		expect(a.seenSource).toBe('10.244.1.10');
		const nat = (x: typeof a) => x.request.find((h) => h.action === 'NAT');
		expect(nat(a)?.node).toBe('n1');
		expect(nat(a)?.ref).toBe('kubernetes.services.web');
		expect(nat(a)?.dst).toBe('10.244.1.130:8080'); // web-a
		expect(nat(b)?.dst).toBe('10.244.2.11:8080'); // web-b (web-c is not ready)
		expect(a.reply.at(-1)?.src).toBe('10.96.0.10:80');
	});
	it('rejects a Service port without ready endpoints with ICMP port unreachable from the node', () => {
		for (const proto of ['tcp', 'udp'] as const) {
			const r = probe(t, { from: 'client', to: '10.96.0.20', proto, port: 5432 });
			expect(r.disposition).toBe('DENIED');
			expect(r.icmp).toMatchObject({ from: '10.244.1.1', type: 3, code: 3 });
			expect(r.request.at(-1)).toMatchObject({ node: 'n1', action: 'DENIED', ref: 'kubernetes.services.db' });
		}
	});
	it('leaves a port the Service does not list alone', () => {
		const r = probe(t, { from: 'client', to: '10.96.0.10', proto: 'tcp', port: 81 });
		expect(r.request.some((h) => h.action === 'NAT')).toBe(false);
	});
});

describe('format', () => {
	it('locates a pod on a node that is not a Kubernetes node, and a ClusterIP outside the service CIDR', () => {
		const bad = CLUSTER.replace('client: { node: n1,', 'client: { node: gw,').replace('cluster_ip: 10.96.0.20', 'cluster_ip: 10.200.0.20');
		const r = loadTopology(bad, 'k.vnet.yaml');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const msgs = r.errors.map((e) => `${e.path} ${e.line}:${e.col} ${e.message}`);
		expect(msgs.some((m) => /^kubernetes\.pods\.client\.node \d+:\d+ `gw` is not listed under `kubernetes.nodes`/.test(m))).toBe(true);
		expect(msgs.some((m) => /^kubernetes\.services\.db\.cluster_ip \d+:\d+ 10\.200\.0\.20 is outside the service CIDR/.test(m))).toBe(true);
	});
	it('names an unknown field of a pod', () => {
		const r = loadTopology(CLUSTER.replace('labels: { app: client }', 'label: { app: client }'), 'k.vnet.yaml');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0].message).toMatch(/unknown field `label`/);
	});
});

describe('writing the document back', () => {
	it('keeps the kubernetes section', () => {
		const t = topo(CLUSTER);
		const again = topo(topologyToYaml(t));
		expect(JSON.parse(JSON.stringify(again.kubernetes))).toEqual(JSON.parse(JSON.stringify(t.kubernetes)));
	});
});
