// scripts/gen-large.mjs: the benchmark designs load, and lint says what each shape is built to show.
import { describe, expect, it } from 'vitest';
import { generate, serialize } from '../../scripts/gen-large.mjs';
import { loadTopology } from '../../src/lib/model/load';
import { lintTopology } from '../../src/lib/model/lint';

async function lintOf(nodes: number, shape: string, format: string) {
	const file = `g.vnet.${format}`;
	const r = loadTopology(await serialize(generate({ nodes, shape }), format), file);
	if (!r.ok) throw new Error(r.errors[0].message);
	const findings = lintTopology(r.topology, { file, locate: (p) => r.source?.locate(p) ?? { line: 0, col: 0 } });
	return { topology: r.topology, rules: findings.map((d) => d.rule) };
}

describe('gen-large', () => {
	it('racks: a routed design of exactly N nodes with nothing to warn about', async () => {
		for (const format of ['json', 'yaml']) {
			const { topology, rules } = await lintOf(340, 'racks', format);
			expect(Object.keys(topology.nodes)).toHaveLength(340);
			expect(rules).toEqual([]);
		}
	});

	it('flat: N unlinked hosts, each isolated', async () => {
		const { topology, rules } = await lintOf(50, 'flat', 'json');
		expect(Object.keys(topology.nodes)).toHaveLength(50);
		expect(rules).toEqual(Array(50).fill('node-isolated'));
	});

	it('lan: one segment where every host lacks the gateway the router offers', async () => {
		const { rules } = await lintOf(40, 'lan', 'json');
		expect(rules).toEqual(Array(38).fill('missing-gateway'));
	});
});
