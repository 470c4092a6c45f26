// A product hypervisor (presets.md) reaching a guest on a segment the product
// made sends from the address it holds there (Linux's preferred source of the
// route), not from its first address. Cases of the same kind as
// test/conformance-extra/40 with the products' subnets overridden; the file's
// checks were confirmed in Linux network namespaces with test/tools' oracle.
import { describe, it, expect } from 'vitest';
import { probe, topo } from './engine-helpers';
import { buildNet, runChecks } from '../../src/lib/engine/index';

const overridden = `
vnet: 1
name: product-sources-overridden
nodes:
  vbox:
    kind: hypervisor
    product: virtualbox
    networks:
      vboxnet0: { subnet: 192.168.99.0/24 }
    interfaces:
      eth0: { ip: 10.5.0.10/24, gateway: 10.5.0.1 }
    services: [tcp/22]
  g1:
    kind: vm
    on: vbox
    interfaces:
      eth0: { attach: host-only, ip: 192.168.99.50/24 }
    services: [udp/53]
  kvm:
    kind: hypervisor
    product: libvirt
    networks:
      default: { subnet: 10.122.7.0/24 }
    interfaces:
      eth0: { ip: 10.5.0.11/24, gateway: 10.5.0.1 }
  g2:
    kind: vm
    on: kvm
    interfaces:
      eth0: { attach: nat, dhcp: true }
    services: [udp/53]
  dock:
    kind: hypervisor
    product: docker
    networks:
      bridge: { subnet: 10.200.0.0/24 }
    interfaces:
      eth0: { ip: 10.5.0.12/24, gateway: 10.5.0.1 }
  c1:
    kind: container
    on: dock
    interfaces:
      eth0: { attach: bridge, dhcp: true }
    services: [udp/53]
  ws:
    kind: hypervisor
    product: vmware
    networks:
      vmnet1: { subnet: 10.81.0.0/24 }
    interfaces:
      eth0: { ip: 10.5.0.13/24, gateway: 10.5.0.1 }
  g3:
    kind: vm
    on: ws
    interfaces:
      eth0: { attach: host-only, ip: 10.81.0.77/24 }
  gw:
    kind: router
    interfaces:
      eth0: { ip: 10.5.0.1/24 }
  lan:
    kind: switch
links:
  - { a: gw.eth0, b: lan.p1 }
  - { a: vbox.eth0, b: lan.p2 }
  - { a: kvm.eth0, b: lan.p3 }
  - { a: dock.eth0, b: lan.p4 }
  - { a: ws.eth0, b: lan.p5 }
checks:
  - { from: vbox, to: g1, proto: udp, port: 53, expect: DELIVERED, seen-source: 192.168.99.1 }
  - { from: vbox, to: g1, proto: udp, port: 54, expect: REFUSED, icmp-from: 192.168.99.50 }
  - { from: vbox, to: g1, ttl: 1, expect: DELIVERED, seen-source: 192.168.99.1 }
  - { from: g1, to: 192.168.99.1, proto: tcp, port: 22, expect: DELIVERED, seen-source: 192.168.99.50 }
  - { from: kvm, to: g2, proto: udp, port: 53, expect: DELIVERED, seen-source: 10.122.7.1 }
  - { from: kvm, to: 10.122.7.2, proto: udp, port: 53, expect: DELIVERED, seen-source: 10.122.7.1 }
  - { from: dock, to: c1, proto: udp, port: 53, expect: DELIVERED, seen-source: 10.200.0.1 }
  - { from: dock, to: 10.200.0.99, expect: HOST_UNREACHABLE }
  - { from: ws, to: g3, expect: DELIVERED, seen-source: 10.81.0.1 }
  - { from: ws, to: 10.5.0.1, expect: DELIVERED, seen-source: 10.5.0.13 }
`;

describe('source address of a product hypervisor', () => {
	it('follows the segment the route leaves by, whatever its subnet', () => {
		const t = topo(overridden);
		const bad = runChecks(t, buildNet(t))
			.filter((r) => !r.ok)
			.map((r) => `#${r.index}: ${r.message}`);
		expect(bad).toEqual([]);
	});
	it("VMware's host sends from its VMnet8 adapter (.1), not from the NAT device (.2)", () => {
		const yaml = `
vnet: 1
name: vmware-nat-host
nodes:
  ws:
    kind: hypervisor
    product: vmware
    networks: { vmnet8: { subnet: 192.168.150.0/24 } }
    interfaces: { eth0: { ip: 10.6.0.5/24, gateway: 10.6.0.1 } }
  vm: { kind: vm, on: ws, interfaces: { eth0: { attach: nat, dhcp: true } }, services: [tcp/22] }
  gw: { kind: router, interfaces: { eth0: { ip: 10.6.0.1/24 } } }
links:
  - { a: ws.eth0, b: gw.eth0 }
`;
		const t = probe(yaml, { from: 'ws', to: 'vm', proto: 'tcp', port: 22 });
		expect(t.disposition).toBe('DELIVERED');
		expect(t.seenSource).toBe('192.168.150.1');
	});
	it('a generic hypervisor keeps its first address (ping -I), so a host-only guest without a gateway cannot answer', () => {
		const yaml = overridden.replace('    product: virtualbox\n    networks:\n      vboxnet0: { subnet: 192.168.99.0/24 }\n', '').replace('192.168.99.50/24', '192.168.56.50/24');
		expect(yaml).not.toBe(overridden);
		const t = probe(yaml, { from: 'vbox', to: 'g1', proto: 'udp', port: 53 });
		expect(t.seenSource).toBe('10.5.0.10');
		expect(t.disposition).toBe('DROPPED');
		expect(t.leg).toBe('reply');
	});
});
