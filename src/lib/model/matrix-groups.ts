/**
 * Grouping a reachability matrix by the pods' namespace or a label value
 * (`vnet matrix --group-by`, the app's Simulate ▸ Matrix "Group by"). Pure:
 * the caller gives the endpoints, the topology and a cell reader; the engine
 * and the worker are not needed, so the CLI and the app share it.
 */
import type { Disposition, Topology } from './types';

export type GroupBy = { kind: 'none' } | { kind: 'namespace' } | { kind: 'label'; key: string };

/** `none`, `namespace` or `label:KEY` (the CLI's flag and the app's select); else an error message. */
export function parseGroupBy(s: string): GroupBy | { error: string } {
	const t = s.trim();
	if (t === '' || t === 'none') return { kind: 'none' };
	if (t === 'namespace') return { kind: 'namespace' };
	const m = /^label:(.+)$/.exec(t);
	if (m && m[1].trim()) return { kind: 'label', key: m[1].trim() };
	return { error: `expects none, namespace or label:KEY, got ${JSON.stringify(s)}` };
}

export function groupByText(g: GroupBy): string {
	return g.kind === 'label' ? `label:${g.key}` : g.kind;
}

/** Endpoints that are not pods of the cluster (hosts, nodes, routers) share this group, shown last. */
export const NOT_A_POD = '(not a pod)';

/** The label keys the cluster's pods carry, sorted: the app offers these. */
export function podLabelKeys(topology: Topology | null | undefined): string[] {
	const keys = new Set<string>();
	for (const p of Object.values(topology?.kubernetes?.pods ?? {})) for (const k of Object.keys(p.labels ?? {})) keys.add(k);
	return [...keys].sort();
}

export interface MatrixGroup {
	name: string;
	/** indexes into the matrix's endpoints, in their matrix order */
	members: number[];
}

function groupName(topology: Topology | null | undefined, id: string, by: GroupBy): string {
	const pod = topology?.kubernetes?.pods?.[id];
	if (!pod) return NOT_A_POD;
	if (by.kind === 'namespace') return pod.namespace;
	if (by.kind === 'label') {
		const v = pod.labels?.[by.key];
		return v === undefined ? `(no ${by.key})` : `${by.key}=${v}`;
	}
	return '';
}

/**
 * Groups in byte-wise name order (stable across runs), pods without the label
 * after them, endpoints that are not pods last. `none` is one group of all.
 */
export function groupEndpoints(endpoints: string[], topology: Topology | null | undefined, by: GroupBy): MatrixGroup[] {
	if (by.kind === 'none') return [{ name: '', members: endpoints.map((_, i) => i) }];
	const map = new Map<string, number[]>();
	endpoints.forEach((id, i) => {
		const g = groupName(topology, id, by);
		(map.get(g) ?? map.set(g, []).get(g)!).push(i);
	});
	const rank = (n: string) => (n === NOT_A_POD ? 2 : n.startsWith('(no ') ? 1 : 0);
	return [...map.entries()]
		.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
		.map(([name, members]) => ({ name, members }));
}

/** One line of a grouped axis: one endpoint, or a whole collapsed group. */
export interface AxisEntry {
	group: string;
	/** the endpoint indexes this line stands for (one, unless collapsed) */
	members: number[];
	collapsed: boolean;
	/** the first line of its group: where a group header goes */
	first: boolean;
}

/** The rows (and, the same, the columns) of a grouped matrix with some groups collapsed. */
export function groupedAxis(groups: MatrixGroup[], collapsed: ReadonlySet<string> = new Set()): AxisEntry[] {
	const out: AxisEntry[] = [];
	for (const g of groups) {
		if (collapsed.has(g.name)) out.push({ group: g.name, members: g.members, collapsed: true, first: true });
		else g.members.forEach((m, k) => out.push({ group: g.name, members: [m], collapsed: false, first: k === 0 }));
	}
	return out;
}

/**
 * A block of cells summed up: `all` allowed (DELIVERED), `some`, `none`;
 * `self` when the block is only the diagonal, `pending` while a cell is not
 * computed. The diagonal (null) does not count.
 */
export type BlockSummary = 'all' | 'some' | 'none' | 'self' | 'pending';

/** cell(i, j): the disposition, null on the diagonal, undefined not computed yet. */
export type CellReader = (i: number, j: number) => Disposition | null | undefined;

export function blockSummary(cell: CellReader, rows: number[], cols: number[]): BlockSummary {
	let ok = 0;
	let other = 0;
	for (const i of rows)
		for (const j of cols) {
			const d = cell(i, j);
			if (d === undefined) return 'pending';
			if (d === null) continue;
			if (d === 'DELIVERED') ok++;
			else other++;
		}
	if (ok + other === 0) return 'self';
	return other === 0 ? 'all' : ok === 0 ? 'none' : 'some';
}

/** The group × group table of summaries (the CLI prints it; tests read it). */
export function groupSummaries(groups: MatrixGroup[], cell: CellReader): BlockSummary[][] {
	return groups.map((a) => groups.map((b) => blockSummary(cell, a.members, b.members)));
}
