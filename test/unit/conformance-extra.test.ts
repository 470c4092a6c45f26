// Every check of every file in test/conformance-extra (variants of the
// conformance categories, each confirmed against the Linux kernel with
// ../shared/tools/kernel-oracle.py) must pass.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../../src/lib/model/load';
import { buildNet, runChecks } from '../../src/lib/engine/index';

const dir = path.resolve(import.meta.dirname, '../conformance-extra');
const files = readdirSync(dir).filter((f) => f.endsWith('.vnet.yaml')).sort();

describe('conformance-extra suite', () => {
	it('has the files', () => expect(files.length).toBeGreaterThanOrEqual(10));
	for (const f of files) {
		it(f, () => {
			const r = loadTopology(readFileSync(path.join(dir, f), 'utf8'), f);
			if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
			const results = runChecks(r.topology, buildNet(r.topology));
			const failures = results.filter((x) => !x.ok && !x.skipped).map((x) => `#${x.index}: ${x.message}`);
			expect(failures).toEqual([]);
			expect(results.length).toBe(r.topology.checks.length);
		});
	}
});
