import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { topo } from './scenario-helpers';
import { buildNet, runChecks } from '../../src/lib/engine/index';
import { runScenario } from '../../src/lib/engine/scenario/index';

const file = (name: string) => topo(readFileSync(`topologies/${name}`, 'utf8'));

describe('example topologies with scenarios', () => {
	for (const name of ['ha-vrrp.vnet.yaml', 'sdn-fabric.vnet.yaml']) {
		it(`${name}: every check passes, scenario checks included`, () => {
			const t = file(name);
			const res = runChecks(t, buildNet(t));
			expect(res.filter((r) => !r.ok).map((r) => `#${r.index} ${r.message}`)).toEqual([]);
			expect(res.some((r) => 'scenario' in t.checks[r.index])).toBe(true);
		});
	}
	it('ha-vrrp: r1 dies at 3 s on an advert tick, r2 is master at 5.609 s', () => {
		const r = runScenario(file('ha-vrrp.vnet.yaml'), 'r1-failure');
		const f = r.flows[0];
		expect(f.failovers[0].failoverMs!).toBeGreaterThan(2609.375);
		expect(f.failovers[0].failoverMs!).toBeLessThan(2611);
		expect(f.lost).toBe(2610);
	});
	it('sdn-fabric: a cut trunk costs 2 × channel + delay, a lost controller nothing (secure)', () => {
		const t = file('sdn-fabric.vnet.yaml');
		const cut = runScenario(t, 'trunk-cut').flows[0];
		expect(cut.lost).toBe(3);
		expect(cut.failovers[0].failoverMs!).toBeGreaterThan(3);
		expect(cut.failovers[0].failoverMs!).toBeLessThan(4);
		expect(runScenario(t, 'controller-down').flows[0].lost).toBe(0);
	});
});
