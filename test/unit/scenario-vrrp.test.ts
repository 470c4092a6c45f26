import { describe, expect, it } from 'vitest';
import { simulate, flow, topo } from './scenario-helpers';
import { runChecks, buildNet } from '../../src/lib/engine/index';

// client — sw1 — (r1 | r2) — sw2 — server, VRRP on both sides, r1 priority 200.
const net = (advert = '1s', at = '3s', extra = '') => `
vnet: 1
name: vrrp
nodes:
  client: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1 } } }
  sw1: { kind: switch }
  r1:
    kind: router
    interfaces:
      lan: { ip: 10.0.0.2/24, vrrp: { group: 1, vip: 10.0.0.1, priority: 200, advert: ${advert} } }
      dc: { ip: 10.0.1.2/24, vrrp: { group: 2, vip: 10.0.1.1, priority: 200, advert: ${advert} } }
  r2:
    kind: router
    interfaces:
      lan: { ip: 10.0.0.3/24, vrrp: { group: 1, vip: 10.0.0.1, advert: ${advert} } }
      dc: { ip: 10.0.1.3/24, vrrp: { group: 2, vip: 10.0.1.1, advert: ${advert} } }
  sw2: { kind: switch }
  server: { kind: host, interfaces: { eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1 } }, services: [udp/5000] }
links:
  - { a: client.eth0, b: sw1.p1 }
  - { a: r1.lan, b: sw1.p2 }
  - { a: r2.lan, b: sw1.p3 }
  - { a: r1.dc, b: sw2.p1 }
  - { a: r2.dc, b: sw2.p2 }
  - { a: server.eth0, b: sw2.p3 }
scenarios:
  fail:
    duration: 10s
    seed: 1
    traffic:
      - { name: video, from: client, to: server, proto: udp, port: 5000, rate: 1000pps, size: 1200 }
    events:
      - { at: ${at}, fail: r1 }
${extra}
`;

describe('scenario: VRRP failover', () => {
	it('a fault just after an advert costs the full master-down interval: 3 + 156/256 s = 3.609 s', () => {
		const r = simulate(net('1s', '3000500us'), 'fail');
		const f = flow(r, 'video');
		expect(f.failovers).toHaveLength(1);
		const fo = f.failovers[0].failoverMs!;
		// r2 becomes master at 3 s (last advert) + 3.609375 s; the fault was at 3.0005 s
		expect(fo).toBeGreaterThan(3609.375 - 0.5);
		expect(fo).toBeLessThan(3609.375 - 0.5 + 1 + 0.5); // ± one packet interval
		expect(r.events.map((e) => e.what)).toContain('r2 becomes VRRP master (group 1, 10.0.0.3 on lan)');
		expect(r.events.find((e) => e.what.startsWith('r2 becomes VRRP master'))!.atS).toBeCloseTo(6.609375, 6);
	});

	it('a fault at an advert tick: the advert due then is not sent (faults before timers), 2.609 s', () => {
		const r = simulate(net('1s', '3s'), 'fail');
		const f = flow(r, 'video');
		const fo = f.failovers[0].failoverMs!;
		expect(fo).toBeGreaterThan(2609.375);
		expect(fo).toBeLessThan(2609.375 + 1 + 0.5);
		// every packet sent between the fault and the takeover is lost, none after
		expect(f.lost).toBe(Math.ceil(2609.375));
		expect(f.failovers[0].lost).toBe(f.lost);
		expect(r.events.some((e) => e.what.includes('gratuitous ARP'))).toBe(true);
	});

	it('faster adverts fail over faster (advert 100ms: 0.36 s worst case)', () => {
		const r = simulate(net('100ms', '3000500us'), 'fail');
		const fo = flow(r, 'video').failovers[0].failoverMs!;
		expect(fo).toBeGreaterThan(360.9375 - 0.5);
		expect(fo).toBeLessThan(360.9375 + 1);
	});

	it('a restored higher-priority router takes over again after its own master-down interval (preemption)', () => {
		const extra = `      - { at: 6s, restore: r1 }`;
		const yaml = net('1s', '2s').replace('      - { at: 2s, fail: r1 }\n', '      - { at: 2s, fail: r1 }\n' + extra + '\n');
		const r = simulate(yaml, 'fail');
		const ev = r.events.map((e) => `${e.atS} ${e.what}`);
		// r1 is back at 6 s and becomes master at 6 + 3 + 56/256 s
		expect(ev).toContain(`${6 + 3 + 56 / 256} r1 becomes VRRP master (group 1, 10.0.0.2 on lan)`);
		expect(ev).toContain(`${6 + 3 + 56 / 256} r2: VRRP backup (group 1)`);
		const f = flow(r, 'video');
		expect(f.failovers).toHaveLength(2);
		// failback: traffic keeps flowing through r2 until r1 takes over; little or no loss
		expect(f.failovers[1].lost).toBeLessThanOrEqual(1);
	});

	it('runs as a scenario check in vnet check', () => {
		const yaml = net('1s', '3s') + `checks:\n  - { scenario: fail, flow: video, max-failover: 2700ms, max-loss: 2700 }\n  - { scenario: fail, flow: video, max-failover: 2s }\n`;
		const t = topo(yaml);
		const res = runChecks(t, buildNet(t));
		expect(res[0].ok).toBe(true);
		expect(res[0].got.lost).toBe(2610);
		expect((res[0].got.failovers as { failoverMs: number }[])[0].failoverMs).toBeGreaterThan(2609);
		expect(res[0].expected).toMatchObject({ scenario: 'fail', flow: 'video', 'max-failover': '2.7s', 'max-loss': 2700 });
		expect(res[1].ok).toBe(false);
		expect(res[1].message).toMatch(/failover 26\d\d\.\d+ ms, expected at most 2s/);
	});
});

describe('scenario: VRRP loss reasons', () => {
	it('say what the network did with the stale ARP entry (the old master\'s MAC, flooded, discarded), with the same figures', () => {
		const r = simulate(net(), 'fail');
		const f = flow(r, 'video');
		const reasons = Object.entries(f.drops);
		expect(reasons).toHaveLength(1);
		const [why, n] = reasons[0];
		expect(n).toBe(f.lost);
		expect(why).toBe("DROPPED: sent to the old master's MAC 00:00:5e:00:01:01 (VRRP, r1): client's ARP entry for 10.0.0.1 is stale; sw1 forgot that MAC when p2 lost carrier and floods the frame; nobody owns the MAC now, so it is discarded");
		expect(why).not.toMatch(/ARP failed/);
	});

	it('a sender that never reached the master keeps the real ARP failure (no entry to be stale)', () => {
		// r1 fails at 0 s, before the first packet (faults come first at equal times)
		const r = simulate(net('1s', '0s'), 'fail');
		expect(Object.keys(flow(r, 'video').drops)).toEqual(['HOST_UNREACHABLE: ARP failed at client']);
	});
});
