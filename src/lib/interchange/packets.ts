/**
 * Wire formats for capture files: Ethernet II (+ one 802.1Q tag), ARP, IPv4
 * (with fragmentation), ICMP, TCP and UDP, each with correct checksums, and
 * the classic libpcap file format. Read RFC 791 (IPv4), RFC 792 (ICMP),
 * RFC 793 (TCP), RFC 768 (UDP), RFC 826 (ARP), IEEE 802.1Q and
 * https://wiki.wireshark.org/Development/LibpcapFileFormat before editing.
 * Pure: Uint8Array and DataView only.
 */

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export function macBytes(mac: string): Uint8Array {
	const parts = mac.split(':');
	const out = new Uint8Array(6);
	for (let i = 0; i < 6; i++) out[i] = parseInt(parts[i] ?? '0', 16) || 0;
	return out;
}

export function ipBytes(ip: string): Uint8Array {
	const out = new Uint8Array(4);
	ip.split('.').forEach((o, i) => (out[i] = +o & 255));
	return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
	let off = 0;
	for (const p of parts) {
		out.set(p, off);
		off += p.length;
	}
	return out;
}

/** RFC 1071 Internet checksum of the concatenated parts. */
export function inetChecksum(...parts: Uint8Array[]): number {
	let sum = 0;
	let odd: number | null = null;
	for (const p of parts)
		for (let i = 0; i < p.length; i++) {
			if (odd === null) odd = p[i];
			else {
				sum += (odd << 8) | p[i];
				odd = null;
			}
		}
	if (odd !== null) sum += odd << 8;
	while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
	return ~sum & 0xffff;
}

/** A deterministic payload: bytes 0x10, 0x11, ... like ping's pattern. */
export function pattern(len: number, start = 0x10): Uint8Array {
	const out = new Uint8Array(Math.max(0, len));
	for (let i = 0; i < out.length; i++) out[i] = (start + i) & 0xff;
	return out;
}

export interface Ipv4Header {
	src: string;
	dst: string;
	ttl: number;
	proto: number;
	id: number;
	df: boolean;
}

/** One IPv4 header (20 bytes, no options) with its checksum. */
export function ipv4Header(h: Ipv4Header, totalLength: number, fragOffsetBytes = 0, moreFragments = false): Uint8Array {
	const b = new Uint8Array(20);
	const v = new DataView(b.buffer);
	b[0] = 0x45;
	b[1] = 0;
	v.setUint16(2, totalLength);
	v.setUint16(4, h.id & 0xffff);
	v.setUint16(6, ((h.df ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | ((fragOffsetBytes / 8) & 0x1fff)) >>> 0);
	b[8] = Math.max(0, Math.min(255, h.ttl));
	b[9] = h.proto;
	b.set(ipBytes(h.src), 12);
	b.set(ipBytes(h.dst), 16);
	v.setUint16(10, inetChecksum(b));
	return b;
}

/** A whole datagram, or its fragments when `fragments` (L3 sizes) is given. */
export function ipv4Packets(h: Ipv4Header, l4: Uint8Array, fragments?: number[]): Uint8Array[] {
	if (!fragments || fragments.length <= 1) return [concat(ipv4Header(h, 20 + l4.length), l4)];
	const out: Uint8Array[] = [];
	let off = 0;
	fragments.forEach((size, i) => {
		const len = Math.max(0, Math.min(size - 20, l4.length - off));
		const last = i === fragments.length - 1;
		out.push(concat(ipv4Header(h, 20 + len, off, !last), l4.subarray(off, off + len)));
		off += len;
	});
	return out;
}

function pseudoHeader(src: string, dst: string, proto: number, len: number): Uint8Array {
	const b = new Uint8Array(12);
	b.set(ipBytes(src), 0);
	b.set(ipBytes(dst), 4);
	b[9] = proto;
	new DataView(b.buffer).setUint16(10, len);
	return b;
}

export function icmpMessage(type: number, code: number, rest: number, data: Uint8Array): Uint8Array {
	const b = new Uint8Array(8 + data.length);
	const v = new DataView(b.buffer);
	b[0] = type;
	b[1] = code;
	v.setUint32(4, rest >>> 0);
	b.set(data, 8);
	v.setUint16(2, inetChecksum(b));
	return b;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export function tcpSegment(src: string, dst: string, sport: number, dport: number, seq: number, ack: number, flags: number, data: Uint8Array, window = 64240): Uint8Array {
	const b = new Uint8Array(20 + data.length);
	const v = new DataView(b.buffer);
	v.setUint16(0, sport);
	v.setUint16(2, dport);
	v.setUint32(4, seq >>> 0);
	v.setUint32(8, ack >>> 0);
	b[12] = 5 << 4;
	b[13] = flags;
	v.setUint16(14, flags & TCP_RST ? 0 : window);
	b.set(data, 20);
	v.setUint16(16, inetChecksum(pseudoHeader(src, dst, IPPROTO_TCP, b.length), b));
	return b;
}

export function udpDatagram(src: string, dst: string, sport: number, dport: number, data: Uint8Array): Uint8Array {
	const b = new Uint8Array(8 + data.length);
	const v = new DataView(b.buffer);
	v.setUint16(0, sport);
	v.setUint16(2, dport);
	v.setUint16(4, b.length);
	b.set(data, 8);
	const c = inetChecksum(pseudoHeader(src, dst, IPPROTO_UDP, b.length), b);
	v.setUint16(6, c === 0 ? 0xffff : c);
	return b;
}

export function arpPacket(op: 1 | 2, senderMac: string, senderIp: string, targetMac: string, targetIp: string): Uint8Array {
	const b = new Uint8Array(28);
	const v = new DataView(b.buffer);
	v.setUint16(0, 1);
	v.setUint16(2, ETHERTYPE_IPV4);
	b[4] = 6;
	b[5] = 4;
	v.setUint16(6, op);
	b.set(macBytes(senderMac), 8);
	b.set(ipBytes(senderIp), 14);
	b.set(macBytes(targetMac), 18);
	b.set(ipBytes(targetIp), 24);
	return b;
}

/** An Ethernet II frame (with an 802.1Q tag when vlan is set), padded to the 60-byte minimum (no FCS). */
export function ethernetFrame(dstMac: string, srcMac: string, ethertype: number, payload: Uint8Array, vlan?: number | null): Uint8Array {
	const tagged = vlan !== undefined && vlan !== null && vlan > 0;
	const head = new Uint8Array(tagged ? 18 : 14);
	const v = new DataView(head.buffer);
	head.set(macBytes(dstMac), 0);
	head.set(macBytes(srcMac), 6);
	if (tagged) {
		v.setUint16(12, ETHERTYPE_VLAN);
		v.setUint16(14, vlan! & 0x0fff);
		v.setUint16(16, ethertype);
	} else v.setUint16(12, ethertype);
	const frame = concat(head, payload);
	if (frame.length >= 60) return frame;
	const padded = new Uint8Array(60);
	padded.set(frame);
	return padded;
}

export interface PcapRecord {
	/** simulated time in ms (fractions kept to the microsecond) */
	tMs: number;
	frame: Uint8Array;
}

/** A classic libpcap file (microsecond timestamps, LINKTYPE_ETHERNET), records in the given order. */
export function pcapFile(records: PcapRecord[], epochMs = 0): Uint8Array {
	const size = 24 + records.reduce((a, r) => a + 16 + r.frame.length, 0);
	const out = new Uint8Array(size);
	const v = new DataView(out.buffer);
	v.setUint32(0, 0xa1b2c3d4, true);
	v.setUint16(4, 2, true);
	v.setUint16(6, 4, true);
	v.setInt32(8, 0, true);
	v.setUint32(12, 0, true);
	v.setUint32(16, 65535, true);
	v.setUint32(20, 1, true);
	let off = 24;
	for (const r of records) {
		const us = Math.round((epochMs + r.tMs) * 1000);
		v.setUint32(off, Math.floor(us / 1e6), true);
		v.setUint32(off + 4, us % 1e6, true);
		v.setUint32(off + 8, r.frame.length, true);
		v.setUint32(off + 12, r.frame.length, true);
		out.set(r.frame, off + 16);
		off += 16 + r.frame.length;
	}
	return out;
}
