// `npm run fuzz [-- --seed N --cases N --minutes M]`: the long fuzz run (issue #17).
// Cases and oracle are test/fuzz/core.ts (bundled here with esbuild); they run in a
// worker thread with a 1 GiB heap, watched case by case: a case that runs past
// 10 s is a hang, a heap overflow a memory finding, and the thread is replaced to
// go on. Scenarios run through `vnet simulate` in a child process with the same
// hard timeout (a scenario is not yet bounded by its own budget). Exit 1 on any finding.
import { build } from 'esbuild';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SEED = arg('seed', 1);
const CASES = arg('cases', 2000);
const MINUTES = arg('minutes', 10);
const CASE_MS = 10_000;
const HEAP_MB = 1024;
const SIMULATE_EVERY = 10; // every 10th case with a scenario also runs `vnet simulate`

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'vnet-fuzz-'));
const bundle = path.join(work, 'core.cjs');
await build({ entryPoints: [path.join(root, 'test/fuzz/core.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
spawnSync(process.execPath, [path.join(root, 'scripts/build-cli.mjs')], { cwd: root, stdio: 'inherit' });

const dir = path.join(root, 'topologies');
const labs = path.join(root, 'test/fixtures/real-labs');
// the example designs, and labs in the shape of real ones for the importers
const corpus = [
	...readdirSync(dir)
		.filter((f) => f.endsWith('.vnet.yaml'))
		.map((file) => ({ file, text: readFileSync(path.join(dir, file), 'utf8') })),
	...readdirSync(labs)
		.filter((f) => /\.clab\.ya?ml$|\.gns3$/.test(f))
		.map((file) => ({ file, text: readFileSync(path.join(labs, file), 'utf8') }))
];

// The thread: makes and runs cases on request, posting 'start' before each.
const THREAD = `
import { parentPort, workerData } from 'node:worker_threads';
const { makeCase, runCase, scenariosOf } = await import(workerData.bundle);
parentPort.on('message', async (seed) => {
	let c;
	try { c = makeCase(seed, workerData.corpus); } catch (e) { parentPort.postMessage({ seed, findings: [{ seed, mutation: '?', stage: 'make', message: String(e) }] }); return; }
	parentPort.postMessage({ seed, start: true, mutation: c.mutation, kind: c.kind, text: c.text, file: c.file, scenarios: scenariosOf(c) });
	const findings = await runCase(c);
	parentPort.postMessage({ seed, findings });
});
`;
const threadFile = path.join(work, 'thread.mjs');
writeFileSync(threadFile, THREAD);

const findings = [];
const deadline = Date.now() + MINUTES * 60_000;
let thread = null;
let ran = 0;
let simulated = 0;

function spawnThread() {
	thread = new Worker(threadFile, { workerData: { bundle, corpus }, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
}

function runOne(seed) {
	return new Promise((resolve) => {
		let current = null;
		const timer = setTimeout(() => {
			findings.push({ seed, mutation: current?.mutation ?? '?', stage: 'hang', message: `no answer after ${CASE_MS / 1000} s` });
			thread.terminate();
			thread = null;
			resolve(current);
		}, CASE_MS);
		const onMessage = (m) => {
			if (m.start) return void (current = m);
			clearTimeout(timer);
			thread.off('message', onMessage);
			thread.off('error', onError);
			findings.push(...m.findings);
			resolve(current);
		};
		const onError = (e) => {
			clearTimeout(timer);
			const memory = /heap|memory|ERR_WORKER_OUT_OF_MEMORY/i.test(String(e?.code ?? '') + String(e?.message ?? ''));
			findings.push({ seed, mutation: current?.mutation ?? '?', stage: memory ? 'memory' : 'crash', message: String(e?.message ?? e).slice(0, 300) });
			thread = null;
			resolve(current);
		};
		thread.on('message', onMessage);
		thread.on('error', onError);
		thread.postMessage(seed);
	});
}

function simulate(c) {
	const scenario = c.scenarios.includes('fz') ? 'fz' : c.scenarios[0];
	if (!scenario) return;
	const file = path.join(work, `case-${c.seed}${c.file.endsWith('.json') ? '.vnet.json' : '.vnet.yaml'}`);
	writeFileSync(file, c.text);
	const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, path.join(root, 'bin/vnet.cjs'), 'simulate', file, '--scenario', scenario, '--json'], { timeout: CASE_MS, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	simulated++;
	rmSync(file, { force: true });
	if (r.error?.code === 'ETIMEDOUT' || r.signal) findings.push({ seed: c.seed, mutation: c.mutation, stage: 'simulate', message: `vnet simulate --scenario ${scenario}: ${r.signal ? `killed (${r.signal}) after ${CASE_MS / 1000} s` : 'timed out'} (engine: a scenario budget is needed)` });
	else if (/\n\s+at .+:\d+:\d+\)?/.test(r.stderr ?? '')) findings.push({ seed: c.seed, mutation: c.mutation, stage: 'simulate', message: `stack trace: ${r.stderr.split('\n').slice(0, 3).join(' | ')}` });
}

for (let i = 0; i < CASES && Date.now() < deadline; i++) {
	if (!thread) spawnThread();
	const seed = SEED * 1_000_003 + i;
	const c = await runOne(seed);
	ran++;
	if (c && c.scenarios?.length && (c.mutation === 'absurd-scenario' || i % SIMULATE_EVERY === 0)) simulate(c);
	if (ran % 100 === 0) console.log(`${ran} cases, ${simulated} simulated, ${findings.length} findings`);
}
await thread?.terminate();
rmSync(work, { recursive: true, force: true });

console.log(`fuzz: seed ${SEED}, ${ran} cases, ${simulated} simulated, ${findings.length} findings`);
for (const f of findings) console.log(`  seed ${f.seed} [${f.mutation}] ${f.stage}: ${f.message.replace(/\n/g, ' | ')}`);
process.exit(findings.length ? 1 : 0);
