/**
 * A probe's trace as packet captures (libpcap), readable by Wireshark and
 * tshark: every frame the trace shows on a wire, with the addresses, ports,
 * TTLs, sizes, fragments, 802.1Q tags and MACs of each hop, real headers with
 * correct checksums, and the simulated time of each hop as its timestamp.
 *
 * What is on a wire: each hop that puts a frame on a link (the sender and
 * every router: hops with MACs; every switch: SWITCHED hops) gives one frame
 * per fragment on the link out of that hop. The packet's type follows the
 * probe: ICMP echo request / reply, TCP SYN / SYN-ACK or RST-ACK, UDP datagram
 * and answer, and ICMP errors (type and code from the trace) quoting the
 * request. With the resolved network, the ARP exchange that precedes each
 * first frame towards a next hop is written too (the probe starts with empty
 * ARP caches), along the same path; unanswered ARP (HOST_UNREACHABLE) appears
 * as three requests one second apart. ARP timing is placed between the
 * previous frame and the frame that needed it (the trace does not time it).
 *
 * per: 'all' → one capture; 'link' → one per cable ("a.eth0--b.p1");
 * 'node' → one per node (what a capture on all its interfaces would show).
 */
import type { Hop, ProbeSpec, Trace } from '../engine/trace';
import type { ResolvedTopology, RIface } from '../model/resolve';
import { fragmentSizes } from '../model/net';
import {
	arpPacket,
	ethernetFrame,
	icmpMessage,
	ipv4Packets,
	pattern,
	pcapFile,
	tcpSegment,
	udpDatagram,
	ETHERTYPE_ARP,
	ETHERTYPE_IPV4,
	IPPROTO_ICMP,
	IPPROTO_TCP,
	IPPROTO_UDP,
	TCP_ACK,
	TCP_RST,
	TCP_SYN,
	type PcapRecord
} from './packets';

/**
 * IP ids: each probe of a capture gets its own block of IP_ID_BLOCK ids, so fragments of two
 * probes between the same addresses are never reassembled together. The guest's packet takes
 * the block's first id (request) or second (reply); the VTEP's k-th datagram takes the first
 * + k (other addresses, so the two never mix).
 */
const IP_ID_BASE = 0x4a00;
const IP_ID_BLOCK = 64;
const ipIdsOf = (sequence: number) => {
	const base = (IP_ID_BASE + IP_ID_BLOCK * sequence) & 0xffff;
	return { request: (base + 1) & 0xffff, reply: (base + 2) & 0xffff, outer: (k: number) => (base + 1 + (k % (IP_ID_BLOCK - 1))) & 0xffff };
};

export interface PcapOptions {
	/** one capture ('all', default), or one per link or per node */
	per?: 'all' | 'link' | 'node';
	/** the probe that produced the trace (protocol, DF, ports): without it the protocol is inferred from the hops */
	probe?: ProbeSpec;
	/** wall-clock time of t = 0, ms since the epoch (default 0: 1970-01-01) */
	epochMs?: number;
	/** this probe's number in a capture of several probes (0, 1, ...): it picks the IP ids */
	sequence?: number;
}

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const ZERO_MAC = '00:00:00:00:00:00';
const ICMP_ECHO_ID = 40000;
const TCP_ISN_REQUEST = 1_000_000;
const TCP_ISN_REPLY = 2_000_000;
/** L3 hops that put a frame on a wire (they carry MACs); switches forward with SWITCHED. */
const isL3Send = (h: Hop) => h.srcMac !== undefined && h.dstMac !== undefined && h.out !== null;

interface Addr {
	ip: string;
	port: number;
}

function parseAddr(s: string | undefined): Addr | null {
	if (!s) return null;
	const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(s);
	return m ? { ip: m[1], port: m[2] ? +m[2] : 0 } : null;
}

type Proto = 'icmp' | 'tcp' | 'udp';

function inferProto(trace: Trace, probe?: ProbeSpec): Proto {
	if (probe?.proto) return probe.proto;
	const first = trace.request.find((h) => h.src);
	if (!first || !first.src?.includes(':')) return 'icmp';
	return first.size === 40 ? 'tcp' : 'udp';
}

interface Frame {
	tMs: number;
	frame: Uint8Array;
	/** cable key, and the nodes at each end (for per-link / per-node captures) */
	link: string;
	nodes: string[];
}

/** A transmission: an L3 hop and the switch hops that carried it, then the receiver. */
interface Segment {
	hop: Hop;
	txNode: string;
	txIf: string;
	rxNode: string | null;
	rxIf: string | null;
	vlan: number | null;
	tMs: number;
}

const physical = (name: string) => name.split('.')[0];

function cableKey(a: string, ai: string, b: string | null, bi: string | null, r?: ResolvedTopology): string {
	if (r) {
		const l = r.links.find((x) => (x.a.node === a && x.a.iface === ai) || (x.b.node === a && x.b.iface === ai));
		if (l) return `${l.a.node}.${l.a.iface}--${l.b.node}.${l.b.iface}`;
	}
	const ends = [`${a}.${ai}`, b ? `${b}.${bi}` : '?'];
	return ends.join('--');
}

/** Physical interface carrying a logical one (subinterface → parent, bond → first member). */
function physIface(r: ResolvedTopology | undefined, node: string, name: string): string {
	const base = physical(name);
	const rn = r?.nodes.get(node);
	const i = rn?.interfaces.find((x) => x.name === base);
	if (i?.bond) return i.bond.members[0];
	return base;
}

function ifaceOf(r: ResolvedTopology | undefined, node: string, name: string): RIface | undefined {
	return r?.nodes.get(node)?.interfaces.find((i) => i.name === name);
}

function ipOfMac(r: ResolvedTopology | undefined, mac: string): string | undefined {
	if (!r) return undefined;
	for (const n of r.nodes.values()) for (const i of n.interfaces) if (i.mac === mac && i.ip) return i.ip;
	return undefined;
}

/** The frames of one leg: L3 sends and the switch hops that follow each. */
function segmentsOf(hops: Hop[], r?: ResolvedTopology): { l3: Hop; segs: Segment[] }[] {
	const out: { l3: Hop; segs: Segment[] }[] = [];
	let inner: Hop | null = null; // the last frame a guest (not the underlay) sent: what a VTEP unwraps
	for (let i = 0; i < hops.length; i++) {
		const h = hops[i];
		// After decapsulation the guest's own frame goes on from the far VTEP's bridge of the segment.
		const decap = h.action === 'DECAPSULATED' && inner && hops[i + 1]?.action === 'SWITCHED' && hops[i + 1].out;
		if (!isL3Send(h) && !decap) continue;
		if (isL3Send(h) && h.underlay === undefined) inner = h;
		const segs: Segment[] = [];
		let cur = decap ? hops[i + 1] : h;
		let j = decap ? i + 2 : i + 1;
		for (;;) {
			const next = hops[j];
			const rx = next && next.in !== null && next.node !== cur.node ? next : null;
			segs.push({
				hop: cur,
				txNode: cur.node,
				txIf: physIface(r, cur.node, cur.out!),
				rxNode: rx ? rx.node : null,
				rxIf: rx ? physIface(r, rx.node, rx.in!) : null,
				vlan: cur.vlan ?? null,
				tMs: cur.tMs ?? 0
			});
			if (next && next.action === 'SWITCHED' && next.out) {
				cur = next;
				j++;
				continue;
			}
			break;
		}
		out.push({ l3: decap ? inner! : h, segs });
		if (decap) i = j - 1;
	}
	return out;
}

/** The frames of a trace (all legs), in time order. */
function framesOf(trace: Trace, r: ResolvedTopology | undefined, opts: PcapOptions): Frame[] {
	const proto = inferProto(trace, opts.probe);
	const ipIds = ipIdsOf(opts.sequence ?? 0);
	const frames: Frame[] = [];
	const learned = new Set<string>(); // "node|mac" the node knows
	let lastT = 0;
	const push = (seg: Segment, t: number, frame: Uint8Array) => {
		frames.push({ tMs: t, frame, link: cableKey(seg.txNode, seg.txIf, seg.rxNode, seg.rxIf, r), nodes: [seg.txNode, ...(seg.rxNode ? [seg.rxNode] : [])] });
		lastT = Math.max(lastT, t);
	};

	// The request as the source sent it: payload bytes shared by replies.
	const reqFirst = trace.request.find(isL3Send);
	const reqSize = reqFirst?.size ?? 0;
	const reqPayload = pattern(Math.max(0, reqSize - (proto === 'icmp' ? 28 : proto === 'udp' ? 28 : 40)));
	const errorLeg = trace.icmp !== null && trace.leg === 'request';
	// What the erroring node saw: the last request hop with addresses.
	const offending = [...trace.request].reverse().find((h) => h.src && h.dst);

	const l4For = (leg: 'request' | 'reply', h: Hop): { proto: number; l4: Uint8Array } | null => {
		const s = parseAddr(h.src);
		const d = parseAddr(h.dst);
		if (!s || !d) return null;
		const size = h.size ?? 0;
		if (leg === 'reply' && errorLeg && trace.icmp) {
			const o = offending;
			const os = parseAddr(o?.src);
			const od = parseAddr(o?.dst);
			let quote: Uint8Array = new Uint8Array(0);
			if (o && os && od) {
				const inner = packetFor('request', o, os, od, o.size ?? reqSize);
				if (inner) quote = ipv4Packets({ src: os.ip, dst: od.ip, ttl: o.ttl ?? 64, proto: inner.proto, id: ipIds.request, df: !!opts.probe?.df }, inner.l4)[0];
			}
			quote = quote.subarray(0, Math.max(0, size - 28));
			const rest = trace.icmp.type === 3 && trace.icmp.code === 4 ? (trace.icmp.mtu ?? 0) & 0xffff : 0;
			return { proto: IPPROTO_ICMP, l4: icmpMessage(trace.icmp.type, trace.icmp.code, rest, quote) };
		}
		return packetFor(leg, h, s, d, size);
	};
	const packetFor = (leg: 'request' | 'reply', h: Hop, s: Addr, d: Addr, size: number): { proto: number; l4: Uint8Array } | null => {
		if (proto === 'icmp') {
			const data = pattern(Math.max(0, size - 28));
			return { proto: IPPROTO_ICMP, l4: icmpMessage(leg === 'request' ? 8 : 0, 0, (ICMP_ECHO_ID << 16) | 1, data) };
		}
		if (proto === 'tcp') {
			const data = pattern(Math.max(0, size - 40));
			if (leg === 'request') return { proto: IPPROTO_TCP, l4: tcpSegment(s.ip, d.ip, s.port, d.port, TCP_ISN_REQUEST, 0, TCP_SYN, data) };
			const refused = trace.disposition === 'REFUSED' || (trace.disposition === 'DENIED' && trace.leg === 'request');
			const ack = TCP_ISN_REQUEST + 1 + reqPayload.length;
			return refused
				? { proto: IPPROTO_TCP, l4: tcpSegment(s.ip, d.ip, s.port, d.port, 0, ack, TCP_RST | TCP_ACK, new Uint8Array(0)) }
				: { proto: IPPROTO_TCP, l4: tcpSegment(s.ip, d.ip, s.port, d.port, TCP_ISN_REPLY, ack, TCP_SYN | TCP_ACK, new Uint8Array(0)) };
		}
		const data = leg === 'request' ? pattern(Math.max(0, size - 28)) : reqPayload.subarray(0, Math.max(0, size - 28));
		return { proto: IPPROTO_UDP, l4: udpDatagram(s.ip, d.ip, s.port, d.port, data) };
	};

	/**
	 * An underlay hop's UDP datagrams: VXLAN (RFC 7348: flags 0x08, 24-bit VNI) around the guest's
	 * Ethernet frame. A guest packet the guest already fragmented is wrapped one fragment at a time,
	 * as the VTEP sees them, so there is one datagram per inner fragment.
	 */
	const vxlanFor = (leg: 'request' | 'reply', outer: Hop, guest: Hop | null, ipId: number): { proto: number; l4: Uint8Array }[] | null => {
		const os = parseAddr(outer.src);
		const od = parseAddr(outer.dst);
		const gs = parseAddr(guest?.src);
		const gd = parseAddr(guest?.dst);
		if (!guest || !os || !od || !gs || !gd) return null;
		const innerL4 = l4For(leg, guest);
		if (!innerL4) return null;
		const innerIps = ipv4Packets({ src: gs.ip, dst: gd.ip, ttl: guest.ttl ?? 64, proto: innerL4.proto, id: ipId, df: leg === 'request' && !!opts.probe?.df }, innerL4.l4, guest.fragments);
		const vni = outer.underlay!;
		return innerIps.map((innerIp) => {
			const frame = ethernetFrame(guest.dstMac!, guest.srcMac!, ETHERTYPE_IPV4, innerIp);
			const vxlan = new Uint8Array(8 + frame.length);
			vxlan.set([0x08, 0, 0, 0, (vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff, 0]);
			vxlan.set(frame, 8);
			return { proto: IPPROTO_UDP, l4: udpDatagram(os.ip, od.ip, os.port, od.port, vxlan) };
		});
	};

	for (const leg of ['request', 'reply'] as const) {
		const hops = leg === 'request' ? trace.request : trace.reply;
		const ipId = ipIds[leg];
		// Unanswered ARP: three requests a second apart, before the hop's time.
		for (const h of hops) {
			// the row where the requester gives up (an unanswered ARP also has a row for asking): its arp found no MAC
			if (h.action !== 'ARP' || !r || !h.out || !h.arp || h.arp.mac !== null) continue;
			const out = ifaceOf(r, h.node, h.out);
			if (!out) continue;
			const senderIp = h.arp.sender ?? out.ip ?? r.nodes.get(h.node)?.addresses[0] ?? '0.0.0.0';
			const phys = physIface(r, h.node, h.out);
			const link = r.links.find((x) => (x.a.node === h.node && x.a.iface === phys) || (x.b.node === h.node && x.b.iface === phys));
			const peer = link ? (link.a.node === h.node && link.a.iface === phys ? link.b : link.a) : null;
			const seg: Segment = { hop: h, txNode: h.node, txIf: phys, rxNode: peer?.node ?? null, rxIf: peer?.iface ?? null, vlan: out.tag ?? null, tMs: h.tMs ?? 0 };
			for (let k = 3; k >= 1; k--)
				push(seg, Math.max(0, (h.tMs ?? 0) - k * 1000), ethernetFrame(BROADCAST, out.mac, ETHERTYPE_ARP, arpPacket(1, out.mac, senderIp, ZERO_MAC, h.arp.target), out.tag));
		}
		let guestFrame: Hop | null = null;
		for (const { l3, segs } of segmentsOf(hops, r)) {
			const t = l3.tMs ?? 0;
			if (l3.underlay === undefined) guestFrame = l3;
			const single = l3.underlay === undefined ? l4For(leg, l3) : null;
			const datagrams = single ? [single] : l3.underlay === undefined ? null : vxlanFor(leg, l3, guestFrame, ipId);
			if (!datagrams) continue;
			// ARP before the first frame from this node to this next hop.
			const senderIp = l3.arp?.sender ?? ifaceOf(r, l3.node, l3.out!)?.ip;
			const targetIp = ipOfMac(r, l3.dstMac!);
			const rxLast = segs[segs.length - 1].rxNode;
			if (r && senderIp && targetIp && l3.dstMac !== BROADCAST && !learned.has(`${l3.node}|${l3.dstMac}`)) {
				const t0 = Math.min(lastT, t);
				const steps = segs.length * 2;
				segs.forEach((seg, k) =>
					push(seg, t0 + ((t - t0) * k) / (steps + 1), ethernetFrame(BROADCAST, l3.srcMac!, ETHERTYPE_ARP, arpPacket(1, l3.srcMac!, senderIp, ZERO_MAC, targetIp), seg.vlan))
				);
				[...segs].reverse().forEach((seg, k) => {
					const back: Segment = { ...seg, txNode: seg.rxNode ?? seg.txNode, txIf: seg.rxIf ?? seg.txIf, rxNode: seg.txNode, rxIf: seg.txIf };
					push(back, t0 + ((t - t0) * (segs.length + k)) / (steps + 1), ethernetFrame(l3.srcMac!, l3.dstMac!, ETHERTYPE_ARP, arpPacket(2, l3.dstMac!, targetIp, l3.srcMac!, senderIp), seg.vlan));
				});
				learned.add(`${l3.node}|${l3.dstMac}`);
				if (rxLast) learned.add(`${rxLast}|${l3.srcMac}`);
			}
			for (const seg of segs) {
				const h = seg.hop;
				const ttl = h.ttl ?? l3.ttl ?? 64;
				const s = parseAddr(h.src ?? l3.src);
				const d = parseAddr(h.dst ?? l3.dst);
				if (!s || !d) continue;
				const fragments = h.fragments ?? l3.fragments;
				if (l3.underlay === undefined) {
					const df = leg === 'request' && !!opts.probe?.df;
					for (const p of ipv4Packets({ src: s.ip, dst: d.ip, ttl, proto: datagrams[0].proto, id: ipId, df }, datagrams[0].l4, fragments))
						push(seg, seg.tMs, ethernetFrame(l3.dstMac!, l3.srcMac!, ETHERTYPE_IPV4, p, seg.vlan));
					continue;
				}
				// The hop's fragments describe its largest datagram; its first fragment is as large as the
				// underlay MTU lets one be, so each datagram is cut at that size. The kernel's VXLAN device
				// sends the outer header without DF (docs/overlays.md), and each datagram has its own IP id.
				const underlayMtu = fragments && fragments.length > 1 ? fragments[0] : Infinity;
				datagrams.forEach((g, k) => {
					const id = ipIds.outer(k);
					const sizes = fragmentSizes([20 + g.l4.length], underlayMtu);
					for (const p of ipv4Packets({ src: s.ip, dst: d.ip, ttl, proto: g.proto, id, df: false }, g.l4, sizes))
						push(seg, seg.tMs, ethernetFrame(l3.dstMac!, l3.srcMac!, ETHERTYPE_IPV4, p, seg.vlan));
				});
			}
		}
	}
	// Stable sort by time: captures are read in time order.
	return frames.map((f, i) => ({ f, i })).sort((a, b) => a.f.tMs - b.f.tMs || a.i - b.i).map((x) => x.f);
}

/** The trace as one pcap file ('all'), or one per link / node. */
export function traceToPcap(trace: Trace, resolved?: ResolvedTopology | null, opts?: PcapOptions & { per?: 'all' }): Uint8Array;
export function traceToPcap(trace: Trace, resolved: ResolvedTopology | null | undefined, opts: PcapOptions & { per: 'link' | 'node' }): Record<string, Uint8Array>;
export function traceToPcap(trace: Trace, resolved?: ResolvedTopology | null, opts: PcapOptions = {}): Uint8Array | Record<string, Uint8Array> {
	const frames = framesOf(trace, resolved ?? undefined, opts);
	const rec = (fs: Frame[]): PcapRecord[] => fs.map((f) => ({ tMs: f.tMs, frame: f.frame }));
	const per = opts.per ?? 'all';
	if (per === 'all') return pcapFile(rec(frames), opts.epochMs);
	const groups = new Map<string, Frame[]>();
	for (const f of frames)
		for (const key of per === 'link' ? [f.link] : f.nodes) {
			if (!groups.has(key)) groups.set(key, []);
			groups.get(key)!.push(f);
		}
	const out: Record<string, Uint8Array> = Object.create(null);
	for (const [k, fs] of groups) out[k] = pcapFile(rec(fs), opts.epochMs);
	return out;
}
