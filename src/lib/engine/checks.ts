/**
 * Runs a document's probe checks and compares them with the trace, in the
 * shape of `vnet check --json` (../shared/spec/cli.md). Scenario checks run
 * their scenario (once per scenario) through the scenario engine.
 */
import type { Check, ProbeCheck, ScenarioCheck, Topology } from '../model/types';
import type { Net } from './compile';
import { ProbeEngine } from './probe';
import type { Trace } from './trace';
import { runScenarioCheck, type ScenarioCache } from './scenario/check';

export interface CheckResult {
	index: number;
	ok: boolean;
	skipped?: boolean;
	expected: Record<string, unknown>;
	got: Record<string, unknown>;
	message?: string;
	/** the probe's trace, for failing checks (to show the last hop) */
	trace?: Trace;
}

export function isScenarioCheck(c: Check): c is ScenarioCheck {
	return 'scenario' in c;
}

export function probeOf(c: ProbeCheck) {
	return { from: c.from, to: c.to, proto: c.proto, port: c.port, sport: c.sport, size: c.size, df: c.df, ttl: c.ttl };
}

export function expectedOf(c: ProbeCheck): Record<string, unknown> {
	const e: Record<string, unknown> = { expect: c.expect };
	if (c['seen-source'] !== undefined) e['seen-source'] = c['seen-source'];
	if (c['icmp-from'] !== undefined) e['icmp-from'] = c['icmp-from'];
	if (c.mtu !== undefined) e.mtu = c.mtu;
	if (c.hops !== undefined) e.hops = c.hops;
	return e;
}

export function compareProbe(c: ProbeCheck, t: Trace): { ok: boolean; got: Record<string, unknown>; message?: string } {
	const got: Record<string, unknown> = { disposition: t.disposition };
	const problems: string[] = [];
	if (t.disposition !== c.expect) problems.push(`${t.disposition}${t.reason ? ` (${t.reason})` : ''}, expected ${c.expect}`);
	if (c['seen-source'] !== undefined) {
		got.seenSource = t.seenSource;
		if (t.seenSource !== c['seen-source']) problems.push(`seen-source ${t.seenSource}, expected ${c['seen-source']}`);
	}
	if (c['icmp-from'] !== undefined) {
		got['icmp.from'] = t.icmp?.from ?? null;
		if ((t.icmp?.from ?? null) !== c['icmp-from']) problems.push(`icmp-from ${t.icmp?.from ?? 'none'}, expected ${c['icmp-from']}`);
	}
	if (c.mtu !== undefined) {
		got.mtu = t.mtu;
		if (t.mtu !== c.mtu) problems.push(`mtu ${t.mtu}, expected ${c.mtu}`);
	}
	if (c.hops !== undefined) {
		got.hops = t.hops;
		if (JSON.stringify(t.hops) !== JSON.stringify(c.hops)) problems.push(`hops ${JSON.stringify(t.hops)}, expected ${JSON.stringify(c.hops)}`);
	}
	return { ok: problems.length === 0, got, message: problems.length ? problems.join('; ') : undefined };
}

export function runChecks(t: Topology, net: Net): CheckResult[] {
	const engine = new ProbeEngine(net);
	const scenarios: ScenarioCache = new Map();
	return t.checks.map((c, index) => {
		if (isScenarioCheck(c)) {
			const r = runScenarioCheck(t, c, scenarios);
			const out: CheckResult = { index, ok: r.ok, expected: r.expected, got: r.got };
			if (r.message) out.message = r.message;
			return out;
		}
		let trace: Trace;
		try {
			trace = engine.run(probeOf(c), { hops: c.hops !== undefined });
		} catch (e) {
			return { index, ok: false, expected: expectedOf(c), got: {}, message: e instanceof Error ? e.message : String(e) };
		}
		const cmp = compareProbe(c, trace);
		const r: CheckResult = { index, ok: cmp.ok, expected: expectedOf(c), got: cmp.got };
		if (!cmp.ok) {
			r.message = cmp.message;
			r.trace = trace;
		}
		return r;
	});
}
