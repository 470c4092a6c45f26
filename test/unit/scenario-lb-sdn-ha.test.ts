import { describe, expect, it } from 'vitest';
import { simulate, flow } from './scenario-helpers';

describe('scenario: load balancer health checks', () => {
	// client — lb — sw — web1, web2; health every 2s, fall 3, rise 2.
	const yaml = (events: string) => `
vnet: 1
name: lb
nodes:
  client: { kind: host, interfaces: { eth0: { ip: 192.0.2.10/24, gateway: 192.0.2.1 } } }
  lb:
    kind: load-balancer
    interfaces:
      front: { ip: 192.0.2.1/24 }
      back: { ip: 10.0.0.1/24 }
    vip: 192.0.2.100
    port: 80
    pool: [web1:80, web2:80]
    health: { interval: 2s, fall: 3, rise: 2 }
  sw: { kind: switch }
  web1: { kind: host, interfaces: { eth0: { ip: 10.0.0.11/24, gateway: 10.0.0.1 } }, services: [tcp/80, udp/80] }
  web2: { kind: host, interfaces: { eth0: { ip: 10.0.0.12/24, gateway: 10.0.0.1 } }, services: [tcp/80, udp/80] }
links:
  - { a: client.eth0, b: lb.front }
  - { a: lb.back, b: sw.p1 }
  - { a: web1.eth0, b: sw.p2 }
  - { a: web2.eth0, b: sw.p3 }
scenarios:
  s:
    duration: 20s
    seed: 1
    traffic:
      # (192.0.2.10 + 40000) mod 2 = 0 → web1; sport 40001 → web2
      - { name: a, from: client, to: 192.0.2.100, proto: udp, port: 80, rate: 100pps }
      - { name: b, from: client, to: 192.0.2.100, proto: udp, port: 80, sport: 40001, rate: 100pps }
    events:
${events}
`;
	it('a dead backend is removed after fall × interval; its flows move, the others do not notice', () => {
		const r = simulate(yaml('      - { at: 4s, fail: web1 }'), 's');
		const a = flow(r, 'a');
		const b = flow(r, 'b');
		expect(a.path).toContain('web1');
		expect(b.path).toContain('web2');
		// checks at 4, 6, 8 s fail (each known an interval later): removed at 10 s
		expect(a.failovers[0].failoverMs!).toBeGreaterThan(6000);
		expect(a.failovers[0].failoverMs!).toBeLessThan(6000 + 10 + 1);
		expect(a.lost).toBe(600);
		expect(b.lost).toBe(0);
		expect(r.events.map((e) => `${e.atS} ${e.what}`)).toContain('10 lb: backend web1:80 removed (3 failed checks)');
	});
	it('a restored backend returns after rise good checks and takes its flows back', () => {
		const r = simulate(yaml('      - { at: 4s, fail: web1 }\n      - { at: 13s, restore: web1 }'), 's');
		const ev = r.events.map((e) => `${e.atS} ${e.what}`);
		// checks at 14 and 16 s succeed: back at 16 s
		expect(ev).toContain('16 lb: backend web1:80 back in the pool (2 good checks)');
		const a = flow(r, 'a');
		expect(a.failovers[1].lost).toBe(0);
	});
});

describe('scenario: SDN controllers', () => {
	const yaml = (mode: string, failMode: string, events: string, extra = '') => `
vnet: 1
name: sdn
nodes:
  ctl: { kind: sdn-controller, manages: [sw1, sw2, sw3], mode: ${mode}, fail-mode: ${failMode}, channel: 1ms${extra} }
  sw1: { kind: switch }
  sw2: { kind: switch }
  sw3: { kind: switch }
  h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  h2: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } }, services: [udp/9] }
links:
  - { a: h1.eth0, b: sw1.p1 }
  - { a: h2.eth0, b: sw2.p1 }
  - { a: sw1.p2, b: sw2.p2 }
  - { a: sw1.p3, b: sw3.p1 }
  - { a: sw3.p2, b: sw2.p3 }
scenarios:
  s:
    duration: 2s
    seed: 1
    traffic:
      - { name: f, from: h1, to: h2, proto: udp, port: 9, rate: 100pps }
    events:
${events}
`;
	it('reactive: the first packet of a flow pays the controller round trip 2 × channel + delay at each switch', () => {
		const pro = flow(simulate(yaml('proactive', 'standalone', '      []').replace('    events:\n      []', '    events: []'), 's'), 'f');
		const re = flow(simulate(yaml('reactive', 'standalone', '      []').replace('    events:\n      []', '    events: []'), 's'), 'f');
		expect(re.delivered).toBe(pro.delivered);
		// two managed switches on the path (sw1, sw2): 2 × (2 × 1 ms + 50 us)
		expect(re.latencyMs!.max - pro.latencyMs!.max).toBeCloseTo(2 * 2.05, 3);
		expect(re.latencyMs!.min).toBe(pro.latencyMs!.min);
	});
	it('a cut link costs 2 × channel + delay; with fast-failover nothing but the packets in flight', () => {
		const ev = '      - { at: 1000500us, fail: { link: sw1.p2 } }';
		const slow = flow(simulate(yaml('proactive', 'secure', ev), 's'), 'f');
		expect(slow.failovers[0].failoverMs!).toBeGreaterThan(9.5); // next packet at 1.01 s
		expect(slow.failovers[0].failoverMs!).toBeLessThan(10);
		const ev2 = '      - { at: 1009000us, fail: { link: sw1.p2 } }';
		const r2 = flow(simulate(yaml('proactive', 'secure', ev2), 's'), 'f');
		expect(r2.lost).toBe(1); // the packet sent at 1.010 s meets the stale flows (1.009 + 2.05 ms)
		const fast = flow(simulate(yaml('proactive', 'secure', ev2, ', fast-failover: true'), 's'), 'f');
		expect(fast.lost).toBe(0);
	});
	it('secure fail-mode keeps installed flows and drops new ones; standalone learns', () => {
		// controller lost after the flow is installed: nothing lost either way
		const later = '      - { at: 1s, fail: ctl }';
		expect(flow(simulate(yaml('reactive', 'secure', later), 's'), 'f').lost).toBe(0);
		// controller lost before the first packet: secure drops the new flow, standalone learns
		const first = '      - { at: 0s, fail: ctl }';
		const secure = flow(simulate(yaml('reactive', 'secure', first), 's'), 'f');
		expect(secure.delivered).toBe(0);
		expect(Object.keys(secure.drops)).toContain('no flow entry, controller down (fail-mode secure)');
		const standalone = yaml('reactive', 'standalone', first).replace('  - { a: sw1.p3, b: sw3.p1 }\n  - { a: sw3.p2, b: sw2.p3 }\n', '');
		expect(flow(simulate(standalone, 's'), 'f').lost).toBe(0);
	});
	it('standalone without a controller on a loop of switches is a broadcast storm', () => {
		const f = flow(simulate(yaml('proactive', 'standalone', '      - { at: 0s, fail: ctl }'), 's'), 'f');
		expect(f.delivered).toBe(0);
		expect(Object.keys(f.drops)[0]).toMatch(/storm/);
	});
});

describe('scenario: hypervisor HA', () => {
	const yaml = `
vnet: 1
name: ha
nodes:
  client: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24 } } }
  sw: { kind: switch }
  hv1: { kind: hypervisor, interfaces: { eth0: { ip: 10.0.0.2/24 } }, ha: { restart: 30s, to: hv2 } }
  hv2: { kind: hypervisor, interfaces: { eth0: { ip: 10.0.0.3/24 } } }
  vm1: { kind: vm, on: hv1, interfaces: { eth0: { ip: 10.0.0.50/24, attach: bridged } }, services: [udp/9] }
links:
  - { a: client.eth0, b: sw.p1 }
  - { a: hv1.eth0, b: sw.p2 }
  - { a: hv2.eth0, b: sw.p3 }
scenarios:
  s:
    duration: 40s
    seed: 1
    traffic:
      - { name: f, from: client, to: vm1, proto: udp, port: 9, rate: 100pps }
    events:
      - { at: 5s, fail: hv1 }
`;
	it('guests restart on ha.to after restart, same address and MAC', () => {
		const r = simulate(yaml, 's');
		const f = flow(r, 'f');
		expect(f.path).toContain('hv1:bridge:eth0');
		expect(f.failovers[0].failoverMs!).toBeGreaterThan(30000);
		expect(f.failovers[0].failoverMs!).toBeLessThan(30000 + 1);
		expect(f.lost).toBe(3000);
		const ev = r.events.map((e) => `${e.atS} ${e.what}`);
		expect(ev).toContain('5 hv1: guests down: vm1');
		expect(ev).toContain('35 vm1 restarted on hv2 (HA)');
	});
});
