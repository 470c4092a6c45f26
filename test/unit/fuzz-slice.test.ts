/**
 * A short seeded slice of the fuzzer (`npm run fuzz` runs the long one): 200
 * hostile variants of the shipped designs (and of labs in the shape of real
 * containerlab and GNS3 ones) through load, lint, the engine, exports, imports
 * and the worker API. Any crash or unlocated error fails.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeCase, runCase, MUTATION_NAMES, type Finding } from '../fuzz/core';

const dir = path.resolve(import.meta.dirname, '../../topologies');
const labs = path.resolve(import.meta.dirname, '../fixtures/real-labs');
// the example designs, and labs in the shape of real ones for the importers (the real-lab mutation)
const corpus = [
	...readdirSync(dir)
		.filter((f) => f.endsWith('.vnet.yaml'))
		.map((file) => ({ file, text: readFileSync(path.join(dir, file), 'utf8') })),
	...readdirSync(labs)
		.filter((f) => /\.clab\.ya?ml$|\.gns3$/.test(f))
		.map((file) => ({ file, text: readFileSync(path.join(labs, file), 'utf8') }))
];

describe('fuzz slice (seed 17, 200 cases)', () => {
	it('no crash and no unlocated error', async () => {
		expect(corpus.length).toBeGreaterThan(5);
		const findings: Finding[] = [];
		const mutations = new Set<string>();
		for (let i = 0; i < 200; i++) {
			const c = makeCase(17_000 + i, corpus);
			mutations.add(c.mutation);
			findings.push(...(await runCase(c)));
		}
		expect(findings).toEqual([]);
		// the slice exercises every mutation
		expect([...mutations].sort()).toEqual([...MUTATION_NAMES].sort());
	}, 300_000);
});
