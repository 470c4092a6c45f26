/**
 * A node's tables as plain data, the way Linux holds them: the main routing
 * table (compiled), and what one probe taught it (ARP cache, the MAC tables
 * of its bridges, connection tracking with NAT). interchange/node-tables.ts
 * prints them the way `ip route`, `ip neigh`, `bridge fdb` and `conntrack -L`
 * do. Pure: the probe runs here, on the caller's engine.
 */
import type { CNode, Net } from './compile';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP } from './compile';
import { u32ToIp } from '../model/net';
import type { ProbeEngine } from './probe';
import type { Disposition } from '../model/types';
import type { ProbeSpec } from './trace';

export interface RouteRow {
	/** "default" or "10.0.0.0/24" */
	dst: string;
	via: string | null;
	dev: string | null;
	metric: number;
	blackhole: boolean;
	/** the interface's own subnet (`proto kernel scope link src ADDR`) */
	src: string | null;
	proto: 'kernel' | 'static' | 'ospf';
	/** its device has no carrier (a pulled cable, a peer set down, no cable): the kernel keeps the route and says `linkdown` */
	linkdown: boolean;
}

export interface NeighRow {
	ip: string;
	dev: string | null;
	mac: string;
}

export interface FdbRow {
	mac: string;
	/** the port it was learned on */
	dev: string;
	/** the bridge: the switch itself, or a hypervisor's segment ("hv1:nat") */
	bridge: string;
	/** null on a bridge without VLAN filtering */
	vlan: number | null;
}

export interface ConnEnd {
	src: string;
	dst: string;
	sport: number;
	dport: number;
}

export interface ConnRow {
	proto: 'tcp' | 'udp' | 'icmp';
	protoNum: number;
	orig: ConnEnd;
	/** the reply as it is expected to arrive here (after NAT) */
	reply: ConnEnd;
	/** a reply came back (the probe's answer reached the sender) */
	replied: boolean;
	snat: boolean;
	dnat: boolean;
}

export interface NodeTables {
	node: string;
	kind: string;
	routes: RouteRow[];
	/** null when no probe ran */
	learned: {
		probe: ProbeSpec;
		disposition: Disposition;
		neigh: NeighRow[];
		fdb: FdbRow[];
		conntrack: ConnRow[];
	} | null;
}

const PROTO_NAME: Record<number, ConnRow['proto']> = { [PROTO_TCP]: 'tcp', [PROTO_UDP]: 'udp', [PROTO_ICMP]: 'icmp' };

/** Whether a device has carrier: its (parent's) cable is there and up, and so is the other end. */
function carrier(net: Net, ii: number): boolean {
	let i = net.ifaces[ii];
	if (i.parent >= 0) i = net.ifaces[i.parent];
	// no cable: a bond has carrier when a member has it; anything else has none
	if (i.link < 0) return net.ifaces.some((m) => m.bond === i.idx && carrier(net, m.idx));
	const l = net.links[i.link];
	return !l.down && !net.ifaces[l.a === i.idx ? l.b : l.a].down;
}

function routeRows(net: Net, n: CNode): RouteRow[] {
	const rows = [...n.allRoutes]
		// the kernel dumps its FIB trie in key order: by network, the longer prefix first, then by metric
		.sort((a, b) => a.net - b.net || b.len - a.len || a.metric - b.metric || a.order - b.order)
		.map((r): RouteRow => {
			const i = r.iface >= 0 ? net.ifaces[r.iface] : null;
			return {
				dst: r.len === 0 ? 'default' : `${u32ToIp(r.net)}/${r.len}`,
				via: r.via ? u32ToIp(r.via) : null,
				dev: i?.name ?? null,
				metric: r.metric,
				blackhole: r.blackhole,
				src: r.connected && i ? u32ToIp(i.addr) : null,
				proto: r.connected ? 'kernel' : r.path.endsWith('.ospf') ? 'ospf' : 'static',
				linkdown: r.iface >= 0 && !carrier(net, r.iface)
			};
		});
	return rows;
}

/** The up interface of `n` whose subnet holds `ip` (the longest), the way a neighbour entry names its device. */
function devFor(net: Net, n: CNode, ip: number): string | null {
	let best: { name: string; len: number } | null = null;
	for (const ii of n.ifaces) {
		const i = net.ifaces[ii];
		if (!i.hasAddr || i.down || ((ip & i.mask) >>> 0) !== i.net) continue;
		if (!best || i.len > best.len) best = { name: i.name, len: i.len };
	}
	return best?.name ?? null;
}

/** Switches whose MAC tables are this node's: itself, or a hypervisor's segments ("hv1:nat"). */
function bridgesOf(net: Net, n: CNode): Set<number> {
	const out = new Set<number>();
	for (const s of net.nodes) if (s.isSwitch && (s.idx === n.idx || s.id.startsWith(`${n.id}:`))) out.add(s.idx);
	return out;
}

function vlanAware(net: Net, sw: CNode): boolean {
	return sw.ifaces.some((ii) => {
		const p = net.ifaces[ii];
		return p.trunk !== null || p.native !== 0 || (p.vlan !== 0 && p.vlan !== 1);
	});
}

/**
 * The tables of `nodeId`; with `probe`, runs it first (on `engine`, whose last
 * probe state it then reads) and adds what it learned.
 */
export function nodeTables(net: Net, engine: ProbeEngine, nodeId: string, probe?: ProbeSpec): NodeTables {
	const idx = net.nodeIndex.get(nodeId);
	if (idx === undefined) throw new Error(`unknown node "${nodeId}"`);
	const n = net.nodes[idx];
	const out: NodeTables = { node: nodeId, kind: n.kind, routes: n.isSwitch ? [] : routeRows(net, n), learned: null };
	if (!probe) return out;
	const trace = engine.run(probe);
	const l = engine.learned();
	const neigh = l.arp
		.filter((a) => a.node === idx)
		.map((a) => ({ ip: u32ToIp(a.ip), dev: devFor(net, n, a.ip), mac: a.mac }))
		.sort((a, b) => (a.dev ?? '').localeCompare(b.dev ?? '') || a.ip.localeCompare(b.ip, undefined, { numeric: true }));
	const bridges = bridgesOf(net, n);
	const fdb = l.fdb
		.filter((f) => bridges.has(f.sw))
		.map((f) => {
			const sw = net.nodes[f.sw];
			return { mac: f.mac, dev: net.ifaces[f.port].name, bridge: sw.id, vlan: vlanAware(net, sw) ? f.vlan : null };
		})
		.sort((a, b) => a.bridge.localeCompare(b.bridge) || a.dev.localeCompare(b.dev, undefined, { numeric: true }) || a.mac.localeCompare(b.mac));
	// a reply passed this node: the kernel shows the connection as answered (an ICMP error is only RELATED to it)
	const replied = trace.icmp === null && trace.reply.some((h) => h.node === nodeId || bridges.has(net.nodeIndex.get(h.node) ?? -1));
	const end = (t: { src: number; dst: number; sport: number; dport: number }): ConnEnd => ({ src: u32ToIp(t.src), dst: u32ToIp(t.dst), sport: t.sport, dport: t.dport });
	const conntrack = l.conns
		.filter((c) => c.node === idx)
		.map((c) => ({
			proto: PROTO_NAME[c.orig.proto] ?? 'icmp',
			protoNum: c.orig.proto,
			orig: end(c.orig),
			reply: end(c.reply),
			replied,
			snat: c.reply.dst !== c.orig.src || c.reply.dport !== c.orig.sport,
			dnat: c.reply.src !== c.orig.dst || c.reply.sport !== c.orig.dport
		}));
	out.learned = { probe, disposition: trace.disposition, neigh, fdb, conntrack };
	return out;
}
