/** Check and scenario rules: the references (errors, from references.ts) and what a check or event cannot measure. */
import type { Check, ProbeCheck } from '../types';
import { eventTargets, isAddrLike, isScenarioCheck, probeEndpoints, scenarioCheckRefs, trafficRefs } from '../references';
import { type Linter, type Path, fmtNs } from './linter';

export function lintChecksAndScenarios(L: Linter): void {
	const report = (rule: string, path: Path, message: string) => L.warn(rule, path, message);
	const scenarios = L.t.scenarios ?? {};
	const hasInternet = Object.values(L.nodes).some((n) => n?.kind === 'internet');
	(L.t.checks ?? []).forEach((c: Check, i) => {
		if (!c) return;
		if (isScenarioCheck(c)) {
			const refs = scenarioCheckRefs(L, c, i, report);
			if (!refs) return;
			const { scenario: s, flow } = refs;
			if (c['min-goodput'] !== undefined && (flow.kind ?? 'cbr') !== 'bulk')
				L.warn('check-goodput-cbr', ['checks', i, 'min-goodput'], `min-goodput applies to bulk flows; ${c.flow} is a cbr flow (goodput is not measured). Use kind: bulk, or check max-loss.`);
			if (c['max-failover'] !== undefined && !(s.events ?? []).some((e) => e?.fail !== undefined))
				L.warn('check-failover-no-fault', ['checks', i, 'max-failover'], `max-failover on scenario ${c.scenario}, which fails nothing: there is no failover to measure. Add a { at: ..., fail: ... } event.`);
			return;
		}
		const p = c as ProbeCheck;
		for (const f of probeEndpoints(L, p, i, report)) {
			const v = p[f];
			if (!isAddrLike(v) && !L.hasAddress(v))
				L.warn(
					'check-unaddressed-node',
					['checks', i, f],
					`check ${f}: ${v} — ${v} (${L.node(v)!.kind}) has no address, so a probe cannot ${f === 'from' ? 'start' : 'be sent'} there. Use an addressed node or an IP address.`
				);
		}
		if (p.expect === 'EXITS_NETWORK' && !hasInternet)
			L.warn('check-no-internet', ['checks', i, 'expect'], `this check expects EXITS_NETWORK, but no node is of kind internet: nothing can leave the network. Add an internet node (or expect another outcome).`);
	});

	for (const [name, s] of Object.entries(scenarios)) {
		if (!s) continue;
		trafficRefs(L, name, s, report);
		const failed = new Set<string>();
		eventTargets(
			L,
			name,
			s,
			report,
			(verb, key, path) => {
				if (verb === 'fail') failed.add(key);
				else if (!failed.has(key))
					L.warn('restore-without-fail', path, `restores ${key}, which no earlier event of this scenario failed (it is already up). Fail it first, or remove the event.`);
			},
			(k, path) => {
				const ev = s.events![k];
				if (s.duration !== undefined && ev.at > s.duration)
					L.warn('event-after-end', [...path, 'at'], `event at ${fmtNs(ev.at)} is after the scenario's duration (${fmtNs(s.duration)}): traffic has stopped by then, so it changes nothing measurable.`);
			}
		);
	}
}
