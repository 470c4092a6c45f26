/**
 * What an "Add" row proposes (#20.4): values taken from the design, never an
 * invented address. Each proposal is a complete, valid item, or null with the
 * reason the design cannot offer one yet (the panel shows it as the hint of a
 * disabled button). Pure, over the derived topology.
 */
import type { Interface, Kind, Node, Topology } from './types';
import { u32ToIp, parseCidr, type Cidr } from './net';
import { freeAddress } from './edit-rules';
import { FORWARDING_KINDS } from './kinds';

export type Proposal = { value: Record<string, unknown> } | { value: null; hint: string };


function interfaces(n: Node | undefined): [string, Interface][] {
	return Object.entries(n?.interfaces ?? {}).filter((e): e is [string, Interface] => e[1] !== null && e[1] !== undefined);
}

function subnets(n: Node | undefined): { name: string; cidr: Cidr }[] {
	return interfaces(n).flatMap(([name, itf]) => {
		const cidr = parseCidr(itf.ip);
		return cidr ? [{ name, cidr }] : [];
	});
}

interface Neighbour {
	node: string;
	kind: Kind;
	address: string;
	/** this node's interface on that subnet */
	via: string;
}

/** Other nodes' addresses on this node's subnets, routers first (the next hops a route can use). */
export function neighbours(t: Topology, id: string): Neighbour[] {
	const mine = subnets(t.nodes[id]);
	const out: Neighbour[] = [];
	for (const [other, n] of Object.entries(t.nodes)) {
		if (other === id) continue;
		for (const [, itf] of interfaces(n)) {
			const c = parseCidr(itf.ip);
			const own = c && mine.find((m) => m.cidr.net === c.net && m.cidr.len === c.len);
			if (c && own) out.push({ node: other, kind: n.kind, address: u32ToIp(c.addr), via: own.name });
			const vip = itf.vrrp?.vip ? parseCidr(itf.vrrp.vip) : null;
			const vipOwn = vip && mine.find((m) => vip.addr >= m.cidr.net && vip.addr <= m.cidr.last);
			if (vip && vipOwn && !out.some((x) => x.address === u32ToIp(vip.addr))) out.push({ node: other, kind: n.kind, address: u32ToIp(vip.addr), via: vipOwn.name });
		}
	}
	const rank = (k: Kind) => (FORWARDING_KINDS.has(k) ? 0 : k === 'internet' ? 1 : 2);
	return out.sort((a, b) => rank(a.kind) - rank(b.kind));
}

/** A route via an existing neighbour: the default route first, then a subnet of the design this node does not reach yet. */
export function proposeRoute(t: Topology, id: string): Proposal {
	const n = t.nodes[id];
	const hops = neighbours(t, id).filter((h) => FORWARDING_KINDS.has(h.kind) || h.kind === 'internet');
	if (hops.length === 0)
		return { value: null, hint: subnets(n).length ? 'no router on this node’s subnets to route via' : 'give an interface an address first (a route goes via a neighbour)' };
	const routes = n.routes ?? [];
	if (!routes.some((r) => r.to === '0.0.0.0/0')) return { value: { to: '0.0.0.0/0', via: hops[0].address } };
	const known = new Set([...routes.map((r) => r.to), ...subnets(n).map((s) => `${u32ToIp(s.cidr.net)}/${s.cidr.len}`)]);
	for (const [other, m] of Object.entries(t.nodes))
		if (other !== id)
			for (const s of subnets(m)) {
				const net = `${u32ToIp(s.cidr.net)}/${s.cidr.len}`;
				if (!known.has(net)) return { value: { to: net, via: hops[0].address } };
			}
	return { value: null, hint: 'every subnet of the design is already routed' };
}

/** A rule on the node's own interfaces and services: allow one of its services in (the first on a forwarding node's first interface). */
export function proposeRule(t: Topology, id: string): Proposal {
	const n = t.nodes[id];
	const service = (n.services ?? [])[0] ?? firstServiceBehind(t, id);
	const rule: Record<string, unknown> = { action: 'allow', proto: service?.proto ?? 'icmp' };
	if (service) rule.port = service.port;
	if (FORWARDING_KINDS.has(n.kind)) {
		const ifName = interfaces(n).map(([name]) => name)[0];
		if (ifName) rule.in = ifName;
	}
	return { value: rule };
}

/** A service some other node of the design listens on (what a firewall usually lets through). */
function firstServiceBehind(t: Topology, id: string) {
	for (const [other, n] of Object.entries(t.nodes)) if (other !== id && n.services?.length) return n.services[0];
	return undefined;
}

/** The outside port for a service port: the same when free, else 8000 + port (8080 for 80, 2222 for 22). */
function outsidePort(port: number, taken: Set<number>): number {
	const candidates = [port, port === 22 ? 2222 : 8000 + port, 10000 + port];
	return candidates.find((p) => p <= 65535 && !taken.has(p)) ?? port;
}

/** A nat-gateway forward: in on the outside (masquerade) interface, to an existing inside address and its service. */
export function proposeGatewayForward(t: Topology, id: string): Proposal {
	const n = t.nodes[id];
	const names = interfaces(n).map(([name]) => name);
	const masq = n.nat?.masquerade ?? [];
	const outside = masq.find((m) => names.includes(m)) ?? masq[0];
	if (!outside) return { value: null, hint: 'set Masquerade to the outside interface first (forwards come in there)' };
	const inside = subnets(n).filter((s) => !masq.includes(s.name));
	// networks routed through an inside neighbour are inside too (a core router in front of the servers)
	for (const r of n.routes ?? []) {
		const to = parseCidr(r.to);
		const via = r.via ? parseCidr(r.via) : null;
		if (to && to.len > 0 && via && inside.some((s) => via.addr >= s.cidr.net && via.addr <= s.cidr.last)) inside.push({ name: '', cidr: to });
	}
	const taken = new Set((n.nat?.forwards ?? []).map((f) => f.port));
	let best: { address: string; port: number; proto: 'tcp' | 'udp' } | undefined;
	for (const [other, m] of Object.entries(t.nodes)) {
		if (other === id) continue;
		for (const [, itf] of interfaces(m)) {
			const c = parseCidr(itf.ip);
			if (!c || !inside.some((s) => c.addr >= s.cidr.net && c.addr <= s.cidr.last)) continue;
			const s = (m.services ?? [])[0];
			const candidate = { address: u32ToIp(c.addr), port: s?.port ?? 0, proto: s?.proto ?? ('tcp' as const) };
			if (!best || (best.port === 0 && candidate.port !== 0)) best = candidate;
		}
	}
	if (!best) return { value: null, hint: 'no address behind the inside interfaces to forward to yet' };
	if (best.port === 0) return { value: null, hint: `${best.address} listens on no service: add one to it (Services) first` };
	return { value: { in: outside, proto: best.proto, port: outsidePort(best.port, taken), to: `${best.address}:${best.port}` } };
}

/** A hypervisor forward to one of its guests' services (ssh on 2222 by habit). */
export function proposeHypervisorForward(t: Topology, id: string): Proposal {
	const guests = Object.entries(t.nodes).filter(([, g]) => g.on === id);
	if (guests.length === 0) return { value: null, hint: 'no guests on this hypervisor to forward to' };
	// a hypervisor's low ports are its own (its ssh): guests get 2222, 8080, ... as people publish them
	const taken = new Set([...(t.nodes[id].nat?.forwards ?? []).map((f) => f.port), ...Array.from({ length: 1024 }, (_, i) => i)]);
	const [guest, g] = guests.find(([, x]) => x.services?.length) ?? guests[0];
	const s = g.services?.[0] ?? { proto: 'tcp' as const, port: 22 };
	return { value: { proto: s.proto, port: outsidePort(s.port, taken), to: `${guest}:${s.port}` } };
}

/** A VRRP block for an interface: the group after the design's highest, the virtual IP free on the interface's own subnet. */
export function proposeVrrp(t: Topology, id: string, ifName: string, doc: unknown): Proposal {
	const itf = t.nodes[id]?.interfaces?.[ifName];
	const cidr = parseCidr(itf?.ip ?? undefined);
	if (!cidr) return { value: null, hint: 'give the interface an address first (the virtual IP is on its subnet)' };
	const vip = freeAddress(doc, `${u32ToIp(cidr.net)}/${cidr.len}`, 'top');
	if (!vip) return { value: null, hint: 'no free address on this subnet for a virtual IP' };
	let group = 0;
	for (const n of Object.values(t.nodes)) for (const [, x] of interfaces(n)) group = Math.max(group, x.vrrp?.group ?? 0);
	// the peers of one group share it: an existing group on this subnet is the one to join
	for (const [other, n] of Object.entries(t.nodes))
		if (other !== id)
			for (const [, x] of interfaces(n)) {
				const c = parseCidr(x.ip);
				if (x.vrrp && c && c.net === cidr.net && c.len === cidr.len) return { value: { group: x.vrrp.group, vip: x.vrrp.vip } };
			}
	return { value: { group: Math.min(255, group + 1), vip: vip.split('/')[0] } };
}
