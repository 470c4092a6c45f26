// `npm run bench`: speed of the scenario engine and the probe engine on the
// standard benchmark files (../shared/bench): runs each file's `bench`
// scenario packet by packet, checks its `max-loss` checks, and reports
// simulated packets, packet-hops, wall seconds, packet-hops/s and peak memory;
// then probe figures (ms per probe on chain-100, compile time and the full
// reachability matrix of the leaf-spine).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const benchDir = resolve(root, process.env.VNET_BENCH_DIR ?? '../shared/bench');
const out = join(root, 'node_modules/.cache/vnet-bench/bench.cjs');
mkdirSync(join(root, 'node_modules/.cache/vnet-bench'), { recursive: true });
await build({
	stdin: {
		contents: `
export { loadTopology } from './src/lib/model/load';
export { buildNet, ProbeEngine, reachabilityMatrix, matrixEndpoints } from './src/lib/engine/index';
export { runScenario } from './src/lib/engine/scenario/index';
`,
		resolveDir: root,
		loader: 'ts'
	},
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	outfile: out,
	logLevel: 'warning'
});
const lib = createRequire(import.meta.url)(out);

const gc = globalThis.gc ?? (() => {});
const peakMB = () => process.resourceUsage().maxRSS / 1024;
const fmt = (n) => n.toLocaleString('en-US');

function load(file) {
	const r = lib.loadTopology(readFileSync(file, 'utf8'), file);
	if (!r.ok) throw new Error(`${file}: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
	return r.topology;
}

if (!existsSync(benchDir)) {
	console.error(`no benchmark directory at ${benchDir}`);
	process.exit(2);
}
const files = readdirSync(benchDir).filter((f) => f.endsWith('.vnet.json') || f.endsWith('.vnet.yaml')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const rows = [];
let failed = 0;
// Warm-up: one untimed run of the smallest file so the JIT has compiled the
// simulator before the first timed run (each timed run is still a full cold
// scenario: resolve, compile, paths, every packet).
const warm = files.find((f) => f.startsWith('chain-1.')) ?? files[0];
if (warm && !process.env.VNET_BENCH_COLD) {
	const t = load(join(benchDir, warm));
	if (t.scenarios.bench) lib.runScenario(t, 'bench');
	console.log(`(warm-up: one untimed run of ${warm}; VNET_BENCH_COLD=1 to skip)`);
}
for (const f of files) {
	const topo = load(join(benchDir, f));
	if (!topo.scenarios.bench) continue;
	gc();
	const t0 = performance.now();
	const res = lib.runScenario(topo, 'bench');
	const wall = (performance.now() - t0) / 1e3;
	const checks = topo.checks.filter((c) => c.scenario === 'bench' && c['max-loss'] !== undefined);
	const bad = checks.filter((c) => {
		const fl = res.flows.find((x) => x.name === c.flow);
		return !fl || fl.lost > c['max-loss'];
	});
	const totalLost = res.flows.reduce((a, x) => a + x.lost, 0);
	failed += bad.length;
	rows.push({
		file: f,
		packets: res.packets,
		packetHops: res.packetHops,
		wall,
		hopsPerS: res.packetHops / wall,
		peak: peakMB(),
		checks: `${checks.length - bad.length}/${checks.length} max-loss ok`,
		lost: totalLost
	});
	const r = rows[rows.length - 1];
	console.log(`${f.padEnd(30)} ${fmt(r.packets).padStart(9)} packets ${fmt(r.packetHops).padStart(11)} packet-hops ${r.wall.toFixed(3).padStart(7)} s ${fmt(Math.round(r.hopsPerS)).padStart(11)} packet-hops/s  peak ${r.peak.toFixed(0)} MB  lost ${r.lost}  ${r.checks}`);
}

// Probe figures.
console.log('');
const chain = files.find((f) => f.startsWith('chain-100'));
if (chain) {
	const topo = load(join(benchDir, chain));
	const net = lib.buildNet(topo);
	const eng = new lib.ProbeEngine(net);
	const spec = { from: 'hostA', to: 'hostB', proto: 'udp', port: 9 };
	for (let i = 0; i < 20; i++) eng.run(spec, { record: false });
	const n = 500;
	const t0 = performance.now();
	for (let i = 0; i < n; i++) eng.run(spec, { record: false });
	const ms = (performance.now() - t0) / n;
	const t1 = performance.now();
	for (let i = 0; i < 100; i++) eng.run(spec, { record: true });
	const msRec = (performance.now() - t1) / 100;
	console.log(`probe on ${chain}: ${ms.toFixed(3)} ms per probe (${msRec.toFixed(3)} ms with the hop-by-hop trace)`);
}
const ls = files.find((f) => f.startsWith('leafspine'));
if (ls) {
	const lsText = readFileSync(join(benchDir, ls), 'utf8');
	const tl = performance.now();
	for (let i = 0; i < 5; i++) lib.loadTopology(lsText, ls);
	const loadMs = (performance.now() - tl) / 5;
	console.log(`load ${ls}: ${loadMs.toFixed(1)} ms (parse + validate, ${(lsText.length / 1024).toFixed(0)} KB)`);
	const topo = load(join(benchDir, ls));
	lib.buildNet(topo);
	const t0 = performance.now();
	const reps = 5;
	let net;
	for (let i = 0; i < reps; i++) net = lib.buildNet(topo);
	const compileMs = (performance.now() - t0) / reps;
	const eps = lib.matrixEndpoints(net).length;
	gc();
	const t1 = performance.now();
	const m = lib.reachabilityMatrix(net);
	const matrixS = (performance.now() - t1) / 1e3;
	const cells = m.cells.flat().filter((c) => c !== null);
	const delivered = cells.filter((c) => c === 'DELIVERED').length;
	console.log(`compile ${ls}: ${compileMs.toFixed(1)} ms`);
	console.log(`matrix ${ls}: ${eps} endpoints, ${fmt(cells.length)} probes in ${matrixS.toFixed(2)} s (${((matrixS * 1e3) / cells.length).toFixed(3)} ms per probe), ${fmt(delivered)} DELIVERED`);
}
console.log(`peak memory (max RSS): ${peakMB().toFixed(0)} MB`);
if (failed) {
	console.error(`${failed} max-loss check(s) failed`);
	process.exit(1);
}
