import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTopology } from '../../src/lib/model/load';
import type { Topology } from '../../src/lib/model/types';
import { productHypervisors, productSegmentElements, type ProductSegmentData } from '../../src/lib/canvas/product-segments';

function example(name: string): Topology {
	const file = `topologies/${name}.vnet.yaml`;
	return load(file);
}

function load(file: string): Topology {
	const r = loadTopology(readFileSync(file, 'utf8'), file);
	if (!r.ok) throw new Error(`${file} does not load`);
	return r.topology;
}

function drawn(t: Topology) {
	const els = productSegmentElements(t, productHypervisors(t))!;
	const segs = els.filter((e) => e.group === 'nodes').map((e) => e.data as ProductSegmentData);
	const edges = els.filter((e) => e.group === 'edges').map((e) => e.data as { source: string; target: string; mode: string });
	const of = (guest: string) => segs.find((s) => s.id === edges.find((e) => e.source === guest)?.target);
	return { els, segs, edges, of };
}

describe('product segments on the canvas', () => {
	it('VirtualBox: a NAT engine per NAT interface, a shared NAT Network, vboxnet0, the bridge', () => {
		const { segs, edges, of } = drawn(example('virtualbox-lab'));
		expect(segs.every((s) => s.parent === 'vbox')).toBe(true);
		const engines = segs.filter((s) => s.engine);
		expect(engines.map((s) => s.label)).toEqual(['NAT engine 10.0.2.2', 'NAT engine 10.0.2.2']);
		expect(engines.map((s) => s.resolved)).toEqual(['vbox:nat-engine:web1.eth0', 'vbox:nat-engine:web2.eth0']);
		// web1 and web2 are not on one segment
		expect(of('web1')!.id).not.toBe(of('web2')!.id);
		expect(of('k8s1')).toBe(of('k8s2'));
		expect(of('k8s1')!.label).toBe('NAT Network "lab" 10.0.9.0/24 · NAT .1');
		expect(of('dev')!.label).toBe('host-only vboxnet0 192.168.56.0/24');
		expect(of('dev')!.mode).toBe('host-only');
		expect(of('nas')!.label).toBe('bridge on eth0');
		expect(of('nas')!.mode).toBe('bridged');
		expect(edges.map((e) => `${e.source}:${e.mode}`).sort()).toEqual(['dev:host-only', 'k8s1:nat-network', 'k8s2:nat-network', 'nas:bridged', 'web1:nat', 'web2:nat']);
	});

	it('VMware: VMnet8 is one shared switch with its NAT device, VMnet1 host-only', () => {
		const { of } = drawn(example('vmware-lab'));
		expect(of('app')).toBe(of('db'));
		expect(of('app')!.label).toBe('VMnet8 (NAT) 192.168.80.0/24 · NAT device .2');
		expect(of('app')!.engine).toBeUndefined();
		expect(of('lab')!.label).toBe('host-only vmnet1 192.168.81.0/24');
	});

	it('Docker: docker0 and user-defined networks as bridges with their subnets; macvlan on the uplink', () => {
		const { of } = drawn(example('docker-host'));
		expect(of('legacy')!.label).toBe('docker0 172.17.0.0/16');
		expect(of('api')).toBe(of('web'));
		expect(of('api')!.label).toBe('frontend (bridge) 172.18.0.0/16');
		expect(of('db')!.label).toBe('backend (bridge) 172.19.0.0/16');
		expect(of('sensor')!.mode).toBe('bridged');
	});

	it('libvirt, Hyper-V and ESXi use their own names', () => {
		expect(drawn(example('kvm-libvirt')).of('ci')!.label).toBe('NAT network "default" 192.168.122.0/24');
		const hv = drawn(example('hyperv-lab'));
		expect(hv.of('ubuntu')!.label).toBe('Default Switch 172.20.0.0/20');
		const esx = drawn(example('esxi-host'));
		expect(esx.of('web1')!.label).toBe('vSwitch on vmnic0');
	});

	it('QEMU: its user-mode network is an engine per interface; host/none containers are not attached', () => {
		const file = 'test/fixtures/products/every-attach-mode.vnet.yaml';
		const t = load(file);
		const { segs, edges, of } = drawn(t);
		expect(of('q1')).toMatchObject({ engine: true, label: 'NAT engine 10.0.2.2', parent: 'q' });
		expect(edges.some((e) => e.source === 'p3' || e.source === 'p4')).toBe(false);
		// every segment id is unique and every edge ends on one
		const ids = new Set(segs.map((s) => s.id));
		expect(ids.size).toBe(segs.length);
		expect(edges.every((e) => ids.has(e.target))).toBe(true);
	});

	it('generic hypervisors are left to the generic drawing', () => {
		const t: Topology = {
			name: 'g',
			nodes: {
				hv: { kind: 'hypervisor', interfaces: { eth0: { ip: '10.0.0.2/24' } } },
				vm1: { kind: 'vm', on: 'hv', interfaces: { eth0: { attach: 'nat' } } },
				hv2: { kind: 'hypervisor', product: 'generic' },
				vm2: { kind: 'vm', on: 'hv2', interfaces: { eth0: { attach: 'nat' } } }
			},
			links: []
		} as unknown as Topology;
		expect(productHypervisors(t).size).toBe(0);
		expect(productSegmentElements(t, productHypervisors(t))).toEqual([]);
	});
});
