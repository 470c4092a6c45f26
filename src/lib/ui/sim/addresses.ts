/** Who owns which address in a document (for labels: "10.18.0.2 (fw)"), from the file as written. */
import type { Topology } from '$lib/model/types';

export function addressOwners(t: Topology | null): Map<string, string> {
	const m = new Map<string, string>();
	if (!t) return m;
	for (const [id, n] of Object.entries(t.nodes)) {
		for (const i of Object.values(n.interfaces ?? {})) {
			if (i.ip) m.set(i.ip.split('/')[0], id);
			if (i.vrrp?.vip && !m.has(i.vrrp.vip)) m.set(i.vrrp.vip, id);
		}
		if (n.vip) m.set(n.vip, id);
	}
	return m;
}

/** The node a probe's `to` means: a node id, or the node owning that address. */
export function nodeOfTarget(t: Topology | null, to: string, owners: Map<string, string>): string | null {
	if (!t || !to) return null;
	if (to in t.nodes) return to;
	return owners.get(to) ?? null;
}

/** Quick picks for a destination: its services, and the port forwards it offers. */
export function servicesOf(t: Topology | null, node: string | null): { proto: 'tcp' | 'udp'; port: number; note?: string }[] {
	if (!t || !node || !(node in t.nodes)) return [];
	const n = t.nodes[node];
	const out: { proto: 'tcp' | 'udp'; port: number; note?: string }[] = [];
	const seen = new Set<string>();
	for (const s of n.services ?? []) {
		const k = `${s.proto}/${s.port}`;
		if (!seen.has(k)) out.push({ proto: s.proto, port: s.port });
		seen.add(k);
	}
	for (const f of n.nat?.forwards ?? []) {
		const k = `${f.proto}/${f.port}`;
		if (!seen.has(k)) out.push({ proto: f.proto, port: f.port, note: `→ ${f.to}` });
		seen.add(k);
	}
	return out;
}
