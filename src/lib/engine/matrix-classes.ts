/**
 * Equivalence classes of matrix endpoints ("twins"), the way Batfish shares
 * work between flows with the same forwarding decisions: two endpoints are
 * twins when swapping them (names, addresses, MACs) maps the compiled network
 * onto itself. Then the probe a→x tells the answer of b→x, x→a of x→b and
 * a→b of b→a, so the matrix probes one pair per pair of classes and copies
 * the disposition into every cell of the block.
 *
 * Sharing must never change an answer, so the test for "swapping is a
 * symmetry" is deliberately narrow:
 * - the whole net shares nothing when any feature picks by exact address or
 *   keeps per-address state a probe could meet: NAT (masquerade, forwards,
 *   hypervisor and user-mode NAT), load balancers (src hash), kube-proxy
 *   (5-tuple hash), overlays (VXLAN ports), SDN controllers, products;
 * - twins are host-like endpoints with one up interface, the same kind, node
 *   settings, routes, rules, services and hypervisor, cabled the same way to
 *   the same switch (port VLANs, isolation bits, link settings) or both
 *   uncabled, in the same subnet;
 * - no address or prefix anywhere else in the net (routes, rules, forwards,
 *   other nodes' addresses, owned addresses) holds some twins and not others:
 *   such a prefix splits the class (a /32 rule for one host makes it alone);
 * - a twin whose address or MAC also appears elsewhere stays alone
 *   (duplicates are decided by first match, which is not symmetric).
 * test/unit/matrix-classes.test.ts compares the shared matrix with probing
 * every pair, cell by cell.
 */
import type { Disposition, Proto } from '../model/types';
import type { CIface, CNode, Net } from './net-types';

export interface EndpointClasses {
	/** class of each endpoint (index into the endpoints list) */
	classOf: Int32Array;
	/** per class: its members (endpoint indices), in endpoint order */
	members: number[][];
}

const maskOf = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);

/** Why the whole net shares nothing (null: sharing is allowed). */
export function sharingBlocker(net: Net): string | null {
	if (net.kube) return 'kube-proxy';
	for (const n of net.nodes) {
		if (n.kind === 'sdn-controller' || n.kind === 'load-balancer' || n.lb) return n.kind;
		if (n.masquerade.size || n.forwardsNat.length || n.umForwards.length || n.natIface >= 0 || n.natNets.length || n.engine || n.product) return 'NAT';
	}
	for (const i of net.ifaces) if (i.vxlan) return 'overlay';
	return null;
}

/** The endpoint's own interface when it may have twins, else null. */
function twinIface(net: Net, n: CNode): CIface | null {
	if (n.forwards || n.isSwitch || !(n.kind === 'host' || n.kind === 'vm' || n.kind === 'container')) return null;
	if (n.ifaces.length !== 1 || !n.hasFirstAddr) return null;
	const i = net.ifaces[n.ifaces[0]];
	if (!i.hasAddr || i.down || i.parent >= 0 || i.bond >= 0 || i.bondActive >= 0 || i.tag || i.subByTag || i.trunk || i.vmac || i.vxlan) return null;
	if (n.firstAddr !== i.addr || n.local.size !== 1 || !n.local.has(i.addr)) return null;
	return i;
}

/** The probe the matrix sends, when known: only its ports of an endpoint's services matter. */
export interface ProbeKind {
	proto: Proto;
	port?: number;
}

/** What the services of an endpoint tell a probe: the whole lists unless the probe is known. */
function servicesSeen(n: CNode, probe: ProbeKind | undefined): unknown {
	const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
	if (!probe) return [sorted(n.tcpServices), sorted(n.udpServices)];
	if (probe.proto === 'icmp') return null;
	const set = probe.proto === 'tcp' ? n.tcpServices : n.udpServices;
	// the called port, and the probe's own source port (driver.ts: 40000) for the answer coming back
	return [probe.port === undefined ? null : set.has(probe.port), set.has(40000)];
}

/** Everything about an endpoint a probe could see, with its own name, address and MAC left out. */
function signature(net: Net, n: CNode, i: CIface, probe: ProbeKind | undefined): string | null {
	const route = (r: CNode['allRoutes'][number]) => [r.net, r.len, r.via, r.iface === i.idx ? 'own' : r.iface, r.metric, r.blackhole, r.connected, r.order];
	const tables = n.routes.map((m, k) => [n.lens[k], [...m.values()].map(route)]);
	const rules = n.rules.map((r) => [r.index, r.action, r.proto, r.from.any, r.from.nets, r.to.any, r.to.nets, r.portLo, r.portHi, r.sportLo, r.sportHi, r.inIf, r.outIf, r.out]);
	let attach: unknown = null;
	if (i.link >= 0) {
		const l = net.links[i.link];
		const peer = net.ifaces[l.a === i.idx ? l.b : l.a];
		const sw = net.nodes[peer.node];
		if (!sw.isSwitch || !peer.isPort) return null;
		if (peer.parent >= 0 || peer.bond >= 0 || peer.bondActive >= 0 || peer.tag || peer.subByTag || peer.vxlan || peer.vmac) return null;
		attach = [sw.idx, l.latency, l.bandwidth, l.down, peer.vlan, peer.trunk ? [...peer.trunk].sort((a, b) => a - b) : null, peer.native, peer.mtu, peer.down, peer.sdnBlocked, peer.l2bit, peer.l2deny];
	}
	return JSON.stringify([
		n.kind, n.policy, n.stateful, n.delay, n.owner, n.lens, tables, n.allRoutes.map(route), rules,
		servicesSeen(n, probe),
		i.name, i.len, i.net, i.mtu, i.l2bit, i.l2deny, attach
	]);
}

/**
 * Twins among `endpoints` (node ids, as matrixEndpoints lists them). Every
 * endpoint is alone when the net has a feature that could tell twins apart.
 */
export function endpointClasses(net: Net, endpoints: string[], probe?: ProbeKind): EndpointClasses {
	const n = endpoints.length;
	const classOf = new Int32Array(n);
	const alone = (): EndpointClasses => {
		const members: number[][] = [];
		for (let e = 0; e < n; e++) {
			classOf[e] = e;
			members.push([e]);
		}
		return { classOf, members };
	};
	if (sharingBlocker(net)) return alone();

	// How often each address and MAC occurs (interfaces, local addresses): a duplicate is not a twin.
	const addrCount = new Map<number, number>();
	const macCount = new Map<string, number>();
	const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
	for (const i of net.ifaces) {
		if (i.hasAddr) bump(addrCount, i.addr);
		bump(macCount, i.mac);
		if (i.vmac) bump(macCount, i.vmac);
	}
	for (const node of net.nodes) for (const a of node.local) if (!node.ifaces.some((ii) => net.ifaces[ii].hasAddr && net.ifaces[ii].addr === a)) bump(addrCount, a);

	// Group by signature; the rest stay alone.
	const own = new Map<number, CIface>(); // endpoint index → its interface, for twin candidates
	const groups = new Map<string, number[]>();
	const singles: number[] = [];
	for (let e = 0; e < n; e++) {
		const idx = net.nodeIndex.get(endpoints[e]);
		const node = idx === undefined ? undefined : net.nodes[idx];
		const i = node && node.id === endpoints[e] ? twinIface(net, node) : null;
		const sig = i && addrCount.get(i.addr) === 1 && macCount.get(i.mac) === 1 ? signature(net, node!, i, probe) : null;
		if (sig === null) {
			singles.push(e);
			continue;
		}
		own.set(e, i!);
		const g = groups.get(sig);
		if (g) g.push(e);
		else groups.set(sig, [e]);
	}

	// Split each group by every prefix that holds some of its members and not others.
	// Members of a group share one subnet, so only prefixes strictly inside it can split it.
	const bySubnet = new Map<string, number[][]>(); // "net/len" → groups, members sorted by address
	const subnetLens = new Set<number>();
	const addrOf = (e: number) => own.get(e)!.addr;
	for (const g of groups.values()) {
		if (g.length < 2) {
			singles.push(...g);
			continue;
		}
		const i = own.get(g[0])!;
		const key = `${i.net >>> 0}/${i.len}`;
		subnetLens.add(i.len);
		const list = bySubnet.get(key);
		const sorted = g.slice().sort((a, b) => addrOf(a) - addrOf(b));
		if (list) list.push(sorted);
		else bySubnet.set(key, [sorted]);
	}
	const lens = [...subnetLens];
	const lowerBound = (g: number[], x: number) => {
		let lo = 0;
		let hi = g.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (addrOf(g[mid]) < x) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
	const split = (net0: number, len: number) => {
		const lo = net0 >>> 0;
		const hi = (lo + 2 ** (32 - len) - 1) >>> 0;
		for (const L of lens) {
			if (L >= len) continue;
			const list = bySubnet.get(`${(lo & maskOf(L)) >>> 0}/${L}`);
			if (!list) continue;
			for (let k = 0; k < list.length; k++) {
				const g = list[k];
				const a = lowerBound(g, lo);
				const b = lowerBound(g, hi + 1);
				if (b === a || (a === 0 && b === g.length)) continue;
				list[k] = g.slice(a, b);
				list.push(g.slice(0, a).concat(g.slice(b)));
			}
		}
	};
	if (bySubnet.size) {
		const isOwn = new Set<number>();
		for (const i of own.values()) isOwn.add(i.idx);
		const ownNode = new Set<number>();
		for (const i of own.values()) ownNode.add(i.node);
		for (const i of net.ifaces) if (i.hasAddr && !isOwn.has(i.idx)) split(i.addr, 32);
		for (const node of net.nodes) {
			if (!ownNode.has(node.idx)) for (const a of node.local) split(a, 32);
			for (const r of node.allRoutes) {
				split(r.net, r.len);
				if (r.via) split(r.via, 32);
			}
			for (let k = 0; k < node.routes.length; k++)
				for (const r of node.routes[k].values()) {
					split(r.net, r.len);
					if (r.via) split(r.via, 32);
				}
			for (const r of node.rules)
				for (const m of [r.from, r.to]) for (let k = 0; k < m.nets.length; k += 2) split((m.nets[k] & m.nets[k + 1]) >>> 0, Math.clz32(~m.nets[k + 1]));
		}
		for (const [a, id] of net.owned) {
			const idx = net.nodeIndex.get(id);
			if (idx === undefined || !ownNode.has(idx)) split(a, 32);
		}
	}

	// Number the classes in endpoint order (the first member probes for its class).
	const classes: number[][] = singles.map((e) => [e]);
	for (const list of bySubnet.values()) for (const g of list) classes.push(g.slice().sort((a, b) => a - b));
	classes.sort((a, b) => a[0] - b[0]);
	classes.forEach((g, c) => {
		for (const e of g) classOf[e] = c;
	});
	return { classOf, members: classes };
}

/**
 * The matrix's cells, one probe per pair of classes: cell(i, j) probes the
 * first member of i's class to the first member of j's (or to the second
 * member when both are in one class) once, and answers every other cell of
 * that block from the row of its class. `share: false` probes every pair.
 */
export class MatrixCells {
	readonly classes: EndpointClasses;
	/** per class with more than one member: its row of answers by column class, filled as asked */
	private rows = new Map<number, (Disposition | undefined)[]>();
	/** the row of the endpoint probed last when it is alone in its class (kept for that row only) */
	private scratch: (Disposition | undefined)[] = [];
	private scratchFor = -1;
	private probe: (from: number, to: number) => Disposition;

	constructor(net: Net, readonly endpoints: string[], probe: (from: string, to: string) => Disposition, opts: { share?: boolean; probe?: ProbeKind } = {}) {
		this.classes = opts.share === false ? { classOf: Int32Array.from(endpoints, (_, e) => e), members: endpoints.map((_, e) => [e]) } : endpointClasses(net, endpoints, opts.probe);
		this.probe = (from, to) => probe(endpoints[from], endpoints[to]);
	}

	/** Disposition from endpoints[i] to endpoints[j]; null on the diagonal. */
	cell(i: number, j: number): Disposition | null {
		if (i === j) return null;
		const { classOf, members } = this.classes;
		const ci = classOf[i];
		const cj = classOf[j];
		const from = members[ci];
		const to = members[cj];
		if (from.length === 1 && to.length === 1) return this.probe(i, j);
		let row: (Disposition | undefined)[] | undefined;
		if (from.length === 1) {
			if (this.scratchFor !== i) {
				this.scratch = [];
				this.scratchFor = i;
			}
			row = this.scratch;
		} else if (!(row = this.rows.get(ci))) this.rows.set(ci, (row = []));
		let d = row[cj];
		if (d === undefined) d = row[cj] = ci === cj ? this.probe(from[0], from[1]) : this.probe(from[0], to[0]);
		return d;
	}
}
