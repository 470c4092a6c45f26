import { describe, expect, it } from 'vitest';
import { simulate, flow, topo } from './scenario-helpers';
import { buildNet, ProbeEngine } from '../../src/lib/engine/index';

describe('scenario: bond active-backup', () => {
	// server with bond0 over eth0/eth1 to two ports of one switch; a client on the switch.
	const yaml = (miimon: string, at: string, fault = '{ link: server.eth0 }') => `
vnet: 1
name: bond
nodes:
  client: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24 } } }
  sw: { kind: switch }
  server:
    kind: host
    interfaces:
      eth0: {}
      eth1: {}
      bond0: { ip: 10.0.0.20/24, bond: { members: [eth0, eth1], miimon: ${miimon} } }
    services: [udp/9]
links:
  - { a: client.eth0, b: sw.p1 }
  - { a: server.eth0, b: sw.p2 }
  - { a: server.eth1, b: sw.p3 }
scenarios:
  cut:
    duration: 5s
    seed: 1
    traffic:
      - { name: in, from: client, to: server, proto: udp, port: 9, rate: 1000pps }
      - { name: out, from: server, to: client, proto: udp, port: 9, rate: 1000pps }
    events:
      - { at: ${at}, fail: ${fault} }
`;
	it('moves to the next member at the first miimon tick after the fault (≤ miimon + one packet)', () => {
		const r = simulate(yaml('100ms', '2030ms'), 'cut');
		for (const name of ['in', 'out']) {
			const fo = flow(r, name).failovers[0].failoverMs!;
			// switch at 2.1 s: 70 ms after the fault, plus the path
			expect(fo).toBeGreaterThan(70);
			expect(fo).toBeLessThan(70 + 1 + 0.5);
			expect(fo).toBeLessThanOrEqual(100 + 1 + 0.5);
		}
		expect(r.events.map((e) => e.what)).toContain('server.bond0: bond fails over to eth1 (miimon 100 ms)');
		expect(r.events.find((e) => e.what.startsWith('server.bond0'))!.atS).toBe(2.1);
	});
	// a member taken administratively down (`fail: server.eth0`) is noticed at the next
	// miimon tick, like a cut cable, not at once (spec: timers)
	it('a member taken administratively down fails over at the next tick, losing the frames until then, as a cut cable does', () => {
		const admin = simulate(yaml('100ms', '2030ms', 'server.eth0'), 'cut');
		const cable = simulate(yaml('100ms', '2030ms'), 'cut');
		for (const name of ['in', 'out']) {
			const a = flow(admin, name);
			const c = flow(cable, name);
			// switch at 2.1 s: 70 ms after the fault, about 70 packets lost at 1000 pps
			expect(a.failovers[0].failoverMs!).toBeGreaterThan(70);
			expect(a.failovers[0].failoverMs!).toBeLessThan(71.5);
			expect(a.failovers[0].lost).toBeGreaterThanOrEqual(69);
			expect(a.failovers[0].lost).toBe(c.failovers[0].lost);
			expect(a.lost).toBe(c.lost);
		}
		const ev = admin.events.find((e) => e.what.startsWith('server.bond0'))!;
		expect(ev).toEqual({ atS: 2.1, what: 'server.bond0: bond fails over to eth1 (miimon 100 ms)' });
	});

	it('loss reasons say where the frames went until the bond moved (stale ARP and MAC tables, not "ARP failed")', () => {
		const r = simulate(yaml('100ms', '2030ms', 'server.eth0'), 'cut');
		const inbound = Object.keys(flow(r, 'in').drops);
		expect(inbound).toHaveLength(1);
		expect(inbound[0]).toMatch(/^DROPPED: sent to server's MAC [0-9a-f:]{17}: client's ARP entry for 10\.0\.0\.20 is stale; sw forgot that MAC when p2 lost carrier and floods the frame; server\.bond0 hears it only on eth1, not its active member, and drops it$/);
		expect(Object.keys(flow(r, 'out').drops)).toEqual(["DROPPED: server.bond0 still sends on eth0, which has no carrier, until the bond's next miimon check"]);
	});

	it('a fault on a tick waits for the next one (strictly after)', () => {
		const r = simulate(yaml('100ms', '2s'), 'cut');
		const fo = flow(r, 'in').failovers[0].failoverMs!;
		expect(fo).toBeGreaterThan(100);
		expect(fo).toBeLessThan(101.5);
	});
});

// r1 and r2 joined twice: directly through two switches (cost 10 each side) and
// through r3 (cost 50). BFD 50ms × 3, spf-delay 50ms. No static routes: OSPF only.
const ospf = (at: string, bfd = true) => `
vnet: 1
name: ospf
nodes:
  client: { kind: host, interfaces: { eth0: { ip: 10.1.0.10/24, gateway: 10.1.0.1 } } }
  server: { kind: host, interfaces: { eth0: { ip: 10.2.0.10/24, gateway: 10.2.0.1 } }, services: [udp/9] }
  r1:
    kind: router
    ospf: { ${bfd ? 'bfd: { interval: 50ms, multiplier: 3 }, ' : ''}spf-delay: 50ms, passive: [lan] }
    interfaces:
      lan: { ip: 10.1.0.1/24 }
      core: { ip: 10.0.12.1/24 }
      alt: { ip: 10.0.13.1/24, cost: 50 }
  r2:
    kind: router
    ospf: { ${bfd ? 'bfd: { interval: 50ms, multiplier: 3 }, ' : ''}spf-delay: 50ms, passive: [lan] }
    interfaces:
      lan: { ip: 10.2.0.1/24 }
      core: { ip: 10.0.12.2/24 }
      alt: { ip: 10.0.23.2/24, cost: 50 }
  r3:
    kind: router
    ospf: { ${bfd ? 'bfd: { interval: 50ms, multiplier: 3 }' : ''} }
    interfaces:
      a: { ip: 10.0.13.3/24 }
      b: { ip: 10.0.23.3/24 }
  swA: { kind: switch }
  swB: { kind: switch }
links:
  - { a: client.eth0, b: r1.lan }
  - { a: server.eth0, b: r2.lan }
  - { a: r1.core, b: swA.p1 }
  - { a: swA.p2, b: swB.p1 }
  - { a: swB.p2, b: r2.core }
  - { a: r1.alt, b: r3.a }
  - { a: r3.b, b: r2.alt }
scenarios:
  cut:
    duration: 3s
    seed: 1
    traffic:
      - { name: f, from: client, to: server, proto: udp, port: 9, rate: 1000pps }
    events:
      - { at: ${at}, fail: { link: swA.p2 } }
`;

describe('OSPF', () => {
	it('probes use the converged OSPF routes (lowest cost; the hops show the path)', () => {
		const net = buildNet(topo(ospf('1s')));
		const t = new ProbeEngine(net).run({ from: 'client', to: 'server' }, { hops: true });
		expect(t.disposition).toBe('DELIVERED');
		expect(t.hops).toEqual(['10.1.0.1', '10.0.12.2', '10.2.0.10']);
		const r1 = net.nodes[net.nodeIndex.get('r1')!];
		expect(r1.allRoutes.map((r) => r.text)).toContain('10.2.0.0/24 via 10.0.12.2 dev core (OSPF, cost 20)');
	});

	it('a static route beats OSPF for the same prefix', () => {
		const yaml = ospf('1s').replace('    ospf: { bfd: { interval: 50ms, multiplier: 3 }, spf-delay: 50ms, passive: [lan] }\n    interfaces:\n      lan: { ip: 10.1.0.1/24 }', '    ospf: { bfd: { interval: 50ms, multiplier: 3 }, spf-delay: 50ms, passive: [lan] }\n    routes: [{ to: 10.2.0.0/24, via: 10.0.13.3 }]\n    interfaces:\n      lan: { ip: 10.1.0.1/24 }');
		const t = new ProbeEngine(buildNet(topo(yaml))).run({ from: 'client', to: 'server' }, { hops: true });
		// r3 answers from 10.0.13.3; r2's time-exceeded leaves by its route back to
		// the client (OSPF, via core), so traceroute prints 10.0.12.2 (Linux behaviour)
		expect(t.hops).toEqual(['10.1.0.1', '10.0.13.3', '10.0.12.2', '10.2.0.10']);
		expect(t.request.map((h) => h.node)).toEqual(['client', 'r1', 'r3', 'r2', 'server']);
	});

	it('BFD 50ms × 3 + spf-delay 50ms: about 200 ms when the loss is behind a switch', () => {
		const r = simulate(ospf('1001ms'), 'cut');
		const fo = flow(r, 'f').failovers[0].failoverMs!;
		// last BFD packet at 1.000 s, neighbour down at 1.150 s, SPF at 1.200 s
		expect(fo).toBeGreaterThan(199);
		expect(fo).toBeLessThan(199 + 1 + 0.6);
		const ev = r.events.map((e) => `${e.atS} ${e.what}`);
		expect(ev).toContain('1.15 r1: BFD neighbour r2 (10.0.12.2) down');
		expect(ev.some((e) => e.startsWith('1.2 r1: SPF, '))).toBe(true);
	});

	it('without BFD the dead interval decides (hello 10s, dead 40s)', () => {
		const yaml = ospf('1001ms', false).replace('duration: 3s', 'duration: 45s');
		const r = simulate(yaml, 'cut');
		const fo = flow(r, 'f').failovers[0].failoverMs!;
		// last hello at 0 s, dead at 40 s, SPF at 40.05 s
		expect(fo).toBeGreaterThan(40050 - 1001);
		expect(fo).toBeLessThan(40050 - 1001 + 1.6);
	});

	it('carrier loss on a router interface is detected at once: spf-delay only', () => {
		const yaml = ospf('1001ms').replace('fail: { link: swA.p2 }', 'fail: { link: r1.core }');
		const fo = flow(simulate(yaml, 'cut'), 'f').failovers[0].failoverMs!;
		expect(fo).toBeGreaterThan(50);
		expect(fo).toBeLessThan(51.6);
	});
});
