import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/lib/model/load';
import { ProbeEngine, buildNet, type ProbeSpec } from '../../src/lib/engine/index';
import { buildSteps } from '../../src/lib/editor/sim/steps';
import { encapsulation } from '../../src/lib/ui/sim/headers';

function trace(name: string, spec: ProbeSpec) {
	const r = loadTopology(readFileSync(`topologies/${name}.vnet.yaml`, 'utf8'), name);
	if (!r.ok) throw new Error('does not load');
	return new ProbeEngine(buildNet(r.topology)).run(spec, { hops: true });
}

describe('the inspector reads both headers of an encapsulated packet', () => {
	const steps = buildSteps(trace('vxlan-overlay', { from: 'web1', to: '10.10.1.12', proto: 'tcp', port: 443 }));
	it('an underlay hop: outer IPv4/UDP 4789/VNI, and the guest packet inside', () => {
		const i = steps.findIndex((s) => s.hop.node === 'spine');
		const e = encapsulation(steps, i)!;
		expect(e.outer).toMatchObject({ src: '172.16.1.10', dst: '172.16.2.10', dport: 4789, vni: 5001, df: false, size: 90 });
		expect(e.inner).toEqual({ src: '10.10.1.11:40000', dst: '10.10.1.12:443', size: 40 });
	});
	it('the VTEP hops give their tunnel; a guest hop has one header', () => {
		const enc = steps.findIndex((s) => s.hop.action === 'ENCAPSULATED');
		expect(encapsulation(steps, enc)!.outer.vni).toBe(5001);
		expect(encapsulation(steps, 0)).toBeNull();
	});
});

describe("kube-proxy's DNAT is a typed hop field", () => {
	it('names the Service address before and the pod after', () => {
		const t = trace('k8s-three-tier', { from: 'frontend-1', to: '10.96.0.90', proto: 'tcp', port: 80 });
		const nat = t.request.find((h) => h.kube);
		expect(nat?.node).toBe('n1');
		expect(nat?.kube).toEqual({ step: 'cluster-ip', service: 'shop/api', before: '10.96.0.90:80', after: '10.244.1.6:9000', to: 'api-1', index: 0, of: 2 });
	});
});
