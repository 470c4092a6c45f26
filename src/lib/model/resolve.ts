/**
 * The resolver: a valid document → the resolved network the engine compiles
 * and the canvas draws. It applies every default of the spec in one place:
 * kind defaults (forwarding, policy, stateful, delay), derived MACs, implicit
 * parent interfaces of subinterfaces, `gateway` as a default route, and the
 * hypervisor attachments, which become explicit virtual segments:
 *
 *   - NAT network: a virtual bridge `hv:nat` joining the hypervisor's gateway
 *     interface (`nat0`, or `docker0` for container-only hosts) and the NAT
 *     guests, with deterministic DHCP addresses;
 *   - host-only: a bridge `hv:host-only` with the hypervisor's `hostonly0`;
 *   - internal networks: a bridge `hv:internal:<name>` among guests only;
 *   - bridged: a bridge `hv:bridge:<uplink>` that takes over the uplink's cable
 *     and joins the hypervisor's uplink interface and the bridged guests (as a
 *     Linux host bridge does).
 *
 * Virtual node ids contain `:`, which no id in a file can.
 */
import type { Node, Topology, Interface } from './types';
import { deriveMac, ipToU32, u32ToIp, cidrOf, maskOf, splitEndpoint } from './net';
import { resolveProduct } from './products-resolve';
import { DEFAULT_SUBNETS, FORWARDING_KINDS, genericNatFirstDhcp, genericNatSubnet } from './kinds';
import { DEFAULT_BANDWIDTH, DEFAULT_DELAY, DEFAULT_LATENCY, DEFAULT_MTU, DEFAULT_POLICY, DEFAULT_QUEUE, DEFAULT_STATEFUL, addPort, forwardTarget, sortedIds, virtualLink, virtualSwitch, type RIface, type RLink, type RNode, type RRoute, type ResolvedTopology } from './resolved';

export * from './resolved';


function splitCidr(cidr: string): { ip: string; len: number } {
	const [ip, len] = cidr.split('/');
	return { ip, len: len === undefined ? 32 : +len };
}

function resolveNode(id: string, n: Node): RNode {
	const kind = n.kind;
	const ifaces: RIface[] = [];
	const declared = n.interfaces ?? {};
	const names = Object.keys(declared);
	// Parents of subinterfaces that are not declared come first, where the
	// subinterface is, so "first addressed interface" keeps file order.
	for (const name of names) {
		const dot = name.indexOf('.');
		if (dot > 0) {
			const parent = name.slice(0, dot);
			if (!(parent in declared) && !ifaces.some((i) => i.name === parent)) {
				ifaces.push({
					name: parent,
					mac: deriveMac(id, parent),
					mtu: DEFAULT_MTU,
					down: false,
					implicitParent: true,
					cost: 10,
					path: null
				});
			}
		}
		const d = declared[name];
		const iface: RIface = {
			name,
			mac: d.mac ?? deriveMac(id, name),
			mtu: d.mtu ?? DEFAULT_MTU,
			down: d.down ?? false,
			cost: d.cost ?? 10,
			path: `nodes.${id}.interfaces.${name}`
		};
		if (d.ip) {
			const c = splitCidr(d.ip);
			iface.ip = c.ip;
			iface.prefixLen = c.len;
		}
		if (d.vlan !== undefined) iface.vlan = d.vlan;
		if (d.trunk !== undefined) iface.trunk = d.trunk;
		if (d.native !== undefined) iface.native = d.native;
		if (d.attach) iface.attach = d.attach;
		if (d.bond) iface.bond = { members: d.bond.members, mode: 'active-backup', miimon: d.bond.miimon ?? 100e6 };
		if (d.vrrp)
			iface.vrrp = { group: d.vrrp.group, vip: d.vrrp.vip, priority: d.vrrp.priority ?? 100, advert: d.vrrp.advert ?? 1e9 };
		if (dot > 0) {
			iface.parent = name.slice(0, dot);
			iface.tag = +name.slice(dot + 1);
		}
		ifaces.push(iface);
	}
	// A subinterface's MTU defaults to its parent's.
	for (const i of ifaces) {
		if (i.parent && declared[i.name].mtu === undefined) {
			const p = ifaces.find((x) => x.name === i.parent);
			if (p) i.mtu = p.mtu;
		}
		if (i.parent) {
			// Linux VLAN devices inherit the parent's MAC.
			const p = ifaces.find((x) => x.name === i.parent);
			if (p && declared[i.name].mac === undefined) i.mac = p.mac;
		}
		if (i.bond) for (const m of i.bond.members) {
			const mem = ifaces.find((x) => x.name === m);
			if (mem) mem.bondOf = i.name;
		}
	}
	// A bond's MAC is its first member's (Linux default).
	for (const i of ifaces) {
		if (i.bond && declared[i.name].mac === undefined) {
			const first = ifaces.find((x) => x.name === i.bond!.members[0]);
			if (first) i.mac = first.mac;
		}
	}

	const routes: RRoute[] = [];
	for (const name of names) {
		const gw = declared[name].gateway;
		if (gw) routes.push({ to: '0.0.0.0/0', via: gw, metric: 0, blackhole: false, path: `nodes.${id}.interfaces.${name}.gateway`, origin: 'gateway' });
	}
	(n.routes ?? []).forEach((r, i) =>
		routes.push({
			to: r.to,
			via: r.via,
			metric: r.metric ?? 0,
			blackhole: r.blackhole ?? false,
			path: `nodes.${id}.routes[${i}]`,
			origin: 'static'
		})
	);

	const forwards = FORWARDING_KINDS.has(kind);
	const node: RNode = {
		id,
		kind,
		label: n.label ?? id,
		forwards,
		policy: n.policy ?? DEFAULT_POLICY[kind] ?? 'allow',
		stateful: n.stateful ?? DEFAULT_STATEFUL[kind] ?? false,
		delay: n.delay ?? DEFAULT_DELAY[kind],
		interfaces: ifaces,
		addresses: [],
		routes,
		services: n.services ?? [],
		rules: n.rules ?? [],
		on: n.on,
		source: n
	};
	return node;
}


export function resolveTopology(t: Topology): ResolvedTopology {
	const nodes = new Map<string, RNode>();
	for (const id of Object.keys(t.nodes)) nodes.set(id, resolveNode(id, t.nodes[id]));

	const links: RLink[] = t.links.map((l, index) => ({
		a: splitEndpoint(l.a),
		b: splitEndpoint(l.b),
		latency: l.latency ?? DEFAULT_LATENCY,
		bandwidth: l.bandwidth ?? DEFAULT_BANDWIDTH,
		loss: l.loss ?? 0,
		down: l.down ?? false,
		queue: l.queue ?? DEFAULT_QUEUE,
		index
	}));

	// Switch ports named in links but not declared are access ports in VLAN 1.
	for (const l of links)
		for (const end of [l.a, l.b]) {
			const n = nodes.get(end.node);
			if (n && n.kind === 'switch' && !n.interfaces.some((i) => i.name === end.iface))
				n.interfaces.push({ name: end.iface, mac: deriveMac(n.id, end.iface), mtu: DEFAULT_MTU, down: false, vlan: 1, cost: 10, path: null });
		}
	for (const n of nodes.values())
		if (n.kind === 'switch') for (const i of n.interfaces) if (i.vlan === undefined && i.trunk === undefined && i.native === undefined) i.vlan = 1;

	const privateAddresses = new Set<string>();
	resolveHypervisors(t, nodes, links, privateAddresses);

	// Node-level extras: NAT blocks, vips.
	for (const n of nodes.values()) {
		const src = n.source;
		if (!src) continue;
		if (src.nat && n.kind !== 'hypervisor') {
			n.nat = {
				masquerade: src.nat.masquerade ?? [],
				forwards: (src.nat.forwards ?? []).map((f, i) => ({ ...f, ...forwardTarget(f.to, t, nodes), path: `nodes.${n.id}.nat.forwards[${i}]` })),
				subnet: src.nat.subnet
			};
		}
	}

	// Addresses in spec order: interface addresses in file order, then implicit ones.
	for (const n of nodes.values()) {
		const addrs: string[] = [];
		for (const i of n.interfaces) if (i.ip && !i.implicit) addrs.push(i.ip);
		for (const i of n.interfaces) if (i.ip && i.implicit) addrs.push(i.ip);
		for (const a of n.extraAddresses ?? []) if (!addrs.includes(a)) addrs.push(a);
		n.addresses = addrs;
	}
	// VRRP: at rest the master of each group holds the vip.
	const groups = new Map<string, { node: RNode; iface: RIface }[]>();
	for (const n of nodes.values())
		for (const i of n.interfaces)
			if (i.vrrp) {
				const key = `${i.vrrp.group}|${i.vrrp.vip}`;
				if (!groups.has(key)) groups.set(key, []);
				groups.get(key)!.push({ node: n, iface: i });
			}
	for (const members of groups.values()) {
		const master = vrrpMaster(members);
		if (master) master.node.addresses.push(master.iface.vrrp!.vip);
	}
	for (const n of nodes.values()) {
		const vip = n.source?.vip;
		if (n.kind === 'load-balancer' && vip) n.addresses.push(vip);
	}

	const ownedAddresses = new Map<string, string>();
	for (const n of nodes.values())
		for (const a of n.addresses) if (!privateAddresses.has(a) && !ownedAddresses.has(a)) ownedAddresses.set(a, n.id);

	return { name: t.name, nodes, links, ownedAddresses, source: t };
}

export function vrrpMaster<T extends { iface: RIface }>(members: T[]): T | undefined {
	let best: T | undefined;
	for (const m of members) {
		if (m.iface.down) continue;
		if (
			!best ||
			m.iface.vrrp!.priority > best.iface.vrrp!.priority ||
			(m.iface.vrrp!.priority === best.iface.vrrp!.priority && ipToU32(m.iface.ip ?? '0.0.0.0') > ipToU32(best.iface.ip ?? '0.0.0.0'))
		)
			best = m;
	}
	return best;
}


function resolveHypervisors(t: Topology, nodes: Map<string, RNode>, links: RLink[], privateAddresses: Set<string>): void {
	for (const hvId of sortedIds(Object.keys(t.nodes))) {
		const hvSrc = t.nodes[hvId];
		if (hvSrc.kind !== 'hypervisor') continue;
		if (hvSrc.product !== undefined && hvSrc.product !== 'generic') {
			resolveProduct(t, hvId, nodes, links, privateAddresses);
			continue;
		}
		const hv = nodes.get(hvId)!;
		const guests = sortedIds(Object.keys(t.nodes).filter((id) => t.nodes[id].on === hvId));
		type GI = { node: RNode; iface: RIface; src: Interface };
		const byMode = (mode: string): GI[] => {
			const out: GI[] = [];
			for (const g of guests) {
				const gn = nodes.get(g)!;
				const decl = t.nodes[g].interfaces ?? {};
				for (const name of Object.keys(decl))
					if (decl[name].attach === mode) out.push({ node: gn, iface: gn.interfaces.find((i) => i.name === name)!, src: decl[name] });
			}
			return out;
		};

		// NAT network
		const natGuests = byMode('nat');
		if (natGuests.length > 0 || hvSrc.nat) {
			const hasVm = natGuests.some((g) => g.node.kind !== 'container');
			const onlyContainers = natGuests.length > 0 && !hasVm;
			const subnet = hvSrc.nat?.subnet ?? genericNatSubnet(onlyContainers);
			const c = cidrOf(subnet);
			const gw = u32ToIp(c.net + 1);
			const gwName = onlyContainers ? 'docker0' : 'nat0';
			hv.interfaces.push({ name: gwName, ip: gw, prefixLen: c.len, mac: deriveMac(hvId, gwName), mtu: DEFAULT_MTU, down: false, implicit: 'nat-gateway', cost: 10, path: null });
			privateAddresses.add(gw);
			const sw = virtualSwitch(`${hvId}:nat`, hvId, 'nat', onlyContainers ? `${hvId} ${gwName}` : `${hvId} NAT network`);
			addPort(sw, 'host', DEFAULT_MTU);
			links.push(virtualLink({ node: sw.id, iface: 'host' }, { node: hvId, iface: gwName }));
			// Deterministic DHCP: lowest free address of the pool, guests in id order.
			const taken = new Set<number>([c.net, c.net + 1, (c.net | (~c.mask >>> 0)) >>> 0]);
			for (const g of natGuests) if (g.iface.ip) taken.add(ipToU32(g.iface.ip));
			const bcast = (c.net | (~maskOf(c.len) >>> 0)) >>> 0;
			for (const g of natGuests) {
				if (g.src.dhcp && !g.iface.ip) {
					let a = c.net + genericNatFirstDhcp(onlyContainers);
					while (taken.has(a) && a < bcast) a++;
					taken.add(a);
					g.iface.ip = u32ToIp(a);
					g.iface.prefixLen = c.len;
					g.iface.dhcp = true;
					g.node.routes.unshift({ to: '0.0.0.0/0', via: gw, metric: 0, blackhole: false, path: `${g.iface.path}.dhcp`, origin: 'dhcp' });
				}
				if (g.iface.ip) privateAddresses.add(g.iface.ip);
				const port = `${g.node.id}.${g.iface.name}`;
				addPort(sw, port, g.iface.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
			}
			hv.nat = {
				masquerade: [],
				forwards: (hvSrc.nat?.forwards ?? []).map((f, i) => ({ ...f, ...forwardTarget(f.to, t, nodes), path: `nodes.${hvId}.nat.forwards[${i}]` })),
				subnet
			};
			nodes.set(sw.id, sw);
		}

		// Host-only network
		const hoGuests = byMode('host-only');
		if (hoGuests.length > 0) {
			const c = cidrOf(DEFAULT_SUBNETS.genericHostOnly);
			const addr = u32ToIp(c.net + 1);
			hv.interfaces.push({ name: 'hostonly0', ip: addr, prefixLen: c.len, mac: deriveMac(hvId, 'hostonly0'), mtu: DEFAULT_MTU, down: false, implicit: 'host-only', cost: 10, path: null });
			privateAddresses.add(addr);
			const sw = virtualSwitch(`${hvId}:host-only`, hvId, 'host-only', `${hvId} host-only network`);
			addPort(sw, 'host', DEFAULT_MTU);
			links.push(virtualLink({ node: sw.id, iface: 'host' }, { node: hvId, iface: 'hostonly0' }));
			for (const g of hoGuests) {
				if (g.iface.ip) privateAddresses.add(g.iface.ip);
				const port = `${g.node.id}.${g.iface.name}`;
				addPort(sw, port, g.iface.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
			}
			nodes.set(sw.id, sw);
		}

		// Internal networks, by name
		const intGuests = byMode('internal');
		const byNet = new Map<string, GI[]>();
		for (const g of intGuests) {
			const name = g.src.network ?? 'intnet';
			if (!byNet.has(name)) byNet.set(name, []);
			byNet.get(name)!.push(g);
		}
		for (const [name, gs] of byNet) {
			const sw = virtualSwitch(`${hvId}:internal:${name}`, hvId, 'internal', `${hvId} internal "${name}"`);
			for (const g of gs) {
				if (g.iface.ip) privateAddresses.add(g.iface.ip);
				const port = `${g.node.id}.${g.iface.name}`;
				addPort(sw, port, g.iface.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
			}
			nodes.set(sw.id, sw);
		}

		// Bridged: a host bridge per uplink takes over the uplink's cable.
		const brGuests = byMode('bridged');
		const byUplink = new Map<string, GI[]>();
		const firstIface = hv.interfaces.find((i) => !i.implicit)?.name;
		for (const g of brGuests) {
			const up = g.src.uplink ?? firstIface;
			if (!up) continue;
			if (!byUplink.has(up)) byUplink.set(up, []);
			byUplink.get(up)!.push(g);
		}
		for (const [up, gs] of byUplink) {
			const upIface = hv.interfaces.find((i) => i.name === up);
			if (!upIface) continue;
			const sw = virtualSwitch(`${hvId}:bridge:${up}`, hvId, 'bridge', `${hvId} bridge on ${up}`);
			addPort(sw, 'uplink', upIface.mtu);
			addPort(sw, 'host', upIface.mtu);
			for (const l of links)
				for (const key of ['a', 'b'] as const)
					if (l[key].node === hvId && l[key].iface === up) l[key] = { node: sw.id, iface: 'uplink' };
			links.push(virtualLink({ node: sw.id, iface: 'host' }, { node: hvId, iface: up }));
			for (const g of gs) {
				const port = `${g.node.id}.${g.iface.name}`;
				addPort(sw, port, g.iface.mtu);
				links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
			}
			nodes.set(sw.id, sw);
		}
	}
}
