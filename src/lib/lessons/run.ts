/**
 * "Run it": a lesson step's probe, scenario or checks against the document the
 * student has now, through the same engine as the CLI (in the app's worker,
 * through a `LessonRunner`). Plus the helpers that read a trace for the
 * student: the hop that decided, the values an explanation quotes, and
 * whether a trace matches a choice's `expect`.
 *
 * No DOM, no Svelte, no engine code: the unit tests and the panel both call these.
 */
import { loadTopology } from '../model/load';
import type { Diagnostic, Topology } from '../model/types';
import type { Hop, HopAction, ProbeSpec, Trace } from '../engine/trace';
import type { FlowResult, ScenarioResult } from '../engine/scenario/index';
import type { LessonAnswer, LessonJob } from '../worker/protocol';
import type { AnswerSource, Expect, Probe, Step } from './types';

/**
 * Runs a lesson job on a design's text: the page's worker client in the app,
 * the worker API module in-process in Node.
 */
export type LessonRunner = (text: string, file: string, job: LessonJob) => Promise<LessonAnswer>;

export type Loaded = { ok: true; topology: Topology } | { ok: false; errors: Diagnostic[] };

export function loadDoc(text: string, file: string): Loaded {
	const r = loadTopology(text, file);
	return r.ok ? { ok: true, topology: r.topology } : { ok: false, errors: r.errors };
}

export function specOf(p: Probe): ProbeSpec {
	const s: ProbeSpec = { from: p.from, to: p.to };
	if (p.proto !== undefined) s.proto = p.proto;
	if (p.port !== undefined) s.port = p.port;
	if (p.sport !== undefined) s.sport = p.sport;
	if (p.size !== undefined) s.size = p.size;
	if (p.df !== undefined) s.df = p.df;
	if (p.ttl !== undefined) s.ttl = p.ttl;
	return s;
}

/** "pc1 → pc2 icmp", "lanpc → 192.168.1.10 tcp/2222, size 1400, DF" */
export function describeProbe(p: Probe): string {
	const parts = [`${p.from} → ${p.to}`, `${p.proto ?? 'icmp'}${p.port ? `/${p.port}` : ''}`];
	const extra: string[] = [];
	if (p.size !== undefined) extra.push(`${p.size}-byte payload`);
	if (p.df) extra.push('DF set');
	if (p.ttl !== undefined) extra.push(`TTL ${p.ttl}`);
	return parts.join(' ') + (extra.length ? `, ${extra.join(', ')}` : '');
}

export interface ScenarioRun {
	result: ScenarioResult;
	flow: FlowResult;
}

/** A step's scenario result with the flow it asks about. */
export function stepScenarioRun(result: ScenarioResult, ref: { name: string; flow: string }): ScenarioRun {
	const flow = result.flows.find((f) => f.name === ref.flow);
	if (!flow) throw new Error(`scenario "${ref.name}" has no flow "${ref.flow}"`);
	return { result, flow };
}

// ---- reading a trace -------------------------------------------------------------------

const FAIL_ACTIONS: ReadonlySet<HopAction> = new Set(['DENIED', 'DROPPED', 'NO_ROUTE', 'NULL_ROUTED', 'TTL_EXCEEDED', 'FRAGMENTATION_NEEDED', 'LOCAL']);

/** The node a hop belongs to on the canvas ("hv1:bridge:eth0" → "hv1"). */
export function nodeOfHop(h: Hop): string {
	return h.node.split(':')[0];
}

export interface Decisive {
	hop: Hop;
	leg: 'request' | 'reply';
	/** index of the hop within its leg */
	index: number;
}

/** The hop that decided the probe's fate: the failure on the leg that failed, or the arrival. */
export function decisiveHop(t: Trace): Decisive | null {
	const pick = (leg: 'request' | 'reply', test: (h: Hop) => boolean, fromEnd = false): Decisive | null => {
		const hops = leg === 'request' ? t.request : t.reply;
		const order = hops.map((h, i) => i);
		if (fromEnd) order.reverse();
		for (const i of order) if (test(hops[i])) return { hop: hops[i], leg, index: i };
		return null;
	};
	const last = (leg: 'request' | 'reply'): Decisive | null => {
		const hops = leg === 'request' ? t.request : t.reply;
		return hops.length ? { hop: hops[hops.length - 1], leg, index: hops.length - 1 } : null;
	};
	switch (t.disposition) {
		case 'DELIVERED':
		case 'REFUSED':
			return pick('request', (h) => h.action === 'DELIVERED', true) ?? last('request');
		case 'EXITS_NETWORK':
			return pick('request', (h) => h.action === 'EXITS_NETWORK') ?? last('request');
		case 'HOST_UNREACHABLE': {
			const leg = t.leg ?? 'request';
			// from the end: an unanswered ARP's last row is the requester giving up
			return pick(leg, (h) => h.action === 'ARP' || FAIL_ACTIONS.has(h.action), true) ?? last(leg);
		}
		default: {
			const leg = t.leg ?? 'request';
			return pick(leg, (h) => FAIL_ACTIONS.has(h.action)) ?? last(leg);
		}
	}
}

/** Hops worth pointing at: NAT rewrites, rule decisions, fragmentation, and the decisive one. */
export function keyHops(t: Trace): Decisive[] {
	const out: Decisive[] = [];
	const d = decisiveHop(t);
	for (const leg of ['request', 'reply'] as const) {
		(leg === 'request' ? t.request : t.reply).forEach((hop, index) => {
			const isDecisive = d && d.leg === leg && d.index === index;
			if (isDecisive || hop.action === 'NAT' || hop.action === 'FRAGMENTED' || hop.rule !== undefined) out.push({ hop, leg, index });
		});
	}
	return out;
}

/** The values an explanation or a short answer may quote. */
export function traceValues(t: Trace): Record<string, string> {
	const d = decisiveHop(t);
	const v: Record<string, string> = {
		disposition: t.disposition,
		verdict: t.verdict ?? t.disposition,
		'seen-source': t.seenSource ?? 'nobody',
		'icmp-from': t.icmp?.from ?? 'nobody',
		mtu: t.mtu === null ? 'none' : String(t.mtu),
		leg: t.leg ?? 'none',
		reason: t.reason ?? '',
		at: d ? nodeOfHop(d.hop) : 'nowhere',
		detail: d?.hop.detail ?? '',
		ref: d?.hop.ref ?? '',
		hops: t.hops ? t.hops.map((h) => h ?? '*').join(' → ') : '',
		'hop-count': t.hops ? String(t.hops.length) : '0'
	};
	return v;
}

export function scenarioValues(run: ScenarioRun): Record<string, string> {
	const f = run.flow;
	const first = f.failovers[0];
	return {
		'failover-ms': first?.failoverMs == null ? 'never' : String(Math.round(first.failoverMs * 10) / 10),
		'failover-s': first?.failoverMs == null ? 'never' : (first.failoverMs / 1000).toFixed(3),
		lost: String(f.lost),
		sent: String(f.sent),
		delivered: String(f.delivered),
		'goodput-mbps': f.goodputMbps === null ? 'none' : String(Math.round(f.goodputMbps * 10) / 10),
		flow: f.name,
		events: run.result.events.map((e) => `${e.atS} s ${e.what}`).join('; '),
		...Object.fromEntries(
			run.result.flows.flatMap((g) => [
				[`${g.name}.goodput-mbps`, g.goodputMbps === null ? 'none' : String(Math.round(g.goodputMbps * 10) / 10)],
				[`${g.name}.lost`, String(g.lost)],
				[`${g.name}.failover-s`, g.failovers[0]?.failoverMs == null ? 'never' : (g.failovers[0].failoverMs / 1000).toFixed(3)]
			])
		)
	};
}

/** The engine's value for a short answer's `answer-from` (a number or a text). */
export function engineAnswer(source: AnswerSource, trace: Trace | null, run: ScenarioRun | null): string | number | null {
	switch (source) {
		case 'seen-source':
			return trace?.seenSource ?? null;
		case 'icmp-from':
			return trace?.icmp?.from ?? null;
		case 'mtu':
			return trace?.mtu ?? null;
		case 'disposition':
			return trace?.disposition ?? null;
		case 'hop-count':
			return trace?.hops?.length ?? null;
		case 'failover-s':
			return run?.flow.failovers[0]?.failoverMs != null ? run.flow.failovers[0].failoverMs! / 1000 : null;
		case 'failover-ms':
			return run?.flow.failovers[0]?.failoverMs ?? null;
		case 'lost':
			return run?.flow.lost ?? null;
		case 'goodput-mbps':
			return run?.flow.goodputMbps ?? null;
	}
}

/** Fills `{name}` placeholders; unknown names stay as written. */
export function fill(template: string, values: Record<string, string>): string {
	return template.replace(/\{([a-z0-9.-]+)\}/g, (m, key: string) => (key in values ? values[key] : m));
}

/** Does the trace match every field of `expect`? Returns the mismatches (empty when it does). */
export function expectMismatches(e: Expect, t: Trace): string[] {
	const out: string[] = [];
	const d = decisiveHop(t);
	if (e.disposition !== undefined && e.disposition !== t.disposition) out.push(`disposition ${t.disposition}, not ${e.disposition}`);
	if (e.leg !== undefined && e.leg !== t.leg) out.push(`leg ${t.leg}, not ${e.leg}`);
	if (e['seen-source'] !== undefined && e['seen-source'] !== t.seenSource) out.push(`seen-source ${t.seenSource}, not ${e['seen-source']}`);
	if (e['icmp-from'] !== undefined && e['icmp-from'] !== (t.icmp?.from ?? null)) out.push(`icmp-from ${t.icmp?.from ?? 'none'}, not ${e['icmp-from']}`);
	if (e.mtu !== undefined && e.mtu !== t.mtu) out.push(`mtu ${t.mtu}, not ${e.mtu}`);
	if (e.hops !== undefined && JSON.stringify(e.hops) !== JSON.stringify(t.hops)) out.push(`hops ${JSON.stringify(t.hops)}, not ${JSON.stringify(e.hops)}`);
	if (e.at !== undefined && (!d || nodeOfHop(d.hop) !== e.at)) out.push(`decided at ${d ? nodeOfHop(d.hop) : 'nowhere'}, not ${e.at}`);
	if (e.hop !== undefined) {
		const m = e.hop;
		const legs = m.leg ? [m.leg] : (['request', 'reply'] as const);
		const found = legs.some((leg) =>
			(leg === 'request' ? t.request : t.reply).some(
				(h) =>
					(m.node === undefined || nodeOfHop(h) === m.node) &&
					(m.action === undefined || h.action === m.action) &&
					(m.detail === undefined || (h.detail ?? '').includes(m.detail)) &&
					(m.vlan === undefined || (h.vlan ?? null) === m.vlan)
			)
		);
		if (!found) out.push(`no hop matches ${JSON.stringify(m)}`);
	}
	if (e.ref !== undefined && !(t.request.some((h) => h.ref === e.ref) || t.reply.some((h) => h.ref === e.ref)))
		out.push(`no hop refers to ${e.ref}${d?.hop.ref ? ` (the deciding one: ${d.hop.ref})` : ''}`);
	return out;
}

/** What a step runs, in words, for the "Run it" button. */
export function runLabel(step: Step): string | null {
	if (step.probe) return describeProbe(step.probe);
	if (step.scenario) return `scenario ${step.scenario.name}`;
	return null;
}
