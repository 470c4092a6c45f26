/**
 * `vnet simulate FILE --scenario NAME [--json] [--bucket MS]`: runs a
 * scenario packet by packet and prints per-flow results, failover per fault,
 * link load and a timeline (JSON: ../shared/spec/cli.md).
 */
import type { Command } from './types';
import { checkFlags, intFlag, loadFileOrReport, paint, parseArgs, table, UsageError } from './common';
import { runScenario, ScenarioError, type ScenarioResult } from '../../lib/engine/scenario/index';

const USAGE = 'usage: vnet simulate FILE --scenario NAME [--json] [--bucket MS]';

export const simulate: Command = (args) => {
	try {
		const p = parseArgs(args, ['json']);
		checkFlags(p, ['scenario', 'json', 'bucket']);
		if (p.positional.length !== 1) throw new UsageError(USAGE);
		const file = p.positional[0];
		const bucketMs = intFlag(p, 'bucket', 1, 3_600_000);
		const topo = loadFileOrReport(file);
		if (!topo) return 2;
		const names = Object.keys(topo.scenarios);
		let name = p.flags.get('scenario');
		if (name === undefined && names.length === 1) name = names[0];
		if (typeof name !== 'string') throw new UsageError(`--scenario NAME is required (scenarios in ${file}: ${names.join(', ') || 'none'})`);
		if (!(name in topo.scenarios)) throw new UsageError(`${file}: no scenario "${name}" (scenarios: ${names.join(', ') || 'none'})`);
		let res: ScenarioResult;
		try {
			const t0 = performance.now();
			res = runScenario(topo, name, { bucketMs });
			res.wallSeconds = Math.round(performance.now() - t0) / 1e3;
		} catch (e) {
			if (e instanceof ScenarioError) {
				process.stderr.write(`${file}: ${e.message}\n`);
				return 2;
			}
			throw e;
		}
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
