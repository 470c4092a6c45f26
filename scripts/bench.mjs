// `npm run bench`: speed of the scenario engine and the probe engine on the
// standard benchmark files (../shared/bench): runs each file's `bench`
// scenario packet by packet, checks its `max-loss` checks, and reports
// simulated packets, packet-hops, wall seconds, packet-hops/s and peak memory;
// then probe figures (ms per probe on chain-100, compile time and the full
// reachability matrix of the leaf-spine), CLI start-up, lint on generated
// 6,000- and 60,000-node designs and the matrix of 1,000 endpoints
// (scripts/gen-large.mjs). Ends with one table: every figure beside its goal.
// VNET_BENCH_QUICK=1 skips the 60,000-node lint and the 1,000-endpoint matrix.
// VNET_BENCH_ONLY=substring runs only the figures whose name contains it
// (case-insensitive): a scenario file name, "trace", "leafspine", "CLI",
// "lint 60", "matrix 1", "app"...
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
export { lintTopology } from './src/lib/model/lint';
export { buildNet, ProbeEngine, reachabilityMatrix, matrixCodes, matrixEndpoints, endpointClasses } from './src/lib/engine/index';
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
const { generate, serialize } = await import('./gen-large.mjs');
/** [figure, value, goal, ok?] rows of the closing table */
const goals = [];
const goal = (figure, value, target, ok) => goals.push({ figure, value, target, ok });
const onlyText = (process.env.VNET_BENCH_ONLY ?? '').toLowerCase();
/** Does the figure (or any of its names) match VNET_BENCH_ONLY? */
const only = (...names) => !onlyText || names.some((n) => n.toLowerCase().includes(onlyText));

const gc = globalThis.gc ?? (() => {});
const peakMB = () => process.resourceUsage().maxRSS / 1024;
const fmt = (n) => n.toLocaleString('en-US');
/** CPU seconds of this process so far: beside wall time, it tells a slow run from a busy machine */
const cpuS = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
};

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
const scenarioFiles = files.filter((f) => only(f, `scenario ${f}`));
const rows = [];
let failed = 0;
// Warm-up: one untimed run of the smallest file so the JIT has compiled the
// simulator before the first timed run (each timed run is still a full cold
// scenario: resolve, compile, paths, every packet).
const warm = files.find((f) => f.startsWith('chain-1.')) ?? files[0];
if (warm && scenarioFiles.length && !process.env.VNET_BENCH_COLD) {
	const t = load(join(benchDir, warm));
	if (t.scenarios.bench) lib.runScenario(t, 'bench');
	console.log(`(warm-up: one untimed run of ${warm}; VNET_BENCH_COLD=1 to skip)`);
}
for (const f of scenarioFiles) {
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
if (chain && only(`trace ${chain}`, 'probe')) {
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
	goal(`trace ${chain} with the hop record`, `${msRec.toFixed(3)} ms`, '≤ 0.3 ms', msRec <= 0.3);
}
const ls = files.find((f) => f.startsWith('leafspine'));
if (ls && only(`compile ${ls}`, `matrix ${ls}`, `load ${ls}`)) {
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
const lsRow = rows.find((r) => r.file.startsWith('leafspine'));
if (lsRow) goal(`scenario ${lsRow.file}`, `${fmt(Math.round(lsRow.hopsPerS))} packet-hops/s`, '≥ 8,000,000', lsRow.hopsPerS >= 8e6);

// CLI start-up: wall time to the end of `vnet --help`, median of 7 runs.
if (only('CLI start-up')) {
	const { execFileSync } = await import('node:child_process');
	const bin = join(root, 'bin/vnet.cjs');
	const times = [];
	for (let i = 0; i < 7; i++) {
		const t0 = performance.now();
		execFileSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
		times.push(performance.now() - t0);
	}
	const t0 = performance.now();
	execFileSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
	const nodeMs = performance.now() - t0;
	const median = times.sort((a, b) => a - b)[3];
	console.log(`CLI start-up (vnet --help): median ${median.toFixed(0)} ms of 7 (node alone: ${nodeMs.toFixed(0)} ms)`);
	goal('CLI start-up (vnet --help)', `${median.toFixed(0)} ms`, '≤ 150 ms', median <= 150);
}

// Lint (load + every rule, as `vnet lint` does) on N unlinked hosts in one /8.
const quick = !!process.env.VNET_BENCH_QUICK;
for (const n of quick ? [6000] : [6000, 60000]) {
	if (!only(`lint ${fmt(n)} nodes`, `lint ${n}`)) continue;
	const text = await serialize(generate({ nodes: n, shape: 'flat' }), 'json');
	const file = `flat-${n}.vnet.json`;
	gc();
	const t0 = performance.now();
	const c0 = cpuS();
	const r = lib.loadTopology(text, file);
	if (!r.ok) throw new Error(`${file}: ${r.errors[0].message}`);
	const findings = lib.lintTopology(r.topology, { file, locate: (p) => r.source.locate(p) });
	const s = (performance.now() - t0) / 1e3;
	console.log(`lint ${file} (${(text.length / 1e6).toFixed(1)} MB): ${s.toFixed(2)} s (${(cpuS() - c0).toFixed(2)} s CPU), ${fmt(findings.length)} findings`);
	goal(`lint ${fmt(n)} nodes (flat /8, JSON)`, `${s.toFixed(2)} s`, n === 60000 ? '≤ 10 s' : '(n log n)', n === 60000 ? s <= 10 : undefined);
}

// Matrix of ~1,000 endpoints (a routed campus of racks); ~10,000 only when
// VNET_BENCH_ONLY asks for it (minutes on a busy machine).
for (const [nodes, target, limit] of [
	[1050, '1,000', 5],
	[10500, '10,000', 60]
]) {
	if (quick || !only(`matrix ${target} endpoints`, `matrix racks-${nodes}`) || (nodes > 1050 && !onlyText)) continue;
	const topo = lib.loadTopology(await serialize(generate({ nodes, shape: 'racks' }), 'json'), 'racks.vnet.json');
	if (!topo.ok) throw new Error(topo.errors[0].message);
	const net = lib.buildNet(topo.topology);
	const eps = lib.matrixEndpoints(net).length;
	const classes = lib.endpointClasses(net, lib.matrixEndpoints(net), { proto: 'icmp' }).members.length;
	gc();
	const t0 = performance.now();
	const c0 = cpuS();
	const m = lib.matrixCodes(net);
	const s = (performance.now() - t0) / 1e3;
	const cpu = cpuS() - c0;
	const delivered = m.codes.reduce((a, c) => a + (c === 1 ? 1 : 0), 0);
	console.log(`matrix racks-${nodes}: ${eps} endpoints in ${fmt(classes)} twin classes, ${fmt(eps * (eps - 1))} cells in ${s.toFixed(2)} s (${cpu.toFixed(2)} s CPU), ${fmt(delivered)} DELIVERED`);
	goal(`matrix ${eps} endpoints`, `${s.toFixed(2)} s`, `≤ ${limit} s`, s <= limit);
}

// App figures: JS before the first draw (needs build/), the canvas (npm run bench:canvas).
if (only('app JS before first draw', 'app open')) {
	const { initialJs } = await import('./size-report.mjs');
	if (existsSync(join(root, 'build/index.html'))) {
		const kb = initialJs(join(root, 'build')).reduce((n, f) => n + f.gzip, 0) / 1024;
		goal('app JS before first draw (gzipped)', `${kb.toFixed(0)} KB`, '≤ 300 KB', kb <= 300);
	} else goal('app JS before first draw (gzipped)', 'run `npm run build` first', '≤ 300 KB', undefined);
	goal('app open/pan/zoom/edit at 340/2,000/10,000 nodes', 'see `npm run bench:canvas`', '(its own table)', undefined);
}

console.log(`\n   ${'figure'.padEnd(48)} ${'value'.padEnd(27)} goal`);
for (const g of goals) console.log(`${g.ok === undefined ? '  ' : g.ok ? 'ok' : '--'} ${g.figure.padEnd(48)} ${String(g.value).padEnd(27)} ${g.target}`);
console.log(`peak memory (max RSS): ${peakMB().toFixed(0)} MB`);
if (failed) {
	console.error(`${failed} max-loss check(s) failed`);
	process.exit(1);
}
