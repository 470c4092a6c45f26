// Errors a node raises about a packet it port-forwarded come from the address
// the client called (topology-format.md, "Inside a node"), even when the way
// back leaves by another interface. Cases of the same kind as
// test/conformance-extra/38 and 39, not in that suite; each check below was
// confirmed in Linux network namespaces with the kernel oracle.
import { describe, it, expect } from 'vitest';
import { probe, topo } from './engine-helpers';
import { buildNet, runChecks } from '../../src/lib/engine/index';

// A NAT gateway forwarding on eth0 whose route back to the client leaves by eth2.
const gatewayTwoWays = `
vnet: 1
name: router-forward-other-way-back
nodes:
  r1:
    kind: nat-gateway
    interfaces:
      eth0: { ip: 10.1.1.1/24 }
      eth1: { ip: 10.1.2.1/24, mtu: 1300 }
      eth2: { ip: 10.1.3.1/24 }
    routes:
      - { to: 10.9.0.0/24, via: 10.1.3.2 }
    nat:
      forwards:
        - { in: eth0, proto: udp, port: 53, to: "srv:53" }
        - { in: eth0, proto: tcp, port: 80, to: "srv:80" }
        - { in: eth0, proto: udp, port: 7, to: "srv:7" }
        - { in: eth0, proto: udp, port: 99, to: "10.1.2.99:99" }
        - { in: eth0, proto: tcp, port: 8443, to: "srv:443" }
    rules:
      - { action: reject, proto: udp, port: 7 }
      - { action: reject, proto: tcp, port: 443 }
  srv:
    kind: host
    interfaces:
      eth0: { ip: 10.1.2.20/24, gateway: 10.1.2.1, mtu: 1300 }
    services: [udp/53, tcp/80, udp/7, tcp/443]
  r2:
    kind: router
    interfaces:
      eth0: { ip: 10.9.0.1/24 }
      eth1: { ip: 10.1.1.2/24 }
      eth2: { ip: 10.1.3.2/24 }
    routes:
      - { to: 10.1.2.0/24, via: 10.1.1.1 }
  c:
    kind: host
    interfaces:
      eth0: { ip: 10.9.0.10/24, gateway: 10.9.0.1 }
links:
  - { a: r1.eth0, b: r2.eth1 }
  - { a: r1.eth2, b: r2.eth2 }
  - { a: r1.eth1, b: srv.eth0 }
  - { a: r2.eth0, b: c.eth0 }
checks:
  - { from: c, to: 10.1.1.1, proto: udp, port: 53, expect: DELIVERED, seen-source: 10.9.0.10 }
  - { from: c, to: 10.1.1.1, proto: tcp, port: 80, expect: DELIVERED, seen-source: 10.9.0.10 }
  - { from: c, to: 10.1.1.1, proto: udp, port: 53, ttl: 2, expect: TTL_EXCEEDED, icmp-from: 10.1.1.1 }
  - { from: c, to: 10.1.1.1, proto: tcp, port: 80, ttl: 2, expect: TTL_EXCEEDED, icmp-from: 10.1.1.1 }
  - { from: c, to: 10.1.1.1, proto: udp, port: 53, size: 1400, df: true, expect: FRAGMENTATION_NEEDED, mtu: 1300, icmp-from: 10.1.1.1 }
  - { from: c, to: 10.1.1.1, proto: udp, port: 7, expect: DENIED, icmp-from: 10.1.1.1 }
  - { from: c, to: 10.1.1.1, proto: udp, port: 99, expect: HOST_UNREACHABLE, icmp-from: 10.1.1.1 }
  - { from: c, to: srv, proto: udp, port: 53, ttl: 2, expect: TTL_EXCEEDED, icmp-from: 10.1.3.1 }
  - { from: c, to: srv, proto: udp, port: 7, expect: DENIED, icmp-from: 10.1.3.1 }
  - { from: c, to: 10.1.1.1, proto: tcp, port: 8443, expect: DENIED }
`;

// A hypervisor on three LANs: its forwards answer for whichever address was called.
const hypervisorThreeLans = `
vnet: 1
name: hypervisor-three-lans
nodes:
  hv:
    kind: hypervisor
    interfaces:
      eth0: { ip: 172.20.0.5/24 }
      eth1: { ip: 172.21.0.5/24 }
      eth2: { ip: 172.22.0.5/24 }
    nat:
      forwards:
        - { proto: tcp, port: 2222, to: "vm:22" }
        - { proto: udp, port: 9, to: "10.0.2.200:9" }
  vm:
    kind: vm
    on: hv
    interfaces:
      eth0: { attach: nat, dhcp: true }
    services: [tcp/22]
  r:
    kind: router
    interfaces:
      eth0: { ip: 172.20.0.1/24 }
      eth1: { ip: 172.21.0.1/24 }
      eth2: { ip: 172.22.0.1/24 }
  sw0: { kind: switch }
  sw1: { kind: switch }
  sw2: { kind: switch }
  c:
    kind: host
    interfaces:
      eth0: { ip: 172.22.0.50/24, gateway: 172.22.0.1 }
links:
  - { a: hv.eth0, b: sw0.p1 }
  - { a: r.eth0, b: sw0.p2 }
  - { a: hv.eth1, b: sw1.p1 }
  - { a: r.eth1, b: sw1.p2 }
  - { a: hv.eth2, b: sw2.p1 }
  - { a: r.eth2, b: sw2.p2 }
  - { a: c.eth0, b: sw2.p3 }
checks:
  - { from: c, to: 172.20.0.5, proto: tcp, port: 2222, expect: DELIVERED, seen-source: 172.22.0.50 }
  - { from: c, to: 172.21.0.5, proto: tcp, port: 2222, expect: DELIVERED, seen-source: 172.22.0.50 }
  - { from: c, to: 172.20.0.5, proto: tcp, port: 2222, ttl: 2, expect: TTL_EXCEEDED, icmp-from: 172.20.0.5 }
  - { from: c, to: 172.21.0.5, proto: tcp, port: 2222, ttl: 2, expect: TTL_EXCEEDED, icmp-from: 172.21.0.5 }
  - { from: c, to: 172.20.0.5, proto: udp, port: 9, expect: HOST_UNREACHABLE, icmp-from: 172.20.0.5 }
  - { from: c, to: 172.21.0.5, proto: udp, port: 9, expect: HOST_UNREACHABLE, icmp-from: 172.21.0.5 }
  - { from: c, to: 172.22.0.5, proto: tcp, port: 2222, ttl: 1, expect: TTL_EXCEEDED, icmp-from: 172.22.0.5 }
`;

function failures(yaml: string): string[] {
	const t = topo(yaml);
	return runChecks(t, buildNet(t))
		.filter((r) => !r.ok)
		.map((r) => `#${r.index}: ${r.message}`);
}

describe('errors about a port-forwarded packet', () => {
	it('a gateway whose way back is another uplink answers from the address the client called', () => {
		expect(failures(gatewayTwoWays)).toEqual([]);
	});
	it('a hypervisor answers from whichever of its addresses the client called', () => {
		expect(failures(hypervisorThreeLans)).toEqual([]);
	});
	it("a reject rule's TCP reset comes from the called address and port", () => {
		const t = probe(gatewayTwoWays, { from: 'c', to: '10.1.1.1', proto: 'tcp', port: 8443 });
		expect(t.disposition).toBe('DENIED');
		const rst = t.reply.find((h) => h.node === 'c' && h.action === 'RECEIVED');
		expect(rst?.src).toBe('10.1.1.1:8443');
	});
	it('the error quotes the packet as the client sent it, so a stateful firewall on the way back lets it through', () => {
		// r2 turned into a stateful deny-all firewall that allows only the client's own connections out:
		// the time-exceeded is related to the client's connection to 10.1.1.1 only if it quotes that address.
		const fw = gatewayTwoWays.replace(
			'  r2:\n    kind: router\n',
			'  r2:\n    kind: firewall\n    rules:\n      - { action: allow, from: c }\n'
		);
		expect(fw).not.toBe(gatewayTwoWays);
		const t = probe(fw, { from: 'c', to: '10.1.1.1', proto: 'udp', port: 53, ttl: 2 });
		expect(t.disposition).toBe('TTL_EXCEEDED');
		expect(t.icmp?.from).toBe('10.1.1.1');
	});
	it('a packet the node did not forward gets its errors from the interface they leave by', () => {
		const t = probe(gatewayTwoWays, { from: 'c', to: 'srv', proto: 'udp', port: 53, ttl: 2 });
		expect(t.icmp?.from).toBe('10.1.3.1');
	});
});
