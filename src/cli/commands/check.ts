import type { Command } from './types';
import { checkFlags, loadFileOrReport, paint, parseArgs, UsageError } from './common';
import { buildNet, runChecks, type CheckResult } from '../../lib/engine/index';
import type { ProbeCheck } from '../../lib/model/types';

interface FileReport {
	file: string;
	passed: number;
	failed: number;
	skipped: number;
	results: CheckResult[];
}

export const check: Command = (args) => {
	let p;
	try {
		p = parseArgs(args, ['json']);
		checkFlags(p, ['json']);
		if (p.positional.length === 0) throw new UsageError('usage: vnet check FILE... [--json]');
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`vnet check: ${e.message}\n`);
			return 2;
		}
		throw e;
	}
	const json = p.flags.get('json') === true;
	const files: FileReport[] = [];
	let bad = false;
	for (const file of p.positional) {
		const topo = loadFileOrReport(file);
		if (!topo) {
			bad = true;
			continue;
		}
		const results = runChecks(topo, buildNet(topo));
		const rep: FileReport = {
			file,
			passed: results.filter((r) => r.ok).length,
			failed: results.filter((r) => !r.ok && !r.skipped).length,
			skipped: results.filter((r) => r.skipped).length,
			results
		};
		files.push(rep);
		if (!json) {
			process.stdout.write(paint(file, 'bold') + '\n');
			for (const r of results) {
				const c = topo.checks[r.index];
				const what = 'scenario' in c ? `scenario ${c.scenario} flow ${c.flow}` : describe(c);
				if (r.ok) process.stdout.write(`  ${paint('PASS', 'green')} #${r.index} ${what}\n`);
				else if (r.skipped) process.stdout.write(`  ${paint('SKIP', 'yellow')} #${r.index} ${what}: ${r.message}\n`);
				else {
					process.stdout.write(`  ${paint('FAIL', 'red')} #${r.index} ${what}\n       ${r.message}\n`);
					const hops = [...(r.trace?.request ?? []), ...(r.trace?.reply ?? [])];
					const last = hops[hops.length - 1];
					if (last) process.stdout.write(paint(`       last hop: ${last.node} ${last.action}${last.detail ? ` — ${last.detail}` : ''}`, 'dim') + '\n');
				}
			}
		}
	}
	const passed = files.reduce((a, f) => a + f.passed, 0);
	const failed = files.reduce((a, f) => a + f.failed, 0);
	const skipped = files.reduce((a, f) => a + f.skipped, 0);
	if (json) {
		const out = { passed, failed, skipped, files: files.map((f) => ({ ...f, results: f.results.map(({ trace: _t, ...r }) => r) })) };
		process.stdout.write(JSON.stringify(out, null, 2) + '\n');
	} else if (files.length) process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
	if (bad) return 2;
	return failed > 0 || skipped > 0 ? 1 : 0;
};

function describe(c: ProbeCheck): string {
	const parts = [`${c.from} → ${c.to}`, `${c.proto ?? 'icmp'}${c.port ? '/' + c.port : ''}`];
	if (c.size !== undefined) parts.push(`size ${c.size}`);
	if (c.df) parts.push('df');
	if (c.ttl !== undefined) parts.push(`ttl ${c.ttl}`);
	parts.push(`expect ${c.expect}`);
	return parts.join(' ');
}
