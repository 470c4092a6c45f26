// What a trace says about ARP: the request names the sender's own address
// (a router forwarding names its outgoing interface, not the packet's source,
// as Linux does with arp_announce 0), and an unanswered request shows where
// the broadcast went: each switch that flooded it, on which VLAN to which
// ports, then that nobody answered.
import { describe, it, expect } from 'vitest';
import { probe } from './engine-helpers';
import { buildSteps } from '../../src/lib/editor/sim/steps';
import { decisiveHop } from '../../src/lib/lessons/run';

const lan = `
vnet: 1
name: arp
nodes:
  h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1 } } }
  r1: { kind: router, interfaces: { eth0: { ip: 10.0.0.1/24 }, eth1: { ip: 10.1.0.1/24 } } }
  sw1: { kind: switch, interfaces: { p1: { vlan: 10 }, p2: { trunk: [10, 20] }, p3: { vlan: 10 }, p4: { vlan: 20 } } }
  sw2: { kind: switch, interfaces: { p1: { trunk: [10, 20] }, p2: { vlan: 10 }, p3: { vlan: 20 } } }
  srv: { kind: host, interfaces: { eth0: { ip: 10.1.0.10/24, gateway: 10.1.0.1 } } }
  idle: { kind: host, interfaces: { eth0: { ip: 10.1.0.20/24 } } }
  other: { kind: host, interfaces: { eth0: { ip: 10.1.0.30/24 } } }
links:
  - { a: h1.eth0, b: r1.eth0 }
  - { a: r1.eth1, b: sw1.p1 }
  - { a: sw1.p2, b: sw2.p1 }
  - { a: sw1.p3, b: idle.eth0 }
  - { a: sw2.p2, b: srv.eth0 }
  - { a: sw2.p3, b: other.eth0 }
`;

describe('ARP in a trace', () => {
	it("a router's who-has names its own interface address, a host's its own source", () => {
		const t = probe(lan, { from: 'h1', to: 'srv' }, true);
		expect(t.disposition).toBe('DELIVERED');
		const sent = t.request.find((h) => h.node === 'h1');
		expect(sent?.arp).toMatchObject({ target: '10.0.0.1', sender: '10.0.0.10', cached: false });
		const routed = t.request.find((h) => h.node === 'r1');
		expect(routed?.src).toBe('10.0.0.10');
		expect(routed?.arp).toMatchObject({ target: '10.1.0.10', sender: '10.1.0.1', cached: false });
		const arpStep = buildSteps(t).find((s) => s.kind === 'arp' && s.hop.node === 'r1');
		expect(arpStep?.hop.detail).toMatch(/^who-has 10\.1\.0\.10 tell 10\.1\.0\.1 \(broadcast on eth1\)/);
	});

	it("a router's failed who-has names its own interface address", () => {
		const t = probe(lan, { from: 'h1', to: '10.1.0.99' }, true);
		expect(t.disposition).toBe('HOST_UNREACHABLE');
		const last = t.request[t.request.length - 1];
		expect(last).toMatchObject({ node: 'r1', action: 'ARP', out: 'eth1' });
		expect(last.detail).toBe('who-has 10.1.0.99 tell 10.1.0.1: no answer');
		expect(t.verdict).toContain("nobody answered r1's ARP for 10.1.0.99");
	});

	it('a failed ARP through two switches lists each flood (ports, VLAN) and ends with nobody answering', () => {
		const t = probe(lan, { from: 'h1', to: '10.1.0.99' }, true);
		const rows = t.request.slice(t.request.findIndex((h) => h.node === 'r1'));
		expect(rows.map((h) => [h.node, h.in, h.out, h.action, h.detail])).toEqual([
			['r1', 'eth0', 'eth1', 'ARP', 'who-has 10.1.0.99 tell 10.1.0.1: broadcast on eth1'],
			['sw1', 'p1', null, 'SWITCHED', 'ARP who-has 10.1.0.99 flooded on VLAN 10 to p2, p3'],
			['sw2', 'p1', null, 'SWITCHED', 'ARP who-has 10.1.0.99 flooded on VLAN 10 to p2'],
			['r1', 'eth0', 'eth1', 'ARP', 'who-has 10.1.0.99 tell 10.1.0.1: no answer']
		]);
		// the broadcast crosses the switches at once; the requester gives up 3 s later
		const [ask, sw1, sw2, giveUp] = rows.map((h) => h.tMs!);
		expect(ask).toBeLessThan(sw1);
		expect(sw1).toBeLessThan(sw2);
		expect(giveUp - ask).toBeCloseTo(3000, 0);
		// the animation brings the packet to r1, carries the broadcast r1 → sw1 → sw2; r1 gives up where it is
		const steps = buildSteps(t).filter((st) => st.leg === 'request' && st.hop.tMs! >= ask);
		expect(steps.map((st) => st.path)).toEqual([
			[{ node: 'h1', iface: 'eth0' }, { node: 'r1', iface: 'eth0' }],
			[{ node: 'r1', iface: 'eth1' }, { node: 'sw1', iface: 'p1' }],
			[{ node: 'sw1', iface: 'p1' }, { node: 'sw2', iface: 'p1' }],
			[{ node: 'r1', iface: 'eth1' }]
		]);
		// a lesson points at the row where nobody answered, not at the asking
		expect(decisiveHop(t)?.hop.detail).toBe('who-has 10.1.0.99 tell 10.1.0.1: no answer');
		expect(t.verdict).toBe(`Host unreachable: nobody answered r1's ARP for 10.1.0.99; 10.0.0.1 answered "host unreachable".`);
	});

	it('an answered ARP adds no flood rows', () => {
		const t = probe(lan, { from: 'h1', to: 'srv' }, true);
		expect(t.request.some((h) => h.detail?.includes('flooded on VLAN'))).toBe(false);
		expect(t.request.filter((h) => h.action === 'ARP')).toEqual([]);
	});
});
