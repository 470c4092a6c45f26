/**
 * The reachability rules of presets.md, product by product: the example
 * topologies' checks, and the details the checks cannot state.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { probe, topo } from './engine-helpers';
import { buildNet, runChecks } from '../../src/lib/engine/index';
import { lintTopology } from '../../src/lib/model/lint';
import { loadTopology } from '../../src/lib/model/load';

const EXAMPLES = ['virtualbox-lab', 'vmware-lab', 'kvm-libvirt', 'hyperv-lab', 'docker-host', 'esxi-host'];
const file = (name: string) => path.resolve(import.meta.dirname, `../../topologies/${name}.vnet.yaml`);
const load = (name: string) => topo(readFileSync(file(name), 'utf8'));

describe('product examples', () => {
	it.each(EXAMPLES)('%s loads, lints without errors and passes its checks', (name) => {
		const text = readFileSync(file(name), 'utf8');
		const r = loadTopology(text, file(name));
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(lintTopology(r.topology, { file: file(name), locate: (p) => r.source?.locate(p) ?? { line: 0, col: 0 } }).filter((d) => d.severity === 'error')).toEqual([]);
		const results = runChecks(r.topology, buildNet(r.topology));
		expect(results.length).toBeGreaterThan(5);
		expect(results.filter((c) => !c.ok).map((c) => `#${c.index}: ${c.message}`)).toEqual([]);
	});
});

describe('kernel NAT products', () => {
	it('vmware: the NAT device .2 is the routed hop, the hypervisor holds .1', () => {
		const t = probe(load('vmware-lab'), { from: 'app', to: 'printer', proto: 'tcp', port: 631 }, true);
		expect(t.hops).toEqual(['192.168.80.2', '10.10.0.60']);
		expect(t.reply[t.reply.length - 1].ttl).toBe(63);
	});

	it('libvirt: an outside connection is rejected with ICMP port-unreachable from the address it reached', () => {
		const t = probe(load('kvm-libvirt'), { from: 'admin', to: '192.168.122.3', proto: 'tcp', port: 22 });
		expect(t).toMatchObject({ disposition: 'DENIED', icmp: { from: '172.16.0.10', type: 3, code: 3 } });
		expect(t.request.find((h) => h.action === 'DENIED')!.detail).toMatch(/libvirt's firewall rejects connections from outside/);
	});

	it('macvtap / macvlan: the LAN reaches the guest, the host does not', () => {
		const kvm = load('kvm-libvirt');
		expect(probe(kvm, { from: 'admin', to: 'mon', proto: 'tcp', port: 9090 }).disposition).toBe('DELIVERED');
		expect(probe(kvm, { from: 'kvm1', to: 'mon', proto: 'tcp', port: 9090 }).disposition).toBe('HOST_UNREACHABLE');
		const dock = load('docker-host');
		expect(probe(dock, { from: 'sensor', to: 'dock', proto: 'tcp', port: 22 }).disposition).toBe('HOST_UNREACHABLE');
		expect(probe(dock, { from: 'sensor', to: 'laptop' }).disposition).toBe('DELIVERED');
	});

	it('docker: user-defined networks are isolated (DROPPED) and meet through published ports', () => {
		const dock = load('docker-host');
		const t = probe(dock, { from: 'api', to: 'db', proto: 'tcp', port: 5432 });
		expect(t).toMatchObject({ disposition: 'DROPPED' });
		expect(t.reason).toMatch(/Docker network isolation/);
		expect(probe(dock, { from: 'api', to: '192.168.10.5', proto: 'tcp', port: 5432 })).toMatchObject({ disposition: 'DELIVERED', seenSource: '172.19.0.1' });
		expect(probe(dock, { from: 'laptop', to: '192.168.10.5', proto: 'tcp', port: 5432 })).toMatchObject({ disposition: 'DELIVERED', seenSource: '192.168.10.20' });
		expect(probe(dock, { from: 'dock', to: '192.168.10.5', proto: 'tcp', port: 8080 })).toMatchObject({ disposition: 'DELIVERED', seenSource: '172.18.0.1' });
	});

	it('docker host mode: the container is the host', () => {
		const dock = load('docker-host');
		expect(probe(dock, { from: 'metrics', to: 'laptop' })).toMatchObject({ disposition: 'DELIVERED', seenSource: '192.168.10.5' });
		expect(probe(dock, { from: 'laptop', to: 'metrics', proto: 'tcp', port: 9100 })).toMatchObject({ disposition: 'DELIVERED' });
	});

	it('hyper-v: Default Switch is kernel NAT; private switches leave the host out', () => {
		const hv = load('hyperv-lab');
		expect(probe(hv, { from: 'ubuntu', to: 'tablet' }, true).hops).toEqual(['172.20.0.1', '192.168.1.40']);
		expect(probe(hv, { from: 'win', to: '10.99.0.2', proto: 'tcp', port: 1433 }).disposition).toBe('EXITS_NETWORK');
	});

	it('esxi: a VLAN the physical port does not trunk cuts the port group off', () => {
		const esx = load('esxi-host');
		expect(probe(esx, { from: 'lab1', to: '10.0.30.1' }).disposition).toBe('HOST_UNREACHABLE');
		const t = probe(esx, { from: 'web1', to: '10.0.10.1' });
		expect(t.disposition).toBe('DELIVERED');
		expect(t.request.find((h) => h.node === 'esx1:vswitch:vmnic0')!.vlan).toBe(10);
	});

	it('lxc: lxcbr0 is kernel NAT with a routed hop at .1', () => {
		const t = topo(`vnet: 1
name: l
nodes:
  h: { kind: hypervisor, product: lxc, interfaces: { eth0: { ip: 192.168.1.10/24 } } }
  c: { kind: container, on: h, interfaces: { eth0: { attach: nat, dhcp: true } } }
  x: { kind: host, interfaces: { eth0: { ip: 192.168.1.20/24 } } }
links:
  - { a: h.eth0, b: x.eth0 }
`);
		expect(probe(t, { from: 'c', to: 'x' }, true)).toMatchObject({ disposition: 'DELIVERED', seenSource: '192.168.1.10', hops: ['10.0.3.1', '192.168.1.20'] });
		expect(probe(t, { from: 'x', to: '10.0.3.2' }).disposition).toBe('NO_ROUTE');
	});
});
