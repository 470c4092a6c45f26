/**
 * The probe engine: one request and its reply through a compiled network at
 * rest (empty ARP, MAC, connection and NAT tables), frame by frame, in
 * simulated time. Every decision follows ../shared/spec/topology-format.md and
 * the Linux behaviour the conformance suite was confirmed against.
 *
 * A probe is walked hop by hop with a clock (one packet in flight at a time,
 * so a sequential walk is the event order). Per-probe state (MAC tables, ARP
 * caches, connection tracking) lives in a ProbeState and is discarded after.
 */
import type { Disposition } from '../model/types';
import type { CIface, CNode, Net, CRoute } from './compile';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, lookup, matches } from './compile';
import { ipToU32, isIpv4, u32ToIp } from '../model/net';
import type { Hop, ProbeSpec, Trace } from './trace';
import { UsermodeNat } from './usermode-nat';
import type { LegEnd, PKind, Pkt, Tuple } from './packet';

export type { LegEnd, Pkt, Tuple } from './packet';
import { hostProxy, inNat, isNatIface, productBlock } from './products-engine';

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const ARP_SIZE = 28;
/** Linux gives up on an unanswered neighbour after 3 solicitations 1 s apart. */
const ARP_TIMEOUT_NS = 3e9;
const ICMP_ERR_MAX_QUOTE = 548; // 576-byte ICMP errors (RFC 1812)
const MAX_TTL = 255;
const NO_FIELDS = Object.freeze({}) as Pick<Hop, 'src' | 'dst' | 'ttl' | 'size'>;
/** Shared placeholder when hops are not recorded (matrix, traceroute): never mutated. */
const NO_HOP: Hop = Object.freeze({ node: '', in: null, out: null, action: '' }) as Hop;

export interface Conn {
	node: number;
	orig: Tuple;
	reply: Tuple; // expected reply as it arrives here
}

/** The per-probe tables as plain records (node, switch and port are net indices). */
export interface Learned {
	arp: { node: number; ip: number; mac: string }[];
	fdb: { sw: number; vlan: number; mac: string; port: number }[];
	conns: Conn[];
}

function sameTuple(t: Tuple, src: number, sport: number, dst: number, dport: number, proto: number): boolean {
	return t.src === src && t.dst === dst && t.sport === sport && t.dport === dport && t.proto === proto;
}

const DISPOSITION_OF_ICMP: Record<string, Disposition> = {
	'3/0': 'NO_ROUTE',
	'3/1': 'HOST_UNREACHABLE',
	'3/3': 'REFUSED',
	'3/4': 'FRAGMENTATION_NEEDED',
	'3/13': 'DENIED',
	'11/0': 'TTL_EXCEEDED'
};

function fmtAddr(ip: number, port: number, proto: number): string {
	return proto === PROTO_ICMP ? u32ToIp(ip) : `${u32ToIp(ip)}:${port}`;
}

/** Wire bytes of an L3 packet: padding to 46, Ethernet header/FCS, tags, preamble + IFG. */
export function wireBytes(l3: number, tags: number): number {
	return Math.max(l3, 46) + 18 + 4 * tags + 20;
}

/** Per-probe tables; reset (not reallocated) before each probe. */
class ProbeState {
	t = 0;
	/** (switch, vlan, MAC id) → port */
	macTable = new Map<number, number>();
	/** (node, ip) → MAC */
	arp = new Map<number, string>();
	/** a probe creates a handful of connections: a list beats hashing */
	conns: Conn[] = [];
	/** user-mode NAT: next source port of each hypervisor's sockets */
	umPorts = new Map<number, number>();
	hops: Hop[] = [];
	storm = false;
	reset(): void {
		this.t = 0;
		this.macTable.clear();
		this.arp.clear();
		this.conns.length = 0;
		this.umPorts.clear();
		this.hops = [];
		this.storm = false;
	}
}

/** Numeric keys: node and switch indices stay far below 2^20. */
function macKey(sw: number, vlan: number, macId: number): number {
	return (sw * 4096 + vlan) * 1048576 + macId;
}

/** A switch flooding a broadcast: the port it came in on, its VLAN, the ports it left by. */
interface Flood {
	node: string;
	in: string;
	vlan: number;
	outs: string[];
	t: number;
}

function arpKey(node: number, ip: number): number {
	return node * 4294967296 + ip;
}

/** Where l2Send lost a frame (an MTU too small for it): the node, and its ports in and out. */
interface L2Drop {
	node: string;
	in: string | null;
	out: string | null;
	reason: string;
	hops: Hop[];
	t: number;
}

export class ProbeEngine {
	private s = new ProbeState();
	private record = true;
	/** the last runOnce ended with an expired TTL (its ICMP error may not have come back) */
	private ttlExpired = false;

	private macIds = new Map<string, number>();

	constructor(private net: Net) {}

	/** User-mode NAT engines (usermode-nat.ts), lent this engine's primitives. */
	private um = new UsermodeNat({
		net: () => this.net,
		ports: () => this.s.umPorts,
		recording: () => this.record,
		hop: (h) => this.hop(h),
		fields: (p) => this.pktFields(p),
		runLeg: (n, p) => this.runLeg(n, p),
		inputFilter: (n, i, p, e) => this.inputFilter(n, i, p, e),
		answer: (n, p) => this.answer(n, p),
		ctFind: (n, p) => this.ctFind(n, p),
		ctAdd: (n, o, out) => this.ctAdd(n, o, out)
	});

	private macId(mac: string): number {
		let id = this.macIds.get(mac);
		if (id === undefined) {
			id = this.macIds.size;
			this.macIds.set(mac, id);
		}
		return id;
	}

	// ---------------------------------------------------------------- helpers

	private hop(h: Hop): void {
		if (!this.record) return;
		// Switch hops carry their own arrival time from the layer-2 walk.
		if (h.tMs === undefined) h.tMs = Math.round(this.s.t / 1e3) / 1e3;
		this.s.hops.push(h);
	}

	private pktFields(p: Pkt): Pick<Hop, 'src' | 'dst' | 'ttl' | 'size'> & { fragments?: number[] } {
		if (!this.record) return NO_FIELDS;
		const f: Pick<Hop, 'src' | 'dst' | 'ttl' | 'size'> & { fragments?: number[] } = {
			src: fmtAddr(p.src, p.sport, p.proto),
			dst: fmtAddr(p.dst, p.dport, p.proto),
			ttl: p.ttl,
			size: p.size
		};
		if (p.frags) f.fragments = p.frags.slice();
		return f;
	}

	private node(i: number): CNode {
		return this.net.nodes[i];
	}
	private iface(i: number): CIface {
		return this.net.ifaces[i];
	}

	// ------------------------------------------------------------ conntrack

	private ctFind(node: CNode, p: Pkt): { conn: Conn; dir: 'orig' | 'reply' | 'related' } | null {
		const conns = this.s.conns;
		if (p.kind === 'icmp-err' && p.inner) {
			const i = p.inner;
			for (const c of conns) {
				if (c.node !== node.idx) continue;
				// The quoted packet left this node as i: our conn expects its reverse as a reply...
				if (sameTuple(c.reply, i.dst, i.dport, i.src, i.sport, i.proto)) return { conn: c, dir: 'related' };
				// ...or the quoted packet was a reply we forwarded.
				if (sameTuple(c.orig, i.dst, i.dport, i.src, i.sport, i.proto)) return { conn: c, dir: 'related' };
			}
			return null;
		}
		for (const c of conns) {
			if (c.node !== node.idx) continue;
			if (sameTuple(c.reply, p.src, p.sport, p.dst, p.dport, p.proto)) return { conn: c, dir: 'reply' };
			if (sameTuple(c.orig, p.src, p.sport, p.dst, p.dport, p.proto)) return { conn: c, dir: 'orig' };
		}
		return null;
	}

	private ctAdd(node: CNode, orig: Tuple, out: Tuple): void {
		const reply: Tuple = { src: out.dst, dst: out.src, sport: out.dport, dport: out.sport, proto: out.proto };
		this.s.conns.push({ node: node.idx, orig: { src: orig.src, dst: orig.dst, sport: orig.sport, dport: orig.dport, proto: orig.proto }, reply });
	}

	/** Undo NAT on a reply or related error; returns a description when it rewrote anything. */
	private ctTranslate(p: Pkt, found: { conn: Conn; dir: 'orig' | 'reply' | 'related' }): string | null {
		const { conn, dir } = found;
		if (dir === 'reply') {
			const changed = p.src !== conn.orig.dst || p.sport !== conn.orig.dport || p.dst !== conn.orig.src || p.dport !== conn.orig.sport;
			if (!changed) return null;
			const before = this.record ? `${fmtAddr(p.src, p.sport, p.proto)} → ${fmtAddr(p.dst, p.dport, p.proto)}` : '';
			p.src = conn.orig.dst;
			p.sport = conn.orig.dport;
			p.dst = conn.orig.src;
			p.dport = conn.orig.sport;
			return this.record ? `connection tracking: reply ${before} translated to ${fmtAddr(p.src, p.sport, p.proto)} → ${fmtAddr(p.dst, p.dport, p.proto)}` : 'nat';
		}
		if (dir === 'related' && p.inner) {
			const i = p.inner;
			// Is the quoted packet the original direction as it left (reply tuple reversed)?
			if (i.src === conn.reply.dst && i.sport === conn.reply.dport && i.dst === conn.reply.src && i.dport === conn.reply.sport) {
				// Linux (nf_nat_icmp_reply_translation) rewrites the outer header like a reply of the
				// connection: on a DNAT'd connection the error's source becomes the address the client called.
				const dnatted = conn.reply.src !== conn.orig.dst;
				const changed = p.dst !== conn.orig.src || (dnatted && p.src !== conn.orig.dst);
				p.inner = { ...conn.orig };
				p.dst = conn.orig.src;
				if (dnatted) p.src = conn.orig.dst;
				return changed ? `connection tracking: ICMP error about ${u32ToIp(i.src)} translated to ${u32ToIp(p.src)} → ${u32ToIp(conn.orig.src)}` : null;
			}
			// The quoted packet was a reply we translated back: restore it as it arrived
			// (on a masqueraded connection the error's source becomes the masquerade address).
			const snatted = conn.reply.dst !== conn.orig.src;
			const changed = p.dst !== conn.reply.src || (snatted && p.src !== conn.reply.dst);
			p.inner = { ...conn.reply };
			p.dst = conn.reply.src;
			if (snatted) p.src = conn.reply.dst;
			return changed ? `connection tracking: ICMP error translated to ${u32ToIp(p.src)} → ${u32ToIp(p.dst)}` : null;
		}
		return null;
	}

	// ------------------------------------------------------------------- rules

	/** First matching rule of the given direction, or null for the policy. */
	private matchRule(node: CNode, p: Pkt, inIf: CIface | null, outIf: CIface | null, outbound: boolean) {
		for (const r of node.rules) {
			if (r.out !== outbound) continue;
			if (r.proto && r.proto !== p.proto) continue;
			if (!matches(r.from, p.src) || !matches(r.to, p.dst)) continue;
			if (r.portLo >= 0) {
				if (p.proto !== PROTO_TCP && p.proto !== PROTO_UDP) continue;
				if (p.dport < r.portLo || p.dport > r.portHi) continue;
			}
			if (r.sportLo >= 0) {
				if (p.proto !== PROTO_TCP && p.proto !== PROTO_UDP) continue;
				if (p.sport < r.sportLo || p.sport > r.sportHi) continue;
			}
			if (r.inIf !== null && (!inIf || inIf.name !== r.inIf)) continue;
			if (r.outIf !== null && (!outIf || outIf.name !== r.outIf)) continue;
			return r;
		}
		return null;
	}

	// ---------------------------------------------------------------- layer 2

	private crossLink(phys: CIface, size: number, tags: number): CIface | null {
		if (phys.link < 0 || phys.down) return null;
		const link = this.net.links[phys.link];
		if (link.down) return null;
		this.s.t += Math.round((wireBytes(size, tags) * 8 * 1e9) / link.bandwidth) + link.latency;
		const peer = this.iface(link.a === phys.idx ? link.b : link.a);
		if (peer.down) return null;
		return peer;
	}

	/** Which logical interface of an L3 node takes a frame arriving on a physical one. */
	private demux(phys: CIface, tag: number): CIface | null {
		let logical = phys;
		if (phys.bond >= 0) {
			const bond = this.iface(phys.bond);
			if (bond.bondActive !== phys.idx || bond.down) return null; // active-backup: only the active member receives
			logical = bond;
		}
		if (tag) {
			const sub = logical.subByTag?.get(tag);
			if (sub === undefined) return null;
			logical = this.iface(sub);
			if (logical.down) return null;
			return logical;
		}
		if (logical.implicitParent) return null;
		return logical;
	}

	private portCarries(port: CIface, vlan: number): boolean {
		if (port.trunk) return port.trunk.has(vlan) || port.native === vlan;
		return port.vlan === vlan;
	}

	/**
	 * Sends one frame from a logical L3 interface and returns where it lands:
	 * every L3 interface it reaches whose MAC matches (or all, for broadcast).
	 * Switch hops are recorded along the path to the receiver.
	 */
	private l2Send(
		from: CIface,
		dstMac: string,
		srcMac: string,
		size: number,
		frags: number[] | null,
		floods?: Flood[]
	): { arrivals: { iface: CIface; t: number; hops: Hop[] }[]; drop: L2Drop | null; storm: boolean } {
		const bcast = dstMac === BROADCAST;
		const maxSize = frags ? Math.max(...frags) : size;
		const totalWire = (tags: number) => (frags ? frags.reduce((a, f) => a + wireBytes(f, tags), 0) : wireBytes(size, tags));
		let phys = from;
		let tag = 0;
		if (from.parent >= 0) {
			phys = this.iface(from.parent);
			tag = from.tag;
		}
		if (phys.bond < 0 && phys.bondActive >= 0) phys = this.iface(phys.bondActive);
		const arrivals: { iface: CIface; t: number; hops: Hop[] }[] = [];
		let drop: L2Drop | null = null;
		const visited = new Set<number>();
		let storm = false;
		const t0 = this.s.t;
		// Explicit stack: (physical egress, wire tag, time, hops so far)
		const stack: { out: CIface; tag: number; t: number; hops: Hop[] }[] = [{ out: phys, tag, t: t0, hops: [] }];
		while (stack.length) {
			const cur = stack.pop()!;
			this.s.t = cur.t;
			const link = cur.out.link >= 0 ? this.net.links[cur.out.link] : null;
			if (!link || link.down || cur.out.down) continue;
			this.s.t += Math.round((totalWire(cur.tag ? 1 : 0) * 8 * 1e9) / link.bandwidth) + link.latency;
			const peer = this.iface(link.a === cur.out.idx ? link.b : link.a);
			if (peer.down) continue;
			const pn = this.node(peer.node);
			if (!pn.isSwitch) {
				const logical = this.demux(peer, cur.tag);
				if (!logical) continue;
				if (!bcast && dstMac !== logical.mac && dstMac !== logical.vmac) continue;
				if (maxSize > logical.mtu + 4) {
					drop = { node: pn.id, in: logical.name, out: null, reason: `frame of ${maxSize} bytes exceeds ${pn.id}.${logical.name} MTU ${logical.mtu}`, hops: cur.hops, t: this.s.t };
					continue;
				}
				arrivals.push({ iface: logical, t: this.s.t, hops: cur.hops });
				continue;
			}
			// A switch port
			if (peer.sdnBlocked) continue;
			if (maxSize > peer.mtu + 4) {
				drop = { node: pn.id, in: peer.name, out: null, reason: `frame of ${maxSize} bytes exceeds ${pn.id}.${peer.name} MTU ${peer.mtu}`, hops: cur.hops, t: this.s.t };
				continue;
			}
			let vlan: number;
			if (peer.trunk || peer.native) {
				if (cur.tag) {
					if (!(peer.trunk?.has(cur.tag) || peer.native === cur.tag)) continue;
					vlan = cur.tag;
				} else {
					if (!peer.native) continue;
					vlan = peer.native;
				}
			} else {
				if (cur.tag) continue; // tagged frame on an access port
				vlan = peer.vlan || 1;
			}
			
			const visitKey = pn.idx * 8192 + vlan;
			if (visited.has(visitKey)) {
				storm = true;
				break;
			}
			visited.add(visitKey);
			this.s.macTable.set(macKey(pn.idx, vlan, this.macId(srcMac)), peer.idx);
			this.s.t += pn.delay;
			const known = bcast ? undefined : this.s.macTable.get(macKey(pn.idx, vlan, this.macId(dstMac)));
			let outs: CIface[];
			if (known !== undefined) {
				outs = known === peer.idx || peer.l2deny & this.iface(known).l2bit ? [] : [this.iface(known)];
			} else {
				outs = [];
				for (const pi of pn.ifaces) {
					if (pi === peer.idx) continue;
					const port = this.iface(pi);
					if (port.down || port.link < 0 || port.sdnBlocked) continue;
					if (this.portCarries(port, vlan) && !(peer.l2deny & port.l2bit)) outs.push(port);
				}
			}
			const tNow = this.s.t;
			if (floods && bcast) floods.push({ node: pn.id, in: peer.name, vlan, outs: outs.map((o) => o.name), t: tNow });
			// Reverse so the first port is explored first (deterministic, file order).
			for (let k = outs.length - 1; k >= 0; k--) {
				const port = outs[k];
				const egressTag = port.trunk || port.native ? (port.native === vlan ? 0 : vlan) : 0;
				if (maxSize > port.mtu + 4) {
					drop = { node: pn.id, in: peer.name, out: port.name, reason: `frame of ${maxSize} bytes exceeds ${pn.id}.${port.name} MTU ${port.mtu}`, hops: cur.hops, t: tNow };
					continue;
				}
				const h: Hop = {
					node: pn.id,
					in: peer.name,
					out: port.name,
					action: 'SWITCHED',
					detail: `VLAN ${vlan}: ${known !== undefined ? `${dstMac} learned on ${port.name}` : bcast ? 'broadcast flooded' : `${dstMac} unknown, flooded`}`,
					vlan: egressTag || null,
					tMs: Math.round(tNow / 1e3) / 1e3
				};
				stack.push({ out: port, tag: egressTag, t: tNow, hops: this.record ? [...cur.hops, h] : cur.hops });
			}
		}
		this.s.t = t0;
		if (storm) this.s.storm = true;
		arrivals.sort((a, b) => a.t - b.t);
		return { arrivals, drop, storm };
	}

	/**
	 * The address an ARP request names as its sender ("tell ..."). Linux with
	 * arp_announce 0 uses the packet's source when it is one of the node's own
	 * (a host sending), else the outgoing interface's address (a router
	 * forwarding someone else's packet).
	 */
	private arpSender(node: CNode, egress: CIface, src: number): number {
		if (node.local.has(src)) return src;
		return egress.hasAddr ? egress.addr : node.firstAddr;
	}

	/** ARP for `ip` out of `egress` naming `sender`; returns the MAC or null after the timeout. */
	private arpResolve(
		node: CNode,
		egress: CIface,
		ip: number,
		sender: number,
		floods?: Flood[]
	): { mac: string | null; storm: boolean; cached?: boolean; by?: string; ms?: number } {
		const key = arpKey(node.idx, ip);
		const cached = this.s.arp.get(key);
		if (cached) return { mac: cached, storm: false, cached: true };
		const t0 = this.s.t;
		const req = this.l2Send(egress, BROADCAST, egress.mac, ARP_SIZE, null, floods);
		if (req.storm) return { mac: null, storm: true };
		for (const a of req.arrivals) {
			const rn = this.node(a.iface.node);
			if (rn.idx === node.idx) continue;
			if (!rn.local.has(ip)) continue;
			// Found the owner: it learns the requester, then answers by unicast.
			this.s.t = a.t + rn.delay;
			this.s.arp.set(arpKey(rn.idx, egress.hasAddr ? egress.addr : node.firstAddr), egress.mac);
			const answerMac = a.iface.vmac && !a.iface.hasAddr ? a.iface.vmac : this.ownMacFor(a.iface, ip);
			const rep = this.l2Send(a.iface, egress.mac, answerMac, ARP_SIZE, null);
			const back = rep.arrivals.find((r) => r.iface.idx === egress.idx);
			if (!back) continue;
			this.s.t = back.t;
			this.s.arp.set(key, answerMac);
			return { mac: answerMac, storm: false, cached: false, by: `${rn.id}.${a.iface.name}`, ms: (back.t - t0) / 1e6 };
		}
		this.s.t = t0 + ARP_TIMEOUT_NS;
		return { mac: null, storm: false };
	}

	/**
	 * The rows of an ARP request nobody answered: the node broadcasting it,
	 * each switch that flooded it (on which VLAN, to which ports: where the
	 * broadcast went), then the node giving up after the timeout. The flood
	 * rows have no `out` so nothing mistakes them for the packet's own path.
	 */
	private unansweredArp(node: CNode, inIface: string | null, egress: CIface, ask: string, tAsk: number, floods: Flood[]): void {
		const ms = (t: number) => Math.round(t / 1e3) / 1e3;
		this.hop({ node: node.id, in: inIface, out: egress.name, action: 'ARP', detail: `${ask}: broadcast on ${egress.name}`, vlan: egress.tag || null, tMs: ms(tAsk) });
		for (const f of floods)
			this.hop({
				node: f.node,
				in: f.in,
				out: null,
				action: 'SWITCHED',
				detail: `ARP ${ask.replace(/ tell .*/, '')} flooded on VLAN ${f.vlan} to ${f.outs.length ? f.outs.join(', ') : 'no other port'}`,
				tMs: ms(f.t)
			});
		this.hop({ node: node.id, in: inIface, out: egress.name, action: 'ARP', detail: `${ask}: no answer` });
	}

	/** The MAC an interface answers with for one of its node's addresses (VRRP vip → virtual MAC). */
	private ownMacFor(iface: CIface, ip: number): string {
		if (iface.vmac && !(iface.hasAddr && iface.addr === ip)) {
			// vip held by this master
			const n = this.node(iface.node);
			let isIfaceAddr = false;
			for (const ii of n.ifaces) if (this.iface(ii).hasAddr && this.iface(ii).addr === ip) isIfaceAddr = true;
			if (!isIfaceAddr) return iface.vmac;
		}
		return iface.mac;
	}

	// -------------------------------------------------------------- transmit

	/**
	 * Puts a packet on the wire towards nextHop (after ARP): fragments if
	 * needed, walks layer 2 and returns the receiving interface or a drop.
	 */
	private transmit(
		node: CNode,
		egress: CIface,
		nextHop: number,
		p: Pkt,
		hopBase: Hop
	): { kind: 'rx'; iface: CIface } | { kind: 'arp-fail' } | { kind: 'drop'; node: CNode; reason: string; in?: string | null; out?: string | null } | { kind: 'storm'; node: CNode } {
		const sender = this.arpSender(node, egress, p.src);
		const floods: Flood[] | undefined = this.record ? [] : undefined;
		const tAsk = this.s.t;
		const arp = this.arpResolve(node, egress, nextHop, sender, floods);
		if (arp.storm) return { kind: 'storm', node };
		if (arp.mac === null) {
			if (this.record) this.unansweredArp(node, hopBase.in, egress, `who-has ${u32ToIp(nextHop)} tell ${u32ToIp(sender)}`, tAsk, floods!);
			return { kind: 'arp-fail' };
		}
		// Fragmentation (DF already checked by the caller).
		const max = p.frags ? Math.max(...p.frags) : p.size;
		let fragmented = false;
		if (max > egress.mtu) {
			p.frags = fragment(p.frags ?? [p.size], egress.mtu);
			fragmented = true;
		}
		const srcMac = this.ownMacFor(egress, p.src);
		if (this.record) {
			const base: Hop = {
				...hopBase,
				out: egress.name,
				...this.pktFields(p),
				srcMac,
				dstMac: arp.mac,
				vlan: egress.tag || null,
				arp: arp.cached
					? { target: u32ToIp(nextHop), mac: arp.mac, cached: true }
					: { target: u32ToIp(nextHop), sender: u32ToIp(sender), mac: arp.mac, cached: false, answeredBy: arp.by, ms: arp.ms }
			};
			if (fragmented) {
				base.action = 'FRAGMENTED';
				base.detail = `${base.detail ? base.detail + '; ' : ''}${p.size}-byte packet split into ${p.frags!.length} fragments for MTU ${egress.mtu}`;
			}
			this.hop(base);
		}
		const res = this.l2Send(egress, arp.mac, srcMac, p.size, p.frags);
		if (res.storm) return { kind: 'storm', node };
		const rx = res.arrivals[0];
		if (rx) {
			if (this.record) for (const h of rx.hops) this.hop({ ...h, ...this.pktFields(p), vlan: h.vlan });
			this.s.t = rx.t;
			return { kind: 'rx', iface: rx.iface };
		}
		if (res.drop) {
			for (const h of res.drop.hops) this.hop({ ...h, ...this.pktFields(p) });
			this.s.t = res.drop.t;
			return { kind: 'drop', node: this.node(this.net.nodeIndex.get(res.drop.node)!), reason: res.drop.reason, in: res.drop.in, out: res.drop.out };
		}
		return { kind: 'drop', node, reason: `frame lost between ${node.id}.${egress.name} and ${u32ToIp(nextHop)}` };
	}

	// ------------------------------------------------------- ICMP generation

	/** An ICMP error about p, sent by node towards p's source, from the right address. */
	private makeError(node: CNode, p: Pkt, type: number, code: number, mtu: number, fromOwnDst: boolean, offenderSrc = p.src): Pkt | null {
		let from: number;
		if (fromOwnDst) from = p.dst;
		else {
			const r = lookup(node, offenderSrc);
			if (!r || r.blackhole) return null;
			from = this.iface(r.iface).addr;
		}
		return {
			kind: 'icmp-err',
			src: from,
			dst: offenderSrc,
			proto: PROTO_ICMP,
			sport: 0,
			dport: 0,
			ttl: 64,
			size: 28 + Math.min(p.size, ICMP_ERR_MAX_QUOTE),
			df: false,
			payload: 0,
			frags: null,
			icmpType: type,
			icmpCode: code,
			icmpMtu: mtu,
			inner: { src: offenderSrc, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport },
			rejectedBy: null
		};
	}

	private makeRst(p: Pkt, by: string | null): Pkt {
		return {
			kind: 'rst',
			src: p.dst,
			dst: p.src,
			proto: PROTO_TCP,
			sport: p.dport,
			dport: p.sport,
			ttl: 64,
			size: 40,
			df: false,
			payload: 0,
			frags: null,
			icmpType: 0,
			icmpCode: 0,
			icmpMtu: 0,
			inner: null,
			rejectedBy: by
		};
	}

	// ------------------------------------------------------------------ legs

	/**
	 * Originates p at node and carries it until it is delivered to the node
	 * owning its destination, exits, or fails.
	 */
	private runLeg(start: CNode, p: Pkt): LegEnd {
		const o = this.originate(start, p);
		if (o.kind !== 'rx') return o.end;
		let node = this.node(o.iface.node);
		let inIf = o.iface;
		for (let guard = 0; guard < 10000; guard++) {
			const step = this.receive(node, inIf, p);
			if (step.kind !== 'rx') return step.end;
			node = this.node(step.iface.node);
			inIf = step.iface;
		}
		return { kind: 'dropped', node, disposition: 'DROPPED', reason: 'forwarding did not terminate', local: false };
	}

	private originate(node: CNode, p: Pkt): { kind: 'rx'; iface: CIface } | { kind: 'end'; end: LegEnd } {
		this.s.t += node.delay;
		// A hypervisor connecting to its own forwarded port (presets.md): through its user-mode NAT engine, or docker-proxy.
		if (node.umForwards.length && node.local.has(p.dst)) {
			const px = this.um.forwardIn(node, p, true);
			if (px) return { kind: 'end', end: px };
		}
		const proxied = node.kind === 'hypervisor' && node.forwardsNat.length && node.local.has(p.dst) ? hostProxy(this.net, node, p) : null;
		if (proxied) {
			this.ctAdd(node, proxied.orig, p);
			this.hop({ node: node.id, in: null, out: null, action: 'NAT', ...this.pktFields(p), detail: proxied.detail, ref: proxied.ref });
		}
		if (node.local.has(p.dst)) {
			this.hop({ node: node.id, in: null, out: null, action: 'LOCAL', ...this.pktFields(p), detail: 'addressed to this node itself' });
			// Over lo, still through conntrack and the input rules: a request is NEW, its answer ESTABLISHED.
			const lct = this.ctFind(node, p);
			if (!lct && p.kind !== 'icmp-err') this.ctAdd(node, p, p);
			return { kind: 'end', end: { kind: 'arrived', node, iface: this.iface(node.ifaces[0]), pkt: p, established: lct !== null } };
		}
		const r = lookup(node, p.dst);
		if (!r) {
			this.hop({ node: node.id, in: null, out: null, action: 'NO_ROUTE', ...this.pktFields(p), detail: `no route to ${u32ToIp(p.dst)}: "Network is unreachable"` });
			return { kind: 'end', end: { kind: 'error', node, disposition: 'NO_ROUTE', err: null, reason: `no route at ${node.id}`, local: true, mtu: null } };
		}
		if (r.blackhole) {
			this.hop({ node: node.id, in: null, out: null, action: 'NULL_ROUTED', ...this.pktFields(p), detail: r.text, ref: r.path });
			return { kind: 'end', end: { kind: 'dropped', node, disposition: 'NULL_ROUTED', reason: `blackhole route at ${node.id}`, local: true } };
		}
		const egress = this.iface(r.iface);
		if (p.df && p.size > egress.mtu) {
			this.hop({ node: node.id, in: null, out: egress.name, action: 'FRAGMENTATION_NEEDED', ...this.pktFields(p), detail: `${p.size}-byte packet with DF exceeds ${egress.name} MTU ${egress.mtu}: "Message too long"` });
			return { kind: 'end', end: { kind: 'error', node, disposition: 'FRAGMENTATION_NEEDED', err: null, reason: `local MTU ${egress.mtu}`, local: true, mtu: egress.mtu } };
		}
		// Outbound rules of an endpoint (direction: out), after connection state.
		const ct = this.ctFind(node, p);
		if (node.endpoint && !(node.stateful && ct)) {
			const rule = this.matchRule(node, p, null, egress, true);
			if (rule && rule.action !== 'allow') {
				this.hop({ node: node.id, in: null, out: egress.name, action: 'DENIED', ...this.pktFields(p), detail: `rule ${rule.index + 1} (${rule.text}): "Operation not permitted"`, rule: rule.index, ref: rule.path });
				return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DENIED', reason: `outbound rule ${rule.index + 1} on ${node.id}`, local: true } };
			}
		}
		// Masquerade (POSTROUTING) also rewrites what the node itself sends out of that interface.
		let masqNote = '';
		if (!ct && node.masquerade.has(egress.name) && egress.hasAddr && p.src !== egress.addr) {
			const orig: Tuple = { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport };
			p.src = egress.addr;
			this.ctAdd(node, orig, p);
			masqNote = `; masquerade ${fmtAddr(orig.src, orig.sport, orig.proto)} -> ${fmtAddr(p.src, p.sport, p.proto)}`;
		} else if (!ct) this.ctAdd(node, p, p);
		const nextHop = r.via || p.dst;
		const tx = this.transmit(node, egress, nextHop, p, this.record ? { node: node.id, in: null, out: egress.name, action: 'SENT', detail: `route ${r.text}${masqNote}`, ref: r.path } : NO_HOP);
		if (tx.kind === 'rx') return tx;
		return { kind: 'end', end: this.txFailure(node, tx, p, null, true) };
	}

	private txFailure(
		node: CNode,
		tx: { kind: 'arp-fail' } | { kind: 'drop'; node: CNode; reason: string; in?: string | null; out?: string | null } | { kind: 'storm'; node: CNode },
		p: Pkt,
		offenderSrc: number | null,
		local: boolean
	): LegEnd {
		if (tx.kind === 'storm') {
			this.hop({ node: node.id, in: null, out: null, action: 'DROPPED', detail: 'broadcast storm: the frame was flooded into a loop of switches' });
			return { kind: 'dropped', node, disposition: 'DROPPED', reason: 'storm', local };
		}
		if (tx.kind === 'drop') {
			this.hop({ node: tx.node.id, in: tx.in ?? null, out: tx.out ?? null, action: 'DROPPED', ...this.pktFields(p), detail: tx.reason });
			return { kind: 'dropped', node: tx.node, disposition: 'DROPPED', reason: `mtu: ${tx.reason}`, local: false };
		}
		// ARP failure
		if (local) return { kind: 'error', node, disposition: 'HOST_UNREACHABLE', err: null, reason: `ARP failed at ${node.id}`, local: true, mtu: null };
		const err = this.makeError(node, p, 3, 1, 0, false, offenderSrc ?? p.src);
		// Already masqueraded: Linux sends the error to the packet's (own, masquerade) source
		// address, so from that address, and conntrack then translates it back to the sender.
		if (err && offenderSrc !== null && offenderSrc !== p.src && node.local.has(p.src)) err.src = p.src;
		return { kind: 'error', node, disposition: 'HOST_UNREACHABLE', err, reason: `ARP failed at ${node.id}`, local: false, mtu: null };
	}

	/** A packet arrives at node on inIf. */
	private receive(node: CNode, inIf: CIface, p: Pkt): { kind: 'rx'; iface: CIface } | { kind: 'end'; end: LegEnd } {
		this.s.t += node.delay;
		if (node.engine) return this.um.engineReceive(node, inIf, p);
		const base: Hop = this.record ? { node: node.id, in: inIf.name, out: null, action: '' } : NO_HOP;
		// 1. connection state and port forwards (DNAT)
		const ct = this.ctFind(node, p);
		let natNote: string | null = null;
		let dnat = false;
		const origTuple: Tuple = { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport };
		let lbSnat = false;
		if (ct) natNote = this.ctTranslate(p, ct);
		else if (node.lb && p.dst === node.lb.vip && p.dport === node.lb.port && p.proto !== PROTO_ICMP && node.lb.backends.length) {
			// Backend = (client address + client port) mod healthy backends, in pool order.
			const lb = node.lb;
			const b = lb.backends[(p.src + p.sport) % lb.backends.length];
			natNote = this.record ? `load balancer: ${fmtAddr(p.dst, p.dport, p.proto)} → backend ${b.name} (${fmtAddr(b.addr, b.port, p.proto)})` : 'lb';
			if (this.record) base.ref = `nodes.${node.id}.pool`;
			p.dst = b.addr;
			p.dport = b.port;
			dnat = true;
			lbSnat = lb.snat;
		} else if (node.forwardsNat.length && p.kind !== 'icmp-err') {
			for (const f of node.forwardsNat) {
				if (f.proto !== p.proto || f.port !== p.dport) continue;
				if (f.inIf !== null) {
					if (inIf.name !== f.inIf || !inIf.hasAddr || inIf.addr !== p.dst) continue;
				} else {
					// hypervisor: any of its addresses outside its NAT networks (docker, podman: any of its addresses)
					if (!node.local.has(p.dst) || (node.product !== 'docker' && node.product !== 'podman' && inNat(node, p.dst) >= 0)) continue;
				}
				natNote = this.record ? `port forward ${f.text}: ${fmtAddr(p.dst, p.dport, p.proto)} → ${fmtAddr(f.toAddr, f.toPort, p.proto)}` : 'dnat';
				if (this.record) base.ref = f.path;
				p.dst = f.toAddr;
				p.dport = f.toPort;
				dnat = true;
				// docker-proxy: a container reaching a published port is proxied from the target network's gateway
				if ((node.product === 'docker' || node.product === 'podman') && isNatIface(node, inIf.idx)) lbSnat = true;
				break;
			}
		}
		if (!ct && node.umForwards.length && p.kind !== 'icmp-err' && node.local.has(p.dst)) {
			const px = this.um.forwardIn(node, p, false);
			if (px) return { kind: 'end', end: px };
		}
		// 2. local delivery (weak host model)
		if (node.local.has(p.dst)) {
			// The final hop (DELIVERED, REFUSED, DENIED...) is recorded by the caller; a translation here is worth its own line.
			if (natNote) this.hop({ ...base, action: 'NAT', ...this.pktFields(p), detail: natNote });
			// The receiver tracks the connection too: its answers are replies (ESTABLISHED).
			if (!ct && p.kind !== 'icmp-err') this.ctAdd(node, p, p);
			return { kind: 'end', end: { kind: 'arrived', node, iface: inIf, pkt: p, established: !!ct } };
		}
		if (node.kind === 'internet') {
			const owner = this.net.owned.get(p.dst);
			if (owner !== undefined) {
				this.hop({ ...base, action: 'DROPPED', ...this.pktFields(p), detail: `${u32ToIp(p.dst)} belongs to ${owner}, not to the outside world` });
				return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DROPPED', reason: `the internet does not route to ${owner}'s address`, local: false } };
			}
			this.hop({ ...base, action: 'EXITS_NETWORK', ...this.pktFields(p), detail: `${u32ToIp(p.dst)} is not in this network: the packet leaves through ${node.id}` });
			return { kind: 'end', end: { kind: 'exits', node, pkt: p } };
		}
		let viaHypervisorNat = false;
		let hvNoForward = false;
		if (!node.forwards) {
			const nat = node.natIface >= 0 ? inNat(node, p.src) : -1;
			const fromNatGuest = nat >= 0 && inIf.idx === node.natNets[nat].iface;
			if (node.kind === 'hypervisor' && (fromNatGuest || dnat || (ct && natNote !== null) || (ct && ct.dir === 'related'))) viaHypervisorNat = true;
			// A hypervisor with a NAT network has IP forwarding on and a forward filter that
			// drops everything else: route, TTL and MTU are still decided first (Linux ip_forward).
			else if (node.kind === 'hypervisor' && (node.natIface >= 0 || node.product === 'libvirt')) hvNoForward = true;
			else {
				this.hop({ ...base, action: 'DROPPED', ...this.pktFields(p), detail: `${node.id} is a ${node.kind} and does not forward packets that are not addressed to it` });
				return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DROPPED', reason: `${node.id} does not forward (non-forwarding node)`, local: false } };
			}
		}
		// 2. route lookup
		const r = lookup(node, p.dst);
		if (!r) {
			this.hop({ ...base, action: 'NO_ROUTE', ...this.pktFields(p), detail: `no route to ${u32ToIp(p.dst)}` });
			return { kind: 'end', end: { kind: 'error', node, disposition: 'NO_ROUTE', err: this.makeError(node, p, 3, 0, 0, false), reason: `no route at ${node.id}`, local: false, mtu: null } };
		}
		if (r.blackhole) {
			this.hop({ ...base, action: 'NULL_ROUTED', ...this.pktFields(p), detail: r.text, ref: r.path });
			return { kind: 'end', end: { kind: 'dropped', node, disposition: 'NULL_ROUTED', reason: `blackhole route at ${node.id}`, local: false } };
		}
		const egress = this.iface(r.iface);
		// 3. TTL
		if (p.ttl <= 1) {
			this.hop({ ...base, out: egress.name, action: 'TTL_EXCEEDED', ...this.pktFields(p), detail: 'TTL reached zero: ICMP time exceeded' });
			return { kind: 'end', end: { kind: 'error', node, disposition: 'TTL_EXCEEDED', err: this.makeError(node, p, 11, 0, 0, false), reason: `TTL exceeded at ${node.id}`, local: false, mtu: null } };
		}
		// 4. DF and egress MTU
		const size = p.frags ? Math.max(...p.frags) : p.size;
		if (p.df && size > egress.mtu) {
			this.hop({ ...base, out: egress.name, action: 'FRAGMENTATION_NEEDED', ...this.pktFields(p), detail: `${size}-byte packet with DF exceeds ${egress.name} MTU ${egress.mtu}` });
			return {
				kind: 'end',
				end: { kind: 'error', node, disposition: 'FRAGMENTATION_NEEDED', err: this.makeError(node, p, 3, 4, egress.mtu, false), reason: `MTU ${egress.mtu} at ${node.id}`, local: false, mtu: egress.mtu }
			};
		}
		const block = node.product ? productBlock(this.net, node, inIf, egress, p, { hvNoForward, viaHypervisorNat, tracked: !!ct, dnat }) : null;
		if (block) {
			this.hop({ ...base, out: egress.name, action: block.disposition === 'DENIED' ? 'DENIED' : 'DROPPED', ...this.pktFields(p), detail: block.detail });
			if (block.reject) {
				const err = p.kind === 'icmp-err' ? null : this.makeError(node, p, 3, 3, 0, false);
				return { kind: 'end', end: { kind: 'error', node, disposition: 'DENIED', err, reason: block.reason, local: false, mtu: null } };
			}
			return { kind: 'end', end: { kind: 'dropped', node, disposition: block.disposition, reason: block.reason, local: false } };
		}
		if (hvNoForward) {
			this.hop({ ...base, out: egress.name, action: 'DROPPED', ...this.pktFields(p), detail: `${node.id} is a hypervisor, not a router: its forward filter passes only connections its NAT guests open and its port forwards, and drops the rest` });
			return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DROPPED', reason: `${node.id} is a hypervisor, not a router (it forwards only its NAT guests' own connections and its port forwards)`, local: false } };
		}
		// 5. rules (state first if stateful)
		let ruleNote: string | null = null;
		if (!viaHypervisorNat) {
			if (node.stateful && ct) ruleNote = ct.dir === 'related' ? 'related to a tracked connection: accepted' : 'established connection: accepted';
			else {
				const rule = this.matchRule(node, p, inIf, egress, false);
				const action = rule ? rule.action : node.policy;
				const what = !this.record && action === 'allow' ? '' : rule ? `rule ${rule.index + 1} (${rule.text})` : `policy ${node.policy}`;
				if (action !== 'allow') {
					const hop: Hop = { ...base, out: egress.name, action: 'DENIED', ...this.pktFields(p), detail: `${action === 'reject' ? 'rejected' : 'denied'} by ${what}` };
					if (rule) {
						hop.rule = rule.index;
						hop.ref = rule.path;
					} else hop.ref = `nodes.${node.id}.policy`;
					this.hop(hop);
					if (action === 'reject') {
						const err = p.proto === PROTO_TCP && p.kind !== 'icmp-err' ? this.makeRst(p, node.id) : p.kind === 'icmp-err' ? null : this.makeError(node, p, 3, 13, 0, false);
						return { kind: 'end', end: { kind: 'error', node, disposition: 'DENIED', err, reason: `rejected by ${what} on ${node.id}`, local: false, mtu: null } };
					}
					return { kind: 'end', end: { kind: 'dropped', node, disposition: 'DENIED', reason: `denied by ${what} on ${node.id}`, local: false } };
				}
				if (this.record && (node.rules.length || node.policy !== 'allow')) ruleNote = `allowed by ${what}`;
			}
		}
		// 6. masquerade
		const preSnatSrc = p.src;
		const masq = lbSnat || node.masquerade.has(egress.name) || (viaHypervisorNat && !isNatIface(node, egress.idx) && inNat(node, p.src) >= 0);
		if (masq && !ct && egress.hasAddr && p.src !== egress.addr) {
			const before = this.record ? fmtAddr(p.src, p.sport, p.proto) : '';
			p.src = egress.addr;
			natNote = this.record ? `${natNote ? natNote + '; ' : ''}masquerade ${before} -> ${fmtAddr(p.src, p.sport, p.proto)}` : 'snat';
		}
		if (!ct) this.ctAdd(node, origTuple, p);
		p.ttl -= 1;
		const nextHop = r.via || p.dst;
		const notes = this.record ? [ruleNote, natNote, `route ${r.text}`].filter(Boolean).join('; ') : '';
		const tx = this.transmit(node, egress, nextHop, p, this.record ? { ...base, action: natNote ? 'NAT' : 'FORWARDED', detail: notes, ref: base.ref ?? r.path } : base);
		if (tx.kind === 'rx') return tx;
		p.ttl += 1;
		return { kind: 'end', end: this.txFailure(node, tx, p, preSnatSrc, false) };
	}

	// ----------------------------------------------------------------- probe

	private answer(node: CNode, p: Pkt): Pkt | null {
		if (p.proto === PROTO_ICMP) {
			if (p.kind !== 'echo-req') return null;
			return newPkt('echo-rep', p.dst, p.src, PROTO_ICMP, p.sport, p.dport, p.size, p.payload);
		}
		if (p.proto === PROTO_TCP) {
			const listening = node.endpoint && node.tcpServices.has(p.dport);
			if (listening) return newPkt('synack', p.dst, p.src, PROTO_TCP, p.dport, p.sport, 40, 0);
			return this.makeRst(p, null);
		}
		const listening = node.endpoint && node.udpServices.has(p.dport);
		if (listening) {
			const payload = Math.min(64, p.payload);
			return newPkt('udp-rep', p.dst, p.src, PROTO_UDP, p.dport, p.sport, 28 + payload, payload);
		}
		return this.makeError(node, p, 3, 3, 0, true);
	}

	/** Input rules of an endpoint for a packet addressed to it. */
	private inputFilter(node: CNode, inIf: CIface, p: Pkt, established: boolean): { action: 'allow' | 'deny' | 'reject'; what: string; rule: number | null; ref: string } {
		if (!node.endpoint) return { action: 'allow', what: '', rule: null, ref: '' };
		if (node.stateful && established) return { action: 'allow', what: 'established connection', rule: null, ref: '' };
		const rule = this.matchRule(node, p, inIf, null, false);
		if (rule) return { action: rule.action, what: `rule ${rule.index + 1} (${rule.text})`, rule: rule.index, ref: rule.path };
		return { action: node.policy, what: `policy ${node.policy}`, rule: null, ref: `nodes.${node.id}.policy` };
	}

	run(spec: ProbeSpec, opts: { hops?: boolean; record?: boolean } = {}): Trace {
		const trace = this.runOnce(spec, opts.record ?? true);
		if (opts.hops && trace.disposition !== 'EXITS_NETWORK') trace.hops = this.traceroute(spec);
		return trace;
	}

	private traceroute(spec: ProbeSpec): (string | null)[] {
		const out: (string | null)[] = [];
		for (let ttl = 1; ttl <= 30; ttl++) {
			const t = this.runOnce({ ...spec, ttl }, false);
			if (t.disposition === 'TTL_EXCEEDED' || this.ttlExpired) {
				out.push(t.icmp?.from ?? null);
				continue;
			}
			if (t.disposition === 'DELIVERED' || t.disposition === 'REFUSED') out.push(t.icmp?.from ?? this.destinationAddress(spec));
			else out.push(t.icmp?.from ?? null);
			break;
		}
		return out;
	}

	/**
	 * What the last probe left behind (its ARP caches, switch MAC tables and
	 * connections), decoded from the packed keys; tables.ts reads it. Valid until
	 * the next probe (a traceroute runs more probes: call after run() without hops).
	 */
	learned(): Learned {
		const macs: string[] = [];
		for (const [mac, id] of this.macIds) macs[id] = mac;
		const arp: Learned['arp'] = [];
		for (const [k, mac] of this.s.arp) arp.push({ node: Math.floor(k / 4294967296), ip: k % 4294967296, mac });
		const fdb: Learned['fdb'] = [];
		for (const [k, port] of this.s.macTable) {
			const rest = Math.floor(k / 1048576);
			fdb.push({ sw: Math.floor(rest / 4096), vlan: rest % 4096, mac: macs[k % 1048576], port });
		}
		const conns = this.s.conns.map((c) => ({ node: c.node, orig: { ...c.orig }, reply: { ...c.reply } }));
		return { arp, fdb, conns };
	}

	destinationAddress(spec: ProbeSpec): string {
		if (isIpv4(spec.to)) return spec.to;
		const n = this.net.nodeIndex.get(spec.to);
		return n === undefined ? spec.to : u32ToIp(this.node(n).firstAddr);
	}

	private runOnce(spec: ProbeSpec, record: boolean): Trace {
		this.s.reset();
		this.record = record;
		this.ttlExpired = false;
		const trace: Trace = { disposition: 'DROPPED', leg: 'request', reason: null, seenSource: null, icmp: null, mtu: null, rttMs: null, hops: null, request: [], reply: [] };
		const srcIdx = this.net.nodeIndex.get(spec.from);
		if (srcIdx === undefined) throw new Error(`unknown node "${spec.from}"`);
		const src = this.node(srcIdx);
		if (!src.hasFirstAddr) {
			trace.disposition = 'NO_ROUTE';
			trace.reason = `${src.id} has no address`;
			trace.verdict = `${src.id} has no IP address to send from.`;
			return trace;
		}
		let dst: number;
		if (isIpv4(spec.to)) dst = ipToU32(spec.to);
		else {
			const di = this.net.nodeIndex.get(spec.to);
			if (di === undefined) throw new Error(`unknown node "${spec.to}"`);
			if (!this.node(di).hasFirstAddr) {
				trace.disposition = 'NO_ROUTE';
				trace.reason = `${spec.to} has no address`;
				trace.verdict = `${spec.to} has no IP address to send to.`;
				return trace;
			}
			dst = this.node(di).firstAddr;
		}
		const proto = spec.proto === 'tcp' ? PROTO_TCP : spec.proto === 'udp' ? PROTO_UDP : PROTO_ICMP;
		const payload = spec.size ?? (proto === PROTO_ICMP ? 56 : proto === PROTO_UDP ? 32 : 0);
		const hdr = proto === PROTO_TCP ? 40 : 28;
		const sport = spec.sport ?? 40000;
		const req: Pkt = {
			kind: proto === PROTO_ICMP ? 'echo-req' : proto === PROTO_TCP ? 'syn' : 'udp',
			src: src.firstAddr,
			dst,
			proto,
			sport: proto === PROTO_ICMP ? 40000 : sport,
			dport: proto === PROTO_ICMP ? 40000 : (spec.port ?? 0),
			ttl: Math.min(spec.ttl ?? 64, MAX_TTL),
			size: proto === PROTO_TCP ? hdr : hdr + payload, // a SYN carries no payload: `size` is sent only once connected
			df: spec.df ?? false,
			payload,
			frags: null,
			icmpType: 8,
			icmpCode: 0,
			icmpMtu: 0,
			inner: null,
			rejectedBy: null
		};
		const asSent = { dst: req.dst, dport: req.dport };
		const end = this.runLeg(src, req);
		trace.request = this.s.hops;
		this.s.hops = [];
		const finish = (): Trace => {
			trace.reply = this.s.hops;
			trace.verdict = verdict(trace, spec);
			return trace;
		};
		if (end.kind === 'exits') {
			trace.disposition = 'EXITS_NETWORK';
			trace.leg = null;
			trace.seenSource = u32ToIp(end.pkt.src);
			return finish();
		}
		if (end.kind === 'proxied') {
			// User-mode NAT (usermode-nat.ts): the hypervisor's own connection decides what the requester gets.
			const px = this.um.proxy(end.px);
			trace.request = [...trace.request, ...this.s.hops];
			this.s.hops = [];
			if (px.kind === 'exits') {
				trace.disposition = 'EXITS_NETWORK';
				trace.leg = null;
				trace.seenSource = u32ToIp(px.pkt.src);
				return finish();
			}
			if (px.seen) trace.seenSource = u32ToIp(px.seen.src);
			if (px.kind === 'failed') {
				trace.disposition = px.disposition;
				trace.leg = px.leg;
				trace.reason = px.reason;
				return finish();
			}
			return this.replyLeg(trace, src, req, asSent, px.dnode, px.sender, px.seen, px.ans, finish);
		}
		if (end.kind === 'dropped') {
			trace.disposition = end.disposition;
			trace.reason = end.reason;
			return finish();
		}
		if (end.kind === 'error') {
			trace.disposition = end.disposition;
			trace.reason = end.reason;
			this.ttlExpired = end.disposition === 'TTL_EXCEEDED';
			if (end.local) {
				trace.mtu = end.mtu;
				// Linux reports a failed neighbour resolution to the sender with an ICMP
				// host-unreachable to itself (over lo): the sender's input rules see it.
				if (end.disposition === 'HOST_UNREACHABLE' && src.endpoint && end.node.idx === src.idx) {
					const self = this.makeError(src, req, 3, 1, 0, true, req.src);
					if (self) {
						self.src = req.src;
						const lo = { ...this.iface(src.ifaces[0]), name: 'lo' };
						const filt = this.inputFilter(src, lo, self, this.ctFind(src, self) !== null);
						if (filt.action !== 'allow') {
							trace.disposition = 'DENIED';
							trace.leg = 'reply';
							trace.reason = `the local host-unreachable error was ${filt.action === 'reject' ? 'rejected' : 'denied'} by ${filt.what} on ${src.id}`;
						}
					}
				}
				return finish();
			}
			const back = end.err ? this.runLeg(end.node, end.err) : null;
			if (back && back.kind === 'arrived' && back.node.idx === src.idx) {
				const filt = this.inputFilter(src, back.iface, back.pkt, back.established);
				if (filt.action !== 'allow') {
					this.hop({ node: src.id, in: back.iface.name, out: null, action: 'DENIED', ...this.pktFields(back.pkt), detail: `${filt.action === 'reject' ? 'rejected' : 'denied'} by ${filt.what}`, rule: filt.rule ?? undefined, ref: filt.ref });
					trace.disposition = 'DENIED';
					trace.leg = 'reply';
					trace.reason = `${end.reason}; the answer was ${filt.action === 'reject' ? 'rejected' : 'denied'} by ${filt.what} on ${src.id}`;
					return finish();
				}
				trace.rttMs = this.s.t / 1e6;
				const e = back.pkt;
				this.hop({ node: src.id, in: back.iface.name, out: null, action: 'RECEIVED', ...this.pktFields(e), detail: replyDetail(e) });
				if (e.kind === 'icmp-err') {
					trace.icmp = { from: u32ToIp(e.src), type: e.icmpType, code: e.icmpCode, mtu: e.icmpType === 3 && e.icmpCode === 4 ? e.icmpMtu : null };
					if (trace.icmp.mtu !== null) trace.mtu = trace.icmp.mtu;
				}
			} else if (end.disposition !== 'DENIED') {
				// No ICMP error reached the requester: all it sees is a time-out.
				trace.leg = 'reply';
				trace.disposition = back && (back.kind === 'dropped' || back.kind === 'error') && back.disposition === 'DENIED' ? 'DENIED' : 'DROPPED';
				trace.reason = `${end.reason}; ${back && back.kind !== 'arrived' && back.kind !== 'exits' ? `its ICMP error was lost: ${back.reason}` : 'no ICMP error came back'}`;
			}
			return finish();
		}
		// arrived at the destination node
		const dnode = end.node;
		const p = end.pkt;
		const filt = this.inputFilter(dnode, end.iface, p, end.established);
		if (filt.action !== 'allow') {
			this.s.hops = trace.request;
			this.hop({ node: dnode.id, in: end.iface.name, out: null, action: 'DENIED', ...this.pktFields(p), detail: `${filt.action === 'reject' ? 'rejected' : 'denied'} by ${filt.what}`, rule: filt.rule ?? undefined, ref: filt.ref });
			this.s.hops = [];
			trace.disposition = 'DENIED';
			trace.reason = `${filt.action === 'reject' ? 'rejected' : 'denied'} by ${filt.what} on ${dnode.id}`;
			if (filt.action === 'reject') {
				const rej = p.proto === PROTO_TCP ? this.makeRst(p, dnode.id) : this.makeError(dnode, p, 3, 13, 0, true);
				if (rej) {
					const back = this.runLeg(dnode, rej);
					if (back.kind === 'arrived' && back.node.idx === src.idx) {
						trace.rttMs = this.s.t / 1e6;
						if (back.pkt.kind === 'icmp-err') trace.icmp = { from: u32ToIp(back.pkt.src), type: back.pkt.icmpType, code: back.pkt.icmpCode, mtu: null };
					}
				}
			}
			return finish();
		}
		trace.seenSource = u32ToIp(p.src);
		const ans = this.answer(dnode, p);
		this.s.hops = trace.request;
		const dAction = !ans ? 'DELIVERED' : ans.kind === 'rst' ? 'REFUSED' : ans.kind === 'icmp-err' ? 'REFUSED' : 'DELIVERED';
		this.hop({
			node: dnode.id,
			in: end.iface.name,
			out: null,
			action: dAction,
			...this.pktFields(p),
			detail: answerDetail(dnode, p, ans)
		});
		this.s.hops = [];
		if (!ans) {
			trace.disposition = 'DELIVERED';
			trace.leg = null;
			return finish();
		}
		return this.replyLeg(trace, src, req, asSent, dnode, dnode, p, ans, finish);
	}

	/** The answer `ans` to what `dnode` saw as `p`, sent by `sender`, back to the requester `src`. */
	private replyLeg(trace: Trace, src: CNode, req: Pkt, asSent: { dst: number; dport: number }, dnode: CNode, sender: CNode, p: Pkt, ans: Pkt, finish: () => Trace): Trace {
		// the reply leg
		const back = this.runLeg(sender, ans);
		if (back.kind === 'arrived' && back.node.idx === src.idx && req.proto !== PROTO_ICMP && back.pkt.kind !== 'icmp-err' && (back.pkt.src !== asSent.dst || back.pkt.sport !== asSent.dport)) {
			// A TCP/UDP socket only takes answers from the address and port it sent to.
			trace.leg = 'reply';
			trace.disposition = 'DROPPED';
			trace.reason = `the answer came from ${fmtAddr(back.pkt.src, back.pkt.sport, back.pkt.proto)}, not from ${fmtAddr(asSent.dst, asSent.dport, req.proto)}: the requester ignores it`;
			return finish();
		}
		if (back.kind === 'arrived' && back.node.idx === src.idx) {
			const filtBack = this.inputFilter(src, back.iface, back.pkt, back.established);
			if (filtBack.action !== 'allow') {
				this.hop({ node: src.id, in: back.iface.name, out: null, action: 'DENIED', ...this.pktFields(back.pkt), detail: `${filtBack.action === 'reject' ? 'rejected' : 'denied'} by ${filtBack.what}`, rule: filtBack.rule ?? undefined, ref: filtBack.ref });
				trace.disposition = 'DENIED';
				trace.leg = 'reply';
				trace.reason = `reply denied by ${filtBack.what} on ${src.id}`;
				return finish();
			}
			trace.rttMs = this.s.t / 1e6;
			this.hop({ node: src.id, in: back.iface.name, out: null, action: 'DELIVERED', ...this.pktFields(back.pkt), detail: replyDetail(back.pkt) });
			if (ans.kind === 'rst' || ans.kind === 'icmp-err') {
				trace.disposition = 'REFUSED';
				trace.leg = 'request';
				if (back.pkt.kind === 'icmp-err') trace.icmp = { from: u32ToIp(back.pkt.src), type: back.pkt.icmpType, code: back.pkt.icmpCode, mtu: null };
				trace.reason = `port ${p.dport}/${p.proto === PROTO_TCP ? 'tcp' : 'udp'} is closed on ${dnode.id}`;
			} else {
				trace.disposition = 'DELIVERED';
				trace.leg = null;
			}
			return finish();
		}
		// The reply leg failed.
		trace.leg = 'reply';
		if (back.kind === 'dropped' || back.kind === 'error') {
			trace.disposition = back.disposition === 'DENIED' ? 'DENIED' : 'DROPPED';
			trace.reason = `reply: ${back.reason}`;
		} else if (back.kind === 'exits') {
			trace.disposition = 'DROPPED';
			trace.reason = `reply left the network through ${back.node.id}`;
		} else {
			trace.disposition = 'DROPPED';
			trace.reason = `reply was delivered to ${back.node.id} instead of ${src.id}`;
		}
		return finish();
	}
}

/** A fresh answer packet: TTL 64, DF clear (replies never set DF). */
function newPkt(kind: PKind, src: number, dst: number, proto: number, sport: number, dport: number, size: number, payload: number): Pkt {
	return { kind, src, dst, proto, sport, dport, ttl: 64, size, df: false, payload, frags: null, icmpType: 0, icmpCode: 0, icmpMtu: 0, inner: null, rejectedBy: null };
}

function fragment(sizes: number[], mtu: number): number[] {
	const out: number[] = [];
	const per = Math.floor((mtu - 20) / 8) * 8;
	for (const s of sizes) {
		if (s <= mtu) {
			out.push(s);
			continue;
		}
		let data = s - 20;
		while (data > 0) {
			const d = Math.min(per, data);
			out.push(d + 20);
			data -= d;
		}
	}
	return out;
}

function answerDetail(node: CNode, p: Pkt, ans: Pkt | null): string {
	if (!ans) return 'delivered';
	switch (ans.kind) {
		case 'echo-rep':
			return 'ICMP echo request answered with an echo reply';
		case 'synack':
			return `tcp/${p.dport} is listening: SYN answered with SYN-ACK`;
		case 'rst':
			return node.endpoint ? `nothing listens on tcp/${p.dport}: answered with RST` : `${node.id} forwards packets but offers no services: answered with RST`;
		case 'udp-rep':
			return `udp/${p.dport} is listening: answered with one datagram`;
		case 'icmp-err':
			return `nothing listens on udp/${p.dport}: answered with ICMP port unreachable`;
		default:
			return 'delivered';
	}
}

const ICMP_NAMES: Record<string, string> = {
	'3/0': 'network unreachable',
	'3/1': 'host unreachable',
	'3/3': 'port unreachable',
	'3/4': 'fragmentation needed',
	'3/13': 'administratively prohibited',
	'11/0': 'time exceeded'
};

function replyDetail(p: Pkt): string {
	switch (p.kind) {
		case 'echo-rep':
			return 'echo reply received';
		case 'synack':
			return 'SYN-ACK received: connected';
		case 'rst':
			return p.rejectedBy ? `RST received (sent by a reject rule on ${p.rejectedBy})` : 'RST received: connection refused';
		case 'udp-rep':
			return 'UDP answer received';
		case 'icmp-err':
			return `ICMP ${p.icmpType}/${p.icmpCode} (${ICMP_NAMES[`${p.icmpType}/${p.icmpCode}`] ?? 'error'}${p.icmpType === 3 && p.icmpCode === 4 ? `, mtu ${p.icmpMtu}` : ''}) received from ${u32ToIp(p.src)}`;
		default:
			return 'received';
	}
}

/** One plain sentence for the outcome. */
export function verdict(t: Trace, spec: ProbeSpec): string {
	const what = `${spec.proto ?? 'icmp'}${spec.port ? `/${spec.port}` : ''} from ${spec.from} to ${spec.to}`;
	const last = [...t.request, ...t.reply].reverse().find((h) => h.action === t.disposition || h.action === 'DENIED' || h.action === 'DROPPED');
	switch (t.disposition) {
		case 'DELIVERED':
			return `Delivered: ${what} reached its destination${t.seenSource ? ` (arriving from ${t.seenSource})` : ''} and the answer came back${t.rttMs !== null ? ` in ${t.rttMs.toFixed(3)} ms` : ''}.`;
		case 'EXITS_NETWORK':
			return `Left the network: ${what} exits to the internet with source ${t.seenSource}.`;
		case 'REFUSED':
			return `Refused: ${t.reason ?? 'the port is closed'}.`;
		case 'DENIED': {
			// "Denied by rule 4 on fw (reject any any → db1); fw answered with a TCP reset."
			const by = /^(rejected|denied) by (?:rule (\d+) \((.*)\)|policy (\w+))$/.exec(last?.action === 'DENIED' ? (last.detail ?? '') : '');
			if (last && by) {
				const rule = by[2] ? `rule ${by[2]} on ${last.node} (${by[3]})` : `the default policy of ${last.node} (${by[4]}): no rule matches`;
				const back = t.leg === 'reply' ? ' on the way back' : '';
				const answer = t.leg === 'reply' ? '' : by[1] === 'denied' ? '; the packet was dropped silently' : t.icmp ? `; ${t.icmp.from} answered "administratively prohibited"` : `; ${last.node} answered with a TCP reset`;
				return `Denied${back} by ${rule}${answer}.`;
			}
			return `Denied${t.leg === 'reply' ? ' on the way back' : ''}: ${t.reason ?? ''}.`;
		}
		case 'NO_ROUTE':
			return `No route: ${t.icmp ? `${t.icmp.from} answered "network unreachable"` : `${spec.from} has no route to ${spec.to}`}.`;
		case 'NULL_ROUTED':
			return `Null-routed: ${t.reason}; the packet is dropped silently.`;
		case 'HOST_UNREACHABLE': {
			const arp = [...t.request, ...t.reply].reverse().find((h) => h.action === 'ARP');
			const who = /^who-has (\S+)(?: tell \S+)?: no answer$/.exec(arp?.detail ?? '');
			const cause = arp && who ? `nobody answered ${arp.node}'s ARP for ${who[1]}` : t.reason;
			return `Host unreachable: ${cause}${t.icmp ? `; ${t.icmp.from} answered "host unreachable"` : ''}.`;
		}
		case 'TTL_EXCEEDED':
			return `TTL exceeded: the packet's TTL ran out${last ? ` at ${last.node}` : ''}${t.icmp ? `; ${t.icmp.from} answered "time exceeded"` : ''}.`;
		case 'FRAGMENTATION_NEEDED':
			return `Fragmentation needed: the packet has DF set and ${t.icmp ? `${t.icmp.from} reports next-hop MTU ${t.mtu}` : `${spec.from}'s own MTU is ${t.mtu}`}.`;
		case 'DROPPED':
			return `Dropped${t.leg === 'reply' ? ' on the way back' : ''}: ${(t.reason ?? 'lost').replace(/^reply: /, '').replace(/^mtu: (.*)$/, '$1, and nothing tells the sender (an MTU black hole)')}.`;
	}
}

export type { CRoute };
