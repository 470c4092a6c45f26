/**
 * Scenario checks (`max-failover`, `max-loss`, `min-goodput`): run the
 * scenario once per file and scenario, and compare one flow's results.
 * `expected` uses the file's keys and units, `got` the `vnet simulate --json`
 * keys (../shared/spec/cli.md).
 */
import type { ScenarioCheck, Topology } from '../../model/types';
import { formatBandwidth, formatDuration } from '../../model/units';
import { runScenario, ScenarioError } from './run';
import type { ScenarioResult } from './results';

export interface ScenarioCheckResult {
	ok: boolean;
	expected: Record<string, unknown>;
	got: Record<string, unknown>;
	message?: string;
}

export type ScenarioCache = Map<string, ScenarioResult | Error>;

export function runScenarioCheck(t: Topology, c: ScenarioCheck, cache: ScenarioCache): ScenarioCheckResult {
	const expected: Record<string, unknown> = { scenario: c.scenario, flow: c.flow };
	if (c['max-failover'] !== undefined) expected['max-failover'] = formatDuration(c['max-failover']);
	if (c['max-loss'] !== undefined) expected['max-loss'] = c['max-loss'];
	if (c['min-goodput'] !== undefined) expected['min-goodput'] = formatBandwidth(c['min-goodput']);
	let res = cache.get(c.scenario);
	if (res === undefined) {
		try {
			res = runScenario(t, c.scenario);
		} catch (e) {
			if (!(e instanceof ScenarioError)) throw e;
			res = e;
		}
		cache.set(c.scenario, res);
	}
	if (res instanceof Error) return { ok: false, expected, got: {}, message: res.message };
	const flow = res.flows.find((f) => f.name === c.flow);
	if (!flow) return { ok: false, expected, got: {}, message: `scenario ${c.scenario} has no flow "${c.flow}" (flows: ${res.flows.map((f) => f.name).join(', ')})` };
	const got: Record<string, unknown> = {};
	const problems: string[] = [];
	if (c['max-failover'] !== undefined) {
		const maxMs = c['max-failover'] / 1e6;
		got.failovers = flow.failovers.map((f) => ({ fault: f.fault, atS: f.atS, failoverMs: f.failoverMs }));
		for (const f of flow.failovers) {
			if (f.failoverMs === null) problems.push(`${f.fault} at ${f.atS}s: the flow never recovered`);
			else if (f.failoverMs > maxMs) problems.push(`${f.fault} at ${f.atS}s: failover ${f.failoverMs} ms, expected at most ${formatDuration(c['max-failover'])}`);
		}
		if (flow.failovers.length === 0) problems.push(`scenario ${c.scenario} has no fault`);
	}
	if (c['max-loss'] !== undefined) {
		got.lost = flow.lost;
		if (flow.lost > c['max-loss']) problems.push(`lost ${flow.lost} packets, expected at most ${c['max-loss']}`);
	}
	if (c['min-goodput'] !== undefined) {
		got.goodputMbps = flow.goodputMbps;
		if (flow.goodputMbps === null) problems.push(`flow ${c.flow} is not a bulk flow: no goodput`);
		else if (flow.goodputMbps * 1e6 < c['min-goodput'] - 1e-6) problems.push(`goodput ${flow.goodputMbps} Mbps, expected at least ${formatBandwidth(c['min-goodput'])}`);
	}
	return { ok: problems.length === 0, expected, got, message: problems.length ? problems.join('; ') : undefined };
}
