// The scenario work budget: estimated before the first packet, refused above
// the budget, and a run that reaches it anyway stops with a partial result.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { topo } from './scenario-helpers';
import { estimateScenario, runScenario, ScenarioBudgetError, startScenario } from '../../src/lib/engine/scenario/index';

const root = path.resolve(import.meta.dirname, '../..');
const ha = topo(readFileSync(path.join(root, 'topologies/ha-vrrp.vnet.yaml'), 'utf8'));

describe('scenario work budget', () => {
	it('estimates packets, packet-hops and events from the schedule and the paths at the start', () => {
		const e = estimateScenario(ha, 'r1-failure');
		expect(e.packets).toBe(10_000);
		// 4 links at rest on r1; the run itself crosses fewer while r1 is down
		expect(e.packetHops).toBe(40_000);
		expect(runScenario(ha, 'r1-failure').packetHops).toBeLessThanOrEqual(e.packetHops);
		expect(e.heaviest).toMatchObject({ flow: 'video', index: 0, packets: 10_000, hops: 4 });
	});

	it('refuses a run above the budget before any packet, naming the estimate and the flow', () => {
		let err: unknown;
		try {
			startScenario(ha, 'r1-failure', { budget: { maxPacketHops: 39_999 } });
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(ScenarioBudgetError);
		const b = err as ScenarioBudgetError;
		expect(b.path).toEqual(['scenarios', 'r1-failure', 'traffic', 0]);
		expect(b.message).toMatch(/about 40,000 packet-hops .*flow video sends 10,000 packets over 4 hops: above the budget of 39,999 packet-hops/);
		expect(() => startScenario(ha, 'r1-failure', { budget: { maxPacketHops: 40_000, maxEvents: 1000 } })).toThrow(/events/);
	});

	it('a run stopped midway (Ctrl-C) reports what it measured, marked partial', () => {
		const run = startScenario(ha, 'r1-failure');
		let asks = 0;
		expect(run.step(() => ++asks >= 3)).toBe(false);
		run.stop('interrupted');
		expect(run.step()).toBe(true);
		const r = run.result();
		expect(r.partial!.reason).toBe('interrupted');
		expect(r.partial!.atS).toBeGreaterThan(0);
		expect(r.partial!.atS).toBeLessThan(10);
		const f = r.flows[0];
		expect(f.sent).toBeGreaterThan(100);
		expect(f.sent).toBeLessThan(10_000);
		expect(f.delivered).toBeLessThanOrEqual(f.sent);
		expect(runScenario(ha, 'r1-failure').partial).toBeUndefined();
	});
});
