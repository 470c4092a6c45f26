/**
 * What a scenario run reports (`vnet simulate --json`, ../shared/spec/cli.md),
 * and its assembly from the run's streaming counters.
 */
import type { ScenarioEvent, Traffic } from '../../model/types';
import type { FlowPath, Registry } from './path';
import type { CbrFlows } from './flows';
import type { LinkDirections } from './links';
import { faultText } from './faults';

export interface FailoverResult {
	fault: string;
	atS: number;
	/** (arrival of the first packet sent at or after the fault that is delivered) − fault; null: never */
	failoverMs: number | null;
	/** packets sent between this event and the next that were never delivered */
	lost: number;
}

export interface FlowResult {
	name: string;
	kind: 'cbr' | 'bulk';
	sent: number;
	delivered: number;
	lost: number;
	latencyMs: { min: number; mean: number; p99: number; max: number } | null;
	failovers: FailoverResult[];
	goodputMbps: number | null;
	/** nodes on the path at the start, for display */
	path: string[];
	/** why packets were lost, with counts */
	drops: Record<string, number>;
	/** with `pathHistory`: the flow's path from each time it changed (the first at 0) */
	paths?: PathChange[];
}

/** A flow's path from `atS` on (until the next change). */
export interface PathChange {
	atS: number;
	/** nodes visited */
	nodes: string[];
	/** cables crossed, in order, as "node.if|node.if" (ends sorted) */
	links: string[];
	/** delivered at the end of the path; otherwise `reason` says why not */
	ok: boolean;
	reason: string;
}

export interface LinkResult {
	link: string;
	/** busy fraction of the scenario duration, each direction (a→b as labelled, b→a) */
	utilisation: [number, number];
	queueDrops: number;
	lossDrops: number;
	frames: number;
}

export interface ScenarioResult {
	scenario: string;
	seed: number;
	durationS: number;
	packets: number;
	packetHops: number;
	/** wall time of the run, measured by the caller that timed it (the engine never reads a clock); 0 if none did */
	wallSeconds: number;
	flows: FlowResult[];
	events: { atS: number; what: string }[];
	timeline: { bucketMs: number; delivered: Record<string, number[]> };
	links: LinkResult[];
	/** present when the run stopped before its end (interrupted, or its work budget ran out): figures so far */
	partial?: { atS: number; reason: string };
}

/** A path change recorded during the run. */
export interface PathAt {
	t: number;
	path: FlowPath;
}

/** Everything the report is assembled from. */
export interface RunRecord {
	name: string;
	seed: number;
	durationNs: number;
	bucketNs: number;
	flows: Traffic[];
	/** flow index → cbr index, −1 for bulk */
	cbrIndex: number[];
	cbr: CbrFlows;
	/** each cbr flow's path at the start */
	firstPaths: FlowPath[];
	bulkHistory: PathAt[][];
	bulkGoodput: ({ mbps: number; path: FlowPath } | null)[];
	/** with `pathHistory`: cbr path changes */
	cbrHistory: PathAt[][] | null;
	events: ScenarioEvent[];
	markers: { t: number; what: string }[];
	reg: Registry;
	links: LinkDirections;
	packets: number;
	packetHops: number;
	partial?: { atNs: number; reason: string };
}

const r3 = (x: number) => Math.round(x * 1e3) / 1e3;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** ns → ms at 0.1 µs */
const ms4 = (ns: number) => Math.round(ns / 1e2) / 1e4;

export function assembleResult(r: RunRecord): ScenarioResult {
	const flows: FlowResult[] = [];
	const timeline: Record<string, number[]> = {};
	const { cbr, events } = r;
	let maxBucket = Math.ceil(r.durationNs / r.bucketNs);
	for (const tl of cbr.timeline)
		for (let b = tl.length - 1; b >= 0; b--)
			if (tl[b] > 0) {
				maxBucket = Math.max(maxBucket, b + 1);
				break;
			}
	r.flows.forEach((f, i) => {
		const ci = r.cbrIndex[i];
		if (ci < 0) {
			flows.push(bulkResult(r, f, i));
			return;
		}
		const sent = cbr.nextSeq[ci];
		const delivered = cbr.delivered[ci];
		const lat = cbr.latency[ci];
		const latencyMs = delivered ? { min: ms4(lat.min), mean: ms4(lat.mean), p99: lat.kthUnits(Math.ceil(0.99 * delivered) - 1) / 1e4, max: ms4(lat.max) } : null;
		const fw = cbr.failover[ci];
		const failovers = events.map((e, k) => {
			const start = Math.min(fw.start[k], sent);
			const end = k + 1 < events.length ? Math.min(fw.start[k + 1], sent) : sent;
			const first = fw.firstArrival[k];
			const fo = first === first ? first - e.at : null;
			return { fault: faultText(e), atS: r6(e.at / 1e9), failoverMs: fo === null ? null : r6(fo / 1e6), lost: Math.max(0, end - start) - fw.delivered[k] };
		});
		const drops: Record<string, number> = {};
		for (const [k, v] of [...cbr.drops[ci]].sort((a, b) => b[1] - a[1])) drops[k] = v;
		const path = r.firstPaths[ci] ?? cbr.path[ci];
		flows.push({ name: f.name, kind: 'cbr', sent, delivered, lost: sent - delivered, latencyMs, failovers, goodputMbps: null, path: path ? path.nodes : [], drops });
		if (r.cbrHistory) flows[flows.length - 1].paths = pathChanges(r.reg, r.cbrHistory[ci] ?? []);
		const row = Array.from(cbr.timeline[ci].subarray(0, maxBucket));
		while (row.length < maxBucket) row.push(0);
		timeline[f.name] = row;
	});
	const out: ScenarioResult = {
		scenario: r.name,
		seed: r.seed,
		durationS: r6(r.durationNs / 1e9),
		packets: r.packets,
		packetHops: r.packetHops,
		wallSeconds: 0,
		flows,
		events: r.markers.map((m) => ({ atS: Math.round(m.t / 1e3) / 1e6, what: m.what })),
		timeline: { bucketMs: r.bucketNs / 1e6, delivered: timeline },
		links: linkResults(r)
	};
	if (r.partial) out.partial = { atS: Math.round(r.partial.atNs / 1e3) / 1e6, reason: r.partial.reason };
	return out;
}

function bulkResult(r: RunRecord, f: Traffic, i: number): FlowResult {
	const hist = r.bulkHistory[i] ?? [];
	const failovers = r.events.map((e) => {
		// first state from the fault on in which the flow's path delivers
		let fo: number | null = null;
		for (const h of hist)
			if (h.t >= e.at && h.path.ok) {
				fo = h.t + h.path.oneWay - e.at;
				break;
			}
		return { fault: faultText(e), atS: r6(e.at / 1e9), failoverMs: fo === null ? null : r3(fo / 1e6), lost: 0 };
	});
	const g = r.bulkGoodput[i]!;
	const res: FlowResult = { name: f.name, kind: 'bulk', sent: 0, delivered: 0, lost: 0, latencyMs: null, failovers, goodputMbps: r3(g.mbps), path: g.path.nodes, drops: {} };
	if (r.cbrHistory) res.paths = pathChanges(r.reg, hist);
	return res;
}

function linkResults(r: RunRecord): LinkResult[] {
	const L = r.links;
	const out: LinkResult[] = [];
	for (let g = 0; g < r.reg.links.length; g++) {
		const a = 2 * g;
		const b = a + 1;
		if (L.frames[a] + L.frames[b] === 0) continue;
		out.push({
			link: r.reg.links[g].label,
			utilisation: [r6(L.busyNs[a] / r.durationNs), r6(L.busyNs[b] / r.durationNs)],
			queueDrops: L.queueDrops[a] + L.queueDrops[b],
			lossDrops: L.lossDrops[a] + L.lossDrops[b],
			frames: L.frames[a] + L.frames[b]
		});
	}
	return out;
}

/** A flow's path states as reported: consecutive equal paths merged. */
function pathChanges(reg: Registry, hist: PathAt[]): PathChange[] {
	const out: PathChange[] = [];
	const key = (c: PathChange) => `${c.ok}|${c.reason}|${c.nodes.join(' ')}|${c.links.join(' ')}`;
	for (const { t, path } of hist) {
		const links: string[] = [];
		for (let h = 0; h < path.n; h++) links.push(reg.links[path.ld[h] >> 1].key);
		const c: PathChange = { atS: Math.round(t / 1e3) / 1e6, nodes: path.nodes, links, ok: path.ok, reason: path.ok ? '' : path.reason };
		const last = out[out.length - 1];
		if (last && last.atS === c.atS) out.pop();
		const prev = out[out.length - 1];
		if (!prev || key(prev) !== key(c)) out.push(c);
	}
	return out;
}
