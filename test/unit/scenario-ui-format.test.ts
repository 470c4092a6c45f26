// Pure logic of the scenario panel: numbers, timeline markers and their
// label rows, what is failed at a moment and which path a flow takes, the
// plot's series, reaction chips, and the scenario form to and from the file.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { topo } from './scenario-helpers';
import { runScenario } from '../../src/lib/engine/scenario/index';
import {
	failedAt,
	flowSizes,
	formatGoodput,
	formatLatency,
	formatLoss,
	formatMs,
	formatReason,
	formatT,
	groupMarkers,
	labelRows,
	linkIndexOf,
	markerOf,
	pathAt,
	pathLinks,
	plotData,
	reactionChips
} from '../../src/lib/ui/scenario/format';
import { formOf, freshName, scenarioOf, trafficRow } from '../../src/lib/ui/scenario/edit';

const ha = topo(readFileSync('topologies/ha-vrrp.vnet.yaml', 'utf8'));

describe('numbers', () => {
	it('formats milliseconds with sensible precision', () => {
		expect(formatMs(2610.5132)).toBe('2,610.5 ms');
		expect(formatMs(12.3456)).toBe('12.35 ms');
		expect(formatMs(0.2905)).toBe('0.291 ms');
		expect(formatMs(null)).toBe('never');
	});
	it('formats latency, goodput, loss, times and reasons', () => {
		expect(formatLatency({ min: 0.2905, mean: 0.2906, p99: 0.2905, max: 0.7459 })).toBe('0.290 / 0.291 / 0.290'); // as the CLI prints it
		expect(formatLatency(null)).toBe('—');
		expect(formatGoodput(null)).toBe('—');
		expect(formatGoodput(941.176)).toBe('941.2 Mbps');
		expect(formatGoodput(9411.76)).toBe('9.41 Gbps');
		expect(formatGoodput(12.5)).toBe('12.50 Mbps');
		expect(formatLoss({ sent: 10000, lost: 2610 })).toBe('26.1 %');
		expect(formatLoss({ sent: 10000, lost: 0 })).toBe('0 %');
		expect(formatLoss({ sent: 100000, lost: 3 })).toBe('<0.1 %');
		expect(formatLoss({ sent: 0, lost: 0 })).toBe('—');
		expect(formatT(3)).toBe('t=3.000s');
		expect(formatT(5.609375)).toBe('t=5.609s');
		expect(formatReason('HOST_UNREACHABLE: ARP failed at client')).toBe('ARP failed at client (HOST_UNREACHABLE)');
		expect(formatReason('link or node down')).toBe('link or node down');
	});
});

describe('markers', () => {
	it('says faults and restores as a person would', () => {
		expect(markerOf({ atS: 3, what: 'fail r1' })).toMatchObject({ kind: 'fault', label: 'r1 down' });
		expect(markerOf({ atS: 3, what: 'fail link r1.eth1' })).toMatchObject({ kind: 'fault', label: 'cable at r1.eth1 down' });
		expect(markerOf({ atS: 8, what: 'restore r1.eth1' })).toMatchObject({ kind: 'restore', label: 'r1.eth1 back up' });
		expect(markerOf({ atS: 5.6, what: 'r2 becomes VRRP master (group 1, 10.0.0.3 on lan)' })).toMatchObject({ kind: 'reaction', label: 'r2 becomes VRRP master' });
	});

	it('groups the HA run: the fault, then one takeover line (two groups, their ARPs not counted)', () => {
		const r = runScenario(ha, 'r1-failure');
		const g = groupMarkers(r.events);
		expect(g.map((x) => x.label)).toEqual(['t=3.000s r1 down', 't=5.609s r2 becomes VRRP master']);
		expect(g.map((x) => x.kind)).toEqual(['fault', 'reaction']);
		expect(g[1].markers).toHaveLength(4);
	});

	it('counts other news at the same instant, faults first', () => {
		const g = groupMarkers([
			{ atS: 1, what: 'r1: SPF, 2 routes changed' },
			{ atS: 1, what: 'fail sw1' },
			{ atS: 1, what: 'r2: SPF, 3 routes changed' }
		]);
		expect(g).toHaveLength(1);
		expect(g[0].kind).toBe('fault');
		expect(g[0].label).toBe('t=1.000s sw1 down +2');
	});

	it('puts labels in rows so that none overlaps', () => {
		expect(labelRows([0, 50, 100], [40, 40, 40], 5)).toEqual([0, 0, 0]);
		expect(labelRows([0, 20, 45], [40, 40, 40], 5)).toEqual([0, 1, 0]);
		expect(labelRows([0, 10, 20, 30], [100, 100, 100, 100], 5, 3)).toEqual([0, 1, 2, 0]);
		expect(labelRows([], [])).toEqual([]);
	});
});

describe('the network at a moment', () => {
	const t = topo(`vnet: 1
name: m
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  r1: { kind: router, interfaces: { eth0: { ip: 10.0.0.2/24 }, eth1: { ip: 10.0.1.1/24 } } }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.1.2/24 } } }
links:
  - { a: a.eth0, b: r1.eth0 }
  - { a: r1.eth1, b: b.eth0 }
scenarios:
  s:
    duration: 10s
    events:
      - { at: 2s, fail: r1 }
      - { at: 2s, fail: { link: r1.eth1 } }
      - { at: 4s, restore: r1 }
      - { at: 5s, fail: a.eth0 }
      - { at: 6s, restore: { link: r1.eth1 } }
`);
	const ev = t.scenarios.s.events!;

	it('lists what is failed, events at the instant included', () => {
		const at = (s: number) => {
			const f = failedAt(t, ev, s);
			return { nodes: [...f.nodes], ifaces: [...f.ifaces], links: [...f.links] };
		};
		expect(at(0)).toEqual({ nodes: [], ifaces: [], links: [] });
		expect(at(2)).toEqual({ nodes: ['r1'], ifaces: [], links: [1] });
		expect(at(4.5)).toEqual({ nodes: [], ifaces: [], links: [1] });
		expect(at(5)).toEqual({ nodes: [], ifaces: ['a.eth0'], links: [1] });
		expect(at(9)).toEqual({ nodes: [], ifaces: ['a.eth0'], links: [] });
	});

	it('finds the cable of an interface, of a subinterface too', () => {
		expect(linkIndexOf(t, 'r1.eth1')).toBe(1);
		expect(linkIndexOf(t, 'r1.eth1.10')).toBe(1);
		expect(linkIndexOf(t, 'r1.eth9')).toBe(-1);
	});

	it('picks the path of the moment and its cables (HA: r1, lost, r2)', () => {
		const r = runScenario(ha, 'r1-failure', { pathHistory: true });
		const paths = r.flows[0].paths!;
		expect(pathAt(paths, 0)!.nodes).toContain('r1');
		expect(pathAt(paths, 2.999)!.nodes).toContain('r1');
		expect(pathAt(paths, 3)!.ok).toBe(false);
		expect(pathAt(paths, 5.609375)!.nodes).toContain('r2');
		expect(pathAt(paths, 10)!.nodes).toContain('r2');
		expect(pathAt(undefined, 1)).toBeNull();
		const links = pathLinks(ha, pathAt(paths, 6)!).map((i) => `${ha.links[i].a}—${ha.links[i].b}`);
		expect(links).toEqual(['client.eth0—office-sw.p1', 'r2.lan—office-sw.p3', 'r2.dc—dc-sw.p2', 'server.eth0—dc-sw.p3']);
	});

	it('puts reaction words next to their node for a while', () => {
		const r = runScenario(ha, 'r1-failure');
		expect(reactionChips(r.events, ha.nodes, 5, 1)).toEqual([]);
		expect(reactionChips(r.events, ha.nodes, 6, 1)).toEqual([{ node: 'r2', text: 'becomes VRRP master' }]);
		expect(reactionChips(r.events, ha.nodes, 8, 1)).toEqual([]);
	});
});

describe('plot series', () => {
	it('packets per bucket, or payload Mbit/s', () => {
		const r = runScenario(ha, 'r1-failure');
		const sizes = flowSizes(ha.scenarios['r1-failure']);
		expect(sizes).toEqual({ video: 1200 });
		const p = plotData(r, sizes, 'packets');
		expect(p.x).toHaveLength(100);
		expect(p.x[0]).toBe(0.05);
		expect(p.x[99]).toBe(9.95);
		expect(p.series.map((s) => s.name)).toEqual(['video']);
		expect(p.series[0].values[0]).toBe(100);
		expect(p.series[0].values[40]).toBe(0);
		const m = plotData(r, sizes, 'mbps');
		// 100 packets × 1200 B × 8 in 0.1 s = 9.6 Mbit/s
		expect(m.series[0].values[0]).toBeCloseTo(9.6, 9);
	});
});

describe('the scenario form', () => {
	it('shows a scenario as the file writes it and gives it back', () => {
		const f = formOf('r1-failure', ha.scenarios['r1-failure']);
		expect(f.duration).toBe('10s');
		expect(f.seed).toBe('1');
		expect(f.traffic[0]).toMatchObject({ name: 'video', from: 'client', to: 'server', proto: 'udp', port: '5000', rate: '1000pps', size: '1200' });
		expect(f.events).toEqual([{ at: '3s', action: 'fail', target: 'node', value: 'r1' }]);
		const back = scenarioOf(f);
		expect(back).toEqual({
			name: 'r1-failure',
			scenario: {
				duration: '10s',
				seed: 1,
				traffic: [{ name: 'video', from: 'client', to: 'server', proto: 'udp', port: 5000, rate: '1000pps', size: 1200 }],
				events: [{ at: '3s', fail: 'r1' }]
			}
		});
	});

	it('the written scenario loads and runs the same', () => {
		const back = scenarioOf(formOf('r1-failure', ha.scenarios['r1-failure']));
		if ('error' in back) throw new Error(back.error);
		const text = readFileSync('topologies/ha-vrrp.vnet.yaml', 'utf8').replace(/scenarios:[\s\S]*?\nchecks:/, `scenarios:\n  r1-failure: ${JSON.stringify(back.scenario)}\nchecks:`);
		const again = topo(text);
		expect(again.scenarios['r1-failure']).toEqual(ha.scenarios['r1-failure']);
	});

	it('keeps the fields the form does not show, and writes cables and interfaces', () => {
		const f = formOf('s', {
			duration: 5e9,
			traffic: [{ name: 'b', kind: 'bulk', from: 'a', to: 'b', proto: 'tcp', port: 2049, window: 4 * 2 ** 20, sport: 1234 }],
			events: [
				{ at: 1.5e9, fail: { link: 'r1.eth1' } },
				{ at: 2e9, restore: 'r1.eth0' }
			]
		});
		expect(f.traffic[0].kind).toBe('bulk');
		expect(f.traffic[0].rate).toBe('');
		expect(f.events[0]).toEqual({ at: '1.5s', action: 'fail', target: 'link', value: 'r1.eth1' });
		expect(f.events[1].target).toBe('iface');
		const r = scenarioOf(f);
		expect(r).toEqual({
			name: 's',
			scenario: {
				duration: '5s',
				seed: 1,
				traffic: [{ name: 'b', kind: 'bulk', from: 'a', to: 'b', proto: 'tcp', port: 2049, sport: 1234, window: '4MiB' }],
				events: [
					{ at: '1.5s', fail: { link: 'r1.eth1' } },
					{ at: '2s', restore: 'r1.eth0' }
				]
			}
		});
	});

	it('says what is wrong', () => {
		const base = formOf('s', undefined);
		const err = (patch: (f: typeof base) => void) => {
			const f = structuredClone(base);
			patch(f);
			const r = scenarioOf(f);
			return 'error' in r ? r.error : null;
		};
		expect(err(() => {})).toBeNull();
		expect(err((f) => (f.name = '1x'))).toMatch(/name/);
		expect(err((f) => (f.duration = '10'))).toMatch(/^Duration/);
		expect(err((f) => (f.duration = '0s'))).toMatch(/more than 0/);
		expect(err((f) => (f.seed = '-1'))).toMatch(/Seed/);
		expect(err((f) => f.traffic.push({ ...trafficRow(), name: 'v', from: 'a', to: 'b', port: '' }))).toMatch(/Traffic 1 \(v\): the port/);
		expect(err((f) => f.traffic.push({ ...trafficRow(), name: 'v', from: 'a', to: 'b', port: '9', rate: 'fast' }))).toMatch(/rate/);
		expect(err((f) => f.traffic.push({ ...trafficRow(), name: 'v', from: 'a', to: 'b', port: '9', size: '1.5' }))).toMatch(/size/);
		expect(
			err((f) => {
				f.traffic.push({ ...trafficRow(), name: 'v', from: 'a', to: 'b', port: '9' });
				f.traffic.push({ ...trafficRow(), name: 'v', from: 'a', to: 'b', port: '9' });
			})
		).toMatch(/already called v/);
		expect(err((f) => f.events.push({ at: 'soon', action: 'fail', target: 'node', value: 'r1' }))).toMatch(/Event 1: time/);
		expect(err((f) => f.events.push({ at: '1s', action: 'fail', target: 'iface', value: 'r1' }))).toMatch(/node.interface/);
		expect(err((f) => f.events.push({ at: '1s', action: 'fail', target: 'node', value: 'r1.eth0' }))).toMatch(/no dot/);
		expect(err((f) => f.events.push({ at: '1s', action: 'restore', target: 'node', value: '' }))).toMatch(/comes back/);
	});

	it('finds a free name', () => {
		expect(freshName([])).toBe('scenario-1');
		expect(freshName(['scenario-1', 'scenario-2'])).toBe('scenario-3');
	});
});
