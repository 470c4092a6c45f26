import type { Topology } from '../model/types';

/** Nodes whose id or label contains the query, or with an address starting with it (a VIP exactly). */
export function searchNodes(t: Topology, query: string): string[] {
	const q = query.trim().toLowerCase();
	if (!q) return [];
	return Object.entries(t.nodes)
		.filter(([id, n]) => {
			if (id.toLowerCase().includes(q) || (n.label ?? '').toLowerCase().includes(q)) return true;
			return Object.values(n.interfaces ?? {}).some((i) => (i.ip ?? '').startsWith(q) || i.vrrp?.vip === q) || n.vip === q;
		})
		.map(([id]) => id);
}
