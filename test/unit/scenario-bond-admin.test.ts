import { describe, expect, it } from 'vitest';
import { simulate, flow } from './scenario-helpers';

// Fix: a bond member taken administratively down (`fail: server.eth0`) is noticed
// at the next miimon tick, like a cut cable, not at once.
const yaml = (fault: string) => `
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
      bond0: { ip: 10.0.0.20/24, bond: { members: [eth0, eth1], miimon: 100ms } }
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
      - { at: 2030ms, fail: ${fault} }
`;

describe('scenario: bond member administratively down', () => {
	it('fails over at the next miimon tick, losing the frames until then, as a cut cable does', () => {
		const admin = simulate(yaml('server.eth0'), 'cut');
		const cable = simulate(yaml('{ link: server.eth0 }'), 'cut');
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
});

describe('loss reasons while ARP and MAC tables are stale', () => {
	it('say where the frames went until the bond moved (not "ARP failed")', () => {
		const r = simulate(yaml('server.eth0'), 'cut');
		const inbound = Object.keys(flow(r, 'in').drops);
		expect(inbound).toHaveLength(1);
		expect(inbound[0]).toMatch(/^DROPPED: sent to server's MAC [0-9a-f:]{17}: client's ARP entry for 10\.0\.0\.20 is stale; sw forgot that MAC when p2 lost carrier and floods the frame; server\.bond0 hears it only on eth1, not its active member, and drops it$/);
		expect(Object.keys(flow(r, 'out').drops)).toEqual(["DROPPED: server.bond0 still sends on eth0, which has no carrier, until the bond's next miimon check"]);
	});
});
