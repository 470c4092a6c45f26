// The overlay part of the build commands (node-config-overlay.ts): names, MTUs and head-end
// replication for shapes the gallery example does not have. The kernel test
// (node-config-vxlan-kernel.test.ts) runs the example's commands in network namespaces.
import { describe, expect, it } from 'vitest';
import { nodeBuilds } from '../../src/lib/interchange/node-config';
import { parseExec } from '../../src/lib/interchange/exec-parse';
import { topo } from './engine-helpers';

const three = topo(`
vnet: 1
name: three-hosts
overlay:
  segments:
    web: { vni: 5001 }
    eth1: { vni: 7 }
    a-very-long-segment-name: { vni: 16777215 }
nodes:
  h1: { kind: hypervisor, vtep: { interface: eth0 }, interfaces: { eth0: { ip: 172.16.0.1/24 } }, nat: {} }
  h2: { kind: hypervisor, vtep: { interface: eth0 }, interfaces: { eth0: { ip: 172.16.0.2/24 } } }
  h3: { kind: hypervisor, vtep: { interface: eth0 }, interfaces: { eth0: { ip: 172.16.0.3/24 } } }
  sw: { kind: switch }
  a: { kind: vm, on: h1, interfaces: { eth0: { ip: 10.0.0.1/24, segment: web, mtu: 1450 }, eth1: { ip: 10.0.7.1/24, segment: eth1 }, eth2: { ip: 10.0.8.1/24, segment: a-very-long-segment-name } } }
  n: { kind: vm, on: h1, interfaces: { eth0: { attach: nat } } }
  b: { kind: vm, on: h2, interfaces: { eth0: { ip: 10.0.0.2/24, segment: web } } }
  c: { kind: vm, on: h3, interfaces: { eth0: { ip: 10.0.0.3/24, segment: web }, eth1: { ip: 10.0.7.3/24, segment: eth1 } } }
links:
  - { a: h1.eth0, b: sw.p1 }
  - { a: h2.eth0, b: sw.p2 }
  - { a: h3.eth0, b: sw.p3 }
`);

describe('overlay build commands', () => {
	const builds = nodeBuilds(three);
	const of = (id: string) => builds.find((b) => b.node === id)!;

	it('replicates to every other VTEP of the VNI, and only to those', () => {
		const h1 = of('h1').commands;
		expect(h1.filter((c) => c.startsWith('bridge fdb append') && c.includes('dev vx5001'))).toEqual([
			'bridge fdb append 00:00:00:00:00:00 dev vx5001 dst 172.16.0.2',
			'bridge fdb append 00:00:00:00:00:00 dev vx5001 dst 172.16.0.3'
		]);
		expect(h1.filter((c) => c.startsWith('bridge fdb append') && c.includes('dev vx7 '))).toEqual(['bridge fdb append 00:00:00:00:00:00 dev vx7 dst 172.16.0.3']);
		expect(of('h2').commands.some((c) => c.includes('vx7'))).toBe(false);
	});

	it('names a bridge ovVNI when br-SEGMENT is not a free Linux device name', () => {
		const h1 = of('h1').commands;
		expect(h1).toContain('ip link add br-web type bridge');
		// "br-eth1" is the exporter's name for a bridged uplink; the long name exceeds 15 characters
		expect(h1).toContain('ip link set vx7 master ov7');
		expect(h1).toContain('ip link set vx16777215 master ov16777215');
	});

	it("gives each guest's port the guest interface's MTU, and lets a NAT hypervisor's FORWARD pass the segment", () => {
		const h1 = of('h1');
		const port = h1.device('a.eth0');
		expect(h1.commands).toContain(`ip link set ${port} mtu 1450`);
		expect(h1.commands).toContain(`ip link set ${port} master br-web`);
		expect(h1.commands).toContain(`ip link set ${h1.device('a.eth1')} mtu 1500`);
		expect(h1.commands).toContain('iptables -A FORWARD -i br-web -o br-web -j ACCEPT');
		expect(h1.bridge('h1:segment:web')).toBe('br-web');
	});

	it('the importer reads every line', () => {
		for (const b of builds) expect(parseExec(b.commands).unknown, b.node).toEqual([]);
		const f = parseExec(of('h1').commands);
		expect(f.vxlans.get('vx5001')).toMatchObject({ vni: 5001, local: '172.16.0.1', dstport: 4789 });
		expect(f.fdb.filter((e) => e.dev === 'vx5001').map((e) => e.dst)).toEqual(['172.16.0.2', '172.16.0.3']);
	});
});
