/** Addressing rules: duplicates and subnets on each L2 segment, MACs, gateways and routes. */
import { FORWARDING_KINDS, mtuOf } from '../segments';
import { HOST_LIKE_KINDS, ROUTING_KINDS } from '../kinds';
import { type Cidr, cidrContains, cidrsOverlap, u32ToIp, cidrText, parseCidr, parseIp } from '../net';
import { type Addr, type Linter, type Path, fmtPath, pushTo } from './linter';

export function lintSegments(L: Linter): void {
	for (const seg of L.segs.segments) {
		const addrs = L.addrsBySeg.get(seg.id) ?? [];
		// Duplicate addresses.
		const byAddr = new Map<number, Addr[]>();
		for (const a of addrs) pushTo(byAddr, a.cidr.addr, a);
		for (const [ip, list] of byAddr) {
			if (list.length < 2) continue;
			// VRRP: routers of one group share the vip; the address owner may hold it as its ip.
			const groups = new Set(list.filter((a) => a.role === 'vrrp').map((a) => a.group));
			const real = list.filter((a) => a.role !== 'vrrp');
			const ownerOk =
				real.length <= 1 &&
				groups.size === 1 &&
				real.every((r) => L.itfs(r.node)[r.iface]?.vrrp?.group === [...groups][0] && parseIp(L.itfs(r.node)[r.iface]?.vrrp?.vip) === ip);
			if (groups.size <= 1 && real.length === 0) continue;
			if (ownerOk) continue;
			const first = list[0];
			const desc = (a: Addr) =>
				a.role === 'ip'
					? `${a.node}.${a.iface}`
					: a.role === 'vrrp'
						? `the VRRP vip of ${a.node}.${a.iface} (group ${a.group})`
						: a.role === 'lb-vip'
							? `the vip of load balancer ${a.node}`
							: `${a.label ?? a.node}'s ${a.role === 'nat-gateway' ? 'NAT gateway' : 'host-only'} address`;
			for (const a of list.slice(1)) {
				if (a.role === 'vrrp' && first.role === 'vrrp' && a.group === first.group) continue;
				L.warn(
					'duplicate-ip',
					a.role === 'nat-gateway' || a.role === 'host-only' ? first.path : a.path,
					`${u32ToIp(ip)} is used by both ${desc(first)} and ${desc(a)} on the same L2 segment (${seg.label}): ARP answers will conflict and traffic reaches whichever answers last. Give each a unique address.`
				);
			}
		}
		// Network / broadcast addresses.
		for (const a of addrs) {
			if (a.role !== 'ip' || a.cidr.len >= 31) continue;
			if (a.cidr.addr === a.cidr.net)
				L.warn('ip-network-address', a.path, `${u32ToIp(a.cidr.addr)}/${a.cidr.len} is the network address of ${cidrText(a.cidr)}; hosts cannot use it. Pick an address between ${u32ToIp(a.cidr.net + 1)} and ${u32ToIp(a.cidr.last - 1)}.`);
			else if (a.cidr.addr === a.cidr.last)
				L.warn('ip-broadcast-address', a.path, `${u32ToIp(a.cidr.addr)}/${a.cidr.len} is the broadcast address of ${cidrText(a.cidr)}; hosts cannot use it. Pick an address between ${u32ToIp(a.cidr.net + 1)} and ${u32ToIp(a.cidr.last - 1)}.`);
		}
		// Subnet mismatch among interface addresses.
		const ips = addrs.filter((a) => a.role === 'ip' || a.role === 'nat-gateway' || a.role === 'host-only');
		const byNet = new Map<string, Addr[]>();
		for (const a of ips) pushTo(byNet, cidrText(a.cidr), a);
		if (byNet.size > 1) {
			const groups = [...byNet.entries()].sort((x, y) => y[1].length - x[1].length);
			const [refNet, refList] = groups[0];
			const refNames = refList.map((a) => (a.role === 'ip' ? `${a.node}.${a.iface}` : `${a.label ?? a.node} (${a.iface})`)).join(', ');
			for (const [net, list] of groups.slice(1)) {
				for (const a of list) {
					if (a.role !== 'ip') continue;
					L.warn(
						'segment-subnet-mismatch',
						a.path,
						`${a.node}.${a.iface} (${u32ToIp(a.cidr.addr)}/${a.cidr.len}, subnet ${net}) is on the same L2 segment (${seg.label}) as ${refNames} in ${refNet}: they cannot talk without a router. Use an address in ${refNet}${seg.switches.length ? ', or move the port to another VLAN' : ''}.`
					);
				}
			}
		}
		// MTU mismatch on a switched segment (links are checked one by one).
		if (seg.switches.length) {
			const l3 = seg.interfaces.filter((r) => {
				const itf = L.itfs(r.node)[r.iface];
				return itf?.ip || itf?.dhcp;
			});
			const mtus = new Map<number, string[]>();
			for (const r of l3) {
				const m = mtuOf(L.node(r.node)!, r.iface, L.cache);
				pushTo(mtus, m, `${r.node}.${r.iface}`);
			}
			if (mtus.size > 1) {
				const parts = [...mtus].sort((x, y) => y[0] - x[0]).map(([m, l]) => `${m}: ${l.join(', ')}`);
				const r = l3.find((x) => mtuOf(L.node(x.node)!, x.iface, L.cache) === Math.min(...mtus.keys()))!;
				L.warn(
					'segment-mtu-mismatch',
					['nodes', r.node, 'interfaces', r.iface],
					`interfaces on ${seg.label} disagree on the MTU (${parts.join('; ')}): a large frame from a bigger-MTU interface is silently dropped by a smaller one (no ICMP). Use one MTU per L2 segment.`
				);
			}
		}
		// VRRP: group conflicts and groups without a peer.
		const vr = addrs.filter((a) => a.role === 'vrrp');
		const byGroup = new Map<number, Addr[]>();
		for (const a of vr) pushTo(byGroup, a.group!, a);
		for (const [g, list] of byGroup) {
			const vips = new Set(list.map((a) => a.cidr.addr));
			if (vips.size > 1)
				L.warn(
					'vrrp-group-conflict',
					list[1].path,
					`VRRP group ${g} on ${seg.label} is configured with different virtual addresses (${[...vips].map(u32ToIp).join(', ')}): both use the virtual MAC 00:00:5e:00:01:${g.toString(16).padStart(2, '0')}. Give each virtual router its own group id, or the same vip.`
				);
			else if (new Set(list.map((a) => a.node)).size === 1)
				L.warn(
					'vrrp-no-peer',
					list[0].path,
					`VRRP group ${g} (${u32ToIp(list[0].cidr.addr)}) has only ${list[0].node} on ${seg.label}: there is no backup router, so it gives no redundancy. Configure the same group and vip on a second router's interface on this segment.`
				);
		}
	}
}

export function lintMacs(L: Linter): void {
	const seen = new Map<string, { node: string; iface: string }>();
	for (const [id, n] of Object.entries(L.nodes)) {
		for (const [name, itf] of Object.entries(n?.interfaces ?? {})) {
			const mac = itf?.mac?.toLowerCase();
			if (!mac) continue;
			const path = ['nodes', id, 'interfaces', name, 'mac'];
			const first = Number.parseInt(mac.slice(0, 2), 16);
			if (Number.isFinite(first) && first & 1)
				L.warn('multicast-mac', path, `${mac} has the multicast (group) bit set in its first octet; an interface address must be unicast. Use e.g. 02:… (locally administered).`);
			const prev = seen.get(mac);
			if (!prev) {
				seen.set(mac, { node: id, iface: name });
				continue;
			}
			const s1 = L.segs.of(prev.node, prev.iface);
			const s2 = L.segs.of(id, name);
			const same = !!s1 && s1 === s2;
			if (prev.node === id && !same) continue; // e.g. a subinterface sharing its parent's MAC
			L.warn(
				'duplicate-mac',
				path,
				same
					? `${mac} is also the MAC of ${prev.node}.${prev.iface} on the same segment (${s1!.label}): switches will flap between the two ports and both lose traffic. Remove one \`mac\` (it is derived uniquely when absent).`
					: `${mac} is also the MAC of ${prev.node}.${prev.iface} (a cloned VM?). Harmless while they are on different segments, but it breaks as soon as they share one. Remove one \`mac\` (it is derived uniquely when absent).`
			);
		}
	}
}

const routerAddrs = new WeakMap<Linter, Map<number, Addr[]>>();
/** The addresses of routing nodes on a segment, in segment order (few, where the segment may have thousands of hosts). */
function routersOn(L: Linter, seg: number): Addr[] {
	let bySeg = routerAddrs.get(L);
	if (!bySeg) routerAddrs.set(L, (bySeg = new Map()));
	let list = bySeg.get(seg);
	if (!list) bySeg.set(seg, (list = (L.addrsBySeg.get(seg) ?? []).filter((a) => ROUTING_KINDS.has(L.node(a.node)?.kind ?? 'host'))));
	return list;
}

export function lintRouting(L: Linter): void {
	for (const [id, n] of Object.entries(L.nodes)) {
		if (!n || n.kind === 'switch' || n.kind === 'sdn-controller') continue;
		const { subnets, unknown } = L.connected(id);
		const own = new Set(L.nodeAddresses(id) ?? []);
		const itfs = n.interfaces ?? {};

		// Overlapping subnets on one node.
		for (let x = 0; x < subnets.length; x++) {
			for (let y = x + 1; y < subnets.length; y++) {
				const A = subnets[x];
				const B = subnets[y];
				if (!cidrsOverlap(A.cidr, B.cidr)) continue;
				const pathB = itfs[B.iface] ? ['nodes', id, 'interfaces', B.iface, itfs[B.iface].ip ? 'ip' : 'attach'] : ['nodes', id];
				const what = FORWARDING_KINDS.has(n.kind) ? `router ${id} cannot tell which interface a packet for the overlap belongs to` : `${id} has two routes for the same addresses (ARP and replies may leave the wrong interface)`;
				L.warn(
					'overlapping-subnets',
					pathB,
					`${B.iface} (${cidrText(B.cidr)}) overlaps ${A.iface} (${cidrText(A.cidr)}) on ${id}: ${what}. Give each interface its own, non-overlapping subnet${n.kind === 'hypervisor' ? ' (or move the NAT network with nat.subnet)' : ''}.`
				);
			}
		}

		const inSome = (addr: number) => subnets.some((s) => cidrContains(s.cidr, addr));
		const list = subnets.map((s) => `${cidrText(s.cidr)} (${s.iface})`).join(', ') || 'none';

		// Routes: the gateways first (0.0.0.0/0 metric 0), then `routes`.
		const seenRoute = new Map<string, Path>();
		const addRoute = (prefix: string, metric: number, path: Path, what: string) => {
			const k = `${prefix}|${metric}`;
			const prev = seenRoute.get(k);
			if (prev) {
				L.warn(
					'duplicate-route',
					path,
					`${what} has the same prefix ${prefix} and metric ${metric} as ${fmtPath(prev)}; only the first is used. Remove one, or give the backup a higher metric.`
				);
			} else seenRoute.set(k, path);
		};
		const checkHop = (addr: number, path: Path, kind: 'gateway' | 'next-hop', text: string) => {
			if (own.has(addr)) {
				L.warn(`${kind}-is-self`, path, `${text} ${u32ToIp(addr)} is ${id}'s own address; a ${kind === 'gateway' ? 'gateway' : 'next hop'} must be another node on a connected subnet.`);
				return;
			}
			if (!inSome(addr)) {
				if (unknown) return;
				L.warn(
					`${kind}-outside-subnet`,
					path,
					`${text} ${u32ToIp(addr)} is not in any subnet ${id} is connected to (${list}): the route cannot be installed (Linux: "Nexthop has invalid gateway"). Use an address on one of these subnets.`
				);
				return;
			}
			if (L.holderOnSegment(id, addr) === 'missing')
				L.warn(
					`${kind}-not-found`,
					path,
					`${text} ${u32ToIp(addr)} is in ${id}'s subnet but no interface on that segment has this address: ARP for it gets no answer and traffic using it ends HOST_UNREACHABLE. Point it at an existing router address.`
				);
		};
		let hasDefault = false;
		for (const [name, itf] of Object.entries(itfs)) {
			if (!itf?.gateway) continue;
			hasDefault = true;
			const path = ['nodes', id, 'interfaces', name, 'gateway'];
			const g = parseIp(itf.gateway);
			if (g !== null) checkHop(g, path, 'gateway', `gateway`);
			addRoute('0.0.0.0/0', 0, path, `gateway ${itf.gateway}`);
		}
		(n.routes ?? []).forEach((r, k) => {
			const path = ['nodes', id, 'routes', k];
			const c = parseCidr(r?.to);
			if (!c) return;
			if (c.len === 0) hasDefault = true;
			if (c.addr !== c.net)
				L.warn('route-host-bits', [...path, 'to'], `route prefix ${r.to} has host bits set (did you mean ${cidrText(c)}?); Linux refuses it ("Invalid prefix for given prefix length").`);
			const conn = subnets.find((s) => s.cidr.net === c.net && s.cidr.len === c.len);
			if (conn && !r.blackhole)
				L.warn(
					'route-shadowed-by-connected',
					path,
					`route to ${cidrText(c)} is the connected subnet of ${conn.iface}; the connected route always wins, so this one is never used. Remove it.`
				);
			addRoute(cidrText(c), r.metric ?? 0, path, `route to ${r.to}`);
			if (r.via && !r.blackhole) {
				const v = parseIp(r.via);
				if (v !== null) checkHop(v, [...path, 'via'], 'next-hop', `next hop`);
			}
		});
		if (Object.values(itfs).some((i) => i?.dhcp)) hasDefault = true;

		// An endpoint with no default route on a segment where a router lives. A
		// multi-homed endpoint (addresses in several subnets, e.g. a VM that tags
		// its own VLANs) sits in each of its networks on purpose: which one should
		// carry a default route is a choice, not an omission, so it is not flagged.
		const ownNets = new Set(Object.values(itfs).map((i) => parseCidr(i?.ip)).filter((c): c is Cidr => !!c).map(cidrText));
		if (!hasDefault && !(n.routes ?? []).length && ownNets.size < 2 && HOST_LIKE_KINDS.has(n.kind)) {
			for (const [name, itf] of Object.entries(itfs)) {
				if (!itf?.ip) continue;
				const seg = L.segs.of(id, name);
				const c = parseCidr(itf.ip)!;
				const r = routersOn(L, seg?.id ?? -1).find((a) => a.node !== id && cidrContains(c, a.cidr.addr));
				if (r) {
					L.warn(
						'missing-gateway',
						['nodes', id, 'interfaces', name],
						`${id} has no gateway (and no routes) although ${r.node} (${u32ToIp(r.cidr.addr)}) routes for its subnet: it can only reach ${cidrText(c)}. Add gateway: ${u32ToIp(r.cidr.addr)} if it should reach other networks.`
					);
					break;
				}
			}
		}
	}
}