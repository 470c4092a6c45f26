// Golden traces: the `vnet trace --json` of every probe check in the shared
// conformance suite, test/conformance-extra and the gallery (topologies/, with
// the lessons' designs), stored under test/golden/. A refactor of the engine
// must not change one byte of them; a deliberate change of behaviour is
// regenerated with `UPDATE_GOLDEN=1 npx vitest run test/unit/golden.test.ts`
// and its diff reviewed in the commit.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../../src/lib/model/load';
import { buildNet, ProbeEngine } from '../../src/lib/engine/index';
import { isScenarioCheck, probeOf } from '../../src/lib/engine/checks';

const root = path.resolve(import.meta.dirname, '../..');
const goldenDir = path.join(root, 'test/golden');
const update = process.env.UPDATE_GOLDEN === '1';

const groups: { name: string; dir: string }[] = [
	{ name: 'conformance', dir: path.resolve(root, '../shared/conformance') },
	{ name: 'conformance-extra', dir: path.join(root, 'test/conformance-extra') },
	{ name: 'gallery', dir: path.join(root, 'topologies') },
	{ name: 'lessons', dir: path.join(root, 'topologies/lessons') }
];

/** One JSON document per file: each probe check with the trace the CLI prints for it. */
function goldenOf(file: string): string {
	const r = loadTopology(readFileSync(file, 'utf8'), path.basename(file));
	if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
	const engine = new ProbeEngine(buildNet(r.topology));
	const entries = r.topology.checks.flatMap((c, index) => {
		if (isScenarioCheck(c)) return [];
		const probe = probeOf(c);
		return [{ index, probe, trace: engine.run(probe, { hops: true }) }];
	});
	return JSON.stringify(entries, null, 2) + '\n';
}

/** The first differing check, as its lines side by side. */
function firstDiff(want: string, got: string): string {
	const w = JSON.parse(want) as { index: number }[];
	const g = JSON.parse(got) as { index: number }[];
	for (let i = 0; i < Math.max(w.length, g.length); i++) {
		const a = JSON.stringify(w[i] ?? null, null, 2).split('\n');
		const b = JSON.stringify(g[i] ?? null, null, 2).split('\n');
		if (a.join('\n') === b.join('\n')) continue;
		const out = [`check #${(w[i] ?? g[i]).index}:`];
		for (let l = 0; l < Math.max(a.length, b.length); l++) {
			if (a[l] === b[l]) continue;
			if (a[l] !== undefined) out.push(`- ${l + 1}: ${a[l]}`);
			if (b[l] !== undefined) out.push(`+ ${l + 1}: ${b[l]}`);
			if (out.length > 40) break;
		}
		return out.join('\n');
	}
	return 'same checks, different bytes (formatting)';
}

describe('golden traces', () => {
	for (const g of groups) {
		const files = readdirSync(g.dir).filter((f) => f.endsWith('.vnet.yaml')).sort();
		it(`${g.name} has files`, () => expect(files.length).toBeGreaterThan(0));
		for (const f of files) {
			it(`${g.name}/${f}`, () => {
				const got = goldenOf(path.join(g.dir, f));
				const target = path.join(goldenDir, g.name, f.replace(/\.vnet\.yaml$/, '.json'));
				if (update) {
					mkdirSync(path.dirname(target), { recursive: true });
					writeFileSync(target, got);
					return;
				}
				if (!existsSync(target)) throw new Error(`no golden ${path.relative(root, target)}: run with UPDATE_GOLDEN=1`);
				const want = readFileSync(target, 'utf8');
				if (want !== got) throw new Error(`${path.relative(root, target)} differs\n${firstDiff(want, got)}`);
			});
		}
	}
	it('has no golden without its file', () => {
		for (const g of groups) {
			const dir = path.join(goldenDir, g.name);
			if (!existsSync(dir)) continue;
			const have = new Set(readdirSync(g.dir).filter((f) => f.endsWith('.vnet.yaml')).map((f) => f.replace(/\.vnet\.yaml$/, '.json')));
			for (const j of readdirSync(dir)) expect(have.has(j), `${g.name}/${j} has no topology`).toBe(true);
		}
	});
});
