/**
 * Pure helpers of the scenario panel: numbers as the table shows them, the
 * timeline's markers (faults, restores, the network's reactions) and where
 * their labels go, the state of the network at a moment (what is failed,
 * which path a flow takes), and the plot's series.
 */
import type { FlowResult, PathChange, ScenarioResult } from '$lib/engine/scenario/index';
import type { Scenario, ScenarioEvent, Topology } from '$lib/model/types';

// ------------------------------------------------------------------ numbers

/** 2610.5132 → "2,610.5 ms", 0.2905 → "0.291 ms", null → "never" */
export function formatMs(ms: number | null): string {
	if (ms === null) return 'never';
	const abs = Math.abs(ms);
	const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
	return `${ms.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ms`;
}

/** 10000 → "10,000" */
export function formatCount(n: number): string {
	return n.toLocaleString('en-US');
}

/** min / mean / p99 in ms, three decimals: "0.290 / 0.291 / 0.290" */
export function formatLatency(l: FlowResult['latencyMs']): string {
	if (!l) return '—';
	return [l.min, l.mean, l.p99].map((x) => x.toFixed(3)).join(' / ');
}

/** 941.2 → "941.2 Mbps"; null → "—" */
export function formatGoodput(mbps: number | null): string {
	if (mbps === null) return '—';
	if (mbps >= 1000) return `${(mbps / 1000).toFixed(2)} Gbps`;
	return `${mbps.toFixed(mbps >= 100 ? 1 : 2)} Mbps`;
}

/** 3 → "t=3.000s" */
export function formatT(s: number): string {
	return `t=${s.toFixed(3)}s`;
}

/** lost / sent as a percentage: "26.1 %" */
export function formatLoss(f: Pick<FlowResult, 'sent' | 'lost'>): string {
	if (!f.sent) return '—';
	const p = (100 * f.lost) / f.sent;
	return `${p === 0 ? '0' : p < 0.1 ? '<0.1' : p.toFixed(1)} %`;
}

// ------------------------------------------------------------------ markers

export type MarkerKind = 'fault' | 'restore' | 'reaction';

export interface TimelineMarker {
	atS: number;
	kind: MarkerKind;
	/** as a person says it: "r1 down", "r2 becomes VRRP master" */
	label: string;
	/** the engine's words */
	what: string;
}

/** The element of a fault target as said: "r1", "r1.eth1", "cable of r1.eth1". */
function targetWords(t: string): string {
	const m = /^link (.+)$/.exec(t);
	return m ? `cable at ${m[1]}` : t;
}

/** "fail r1" → "r1 down"; "restore link r1.eth1" → "cable at r1.eth1 back up"; a reaction: first clause, shortened. */
export function markerOf(e: { atS: number; what: string }): TimelineMarker {
	const fail = /^fail (.+)$/.exec(e.what);
	if (fail) return { atS: e.atS, kind: 'fault', label: `${targetWords(fail[1])} down`, what: e.what };
	const restore = /^restore (.+)$/.exec(e.what);
	if (restore) return { atS: e.atS, kind: 'restore', label: `${targetWords(restore[1])} back up`, what: e.what };
	// "r2 becomes VRRP master (group 1, 10.0.0.3 on lan)" → "r2 becomes VRRP master"
	const label = e.what.replace(/\s*\([^)]*\)\s*$/, '');
	return { atS: e.atS, kind: 'reaction', label, what: e.what };
}

export interface MarkerGroup {
	atS: number;
	kind: MarkerKind;
	/** "t=5.609s r2 becomes VRRP master" (+ "+3" when more happened at that instant) */
	label: string;
	markers: TimelineMarker[];
}

/**
 * Markers at the same instant become one line on the plot: faults first,
 * then the reactions; repeated labels (the same router becomes master of two
 * groups) are said once, and gratuitous ARPs, which always follow a takeover,
 * are not counted as news.
 */
export function groupMarkers(events: ScenarioResult['events']): MarkerGroup[] {
	const groups: MarkerGroup[] = [];
	for (const e of events) {
		const m = markerOf(e);
		let g = groups[groups.length - 1];
		if (!g || Math.abs(g.atS - m.atS) > 1e-9) {
			g = { atS: m.atS, kind: m.kind, label: '', markers: [] };
			groups.push(g);
		}
		g.markers.push(m);
	}
	for (const g of groups) {
		const rank: Record<MarkerKind, number> = { fault: 0, restore: 1, reaction: 2 };
		g.markers.sort((a, b) => rank[a.kind] - rank[b.kind]);
		g.kind = g.markers[0].kind;
		const news = [...new Set(g.markers.filter((m) => !/gratuitous ARP/i.test(m.what)).map((m) => m.label))];
		const first = news[0] ?? g.markers[0].label;
		g.label = `${formatT(g.atS)} ${first}${news.length > 1 ? ` +${news.length - 1}` : ''}`;
	}
	return groups;
}

/**
 * Rows for labels on a plot so that none overlaps the one before it in its
 * row: `xs` sorted ascending (pixels, where each label starts), `widths` in
 * pixels, `gap` between labels. Returns the row of each label (0 = top);
 * past `maxRows`, labels go to the least crowded row.
 */
export function labelRows(xs: number[], widths: number[], gap = 6, maxRows = 3): number[] {
	const ends: number[] = [];
	return xs.map((x, i) => {
		for (let r = 0; r < ends.length; r++)
			if (ends[r] + gap <= x) {
				ends[r] = x + widths[i];
				return r;
			}
		if (ends.length < maxRows) {
			ends.push(x + widths[i]);
			return ends.length - 1;
		}
		let best = 0;
		for (let r = 1; r < ends.length; r++) if (ends[r] < ends[best]) best = r;
		ends[best] = Math.max(ends[best], x + widths[i]);
		return best;
	});
}

// ------------------------------------------------------------------ state at a moment

/** What is failed at one moment: node ids, interfaces "n.if" (admin down), cables by index in topology.links. */
export interface FailedState {
	nodes: Set<string>;
	ifaces: Set<string>;
	links: Set<number>;
}

/** The cable of an interface end "n.if" (a subinterface's parent's cable), or -1. */
export function linkIndexOf(t: Pick<Topology, 'links'>, end: string): number {
	let i = t.links.findIndex((l) => l.a === end || l.b === end);
	const dot = end.indexOf('.');
	const iface = end.slice(dot + 1);
	if (i < 0 && iface.includes('.')) {
		const parent = `${end.slice(0, dot)}.${iface.slice(0, iface.indexOf('.'))}`;
		i = t.links.findIndex((l) => l.a === parent || l.b === parent);
	}
	return i;
}

/**
 * The faults in force at time `atS`: the scenario's events up to and
 * including that instant, in time order (file order at equal times). A
 * failed hypervisor's guests are not listed: they are drawn inside it.
 */
export function failedAt(t: Pick<Topology, 'links'>, events: readonly ScenarioEvent[], atS: number): FailedState {
	const s: FailedState = { nodes: new Set(), ifaces: new Set(), links: new Set() };
	const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
	const limit = Math.round(atS * 1e9);
	for (const { e } of ordered) {
		if (e.at > limit) break;
		const fail = e.fail !== undefined;
		const target = fail ? e.fail! : e.restore!;
		if (typeof target !== 'string') {
			const i = linkIndexOf(t, target.link);
			if (i >= 0) (fail ? s.links.add(i) : s.links.delete(i));
		} else if (target.includes('.')) fail ? s.ifaces.add(target) : s.ifaces.delete(target);
		else fail ? s.nodes.add(target) : s.nodes.delete(target);
	}
	return s;
}

/**
 * Pods down at `atS` by the run's own events (docs/kubernetes.md "Scenarios"):
 * "n2: pods down: a, b" takes them down, "a restarted on n1 (...)" brings one
 * back, "restore n2" brings back those still down with it.
 */
export function podsDownAt(events: ScenarioResult['events'], atS: number): Set<string> {
	const down = new Map<string, string>(); // pod → its failed node
	for (const e of events) {
		if (e.atS > atS + 1e-9) break;
		const d = /^(\S+): pods down: (.+)$/.exec(e.what);
		if (d) for (const p of d[2].split(', ')) down.set(p, d[1]);
		const r = /^(\S+) restarted on \S+/.exec(e.what);
		if (r) down.delete(r[1]);
		const back = /^restore ([^\s.]+)$/.exec(e.what);
		if (back) for (const [p, n] of down) if (n === back[1]) down.delete(p);
	}
	return new Set(down.keys());
}

/** The path a flow takes at `atS` (the last change at or before it). */
export function pathAt(paths: readonly PathChange[] | undefined, atS: number): PathChange | null {
	if (!paths?.length) return null;
	let cur = paths[0];
	for (const p of paths) {
		if (p.atS <= atS + 1e-9) cur = p;
		else break;
	}
	return cur;
}

/** Indexes in topology.links of the cables a path crosses ("a.if|b.if" keys); virtual links are left out. */
export function pathLinks(t: Pick<Topology, 'links'>, path: PathChange): number[] {
	const out: number[] = [];
	for (const key of path.links) {
		const [a, b] = key.split('|');
		const i = t.links.findIndex((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
		if (i >= 0) out.push(i);
	}
	return out;
}

// ------------------------------------------------------------------ series

export type { PlotUnit } from '$lib/editor/scenario/session.svelte';
import type { PlotUnit } from '$lib/editor/scenario/session.svelte';

/**
 * The plot's data: x = the middle of each bucket in seconds, then one series
 * per flow: packets delivered in the bucket, or the payload goodput in Mbit/s
 * (delivered × size × 8 / bucket).
 */
export function plotData(r: ScenarioResult, sizes: Record<string, number>, unit: PlotUnit): { x: number[]; series: { name: string; values: number[] }[] } {
	const b = r.timeline.bucketMs;
	const names = Object.keys(r.timeline.delivered);
	const n = Math.max(0, ...names.map((k) => r.timeline.delivered[k].length));
	const x = Array.from({ length: n }, (_, i) => Math.round((i + 0.5) * b * 1e3) / 1e6);
	const series = names.map((name) => {
		const d = r.timeline.delivered[name];
		const k = unit === 'mbps' ? ((sizes[name] ?? 32) * 8) / (b / 1e3) / 1e6 : 1;
		return { name, values: Array.from({ length: n }, (_, i) => (d[i] ?? 0) * k) };
	});
	return { x, series };
}

/** Payload bytes per packet of each traffic entry (default 32, as the spec says). */
export function flowSizes(s: Scenario | undefined): Record<string, number> {
	const out: Record<string, number> = {};
	for (const f of s?.traffic ?? []) out[f.name] = f.size ?? 32;
	return out;
}

/** Distinct, readable series colours on the dark background. */
export const FLOW_COLORS = ['#38bdf8', '#f472b6', '#a3e635', '#fbbf24', '#c084fc', '#2dd4bf', '#fb923c', '#818cf8', '#f87171', '#4ade80'];

export function flowColor(i: number): string {
	return FLOW_COLORS[i % FLOW_COLORS.length];
}

export const MARKER_COLOR: Record<MarkerKind, string> = {
	fault: '#f87171',
	restore: '#4ade80',
	reaction: '#fbbf24'
};

/**
 * Words next to nodes at a moment: each node's latest reaction ("r2 becomes
 * VRRP master" → chip "becomes VRRP master" on r2) that happened at most
 * `windowS` before `atS`. Gratuitous ARPs are left out (they follow a takeover).
 */
export function reactionChips(events: ScenarioResult['events'], nodes: Record<string, unknown>, atS: number, windowS: number): { node: string; text: string }[] {
	const latest = new Map<string, string>();
	for (const e of events) {
		if (e.atS > atS + 1e-9) break;
		if (atS - e.atS > windowS) continue;
		const m = markerOf(e);
		if (m.kind !== 'reaction' || /gratuitous ARP/i.test(e.what)) continue;
		const word = /^([^\s:,]+):?\s+(.*)$/.exec(m.label);
		if (!word || !Object.hasOwn(nodes, word[1])) continue;
		const text = word[2].length > 32 ? word[2].slice(0, 31) + '…' : word[2];
		latest.set(word[1], text);
	}
	return [...latest].map(([node, text]) => ({ node, text }));
}

/** "HOST_UNREACHABLE: ARP failed at client" → "ARP failed at client (HOST_UNREACHABLE)" */
export function formatReason(reason: string): string {
	const m = /^([A-Z_]+):\s*(.+)$/.exec(reason);
	return m ? `${m[2]} (${m[1]})` : reason;
}
