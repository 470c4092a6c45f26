/**
 * OSPF route computation (single area, version 1 semantics of
 * ../shared/spec/topology-format.md): every addressed, up interface of a
 * router with `ospf` advertises its subnet; non-passive ones form an
 * adjacency with every other OSPF router interface of the same subnet that
 * layer 2 reaches. Routes are shortest paths by the sum of outgoing interface
 * costs (the advertising router's own interface cost included for the stub
 * subnet); equal-cost ties pick the lowest next-hop address (no ECMP). A
 * static or connected route for the same prefix beats an OSPF one.
 *
 * The compiler installs converged routes for probes (installOspfRoutes with no
 * view); the scenario engine re-installs them per router from that router's
 * view of the link-state database as failures are detected.
 */
import type { CRoute, Net } from '../net-types';
import { fmtNet, maskOf, u32ToIp } from '../../model/net';
import { hasCarrier, isCabled, l2Reach } from './l2';

export interface OspfAdjacency {
	/** stable key "r1.eth1|r2.eth0" (ends sorted) */
	key: string;
	a: { node: string; iface: string; addr: number; cost: number };
	b: { node: string; iface: string; addr: number; cost: number };
}

/** A router's view of the link-state database: what it believes is gone. */
export interface OspfView {
	adjDown: Set<string>;
	/** "node.iface" stubs withdrawn */
	stubDown: Set<string>;
}

export function isOspfRouter(net: Net, nodeIdx: number): boolean {
	const n = net.nodes[nodeIdx];
	return n.forwards && !!net.resolved.source.nodes[n.id]?.ospf;
}

function passiveSet(net: Net, nodeIdx: number): Set<string> {
	return new Set(net.resolved.source.nodes[net.nodes[nodeIdx].id]?.ospf?.passive ?? []);
}

/** Adjacencies that form in this network as it is (L2 reachability, same subnet). */
export function ospfAdjacencies(net: Net): OspfAdjacency[] {
	const routers = net.nodes.filter((n) => isOspfRouter(net, n.idx));
	if (routers.length < 2) return [];
	const ospfIfaces = new Map<number, boolean>(); // iface → non-passive
	for (const r of routers) {
		const passive = passiveSet(net, r.idx);
		for (const ii of r.ifaces) {
			const i = net.ifaces[ii];
			if (i.hasAddr && !i.down && !passive.has(i.name)) ospfIfaces.set(ii, true);
		}
	}
	const seen = new Set<string>();
	const out: OspfAdjacency[] = [];
	for (const ii of ospfIfaces.keys()) {
		const i = net.ifaces[ii];
		for (const jj of l2Reach(net, ii)) {
			if (!ospfIfaces.has(jj)) continue;
			const j = net.ifaces[jj];
			if (j.node === i.node || j.net !== i.net || j.len !== i.len) continue;
			const ka = `${net.nodes[i.node].id}.${i.name}`;
			const kb = `${net.nodes[j.node].id}.${j.name}`;
			const key = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
			if (seen.has(key)) continue;
			seen.add(key);
			const ea = { node: net.nodes[i.node].id, iface: i.name, addr: i.addr, cost: net.resolved.nodes.get(net.nodes[i.node].id)?.interfaces.find((x) => x.name === i.name)?.cost ?? 10 };
			const eb = { node: net.nodes[j.node].id, iface: j.name, addr: j.addr, cost: net.resolved.nodes.get(net.nodes[j.node].id)?.interfaces.find((x) => x.name === j.name)?.cost ?? 10 };
			out.push(ka < kb ? { key, a: ea, b: eb } : { key, a: eb, b: ea });
		}
	}
	out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
	return out;
}

export interface OspfRoute {
	net: number;
	len: number;
	via: number;
	iface: number; // egress interface index in net
	cost: number;
}

function costOf(net: Net, nodeIdx: number, ifaceName: string): number {
	return net.resolved.nodes.get(net.nodes[nodeIdx].id)?.interfaces.find((x) => x.name === ifaceName)?.cost ?? 10;
}

/**
 * Routes of every OSPF router. `adjacencies` defaults to those that form in
 * `net`; `view(router)` says what that router believes is down.
 */
export function computeOspfRoutes(net: Net, adjacencies?: OspfAdjacency[], view?: (router: string) => OspfView | undefined): Map<number, OspfRoute[]> {
	const result = new Map<number, OspfRoute[]>();
	const routers = net.nodes.filter((n) => isOspfRouter(net, n.idx));
	if (routers.length === 0) return result;
	const adjs = adjacencies ?? ospfAdjacencies(net);
	const ridx = new Map<string, number>();
	routers.forEach((r, k) => ridx.set(r.id, k));
	// stubs: every addressed up interface of an OSPF router. A cabled interface
	// without carrier is down for OSPF (FRR) and not advertised; during a
	// scenario the routers' views say when each router learns it.
	const stubs: { router: number; key: string; net: number; len: number; cost: number }[] = [];
	for (const r of routers)
		for (const ii of r.ifaces) {
			const i = net.ifaces[ii];
			if (!i.hasAddr || i.down) continue;
			if (!view && isCabled(net, ii) && !hasCarrier(net, ii)) continue;
			stubs.push({ router: ridx.get(r.id)!, key: `${r.id}.${i.name}`, net: i.net, len: i.len, cost: costOf(net, r.idx, i.name) });
		}
	for (const src of routers) {
		const v = view?.(src.id);
		// adjacency list from this router's view
		const edges: { from: number; to: number; cost: number; via: number; outIface: string }[][] = routers.map(() => []);
		for (const a of adjs) {
			if (v?.adjDown.has(a.key)) continue;
			const ia = ridx.get(a.a.node);
			const ib = ridx.get(a.b.node);
			if (ia === undefined || ib === undefined) continue;
			edges[ia].push({ from: ia, to: ib, cost: a.a.cost, via: a.b.addr, outIface: a.a.iface });
			edges[ib].push({ from: ib, to: ia, cost: a.b.cost, via: a.a.addr, outIface: a.b.iface });
		}
		const n = routers.length;
		const dist = new Float64Array(n).fill(Infinity);
		const fhVia = new Float64Array(n).fill(Infinity); // first-hop next-hop address
		const fhIface: string[] = new Array(n).fill('');
		const done = new Uint8Array(n);
		const s = ridx.get(src.id)!;
		dist[s] = 0;
		for (;;) {
			let u = -1;
			for (let k = 0; k < n; k++) if (!done[k] && dist[k] < Infinity && (u < 0 || dist[k] < dist[u] || (dist[k] === dist[u] && fhVia[k] < fhVia[u]))) u = k;
			if (u < 0) break;
			done[u] = 1;
			for (const e of edges[u]) {
				const d = dist[u] + e.cost;
				const via = u === s ? e.via : fhVia[u];
				const iface = u === s ? e.outIface : fhIface[u];
				if (d < dist[e.to] || (d === dist[e.to] && via < fhVia[e.to])) {
					dist[e.to] = d;
					fhVia[e.to] = via;
					fhIface[e.to] = iface;
				}
			}
		}
		// best route per prefix
		const best = new Map<string, { cost: number; via: number; iface: string; net: number; len: number }>();
		for (const st of stubs) {
			if (st.router === s) continue;
			if (dist[st.router] === Infinity) continue;
			if (v?.stubDown.has(st.key)) continue;
			const cost = dist[st.router] + st.cost;
			const k = `${st.net}/${st.len}`;
			const cur = best.get(k);
			if (!cur || cost < cur.cost || (cost === cur.cost && fhVia[st.router] < cur.via))
				best.set(k, { cost, via: fhVia[st.router], iface: fhIface[st.router], net: st.net, len: st.len });
		}
		const routes: OspfRoute[] = [];
		for (const b of best.values()) {
			const egress = src.ifaces.find((ii) => net.ifaces[ii].name === b.iface);
			if (egress === undefined) continue;
			routes.push({ net: b.net, len: b.len, via: b.via, iface: egress, cost: b.cost });
		}
		routes.sort((x, y) => x.net - y.net || x.len - y.len);
		result.set(src.idx, routes);
	}
	return result;
}

/**
 * Puts OSPF routes into the compiled route tables (replacing any installed
 * before). Connected and static routes for the same prefix stay: they win.
 * Returns the number of OSPF routes installed per router index.
 */
export function installOspfRoutes(net: Net, adjacencies?: OspfAdjacency[], view?: (router: string) => OspfView | undefined): Map<number, number> {
	const counts = new Map<number, number>();
	if (!net.nodes.some((n) => isOspfRouter(net, n.idx))) return counts;
	const all = computeOspfRoutes(net, adjacencies, view);
	for (const node of net.nodes) {
		if (!isOspfRouter(net, node.idx)) continue;
		const path = `nodes.${node.id}.ospf`;
		// remove OSPF routes installed earlier
		if (node.allRoutes.some((r) => r.path === path)) {
			node.allRoutes = node.allRoutes.filter((r) => r.path !== path);
			for (const m of node.routes) for (const [k, r] of m) if (r.path === path) m.delete(k);
		}
		const routes = all.get(node.idx) ?? [];
		let order = node.allRoutes.reduce((a, r) => Math.max(a, r.order + 1), 0);
		for (const o of routes) {
			const r: CRoute = {
				net: o.net,
				len: o.len,
				mask: maskOf(o.len),
				via: o.via,
				iface: o.iface,
				metric: o.cost,
				blackhole: false,
				connected: false,
				order: order++,
				path,
				text: `${fmtNet(o.net, o.len)} via ${u32ToIp(o.via)} dev ${net.ifaces[o.iface].name} (OSPF, cost ${o.cost})`
			};
			node.allRoutes.push(r);
			let k = node.lens.indexOf(o.len);
			if (k < 0) {
				// keep lens sorted descending, routes parallel
				const lens = [...node.lens, o.len].sort((a, b) => b - a);
				const maps = lens.map((l) => (l === o.len ? new Map<number, CRoute>() : node.routes[node.lens.indexOf(l)]));
				node.lens = lens;
				node.routes = maps;
				k = lens.indexOf(o.len);
			}
			const m = node.routes[k];
			if (!m.has(o.net)) m.set(o.net, r);
		}
		// drop now-empty prefix lengths
		for (let k = node.lens.length - 1; k >= 0; k--)
			if (node.routes[k].size === 0) {
				node.lens.splice(k, 1);
				node.routes.splice(k, 1);
			}
		counts.set(node.idx, routes.length);
	}
	return counts;
}
