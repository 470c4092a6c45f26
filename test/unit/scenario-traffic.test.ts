import { describe, expect, it } from 'vitest';
import { simulate, flow } from './scenario-helpers';
import { SplitMix64 } from '../../src/lib/engine/scenario/index';

describe('splitmix64', () => {
	it('matches the reference sequence for seed 0 and 1', () => {
		const a = new SplitMix64(0);
		expect(a.next().toString(16)).toBe('e220a8397b1dcdaf');
		expect(a.next().toString(16)).toBe('6e789e6aa1b965f4');
		const b = new SplitMix64(1);
		expect(b.next().toString(16)).toBe('910a2dec89025cc1');
	});
});

const pair = (mtu: number, opts: { bw?: string; window?: string; loss?: number; rate?: string; size?: number; queue?: number; seed?: number } = {}) => `
vnet: 1
name: pair
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24, mtu: ${mtu} } }, services: [udp/9, tcp/2049] }
  sw: { kind: switch, interfaces: { p1: { mtu: ${mtu} }, p2: { mtu: ${mtu} } } }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24, mtu: ${mtu} } }, services: [udp/9, tcp/2049] }
links:
  - { a: a.eth0, b: sw.p1, bandwidth: ${opts.bw ?? '10Gbps'}, latency: 50us${opts.loss !== undefined ? `, loss: ${opts.loss}` : ''}${opts.queue !== undefined ? `, queue: ${opts.queue}` : ''} }
  - { a: sw.p2, b: b.eth0, bandwidth: ${opts.bw ?? '10Gbps'}, latency: 50us }
scenarios:
  bulk:
    duration: 1s
    seed: ${opts.seed ?? 1}
    traffic:
      - { name: nfs, kind: bulk, from: a, to: b, port: 2049${opts.window ? `, window: ${opts.window}` : ''} }
  cbr:
    duration: 1s
    seed: ${opts.seed ?? 1}
    traffic:
      - { name: f, from: a, to: b, proto: udp, port: 9, rate: ${opts.rate ?? '10000pps'}, size: ${opts.size ?? 1000} }
`;

describe('bulk goodput', () => {
	it('jumbo frames: 94.9 % of the bottleneck at MTU 1500, 99.1 % at 9000', () => {
		const g1500 = flow(simulate(pair(1500), 'bulk'), 'nfs').goodputMbps!;
		const g9000 = flow(simulate(pair(9000), 'bulk'), 'nfs').goodputMbps!;
		expect(g1500).toBeCloseTo((10000 * 1460) / 1538, 2);
		expect(g9000).toBeCloseTo((10000 * 8960) / 9038, 2);
		expect(g1500 / 10000).toBeCloseTo(0.949, 3);
		expect(g9000 / 10000).toBeCloseTo(0.991, 3);
	});
	it('a TCP window limits goodput to window / RTT (RTT of an M-byte segment and a 40-byte ACK at rest)', () => {
		const r = simulate(pair(1500, { window: '64KiB' }), 'bulk');
		const g = flow(r, 'nfs').goodputMbps!;
		// RTT: segment 1500 B + 38 over two 10G links (1.2304 us each) + 2 × 50 us + delays a 10, sw 5, b 10 us;
		// ACK 40 B padded to 46 + 38 = 84 B (0.0672 us per link) + the same latencies and delays
		const seg = 2 * (1538 * 8) / 10e9 * 1e9 + 100e3 + 25e3;
		const ack = 2 * (84 * 8) / 10e9 * 1e9 + 100e3 + 25e3;
		const rtt = (seg + ack) / 1e9;
		expect(g).toBeCloseTo((65536 * 8) / rtt / 1e6, 1); // serialization rounds to integer ns
	});
});

describe('cbr traffic, queues and loss', () => {
	it('sends packet i at floor(i·1e9/rate) for i/rate < duration and delivers at the path latency', () => {
		const r = simulate(pair(1500, { rate: '3pps' }), 'cbr');
		const f = flow(r, 'f');
		expect(f.sent).toBe(3);
		// 1028-byte packet + 38 wire bytes twice at 10G, 2 × 50 us, delays 10 + 5 + 10 us
		const base = (2 * (1066 * 8)) / 10e9 * 1e3 + 0.1 + 0.025;
		expect(f.latencyMs!.min).toBeCloseTo(base, 4);
		// nearest rank: the 99th percentile of 3 packets is the third
		// the first packet waits for ARP (request and reply over both links, b's delay, the switch twice)
		const arp = (4 * (84 * 8)) / 10e9 * 1e3 + 0.2 + 0.01 + 0.01;
		expect(f.latencyMs!.max).toBeCloseTo(base + arp, 4);
		expect(f.latencyMs!.p99).toBe(f.latencyMs!.max);
		expect(f.latencyMs!.mean).toBeCloseTo((3 * base + arp) / 3, 4);
	});
	it('a link slower than the offered load fills its queue and drops (queue frames)', () => {
		const r = simulate(pair(1500, { bw: '10Mbps', rate: '2000pps', queue: 100 }), 'cbr');
		const f = flow(r, 'f');
		// 1066 wire bytes at 10 Mbps: 852.8 us per frame, about 1173 frames/s
		expect(f.delivered).toBeGreaterThan(1150);
		expect(f.delivered).toBeLessThan(1180 + 100);
		expect(f.drops['queue full']).toBe(f.lost);
		const link = r.links.find((l) => l.link.startsWith('a.eth0'))!;
		expect(link.queueDrops).toBe(f.lost);
		expect(link.utilisation[0]).toBeGreaterThan(0.99);
		// queueing delay up to the full queue
		expect(f.latencyMs!.max).toBeGreaterThan(99 * 0.8528);
	});
	it('loss draws from splitmix64: about loss × packets lost, the same for the same seed', () => {
		const r1 = simulate(pair(1500, { loss: 0.1, rate: '10000pps' }), 'cbr');
		const lost = flow(r1, 'f').lost;
		expect(lost).toBeGreaterThan(900);
		expect(lost).toBeLessThan(1100);
		const r2 = simulate(pair(1500, { loss: 0.1, rate: '10000pps' }), 'cbr');
		expect(flow(r2, 'f').lost).toBe(lost);
		const r3 = simulate(pair(1500, { loss: 0.1, rate: '10000pps', seed: 2 }), 'cbr');
		expect(flow(r3, 'f').lost).not.toBe(lost);
	});
	it('is deterministic: same file and seed, same JSON (except wall time)', () => {
		const strip = (x: object) => JSON.stringify({ ...x, wallSeconds: 0 });
		const y = pair(1500, { loss: 0.02, bw: '100Mbps', rate: '9000pps', queue: 50 });
		expect(strip(simulate(y, 'cbr'))).toBe(strip(simulate(y, 'cbr')));
	});
	it('timeline: delivered packets per flow per bucket', () => {
		const r = simulate(pair(1500, { rate: '1000pps' }), 'cbr');
		expect(r.timeline.bucketMs).toBe(10);
		const tl = r.timeline.delivered.f;
		expect(tl.reduce((a, b) => a + b, 0)).toBe(1000);
		expect(tl[1]).toBe(10);
	});
});
