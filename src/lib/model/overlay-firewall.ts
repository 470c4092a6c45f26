/**
 * The distributed firewall (DFW) of an overlay (docs/overlays.md): rules in
 * vnet's rule syntax, applied to segments, guests or groups of guests (by tag
 * or by id), enforced at each guest vNIC on a segment in both directions,
 * statefully, first match wins, else the firewall's `default`.
 *
 *   overlay:
 *     groups: { web-tier: { tags: [web] } }
 *     firewall:
 *       default: deny
 *       rules:
 *         - { action: allow, proto: tcp, to: web-tier, port: 80, applied_to: [web-tier], direction: in }
 *
 * This module holds the format rules of those references and compiles the
 * rules of each vNIC (resolved onto the guest's interface, RIface.dfw); the
 * engine enforces them (engine/probe/dfw.ts).
 */
import type { DfwRule, Topology } from './types';

/** A format problem at a path of the document (the shape of overlay.ts's issues). */
export interface DfwIssue {
	path: (string | number)[];
	message: string;
}

/** One rule as a vNIC sees it: its place in the file and what it matches, names expanded to addresses. */
export interface RDfwRule {
	index: number;
	action: 'allow' | 'deny' | 'reject';
	proto?: 'icmp' | 'tcp' | 'udp';
	/** "a.b.c.d" or "a.b.c.d/n" each; null: any */
	from: string[] | null;
	to: string[] | null;
	port?: { from: number; to: number };
	sport?: { from: number; to: number };
	direction: 'in' | 'out' | 'both';
	text: string;
	path: string;
}

/** The firewall at one guest vNIC: the rules that apply to it, in file order. */
export interface RDfw {
	/** the hypervisor enforcing it (its conntrack keeps the state) */
	host: string;
	/** "guest.iface" */
	vnic: string;
	segment: string;
	rules: RDfwRule[];
	default: 'allow' | 'deny';
}

const IP_RE = /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/;

const isGuest = (t: Topology, id: string): boolean => {
	const n = t.nodes?.[id];
	return n !== undefined && (n.kind === 'vm' || n.kind === 'container');
};

/** Guests a group selects: its members, and every guest carrying one of its tags. */
export function groupGuests(t: Topology, group: string): string[] {
	const g = t.overlay?.groups?.[group];
	if (!g) return [];
	const tags = new Set(g.tags ?? []);
	const out = new Set(g.members ?? []);
	for (const [id, n] of Object.entries(t.nodes)) if (isGuest(t, id) && (n.tags ?? []).some((tag) => tags.has(tag))) out.add(id);
	return [...out].sort();
}

function addressesOf(t: Topology, id: string): string[] {
	return Object.values(t.nodes[id]?.interfaces ?? {})
		.map((i) => i.ip?.split('/')[0])
		.filter((a): a is string => a !== undefined);
}

/** A rule's `from`/`to` as addresses: null for any; a node's addresses; a group's guests' addresses. */
export function expand(t: Topology, spec: string | undefined): string[] | null {
	if (spec === undefined || spec === 'any') return null;
	if (IP_RE.test(spec)) return [spec];
	if (t.overlay?.groups && Object.hasOwn(t.overlay.groups, spec)) return groupGuests(t, spec).flatMap((id) => addressesOf(t, id));
	return addressesOf(t, spec);
}

const range = (r: { from: number; to: number }) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`);

/** "allow tcp any → web-tier port 80 applied to web-tier direction in", for traces. */
export function dfwRuleText(r: DfwRule): string {
	const parts: string[] = [r.action, r.proto ?? 'any', `${r.from ?? 'any'} → ${r.to ?? 'any'}`];
	if (r.port) parts.push(`port ${range(r.port)}`);
	if (r.sport) parts.push(`sport ${range(r.sport)}`);
	if (r.applied_to?.length) parts.push(`applied to ${r.applied_to.join(', ')}`);
	if (r.direction && r.direction !== 'both') parts.push(`direction ${r.direction}`);
	return parts.join(' ');
}

/** Does the rule apply at this guest's vNIC on this segment? No `applied_to`: at every vNIC. */
export function appliesTo(t: Topology, r: DfwRule, guest: string, segment: string): boolean {
	if (!r.applied_to?.length) return true;
	return r.applied_to.some((name) => name === segment || name === guest || groupGuests(t, name).includes(guest));
}

/** The firewall at guest.iface (on `segment`, hosted by `host`), or null when the overlay has none. */
export function vnicFirewall(t: Topology, guest: string, iface: string, segment: string, host: string): RDfw | null {
	const fw = t.overlay?.firewall;
	if (!fw) return null;
	// An edge on a segment (overlay-router.ts) is filtered by its own rules, as NSX's gateway firewall: the DFW is the guests'.
	const kind = t.nodes[guest]?.kind;
	if (kind !== 'vm' && kind !== 'container') return null;
	const rules: RDfwRule[] = [];
	(fw.rules ?? []).forEach((r, index) => {
		if (!appliesTo(t, r, guest, segment)) return;
		rules.push({
			index,
			action: r.action,
			proto: r.proto,
			from: expand(t, r.from),
			to: expand(t, r.to),
			port: r.port,
			sport: r.sport,
			direction: r.direction ?? 'both',
			text: dfwRuleText(r),
			path: `overlay.firewall.rules[${index}]`
		});
	});
	return { host, vnic: `${guest}.${iface}`, segment, rules, default: fw.default ?? 'allow' };
}

/** Format rules of the firewall's references: every name a rule or group uses exists, and means one thing. */
export function dfwIssues(t: Topology): DfwIssue[] {
	const out: DfwIssue[] = [];
	const ov = t.overlay;
	if (!ov || !t.nodes) return out;
	const segments = ov.segments ?? {};
	const groups = ov.groups ?? {};
	for (const [name, g] of Object.entries(groups)) {
		const path = ['overlay', 'groups', name];
		if (Object.hasOwn(segments, name)) out.push({ path, message: `group "${name}" has a segment's name: \`applied_to\` could not tell them apart` });
		else if (Object.hasOwn(t.nodes, name)) out.push({ path, message: `group "${name}" has a node's name: rules could not tell them apart` });
		if (!g.tags?.length && !g.members?.length) out.push({ path, message: 'a group needs `tags` or `members`' });
		(g.members ?? []).forEach((id, i) => {
			if (!isGuest(t, id)) out.push({ path: [...path, 'members', i], message: Object.hasOwn(t.nodes, id) ? `${id} is a ${t.nodes[id].kind}: group members are vm or container ids` : `no node "${id}"` });
		});
	}
	(ov.firewall?.rules ?? []).forEach((r, ri) => {
		const path = ['overlay', 'firewall', 'rules', ri];
		(r.applied_to ?? []).forEach((name, i) => {
			if (Object.hasOwn(segments, name) || Object.hasOwn(groups, name) || isGuest(t, name)) return;
			const what = Object.hasOwn(t.nodes, name) ? `${name} is a ${t.nodes[name].kind}, not a guest` : `no segment, guest or group "${name}"`;
			out.push({ path: [...path, 'applied_to', i], message: `${what} (\`applied_to\` takes segment names, vm/container ids and group names)` });
		});
		for (const key of ['from', 'to'] as const) {
			const spec = r[key];
			if (spec === undefined || spec === 'any' || IP_RE.test(spec) || Object.hasOwn(groups, spec) || Object.hasOwn(t.nodes, spec)) continue;
			out.push({ path: [...path, key], message: `no node or group "${spec}" (\`${key}\` takes \`any\`, an address or prefix, a node id or a group name)` });
		}
	});
	return out;
}
