/**
 * The only IPv4, MAC, "node.iface" and VLAN-range helpers of vnet. Addresses
 * are uint32 numbers: the loader validates every written address (in
 * fields.ts), so the compiler converts dotted quads once and the
 * per-packet path compares plain integers.
 */
import type { Node } from './types';

// ---------------------------------------------------------------- IPv4

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted quad, or null when it is not one (strict: each octet 0-255). */
export function parseIp(s: string | undefined): number | null {
	if (typeof s !== 'string') return null;
	const m = DOTTED.exec(s.trim());
	if (!m) return null;
	let n = 0;
	for (let i = 1; i <= 4; i++) {
		const o = Number(m[i]);
		if (o > 255) return null;
		n = n * 256 + o;
	}
	return n >>> 0;
}

/** An already validated dotted quad as uint32 (no checks: the compile-time fast path). */
export function ipToU32(dotted: string): number {
	const p = dotted.split('.');
	return ((+p[0] << 24) | (+p[1] << 16) | (+p[2] << 8) | +p[3]) >>> 0;
}

export function u32ToIp(n: number): string {
	return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function isIpv4(s: string): boolean {
	return parseIp(s) !== null;
}

export function maskOf(len: number): number {
	return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export interface Cidr {
	/** the address as written (host bits kept for interface addresses) */
	addr: number;
	len: number;
	/** network address */
	net: number;
	mask: number;
	/** last address of the prefix */
	last: number;
}

/** "10.0.1.10/24" (or a bare address, read as /32); null when malformed. */
export function parseCidr(s: string | undefined): Cidr | null {
	if (typeof s !== 'string') return null;
	const [a, l, extra] = s.trim().split('/');
	if (extra !== undefined) return null;
	const addr = parseIp(a);
	if (addr === null) return null;
	let len = 32;
	if (l !== undefined) {
		if (!/^\d{1,2}$/.test(l)) return null;
		len = Number(l);
		if (len > 32) return null;
	}
	return cidrOfParts(addr, len);
}

/** A prefix the loader has validated; throws (a bug, not bad input) when it is not one. */
export function cidrOf(s: string): Cidr {
	const c = parseCidr(s);
	if (!c) throw new Error(`not an IPv4 prefix: ${JSON.stringify(s)}`);
	return c;
}

export function cidrOfParts(addr: number, len: number): Cidr {
	const mask = maskOf(len);
	const net = (addr & mask) >>> 0;
	return { addr, len, net, mask, last: (net | (~mask >>> 0)) >>> 0 };
}

export function isCidrOrIp(s: string): boolean {
	return parseCidr(s) !== null;
}

/** "10.0.1.0/24" */
export function fmtNet(net: number, len: number): string {
	return `${u32ToIp(net)}/${len}`;
}

export function cidrText(c: Pick<Cidr, 'net' | 'len'>): string {
	return fmtNet(c.net, c.len);
}

export function inCidr(ip: number, net: number, mask: number): boolean {
	return ((ip & mask) >>> 0) === net;
}

export function cidrContains(c: Cidr, addr: number): boolean {
	return addr >= c.net && addr <= c.last;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
	return a.net <= b.last && b.net <= a.last;
}

// ---------------------------------------------------------------- MAC

/** Deterministic 32-bit FNV-1a, used for derived MACs. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
	let h = seed >>> 0;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h >>> 0;
}

/** Locally administered unicast MAC derived from node id + interface name. */
export function deriveMac(node: string, iface: string): string {
	const key = `${node}.${iface}`;
	const a = fnv1a(key);
	const b = fnv1a(key, 0x1234567);
	const bytes = [0x02, (b >>> 8) & 255, (a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255];
	return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

// ---------------------------------------------------------------- "node.iface"

/** "node.iface": node ids have no dots, so the first dot splits ("r1.eth0.10" → r1, eth0.10). */
export function splitEndpoint(ref: string): { node: string; iface: string } {
	const dot = ref.indexOf('.');
	if (dot < 0) return { node: ref, iface: '' };
	return { node: ref.slice(0, dot), iface: ref.slice(dot + 1) };
}

/** Like splitEndpoint, for unchecked input: null unless both sides are non-empty. */
export function parseEndpoint(end: unknown): { node: string; iface: string } | null {
	if (typeof end !== 'string') return null;
	const i = end.indexOf('.');
	if (i <= 0 || i === end.length - 1) return null;
	return { node: end.slice(0, i), iface: end.slice(i + 1) };
}

/** The node id of "node.iface". */
export function endpointNode(ref: string): string {
	return splitEndpoint(ref).node;
}

/** The parent of a subinterface ("eth0" for "eth0.10"), or the name itself. */
export function parentIface(name: string): string {
	const dot = name.indexOf('.');
	return dot < 0 ? name : name.slice(0, dot);
}

const SUBIF = /^(.+)\.(\d{1,4})$/;

/** "eth0.10" -> { parent: "eth0", vlan: 10 }; plain names -> null. */
export function splitSubinterface(name: string): { parent: string; vlan: number } | null {
	const m = SUBIF.exec(name);
	return m ? { parent: m[1], vlan: Number(m[2]) } : null;
}

/**
 * Interfaces a non-switch node has: declared ones, parents implicitly declared
 * by their subinterfaces, and bond members (a bond names its physical members).
 */
export function interfaceNames(node: Node): Set<string> {
	const out = new Set<string>();
	for (const [name, itf] of Object.entries(node.interfaces ?? {})) {
		out.add(name);
		const sub = splitSubinterface(name);
		if (sub) out.add(sub.parent);
		for (const m of itf?.bond?.members ?? []) out.add(m);
	}
	return out;
}

// ---------------------------------------------------------------- VLAN ranges

/** [10, 11, 12, 20] → "10-12, 20" (two in a row are listed, not ranged: "10, 11"). */
export function compressVlans(v: number[]): string {
	const s = [...new Set(v)].sort((a, b) => a - b);
	const out: string[] = [];
	for (let i = 0; i < s.length; ) {
		let j = i;
		while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
		out.push(j > i + 1 ? `${s[i]}-${s[j]}` : j === i + 1 ? `${s[i]}, ${s[j]}` : `${s[i]}`);
		i = j + 1;
	}
	return out.join(', ');
}

/** Fragment sizes (L3 bytes, 20-byte headers) of datagrams of `sizes` bytes for an MTU. */
export function fragmentSizes(sizes: number[], mtu: number): number[] {
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
