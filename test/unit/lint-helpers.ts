/**
 * Test helpers for lint: YAML text -> Topology + locate, through the real
 * loader (src/lib/model/load.ts). Only a test that asks for `raw: true` gets
 * the minimal converter below (units, services, trunks, ports): for documents
 * the loader rejects, which lint still guards when they are built in memory.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { Diagnostic, Topology } from '../../src/lib/model/types';
import { lintTopology } from '../../src/lib/model/lint';
import { loadTopology } from '../../src/lib/model/load';

type Locate = (path: (string | number)[]) => { line: number; col: number };

const DUR: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };
const BW: Record<string, number> = { bps: 1, Kbps: 1e3, Mbps: 1e6, Gbps: 1e9 };
const SIZE: Record<string, number> = { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };

function unit(v: unknown, table: Record<string, number>): unknown {
	if (typeof v !== 'string') return v;
	const m = /^([0-9.]+)([A-Za-z]+)$/.exec(v);
	if (!m || !(m[2] in table)) return v;
	return Math.round(Number(m[1]) * table[m[2]]);
}
const range = (v: unknown) => {
	if (typeof v === 'number') return { from: v, to: v };
	if (typeof v === 'string') {
		const [a, b] = v.split('-').map(Number);
		return { from: a, to: b ?? a };
	}
	return v;
};
function vlans(v: unknown): number[] {
	const out = new Set<number>();
	for (const x of Array.isArray(v) ? v : [v]) {
		if (typeof x === 'number') out.add(x);
		else if (typeof x === 'string') {
			const [a, b] = x.split('-').map(Number);
			for (let i = a; i <= (b ?? a); i++) out.add(i);
		}
	}
	return [...out].sort((a, b) => a - b);
}

/** A minimal stand-in for the loader: converts units and shorthand forms. */
export function convert(raw: any): Topology {
	const t = raw;
	t.links ??= [];
	t.scenarios ??= {};
	t.checks ??= [];
	for (const n of Object.values<any>(t.nodes ?? {})) {
		if (n.memory !== undefined) n.memory = unit(n.memory, SIZE);
		if (n.delay !== undefined) n.delay = unit(n.delay, DUR);
		if (n.channel !== undefined) n.channel = unit(n.channel, DUR);
		if (n.ha) n.ha.restart = unit(n.ha.restart, DUR);
		if (n.services) n.services = n.services.map((s: string) => ({ proto: s.split('/')[0], port: Number(s.split('/')[1]) }));
		if (n.pool) n.pool = n.pool.map((s: string) => ({ node: s.slice(0, s.lastIndexOf(':')), port: Number(s.slice(s.lastIndexOf(':') + 1)) }));
		for (const r of n.rules ?? []) {
			if (r.port !== undefined) r.port = range(r.port);
			if (r.sport !== undefined) r.sport = range(r.sport);
		}
		for (const itf of Object.values<any>(n.interfaces ?? {})) {
			if (!itf) continue;
			if (itf.trunk !== undefined) itf.trunk = vlans(itf.trunk);
			if (itf.vrrp?.advert) itf.vrrp.advert = unit(itf.vrrp.advert, DUR);
			if (itf.bond?.miimon) itf.bond.miimon = unit(itf.bond.miimon, DUR);
		}
		for (const [k, itf] of Object.entries<any>(n.interfaces ?? {})) if (itf === null) n.interfaces[k] = {};
	}
	for (const l of t.links) {
		if (l.latency !== undefined) l.latency = unit(l.latency, DUR);
		if (l.bandwidth !== undefined) l.bandwidth = unit(l.bandwidth, BW);
	}
	for (const s of Object.values<any>(t.scenarios)) {
		s.duration = unit(s.duration, DUR);
		for (const e of s.events ?? []) e.at = unit(e.at, DUR);
		for (const f of s.traffic ?? []) {
			if (typeof f.rate === 'string') f.rate = Number(f.rate.replace(/pps$/, ''));
			if (f.window !== undefined) f.window = unit(f.window, SIZE);
		}
	}
	for (const c of t.checks) {
		if (c['max-failover'] !== undefined) c['max-failover'] = unit(c['max-failover'], DUR);
		if (c['min-goodput'] !== undefined) c['min-goodput'] = unit(c['min-goodput'], BW);
	}
	return t as Topology;
}

/**
 * `raw: true` skips the real loader: for documents the loader already rejects
 * (lint still guards topologies built in memory, e.g. by the app's editor).
 */
export async function load(text: string, file = 'test.vnet.yaml', opts: { raw?: boolean } = {}): Promise<{ topology: Topology; locate: Locate }> {
	if (!opts.raw) {
		const r = loadTopology(text, file);
		if (!r.ok) throw new Error(`loader rejected ${file}:\n${r.errors.map((e: Diagnostic) => `${e.path}: ${e.message}`).join('\n')}`);
		if (!r.source) throw new Error(`the loader gave no source positions for ${file}`);
		return { topology: r.topology, locate: r.source.locate };
	}
	const lc = new LineCounter();
	const doc = parseDocument(text, { version: '1.2', uniqueKeys: true, lineCounter: lc });
	if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
	const locate: Locate = (path) => {
		const n = path.length ? doc.getIn(path, true) : doc.contents;
		if (isNode(n) && n.range) {
			const p = lc.linePos(n.range[0]);
			return { line: p.line, col: p.col };
		}
		return { line: 0, col: 0 };
	};
	return { topology: convert(doc.toJS()), locate };
}

export async function lintYaml(text: string, file = 'test.vnet.yaml', opts: { raw?: boolean } = {}): Promise<Diagnostic[]> {
	const { topology, locate } = await load(text, file, opts);
	return lintTopology(topology, { file, locate });
}

/** Rule ids found, in order. */
export async function rules(text: string, opts: { raw?: boolean } = {}): Promise<string[]> {
	return (await lintYaml(text, 'test.vnet.yaml', opts)).map((d) => d.rule!);
}

export const HEADER = 'vnet: 1\nname: t\n';
