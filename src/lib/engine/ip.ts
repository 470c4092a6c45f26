/**
 * IPv4 as uint32 numbers. The loader has already validated every address with
 * ip-num; here we only convert the validated dotted quads once, at compile
 * time, so the per-packet path compares plain integers.
 */

export function ipToU32(dotted: string): number {
	const p = dotted.split('.');
	return ((+p[0] << 24) | (+p[1] << 16) | (+p[2] << 8) | +p[3]) >>> 0;
}

export function u32ToIp(n: number): string {
	return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function maskOf(len: number): number {
	return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export interface Cidr {
	addr: number; // the address as written (host bits kept for interface addresses)
	len: number;
	net: number; // network address
	mask: number;
}

export function parseCidr(text: string): Cidr {
	const slash = text.indexOf('/');
	const addr = ipToU32(slash < 0 ? text : text.slice(0, slash));
	const len = slash < 0 ? 32 : +text.slice(slash + 1);
	const mask = maskOf(len);
	return { addr, len, net: (addr & mask) >>> 0, mask };
}

export function inCidr(ip: number, net: number, mask: number): boolean {
	return ((ip & mask) >>> 0) === net;
}

export function isIpv4(text: string): boolean {
	return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split('.').every((o) => +o <= 255);
}

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
