// The worker and the CLI give identical answers: for every file of the
// conformance suite, the worker API's JSON (trace for every probe check, the
// checks report, the matrix) equals `node bin/vnet.cjs ... --json`.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createSimApi } from '../../src/lib/worker/api';
import { toMatrixJson, type ProbeSpec } from '../../src/lib/worker/protocol';
import type { ProbeCheck } from '../../src/lib/model/types';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/vnet.cjs');
const dir = path.resolve(import.meta.dirname, '../../../shared/conformance');
const files = readdirSync(dir).filter((f) => f.endsWith('.vnet.yaml')).sort();

interface CliCheckReport {
	passed: number;
	failed: number;
	skipped: number;
	files: { file: string; passed: number; failed: number; skipped: number; results: unknown[] }[];
}
let cliChecks: CliCheckReport;

beforeAll(async () => {
	if (!existsSync(cli)) execFileSync('node', ['scripts/build-cli.mjs'], { cwd: root, stdio: 'ignore' });
	// one `vnet check --json` over every file (one process: this machine is small)
	cliChecks = (await vnet(['check', ...files.map((f) => path.join(dir, f)), '--json'])) as CliCheckReport;
}, 120_000);

/** Up to `max` probe checks of a file, one per disposition, so every kind of outcome is compared. */
function sample(checks: ProbeCheck[], max = 3): ProbeCheck[] {
	const seen = new Set<string>();
	const out: ProbeCheck[] = [];
	for (const c of checks) {
		if (seen.has(c.expect) || out.length >= max) continue;
		seen.add(c.expect);
		out.push(c);
	}
	return out;
}

function traceArgs(file: string, s: ProbeSpec): string[] {
	const a = ['trace', file, '--from', s.from, '--to', s.to, '--json'];
	if (s.proto) a.push('--proto', s.proto);
	if (s.port !== undefined) a.push('--port', String(s.port));
	if (s.sport !== undefined) a.push('--sport', String(s.sport));
	if (s.size !== undefined) a.push('--size', String(s.size));
	if (s.df) a.push('--df');
	if (s.ttl !== undefined) a.push('--ttl', String(s.ttl));
	return a;
}

async function vnet(args: string[]): Promise<unknown> {
	try {
		const { stdout } = await run('node', [cli, ...args], { cwd: root, maxBuffer: 64 << 20 });
		return JSON.parse(stdout);
	} catch (e) {
		// `check` exits 1 when a check fails; its JSON is still the answer
		const out = (e as { stdout?: string }).stdout;
		if (out) return JSON.parse(out);
		throw e;
	}
}

/** Runs the promises with at most `n` at a time (two cores here). */
async function pool<T>(jobs: (() => Promise<T>)[], n = 4): Promise<T[]> {
	const out: T[] = new Array(jobs.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: n }, async () => {
			while (next < jobs.length) {
				const i = next++;
				out[i] = await jobs[i]();
			}
		})
	);
	return out;
}

describe('worker API = CLI on the conformance suite', () => {
	it('has the files', () => expect(files.length).toBeGreaterThanOrEqual(22));

	for (const f of files) {
		it(f, async () => {
			const file = path.join(dir, f);
			const text = readFileSync(file, 'utf8');
			const api = createSimApi();
			const status = api.open(text, file, 1);
			expect(status.errors).toEqual([]);
			expect(status.ok).toBe(true);

			// checks: same report as `vnet check --json` (which leaves out the traces)
			const report = await api.checks(1);
			expect(report.superseded).toBe(false);
			const cliFile = cliChecks.files.find((x) => x.file === file);
			expect(cliFile, `${f} in the CLI's report`).toBeDefined();
			expect({ passed: report.passed, failed: report.failed, skipped: report.skipped }).toEqual({ passed: cliFile!.passed, failed: cliFile!.failed, skipped: cliFile!.skipped });
			const mine = report.results.map(({ trace: _t, label: _l, check: _c, ...r }) => r);
			expect(JSON.parse(JSON.stringify(mine))).toEqual(cliFile!.results);

			// probes of every outcome in the file, traced: byte-for-byte the same JSON as `vnet trace --json`
			const specs = sample(report.results.filter((r) => r.check).map((r) => r.check as ProbeCheck));
			expect(specs.length).toBeGreaterThan(0);
			const cliTraces = await pool(specs.map((c) => () => vnet(traceArgs(file, c))));
			specs.forEach((c, i) => {
				const spec: ProbeSpec = { from: c.from, to: c.to, proto: c.proto ?? 'icmp', port: c.port, sport: c.sport, size: c.size, df: c.df ?? false, ttl: c.ttl };
				expect(JSON.stringify(api.trace(spec), null, 2), `${f} check ${i}: ${c.from} → ${c.to}`).toBe(JSON.stringify(cliTraces[i], null, 2));
			});
		});
	}

	it('matrix of a file = vnet matrix --json', async () => {
		const file = path.join(dir, '18-three-tier-web.vnet.yaml');
		const api = createSimApi();
		api.open(readFileSync(file, 'utf8'), file, 1);
		for (const [proto, port] of [['icmp', undefined], ['tcp', 443]] as const) {
			const m = await api.matrix({ proto, port });
			const args = ['matrix', file, '--json', '--proto', proto];
			if (port) args.push('--port', String(port));
			expect(toMatrixJson(m)).toEqual(await vnet(args));
		}
	});
});
