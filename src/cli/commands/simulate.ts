/**
 * `vnet simulate FILE --scenario NAME [--json] [--bucket MS] [--max-packets N] [--max-events N] [--progress]`:
 * runs a scenario packet by packet and prints per-flow results, failover per
 * fault, link load and a timeline (JSON: ../shared/spec/cli.md).
 *
 * The run's work is estimated first; above the budget it does not start
 * (exit 2, located at the heaviest flow). It runs in slices so that progress
 * shows on a terminal and Ctrl-C stops it with what was measured so far.
 */
import type { Command } from './types';
import { checkFlags, intFlag, loadLocatedOrReport, paint, parseArgs, table, UsageError } from './common';
import { formatDiagnostic, formatPath } from '../../lib/model/load';
import { DEFAULT_BUDGET, ScenarioBudgetError, ScenarioError, startScenario, type ScenarioResult, type ScenarioStepper } from '../../lib/engine/scenario/index';

const USAGE = 'usage: vnet simulate FILE --scenario NAME [--json] [--bucket MS] [--max-packets N] [--max-events N] [--progress]';
/** wall time of one slice between looks at signals and the progress line */
const SLICE_MS = 100;
/** progress shows only for runs longer than this */
const QUIET_MS = 1000;

export const simulate: Command = async (args) => {
	try {
		const p = parseArgs(args, ['json', 'progress']);
		checkFlags(p, ['scenario', 'json', 'bucket', 'max-packets', 'max-events', 'progress']);
		if (p.positional.length !== 1) throw new UsageError(USAGE);
		const file = p.positional[0];
		const bucketMs = intFlag(p, 'bucket', 1, 3_600_000);
		const maxPacketHops = intFlag(p, 'max-packets', 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_BUDGET.maxPacketHops;
		const maxEvents = intFlag(p, 'max-events', 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_BUDGET.maxEvents;
		const loaded = loadLocatedOrReport(file);
		if (!loaded) return 2;
		const topo = loaded.topology;
		const names = Object.keys(topo.scenarios);
		let name = p.flags.get('scenario');
		if (name === undefined && names.length === 1) name = names[0];
		if (typeof name !== 'string') throw new UsageError(`--scenario NAME is required (scenarios in ${file}: ${names.join(', ') || 'none'})`);
		if (!(name in topo.scenarios)) throw new UsageError(`${file}: no scenario "${name}" (scenarios: ${names.join(', ') || 'none'})`);
		let run: ScenarioStepper;
		const t0 = performance.now();
		try {
			run = startScenario(topo, name, { bucketMs, budget: { maxPacketHops, maxEvents } });
		} catch (e) {
			if (e instanceof ScenarioBudgetError) {
				const at = loaded.locate(e.path);
				const flag = e.estimate.packetHops > e.budget.maxPacketHops ? '--max-packets' : '--max-events';
				const message = `${e.message}; ${flag} N raises the budget`;
				process.stderr.write(formatDiagnostic({ severity: 'error', file, path: formatPath(e.path), line: at.line, col: at.col, message }) + '\n');
				return 2;
			}
			if (e instanceof ScenarioError) {
				process.stderr.write(`${file}: ${e.message}\n`);
				return 2;
			}
			throw e;
		}
		const res = await runInSlices(run, performance.now() - t0, p.flags.get('progress') === true || process.stderr.isTTY === true);
		if (p.flags.get('json')) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
		else process.stdout.write(formatResult(res));
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`vnet simulate: ${e.message}\n`);
			return 2;
		}
		throw e;
	}
};

/** Runs to the end or to Ctrl-C, with a progress line on a terminal's stderr; times the run. */
async function runInSlices(run: ScenarioStepper, startMs: number, progress: boolean): Promise<ScenarioResult> {
	const t0 = performance.now();
	let busy = startMs;
	let interrupted = false;
	const onSigint = () => {
		interrupted = true;
	};
	process.on('SIGINT', onSigint);
	const tty = process.stderr.isTTY === true;
	// a terminal's line is rewritten in place; elsewhere (--progress) one line per update
	const eol = tty ? '' : '\n';
	let lastShown = 0;
	let shown = false;
	try {
		let sliceEnd = 0;
		const sliceOver = () => performance.now() > sliceEnd;
		for (;;) {
			const s0 = performance.now();
			sliceEnd = s0 + SLICE_MS;
			const finished = run.step(sliceOver);
			busy += performance.now() - s0;
			if (finished) break;
			// let the signal handler run
			await new Promise((r) => setImmediate(r));
			if (interrupted) {
				run.stop('interrupted (Ctrl-C)');
				break;
			}
			const at = performance.now();
			if (progress && at - t0 > QUIET_MS && (tty || at - lastShown >= QUIET_MS)) {
				process.stderr.write(`${tty ? '\r' : ''}${(run.progress * 100).toFixed(0).padStart(3)}% of simulated time, ${((at - t0) / 1e3).toFixed(0)} s (Ctrl-C stops and prints what was measured)${eol}`);
				shown = tty;
				lastShown = at;
			}
		}
	} finally {
		process.off('SIGINT', onSigint);
		if (shown) process.stderr.write('\r\x1b[K');
	}
	const res = run.result();
	res.wallSeconds = Math.round(busy) / 1e3;
	return res;
}

function num(x: number | null | undefined, digits = 3): string {
	return x === null || x === undefined ? '-' : x.toFixed(digits);
}

const BARS = ' ▁▂▃▄▅▆▇█';

/** A one-line sparkline of delivered packets per bucket. */
function spark(v: number[], width: number): string {
	if (v.length === 0) return '';
	const per = Math.max(1, Math.ceil(v.length / width));
	const agg: number[] = [];
	for (let i = 0; i < v.length; i += per) agg.push(v.slice(i, i + per).reduce((a, b) => a + b, 0) / Math.min(per, v.length - i));
	const max = Math.max(...agg);
	return agg.map((x) => (max === 0 ? BARS[0] : x === 0 ? BARS[0] : BARS[Math.max(1, Math.round((x / max) * 8))])).join('');
}

export function formatResult(r: ScenarioResult): string {
	let out = paint(`scenario ${r.scenario}`, 'bold') + `  seed ${r.seed}, ${r.durationS} s simulated, ${r.packets.toLocaleString('en-US')} packets, ${r.packetHops.toLocaleString('en-US')} packet-hops in ${r.wallSeconds.toFixed(2)} s\n\n`;
	if (r.partial) out += paint(`PARTIAL: stopped at t=${r.partial.atS.toFixed(3)}s of ${r.durationS} s, ${r.partial.reason}; the figures below are what was measured until then`, 'yellow') + '\n\n';
	const rows = [['flow', 'sent', 'delivered', 'lost', 'latency ms min/mean/p99', 'goodput Mbps']];
	for (const f of r.flows)
		rows.push([
			f.name,
			f.kind === 'bulk' ? '-' : String(f.sent),
			f.kind === 'bulk' ? '-' : String(f.delivered),
			f.kind === 'bulk' ? '-' : String(f.lost),
			f.latencyMs ? `${num(f.latencyMs.min)} / ${num(f.latencyMs.mean)} / ${num(f.latencyMs.p99)}` : '-',
			f.goodputMbps === null ? '-' : num(f.goodputMbps, 1)
		]);
	out += table(rows);
	const fo = r.flows.flatMap((f) => f.failovers.map((x) => [f.name, `t=${x.atS.toFixed(3)}s ${x.fault}`, x.failoverMs === null ? paint('never recovered', 'red') : `${num(x.failoverMs)} ms`, f.kind === 'bulk' ? '-' : String(x.lost)]));
	if (fo.length) out += '\n' + paint('failover', 'bold') + '\n' + table([['flow', 'event', 'failover', 'lost'], ...fo]);
	const drops = r.flows.filter((f) => Object.keys(f.drops).length);
	if (drops.length) {
		out += '\n' + paint('losses', 'bold') + '\n';
		for (const f of drops) for (const [why, n] of Object.entries(f.drops)) out += `  ${f.name}: ${n} × ${why}\n`;
	}
	if (r.events.length) {
		out += '\n' + paint('events', 'bold') + '\n';
		for (const e of r.events.slice(0, 60)) out += `  t=${e.atS.toFixed(3)}s ${e.what}\n`;
		if (r.events.length > 60) out += `  ... ${r.events.length - 60} more (see --json)\n`;
	}
	const names = Object.keys(r.timeline.delivered);
	if (names.length) {
		const width = 60;
		out += '\n' + paint(`delivered per ${r.timeline.bucketMs} ms`, 'bold') + '\n';
		const shown = names.slice(0, 20);
		const w = Math.max(...shown.map((n) => n.length));
		for (const n of shown) out += `  ${n.padEnd(w)} ${spark(r.timeline.delivered[n], width)}\n`;
		if (names.length > shown.length) out += `  ... ${names.length - shown.length} more flows (see --json)\n`;
	}
	const busy = [...r.links].sort((a, b) => Math.max(...b.utilisation) - Math.max(...a.utilisation)).slice(0, 8);
	if (busy.length) {
		out += '\n' + paint('busiest links', 'bold') + '\n';
		out += table([['link', 'utilisation →/←', 'queue drops', 'loss drops'], ...busy.map((l) => [l.link, `${(l.utilisation[0] * 100).toFixed(1)}% / ${(l.utilisation[1] * 100).toFixed(1)}%`, String(l.queueDrops), String(l.lossDrops)])]);
	}
	return out;
}
