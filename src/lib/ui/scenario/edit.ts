/**
 * The scenario form: a scenario of the loaded document as editable text
 * fields, and back to the value written into the file (units as the format
 * writes them: "10s", "1000pps"). Fields the form does not show (sport, ttl,
 * window) are kept as they were.
 */
import type { Proto, Scenario, Traffic } from '$lib/model/types';
import { formatDuration, formatRate, formatSize, parseDuration, parseRate, parseSize } from '$lib/model/units';

export interface TrafficRow {
	name: string;
	kind: 'cbr' | 'bulk';
	from: string;
	to: string;
	proto: Proto;
	port: string;
	rate: string;
	size: string;
	/** fields kept as they were, already in file form */
	extra: Record<string, unknown>;
}

export type TargetKind = 'node' | 'iface' | 'link';

export interface EventRow {
	at: string;
	action: 'fail' | 'restore';
	/** a node, an interface "n.if", or the cable of an interface */
	target: TargetKind;
	value: string;
}

export interface ScenarioForm {
	name: string;
	duration: string;
	seed: string;
	traffic: TrafficRow[];
	events: EventRow[];
}

export function trafficRow(t?: Partial<Traffic>): TrafficRow {
	const extra: Record<string, unknown> = {};
	if (t?.sport !== undefined) extra.sport = t.sport;
	if (t?.ttl !== undefined) extra.ttl = t.ttl;
	if (t?.window !== undefined) extra.window = formatSize(t.window);
	return {
		name: t?.name ?? '',
		kind: t?.kind ?? 'cbr',
		from: t?.from ?? '',
		to: t?.to ?? '',
		proto: t?.proto ?? (t?.kind === 'bulk' ? 'tcp' : 'udp'),
		port: t?.port !== undefined ? String(t.port) : '',
		rate: t?.rate !== undefined ? formatRate(t.rate) : t?.kind === 'bulk' ? '' : '100pps',
		size: t?.size !== undefined ? String(t.size) : '',
		extra
	};
}

export function formOf(name: string, s: Scenario | undefined): ScenarioForm {
	return {
		name,
		duration: s ? formatDuration(s.duration) : '10s',
		seed: s?.seed !== undefined ? String(s.seed) : '1',
		traffic: (s?.traffic ?? []).map((t) => trafficRow(t)),
		events: (s?.events ?? []).map((e) => {
			const fail = e.fail !== undefined;
			const tg = (fail ? e.fail : e.restore)!;
			const row: EventRow =
				typeof tg === 'string' ? { at: formatDuration(e.at), action: fail ? 'fail' : 'restore', target: tg.includes('.') ? 'iface' : 'node', value: tg } : { at: formatDuration(e.at), action: fail ? 'fail' : 'restore', target: 'link', value: tg.link };
			return row;
		})
	};
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * The scenario as written into the file, or the first problem with the
 * form, said so a person can fix it.
 */
export function scenarioOf(f: ScenarioForm): { name: string; scenario: Record<string, unknown> } | { error: string } {
	const name = f.name.trim();
	if (!NAME.test(name)) return { error: 'The scenario needs a name: a letter, then letters, digits, - or _.' };
	const dur = parseDuration(f.duration.trim());
	if ('error' in dur) return { error: `Duration: ${dur.error}` };
	if (!(dur.value > 0)) return { error: 'Duration must be more than 0.' };
	const out: Record<string, unknown> = { duration: f.duration.trim() };
	if (f.seed.trim() !== '') {
		const seed = Number(f.seed.trim());
		if (!Number.isInteger(seed) || seed < 0) return { error: 'Seed must be a whole number, 0 or more.' };
		out.seed = seed;
	}
	const names = new Set<string>();
	const traffic: Record<string, unknown>[] = [];
	for (const [i, t] of f.traffic.entries()) {
		const which = `Traffic ${i + 1}${t.name.trim() ? ` (${t.name.trim()})` : ''}`;
		const n = t.name.trim();
		if (!NAME.test(n)) return { error: `${which}: give it a name (a letter, then letters, digits, - or _).` };
		if (names.has(n)) return { error: `${which}: another flow is already called ${n}.` };
		names.add(n);
		if (!t.from.trim()) return { error: `${which}: choose where it comes from.` };
		if (!t.to.trim()) return { error: `${which}: choose where it goes (a node or an address).` };
		const port = Number(t.port.trim());
		if (t.port.trim() === '' || !Number.isInteger(port) || port < 1 || port > 65535) return { error: `${which}: the port must be 1–65535.` };
		const row: Record<string, unknown> = { name: n };
		if (t.kind === 'bulk') row.kind = 'bulk';
		row.from = t.from.trim();
		row.to = t.to.trim();
		row.proto = t.proto;
		row.port = port;
		if (t.kind === 'cbr') {
			const rate = parseRate(t.rate.trim());
			if ('error' in rate) return { error: `${which}: rate: ${rate.error}` };
			if (!(rate.value > 0)) return { error: `${which}: the rate must be more than 0.` };
			row.rate = t.rate.trim();
		}
		if (t.size.trim() !== '') {
			const raw = /^\d+$/.test(t.size.trim()) ? Number(t.size.trim()) : t.size.trim();
			const size = parseSize(raw);
			if ('error' in size) return { error: `${which}: size: ${size.error}` };
			row.size = raw;
		}
		Object.assign(row, t.extra);
		traffic.push(row);
	}
	if (traffic.length) out.traffic = traffic;
	const events: Record<string, unknown>[] = [];
	for (const [i, e] of f.events.entries()) {
		const which = `Event ${i + 1}`;
		const at = parseDuration(e.at.trim());
		if ('error' in at) return { error: `${which}: time: ${at.error}` };
		const v = e.value.trim();
		if (!v) return { error: `${which}: choose what ${e.action === 'fail' ? 'fails' : 'comes back'}.` };
		if ((e.target === 'iface' || e.target === 'link') && !/^[^.]+\..+$/.test(v)) return { error: `${which}: an interface is written node.interface (r1.eth1).` };
		if (e.target === 'node' && v.includes('.')) return { error: `${which}: a node id has no dot; to fail an interface pick “interface”.` };
		events.push({ at: e.at.trim(), [e.action]: e.target === 'link' ? { link: v } : v });
	}
	if (events.length) out.events = events;
	return { name, scenario: out };
}

/** A name not taken yet: "scenario-1", "scenario-2"… */
export function freshName(taken: Iterable<string>, base = 'scenario'): string {
	const set = new Set(taken);
	let n = 1;
	while (set.has(`${base}-${n}`)) n++;
	return `${base}-${n}`;
}
