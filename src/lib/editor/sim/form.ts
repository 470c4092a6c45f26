/** The probe form's values (strings as typed) and the probe they ask for. */
import type { Disposition, ProbeCheck, Proto } from '$lib/model/types';
import type { ProbeSpec, Trace } from '$lib/worker/protocol';

export interface ProbeForm {
	from: string;
	to: string;
	proto: Proto;
	port: string;
	size: string;
	df: boolean;
	ttl: string;
	mode: 'probe' | 'traceroute';
}

export function emptyForm(): ProbeForm {
	return { from: '', to: '', proto: 'icmp', port: '', size: '', df: false, ttl: '', mode: 'probe' };
}

function int(s: string, name: string, min: number, max: number): number | undefined {
	const v = s.trim();
	if (v === '') return undefined;
	if (!/^\d+$/.test(v) || +v < min || +v > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
	return +v;
}

/** The probe of a form, or the reason it is not one yet. */
export function specOf(f: ProbeForm): { spec: ProbeSpec } | { error: string } {
	if (!f.from) return { error: 'Pick a source: click a node on the canvas or choose one above.' };
	if (!f.to.trim()) return { error: 'Pick a destination: click a node, or type a node or an address.' };
	try {
		const port = f.proto === 'icmp' ? undefined : int(f.port, 'Port', 1, 65535);
		if (f.proto !== 'icmp' && port === undefined) return { error: `A ${f.proto.toUpperCase()} probe needs a destination port.` };
		const spec: ProbeSpec = { from: f.from, to: f.to.trim(), proto: f.proto };
		if (port !== undefined) spec.port = port;
		const size = int(f.size, 'Size', 0, 65507);
		if (size !== undefined) spec.size = size;
		if (f.df) spec.df = true;
		const ttl = int(f.ttl, 'TTL', 1, 255);
		if (ttl !== undefined) spec.ttl = ttl;
		return { spec };
	} catch (e) {
		return { error: (e as Error).message };
	}
}

/** The form showing a probe (after "animate this check" or a matrix cell). */
export function formOf(spec: ProbeSpec, mode: ProbeForm['mode'] = 'probe'): ProbeForm {
	return {
		from: spec.from,
		to: spec.to,
		proto: spec.proto ?? 'icmp',
		port: spec.port !== undefined ? String(spec.port) : '',
		size: spec.size !== undefined ? String(spec.size) : '',
		df: !!spec.df,
		ttl: spec.ttl !== undefined ? String(spec.ttl) : '',
		mode
	};
}

/** "expect this": the check that pins the current outcome down. */
export function checkOf(spec: ProbeSpec, t: Trace): ProbeCheck {
	const c: ProbeCheck = { from: spec.from, to: spec.to, expect: t.disposition as Disposition };
	if (spec.proto && spec.proto !== 'icmp') c.proto = spec.proto;
	if (spec.port !== undefined) c.port = spec.port;
	if (spec.sport !== undefined) c.sport = spec.sport;
	if (spec.size !== undefined) c.size = spec.size;
	if (spec.df) c.df = true;
	if (spec.ttl !== undefined) c.ttl = spec.ttl;
	if ((t.disposition === 'DELIVERED' || t.disposition === 'EXITS_NETWORK') && t.seenSource) c['seen-source'] = t.seenSource;
	if (t.icmp && t.disposition !== 'DELIVERED') c['icmp-from'] = t.icmp.from;
	if (t.disposition === 'FRAGMENTATION_NEEDED' && t.mtu !== null) c.mtu = t.mtu;
	return c;
}
