/**
 * The path of one flow through one network state, computed once with the
 * probe engine (the same forwarding decisions as `vnet trace`) and flattened
 * into typed arrays for the packet simulator: the link directions crossed,
 * each frame's serialization time, each node's processing delay, and the
 * "gates" a packet must pass before a hop (an ARP resolution, a reactive SDN
 * flow setup). Paths are recomputed only when the network state changes.
 */
import type { Traffic } from '../../model/types';
import type { CIface, Net } from '../compile';
import { lookup } from '../compile';
import { ipToU32, isIpv4 } from '../../model/net';
import { ingressVlan } from '../../model/switchport';
import { ProbeEngine, wireBytes } from '../probe';
import { egressOf } from '../probe/l2';
import type { Hop, HopAction, ProbeSpec, Trace } from '../trace';
import { arpRoundTrip } from './overlay';

/** Hop actions that put the packet on a wire. */
const CROSSING: ReadonlySet<HopAction> = new Set(['SENT', 'FORWARDED', 'NAT', 'FRAGMENTED', 'SWITCHED']);

export interface GlobalLink {
	key: string;
	label: string;
	latency: number;
	bandwidth: number;
	loss: number;
	queue: number;
}

export interface Gate {
	key: string;
	node: string;
	kind: 'arp' | 'sdn';
	/** time the gate takes to open for the first packet (ARP round trip, controller round trip) */
	cost: number;
	/** SDN switch whose controller is down in fail-mode secure: an unopened gate drops */
	blocked: boolean;
}

/** Registries shared by every state of one scenario run: stable indexes. */
export class Registry {
	links: GlobalLink[] = [];
	linkIndex = new Map<string, number>();
	gates: Gate[] = [];
	gateIndex = new Map<string, number>();

	linkOf(net: Net, linkIdx: number): number {
		const l = net.links[linkIdx];
		const ea = `${net.nodes[net.ifaces[l.a].node].id}.${net.ifaces[l.a].name}`;
		const eb = `${net.nodes[net.ifaces[l.b].node].id}.${net.ifaces[l.b].name}`;
		const key = ea < eb ? `${ea}|${eb}` : `${eb}|${ea}`;
		let g = this.linkIndex.get(key);
		if (g === undefined) {
			g = this.links.length;
			const rl = net.resolved.links.find((x) => (x.a.node === net.nodes[net.ifaces[l.a].node].id && x.a.iface === net.ifaces[l.a].name) || (x.b.node === net.nodes[net.ifaces[l.a].node].id && x.b.iface === net.ifaces[l.a].name));
			this.links.push({ key, label: ea < eb ? `${ea} — ${eb}` : `${eb} — ${ea}`, latency: l.latency, bandwidth: l.bandwidth, loss: rl?.loss ?? 0, queue: rl?.queue ?? 1000 });
			this.linkIndex.set(key, g);
		}
		return g;
	}

	/** Global link direction (link*2 + 0 for a→b as keyed, 1 for b→a) of a frame leaving physical interface `from`. */
	dirOf(net: Net, from: CIface): number {
		const l = net.links[from.link];
		const g = this.linkOf(net, from.link);
		const self = `${net.nodes[from.node].id}.${from.name}`;
		return g * 2 + (this.links[g].key.startsWith(self + '|') ? 0 : 1);
	}

	gateOf(key: string, node: string, kind: 'arp' | 'sdn', cost: number, blocked: boolean): number {
		let g = this.gateIndex.get(key);
		if (g === undefined) {
			g = this.gates.length;
			this.gates.push({ key, node, kind, cost, blocked });
			this.gateIndex.set(key, g);
		} else {
			this.gates[g].cost = cost;
			this.gates[g].blocked = blocked;
		}
		return g;
	}
}

export interface FlowPath {
	/** link crossings */
	n: number;
	/** global link direction per hop */
	ld: Int32Array;
	/** frames of hop k are fSer[fOff[k] .. fOff[k+1]) (serialization ns each) */
	fOff: Int32Array;
	fSer: Float64Array;
	/** n+1 node delays: [0] the source, [k] the receiver of hop k-1 */
	delay: Float64Array;
	/** gate to pass before hop k, or -1 */
	gate: Int32Array;
	/** true: the packet is delivered after the last hop; false: dropped there */
	ok: boolean;
	reason: string;
	/** nodes visited, for display */
	nodes: string[];
	/** one-way time at rest (no queues, gates open) */
	oneWay: number;
	/** smallest MTU on the path (endpoints, egress interfaces, switch ports), lowest bandwidth */
	minMtu: number;
	minBandwidth: number;
	/** per hop: the destination MAC of the frame (as its last L3 sender addressed it) */
	dstMac: string[];
	/** the path ends in an ARP failure: the node and its egress interface that got no answer */
	arpFailed: { node: string; iface: string } | null;
}

export interface SdnInfo {
	/** switch id → its controller's parameters */
	managed: Map<string, { controller: string; reactive: boolean; cost: number; secure: boolean }>;
	/** controllers that are down */
	down: Set<string>;
}

function hostOf(addr: string | undefined): string {
	if (!addr) return '';
	const c = addr.lastIndexOf(':');
	return c > 0 && addr.indexOf('.') < c ? addr.slice(0, c) : addr;
}

function ifaceByName(net: Net, nodeIdx: number, name: string): CIface | undefined {
	for (const ii of net.nodes[nodeIdx].ifaces) if (net.ifaces[ii].name === name) return net.ifaces[ii];
	return undefined;
}

export function trafficSpec(f: Traffic): ProbeSpec {
	const bulk = f.kind === 'bulk';
	return { from: f.from, to: f.to, proto: f.proto ?? (bulk ? 'tcp' : 'udp'), port: f.port, sport: f.sport ?? 40000, size: f.size ?? 32, ttl: f.ttl ?? 64 };
}

interface RawHop {
	sender: number; // node index
	out: CIface; // physical egress
	logicalOut: CIface;
	frames: number[]; // L3 sizes
	tags: number;
	receiver: number; // node index
	rxIface: CIface;
	dst: string | undefined;
	srcMac?: string;
	dstMac?: string;
	inPort: string | null;
	/** the VLAN a switch forwarded the frame in, 0 for an L3 sender */
	vlan: number;
	/** the 802.1Q tag the frame left with, 0 untagged */
	wireTag: number;
	underlay?: number;
	arpSuppressed?: boolean;
}

/** Converts the request hops of a trace into raw link crossings. */
function crossings(net: Net, hops: Hop[]): { raw: RawHop[]; last: string | null } {
	const raw: RawHop[] = [];
	let srcMac: string | undefined;
	let dstMac: string | undefined;
	for (const h of hops) {
		if (!CROSSING.has(h.action) || !h.out) continue;
		const ni = net.nodeIndex.get(h.node);
		if (ni === undefined) continue;
		const logical = ifaceByName(net, ni, h.out);
		if (!logical) continue;
		const phys = egressOf(net, logical).phys;
		if (phys.link < 0) continue;
		const l = net.links[phys.link];
		const peer = net.ifaces[l.a === phys.idx ? l.b : l.a];
		if (!net.nodes[ni].isSwitch) {
			srcMac = h.srcMac;
			dstMac = h.dstMac;
		}
		// The VLAN a switch forwarded in: its in-port's admission of the tag the frame arrived with.
		const prev = raw.at(-1);
		const inPort = net.nodes[ni].isSwitch && h.in ? ifaceByName(net, ni, h.in) : null;
		const vlan = inPort ? ingressVlan(inPort, prev && prev.receiver === ni ? prev.wireTag : 0) : 0;
		raw.push({
			sender: ni,
			out: phys,
			logicalOut: logical,
			frames: h.fragments ?? [h.size ?? 0],
			tags: h.vlan ? 1 : 0,
			receiver: peer.node,
			rxIface: peer,
			dst: h.dst,
			srcMac,
			dstMac,
			inPort: h.in,
			vlan,
			wireTag: h.vlan ?? 0,
			underlay: h.underlay,
			arpSuppressed: h.arp?.suppressed
		});
	}
	return { raw, last: hops.length ? hops[hops.length - 1].node : null };
}

function delivered(t: Trace): boolean {
	if (t.disposition === 'EXITS_NETWORK') return true;
	if (t.leg === 'reply') return true;
	return t.disposition === 'DELIVERED' || t.disposition === 'REFUSED';
}

/** The path of a flow in the network `net` (load balancers, NAT and SDN as probes see them). */
export function buildPath(reg: Registry, net: Net, engine: ProbeEngine, f: Traffic, sdn: SdnInfo | null, sizeOverride?: number): FlowPath {
	const spec = trafficSpec(f);
	if (sizeOverride !== undefined) spec.size = sizeOverride;
	let trace: Trace;
	let ok: boolean;
	let reason = '';
	try {
		trace = engine.run(spec, { record: true });
	} catch (e) {
		return emptyPath(`cannot send: ${e instanceof Error ? e.message : String(e)}`);
	}
	const { raw } = crossings(net, trace.request);
	// A TCP probe is a SYN without payload; a flow's TCP segments carry `size`
	// bytes (TCP segments by MSS: never fragmented).
	if (spec.proto === 'tcp') for (const h of raw) h.frames = [40 + (spec.size ?? 0)];
	ok = delivered(trace);
	if (!ok) reason = `${trace.disposition}${trace.reason ? `: ${trace.reason}` : ''}`;
	const path = assemble(reg, net, raw, ok, reason, sdn);
	if (trace.disposition === 'HOST_UNREACHABLE') {
		const arp = [...trace.request].reverse().find((h) => h.action === 'ARP');
		if (arp?.out) path.arpFailed = { node: arp.node, iface: arp.out };
	}
	return path;
}

function emptyPath(reason: string): FlowPath {
	return { n: 0, ld: new Int32Array(0), fOff: new Int32Array(1), fSer: new Float64Array(0), delay: new Float64Array(1), gate: new Int32Array(0), ok: false, reason, nodes: [], oneWay: 0, minMtu: 0, minBandwidth: 0, dstMac: [], arpFailed: null };
}

function assemble(reg: Registry, net: Net, raw: RawHop[], ok: boolean, reason: string, sdn: SdnInfo | null): FlowPath {
	const n = raw.length;
	const ld = new Int32Array(n);
	const fOff = new Int32Array(n + 1);
	const gate = new Int32Array(n).fill(-1);
	const delay = new Float64Array(n + 1);
	const sers: number[] = [];
	const nodes: string[] = [];
	let minMtu = Infinity;
	let minBw = Infinity;
	let oneWay = 0;
	if (n === 0) return { ...emptyPath(reason), ok: false, reason: reason || 'not sent' };
	delay[0] = net.nodes[raw[0].sender].delay;
	nodes.push(net.nodes[raw[0].sender].id);
	oneWay += delay[0];
	for (let k = 0; k < n; k++) {
		const h = raw[k];
		ld[k] = reg.dirOf(net, h.out);
		const gl = reg.links[ld[k] >> 1];
		fOff[k] = sers.length;
		let last = 0;
		for (const size of h.frames) {
			const ser = Math.round((wireBytes(size, h.tags) * 8 * 1e9) / gl.bandwidth);
			sers.push(ser);
			oneWay += ser;
			last = Math.max(last, size);
		}
		oneWay += gl.latency;
		delay[k + 1] = net.nodes[h.receiver].delay;
		oneWay += delay[k + 1];
		nodes.push(net.nodes[h.receiver].id);
		minMtu = Math.min(minMtu, h.logicalOut.mtu, h.out.mtu, h.rxIface.mtu);
		minBw = Math.min(minBw, gl.bandwidth);
		const sender = net.nodes[h.sender];
		if (!sender.isSwitch) {
			// ARP for the next hop on the egress segment (overlay.ts: through the tunnel on a segment).
			let dst = 0;
			const host = hostOf(h.dst);
			if (isIpv4(host)) dst = ipToU32(host);
			const r = lookup(sender, dst);
			const nextHop = r && r.via ? r.via : dst;
			const rtt = arpRoundTrip(reg, net, raw, k);
			gate[k] = reg.gateOf(`arp|${sender.id}|${h.logicalOut.name}|${nextHop}`, sender.id, 'arp', rtt, false);
		} else if (sdn) {
			const m = sdn.managed.get(sender.id);
			// Proactive flows are installed before traffic starts: no gate. A reactive
			// switch sends a flow's first packet to the controller; without its
			// controller it drops new flows (secure) or learns MACs (standalone).
			if (m && m.reactive) {
				const down = sdn.down.has(m.controller);
				if (!(down && !m.secure)) {
					const key = `sdn|${sender.id}|${h.inPort}|${h.srcMac}|${h.dstMac}|${h.vlan}`;
					gate[k] = reg.gateOf(key, sender.id, 'sdn', m.reactive ? m.cost : 0, down && m.secure);
				}
			}
		}
	}
	fOff[n] = sers.length;
	return { n, ld, fOff, fSer: Float64Array.from(sers), delay, gate, ok, reason, nodes, oneWay, minMtu: minMtu === Infinity ? 0 : minMtu, minBandwidth: minBw === Infinity ? 0 : minBw, dstMac: raw.map((h) => h.dstMac ?? ''), arpFailed: null };
}

/** Is the path the same as another (same hops, gates and end)? */
export function samePath(a: FlowPath, b: FlowPath): boolean {
	if (a.n !== b.n || a.ok !== b.ok || a.reason !== b.reason || a.fSer.length !== b.fSer.length) return false;
	for (let k = 0; k < a.n; k++) if (a.ld[k] !== b.ld[k] || a.gate[k] !== b.gate[k]) return false;
	for (let k = 0; k < a.fSer.length; k++) if (a.fSer[k] !== b.fSer[k]) return false;
	for (let k = 0; k <= a.n; k++) if (a.delay[k] !== b.delay[k]) return false;
	return true;
}
