// Every check of every file in ../shared/conformance (confirmed against the
// Linux kernel) must pass, for the engine to be trusted.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../../src/lib/model/load';
import { buildNet, runChecks } from '../../src/lib/engine/index';

const dir = path.resolve(import.meta.dirname, '../../../shared/conformance');
const files = readdirSync(dir).filter((f) => f.endsWith('.vnet.yaml')).sort();

describe('conformance suite', () => {
	it('has the files', () => expect(files.length).toBeGreaterThanOrEqual(22));
	for (const f of files) {
		it(f, () => {
			const r = loadTopology(readFileSync(path.join(dir, f), 'utf8'), f);
			if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
			const results = runChecks(r.topology, buildNet(r.topology));
			const failures = results.filter((x) => !x.ok && !x.skipped).map((x) => `#${x.index}: ${x.message}`);
			expect(failures).toEqual([]);
			expect(results.length).toBe(r.topology.checks.length);
		});
	}
});
