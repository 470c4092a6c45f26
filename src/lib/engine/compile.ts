/**
 * Compiles a resolved topology into flat, index-addressed tables: nodes,
 * interfaces and links are integers, addresses uint32, route tables keyed by
 * prefix length, rules with pre-parsed matchers. Built once per document; the
 * probe engine reads it and never parses a string on the packet path.
 */
import type { Kind, Rule } from '../model/types';
import type { RNode, ResolvedTopology } from '../model/resolve';
import { ENDPOINT_KINDS } from '../model/kinds';
import { ipToU32, maskOf, cidrOf, isIpv4, fmtNet } from '../model/net';
import { installOspfRoutes } from './scenario/ospf';
import { compileKube } from './kube';
import { compileNetpol } from './kube-netpol';
import { PROTO_NUM, type CIface, type CLink, type CNode, type CRoute, type Matcher, type Net } from './net-types';

export * from './net-types';


function portRange(p: { from: number; to: number } | undefined): [number, number] {
	return p ? [p.from, p.to] : [-1, -1];
}

export function ruleText(r: Rule): string {
	const parts: string[] = [r.action];
	parts.push(r.proto ?? 'any');
	parts.push(`${r.from ?? 'any'} → ${r.to ?? 'any'}`);
	if (r.port) parts.push(`port ${r.port.from === r.port.to ? r.port.from : `${r.port.from}-${r.port.to}`}`);
	if (r.sport) parts.push(`sport ${r.sport.from === r.sport.to ? r.sport.from : `${r.sport.from}-${r.sport.to}`}`);
	if (r.in) parts.push(`in ${r.in}`);
	if (r.out) parts.push(`out ${r.out}`);
	if (r.direction === 'out') parts.push('direction out');
	return parts.join(' ');
}

export function compile(rt: ResolvedTopology): Net {
	const nodes: CNode[] = [];
	const ifaces: CIface[] = [];
	const links: CLink[] = [];
	const nodeIndex = new Map<string, number>();
	const ifaceIndex = new Map<string, number>(); // "node\0iface"

	for (const rn of rt.nodes.values()) {
		const idx = nodes.length;
		nodeIndex.set(rn.id, idx);
		const isSwitch = rn.kind === 'switch' || rn.kind === 'virtual-switch';
		const node: CNode = {
			idx,
			id: rn.id,
			kind: rn.kind,
			isSwitch,
			forwards: rn.forwards,
			endpoint: rn.kind === 'nat-engine' || (rn.kind !== 'virtual-switch' && ENDPOINT_KINDS.has(rn.kind as Kind)),
			policy: rn.policy,
			stateful: rn.stateful,
			delay: rn.delay,
			ifaces: [],
			local: new Set(),
			firstAddr: 0,
			hasFirstAddr: false,
			lens: [],
			routes: [],
			allRoutes: [],
			rules: [],
			tcpServices: new Set(rn.services.filter((s) => s.proto === 'tcp').map((s) => s.port)),
			udpServices: new Set(rn.services.filter((s) => s.proto === 'udp').map((s) => s.port)),
			masquerade: new Set(rn.nat?.masquerade ?? []),
			forwardsNat: [],
			natIface: -1,
			natNet: 0,
			natMask: 0,
			natNets: [],
			product: rn.product ?? null,
			umForwards: [],
			engine: rn.engine ? { ...rn.engine, gateway: ipToU32(rn.engine.gateway) } : null,
			owner: rn.owner ?? null,
			lb: null
		};
		nodes.push(node);
		for (const ri of rn.interfaces) {
			const c = ri.ip ? cidrOf(`${ri.ip}/${ri.prefixLen}`) : null;
			const iface: CIface = {
				idx: ifaces.length,
				node: idx,
				name: ri.name,
				hasAddr: !!c,
				addr: c?.addr ?? 0,
				len: c?.len ?? 0,
				mask: c?.mask ?? 0,
				net: c?.net ?? 0,
				mac: ri.mac,
				vmac: null,
				mtu: ri.mtu,
				down: ri.down,
				isPort: isSwitch,
				vlan: ri.vlan ?? 0,
				trunk: ri.trunk ? new Set(ri.trunk) : null,
				native: ri.native ?? 0,
				parent: -1,
				tag: ri.tag ?? 0,
				subByTag: null,
				implicitParent: !!ri.implicitParent,
				link: -1,
				bond: -1,
				bondActive: -1,
				sdnBlocked: false,
				l2bit: ri.l2bit ?? 0,
				l2deny: ri.l2deny ?? 0,
				vxlan: ri.vxlan ?? null,
				dfw: ri.dfw ?? null,
				fdbPermanent: !!ri.fdbPermanent,
				path: ri.path
			};
			ifaceIndex.set(`${rn.id}\0${ri.name}`, iface.idx);
			ifaces.push(iface);
			node.ifaces.push(iface.idx);
			if (ri.implicit === 'nat-gateway' && iface.hasAddr) {
				if (node.natIface < 0) {
					node.natIface = iface.idx;
					node.natNet = iface.net;
					node.natMask = iface.mask;
				}
				node.natNets.push({ iface: iface.idx, net: iface.net, mask: iface.mask });
			}
		}
	}

	// Parents, bonds and VRRP need every interface of the node.
	for (const rn of rt.nodes.values()) {
		const ni = nodeIndex.get(rn.id)!;
		for (const ri of rn.interfaces) {
			const i = ifaces[ifaceIndex.get(`${rn.id}\0${ri.name}`)!];
			if (ri.parent) {
				const p = ifaceIndex.get(`${rn.id}\0${ri.parent}`);
				if (p !== undefined) {
					i.parent = p;
					const parent = ifaces[p];
					if (!parent.subByTag) parent.subByTag = new Map();
					parent.subByTag.set(i.tag, i.idx);
					// A subinterface is down when its parent is.
					if (parent.down) i.down = true;
				}
			}
			if (ri.bond) {
				const members = ri.bond.members.map((m) => ifaceIndex.get(`${rn.id}\0${m}`)).filter((x): x is number => x !== undefined);
				for (const m of members) ifaces[m].bond = i.idx;
				i.bondActive = members.find((m) => !ifaces[m].down) ?? members[0] ?? -1;
			}
		}
		const node = nodes[ni];
		// Local addresses: every interface's, down ones included (Linux removes a down
		// device's connected route but keeps its address's local route: weak host model).
		for (const ii of node.ifaces) {
			const i = ifaces[ii];
			if (i.hasAddr) node.local.add(i.addr);
		}
		const first = rn.addresses[0];
		if (first) {
			node.firstAddr = ipToU32(first);
			node.hasFirstAddr = true;
		}
		for (const a of rn.addresses) {
			const u = ipToU32(a);
			// vips (VRRP master, load balancer) are implicit addresses too
			if (!node.ifaces.some((ii) => ifaces[ii].hasAddr && ifaces[ii].addr === u)) node.local.add(u);
		}
		for (const ri of rn.interfaces) {
			if (ri.vrrp && rn.addresses.includes(ri.vrrp.vip)) {
				const i = ifaces[ifaceIndex.get(`${rn.id}\0${ri.name}`)!];
				i.vmac = `00:00:5e:00:01:${ri.vrrp.group.toString(16).padStart(2, '0')}`;
			}
		}
	}

	rt.links.forEach((l) => {
		const a = ifaceIndex.get(`${l.a.node}\0${l.a.iface}`);
		const b = ifaceIndex.get(`${l.b.node}\0${l.b.iface}`);
		if (a === undefined || b === undefined) return; // lint reports it
		const link: CLink = { idx: links.length, a, b, latency: l.latency, bandwidth: l.bandwidth, down: l.down, index: l.index };
		links.push(link);
		ifaces[a].link = link.idx;
		ifaces[b].link = link.idx;
	});

	for (const rn of rt.nodes.values()) compileRoutesAndRules(rn, nodes[nodeIndex.get(rn.id)!], ifaces, rt);
	for (const rn of rt.nodes.values()) {
		const src = rn.source;
		if (rn.kind !== 'load-balancer' || !src?.vip || !src.pool) continue;
		nodes[nodeIndex.get(rn.id)!].lb = {
			vip: ipToU32(src.vip),
			port: src.port ?? src.pool[0]?.port ?? 0,
			snat: src.snat ?? true,
			backends: src.pool.map((m) => {
				const target = isIpv4(m.node) ? m.node : rt.nodes.get(m.node)?.addresses[0];
				return { addr: target ? ipToU32(target) : 0, port: m.port, name: `${m.node}:${m.port}` };
			})
		};
	}
	blockSdnLoops(rt, nodes, ifaces, links, nodeIndex);

	// Forwards into user-mode NAT engines; containers in their host's network namespace (presets.md).
	for (const rn of rt.nodes.values()) {
		const node = nodes[nodeIndex.get(rn.id)!];
		for (const f of rn.usermodeForwards ?? []) {
			const engine = nodeIndex.get(f.engine);
			if (engine !== undefined)
				node.umForwards.push({ inIf: null, proto: PROTO_NUM[f.proto], port: f.port, toAddr: ipToU32(f.toAddr), toPort: f.toPort, path: f.path, text: `${f.proto}/${f.port} → ${f.to}`, engine });
		}
	}
	for (const rn of rt.nodes.values()) if (rn.netns !== undefined && nodeIndex.has(rn.netns)) nodeIndex.set(rn.id, nodeIndex.get(rn.netns)!);

	const owned = new Map<number, string>();
	for (const [a, id] of rt.ownedAddresses) owned.set(ipToU32(a), id);
	const net: Net = { nodes, ifaces, links, nodeIndex, owned, resolved: rt, kube: compileKube(rt.source, nodes, nodeIndex), netpol: compileNetpol(rt.source.kubernetes, nodes, nodeIndex) };
	// Converged OSPF routes (probes use them; static and connected routes win for the same prefix).
	installOspfRoutes(net);
	return net;
}

function compileRoutesAndRules(rn: RNode, node: CNode, ifaces: CIface[], rt: ResolvedTopology): void {
	const routes: CRoute[] = [];
	let order = 0;
	for (const ii of node.ifaces) {
		const i = ifaces[ii];
		if (!i.hasAddr || i.down) continue;
		routes.push({
			net: i.net,
			len: i.len,
			mask: i.mask,
			via: 0,
			iface: ii,
			metric: 0,
			blackhole: false,
			connected: true,
			order: order++,
			path: i.path ?? `nodes.${node.id}.interfaces.${i.name}`,
			text: `${fmtNet(i.net, i.len)} dev ${i.name} (connected)`
		});
	}
	for (const r of rn.routes) {
		const c = cidrOf(r.to);
		const net = c.net;
		if (r.blackhole) {
			routes.push({ net, len: c.len, mask: c.mask, via: 0, iface: -1, metric: r.metric, blackhole: true, connected: false, order: order++, path: r.path, text: `blackhole ${fmtNet(net, c.len)}` });
			continue;
		}
		if (!r.via || !isIpv4(r.via)) continue;
		const via = ipToU32(r.via);
		// The gateway must be on a connected subnet of an up interface (Linux refuses it otherwise).
		let egress = -1;
		for (const ii of node.ifaces) {
			const i = ifaces[ii];
			if (i.hasAddr && !i.down && ((via & i.mask) >>> 0) === i.net) {
				egress = ii;
				break;
			}
		}
		if (egress < 0) continue;
		routes.push({
			net,
			len: c.len,
			mask: c.mask,
			via,
			iface: egress,
			metric: r.metric,
			blackhole: false,
			connected: false,
			order: order++,
			path: r.path,
			text: `${fmtNet(net, c.len)} via ${r.via} dev ${ifaces[egress].name}${r.metric ? ` metric ${r.metric}` : ''}${r.origin === 'dhcp' ? ' (DHCP)' : ''}`
		});
	}
	node.allRoutes = routes;
	const byLen = new Map<number, Map<number, CRoute>>();
	for (const r of routes) {
		if (!byLen.has(r.len)) byLen.set(r.len, new Map());
		const m = byLen.get(r.len)!;
		const cur = m.get(r.net);
		if (!cur || better(r, cur)) m.set(r.net, r);
	}
	node.lens = [...byLen.keys()].sort((a, b) => b - a);
	node.routes = node.lens.map((l) => byLen.get(l)!);

	node.rules = rn.rules.map((r, index) => ({
		index,
		action: r.action,
		proto: r.proto ? PROTO_NUM[r.proto] : 0,
		from: matcher(r.from, rt),
		to: matcher(r.to, rt),
		portLo: portRange(r.port)[0],
		portHi: portRange(r.port)[1],
		sportLo: portRange(r.sport)[0],
		sportHi: portRange(r.sport)[1],
		inIf: r.in ?? null,
		outIf: r.out ?? null,
		out: r.direction === 'out',
		text: ruleText(r),
		path: `nodes.${node.id}.rules[${index}]`
	}));
	if (rn.nat)
		node.forwardsNat = rn.nat.forwards.map((f) => ({
			inIf: f.in ?? null,
			proto: PROTO_NUM[f.proto],
			port: f.port,
			toAddr: ipToU32(f.toAddr),
			toPort: f.toPort,
			path: f.path,
			text: `${f.in ? `${f.in} ` : ''}${f.proto}/${f.port} → ${f.to}`
		}));
}

/**
 * Switches managed by an SDN controller forward by the flows it installs, not
 * by flooding: a loop among them is not a storm. The controller floods
 * broadcasts along a spanning tree (BFS from the lowest switch id, links in
 * file order); the other inter-switch ports carry no flooded frames.
 */
function blockSdnLoops(rt: ResolvedTopology, nodes: CNode[], ifaces: CIface[], links: CLink[], nodeIndex: Map<string, number>): void {
	for (const rn of rt.nodes.values()) {
		if (rn.kind !== 'sdn-controller') continue;
		const managed = new Set((rn.source?.manages ?? []).map((id) => nodeIndex.get(id)).filter((x): x is number => x !== undefined && nodes[x].isSwitch));
		if (managed.size < 2) continue;
		const root = [...managed].sort((a, b) => (nodes[a].id < nodes[b].id ? -1 : 1))[0];
		const inTree = new Set<number>([root]);
		const queue = [...inTree];
		const treeLinks = new Set<number>();
		while (queue.length) {
			const sw = queue.shift()!;
			for (const l of links) {
				const na = ifaces[l.a].node;
				const nb = ifaces[l.b].node;
				const other = na === sw ? nb : nb === sw ? na : -1;
				if (other < 0 || !managed.has(other) || inTree.has(other)) continue;
				// the controller builds its tree over working links only
				if (l.down || ifaces[l.a].down || ifaces[l.b].down) continue;
				inTree.add(other);
				treeLinks.add(l.idx);
				queue.push(other);
			}
		}
		for (const l of links) {
			const na = ifaces[l.a].node;
			const nb = ifaces[l.b].node;
			if (managed.has(na) && managed.has(nb) && !treeLinks.has(l.idx)) {
				ifaces[l.a].sdnBlocked = true;
				ifaces[l.b].sdnBlocked = true;
			}
		}
	}
}

function better(a: CRoute, b: CRoute): boolean {
	if (a.connected !== b.connected) return a.connected;
	if (a.metric !== b.metric) return a.metric < b.metric;
	return a.order < b.order;
}

function matcher(spec: string | undefined, rt: ResolvedTopology): Matcher {
	if (spec === undefined || spec === 'any') return { any: true, nets: [] };
	if (/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(spec)) {
		const c = cidrOf(spec);
		return { any: false, nets: [c.net, c.mask] };
	}
	const n = rt.nodes.get(spec);
	const nets: number[] = [];
	if (n) for (const a of n.addresses) nets.push(ipToU32(a), maskOf(32));
	return { any: false, nets };
}

/** Longest-prefix match; null when no route. */
export function lookup(node: CNode, dst: number): CRoute | null {
	const lens = node.lens;
	for (let k = 0; k < lens.length; k++) {
		const len = lens[k];
		const r = node.routes[k].get(len === 0 ? 0 : (dst & maskOf(len)) >>> 0);
		if (r) return r;
	}
	return null;
}

export function matches(m: Matcher, ip: number): boolean {
	if (m.any) return true;
	const n = m.nets;
	for (let k = 0; k < n.length; k += 2) if (((ip & n[k + 1]) >>> 0) === n[k]) return true;
	return false;
}
