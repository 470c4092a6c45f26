import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layoutPlan, topologyToElements } from '../../src/lib/canvas/elements';
import { CLUSTER_ID, clusterDrawing, servicePods } from '../../src/lib/canvas/cluster-elements';
import { spreadRow } from '../../src/lib/canvas/cluster-place';
import { loadTopology } from '../../src/lib/model/load';
import type { Topology } from '../../src/lib/model/types';

function example(name: string): Topology {
	const r = loadTopology(readFileSync(`topologies/${name}.vnet.yaml`, 'utf8'), name);
	if (!r.ok) throw new Error(`${name} does not load`);
	return r.topology;
}

const byId = (els: ReturnType<typeof topologyToElements>) => new Map(els.map((e) => [e.data.id as string, e]));

describe('a Kubernetes cluster on the canvas', () => {
	const t = example('k8s-three-tier');
	const els = topologyToElements(t, { segments: true, cluster: clusterDrawing(t, false) });
	const m = byId(els);

	it('is a compound of its nodes, each holding its pods', () => {
		expect(els[0].data.id).toBe(CLUSTER_ID); // parents before children
		expect(m.get('n1')!.data.parent).toBe(CLUSTER_ID);
		expect(m.get('n2')!.data.parent).toBe(CLUSTER_ID);
		expect(m.get('frontend-1')!.data.parent).toBe('n1');
		expect(m.get('db-0')!.data.parent).toBe('n2');
		expect(m.get('gw')!.data.parent).toBeUndefined();
		expect(m.get('n1')!.classes).toContain('kube-node');
		expect(m.get('api-2')!.classes).toContain('pod');
	});

	it("does not draw a pod's cable to its own node, and keeps the node's uplink", () => {
		const edge = (a: string) => els.find((e) => e.group === 'edges' && String(e.data.id).startsWith(`link:${a}|`))!;
		expect(edge('frontend-1.eth0').classes).toContain('inner');
		expect(edge('n1.eth0').classes).not.toContain('inner');
	});

	it('draws each Service as its own symbol, dashed to the pods it selects', () => {
		const api = m.get('svc:api')!;
		expect(api.data.label).toBe('api\n10.96.0.90');
		expect(api.classes).toBe('kube-service');
		expect(els.filter((e) => e.data.source === 'svc:api').map((e) => e.data.target)).toEqual(['api-1', 'api-2']);
		// the cache Service selects no pod: drawn as one without endpoints
		expect(m.get('svc:cache')!.classes).toContain('no-endpoints');
		expect(servicePods(t, 'db')).toEqual([{ pod: 'db-0', ready: true }]);
	});

	it('a not-ready pod is still linked, marked not ready', () => {
		const k = structuredClone(t);
		k.kubernetes!.pods['api-2'].ready = false;
		const e = topologyToElements(k, { cluster: clusterDrawing(k, false) }).find((x) => x.data.id === 'svcep:api:api-2')!;
		expect(e.classes).toContain('not-ready');
	});

	it('lays out: a node holding pods is a parent, not a leaf that needs a position', () => {
		const k = structuredClone(t);
		for (const [id, n] of Object.entries(k.nodes)) if (id !== 'n1' && id !== 'n2') n.position = { x: 1, y: 2 };
		expect(layoutPlan(k, clusterDrawing(k, false)).name).toBe('preset');
	});
});

describe('VXLAN tunnels on the canvas', () => {
	const t = example('vxlan-overlay');
	it('are drawn on demand, one per VTEP pair, with the VNIs they carry', () => {
		expect(topologyToElements(t, { cluster: clusterDrawing(t, false) }).some((e) => e.data.tunnel)).toBe(false);
		const tunnels = topologyToElements(t, { cluster: clusterDrawing(t, true) }).filter((e) => e.data.tunnel);
		expect(tunnels.map((e) => [e.data.source, e.data.target, e.data.label])).toEqual([['kvm1', 'kvm2', 'VXLAN 5001, 5002']]);
	});
});

describe('Service row', () => {
	it('keeps Services apart and centred where they want to be', () => {
		expect(spreadRow([0, 10, 500])).toEqual([-40, 80, 460].map((x) => Math.round(x + (0 + 10 + 500 - (-40 + 80 + 460)) / 3 - 0)));
		const xs = spreadRow([0, 10, 20]);
		expect(xs[1] - xs[0]).toBe(120);
		expect(xs[2] - xs[1]).toBe(120);
		expect((xs[0] + xs[1] + xs[2]) / 3).toBeCloseTo(10, 0);
	});
});
