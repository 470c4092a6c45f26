/**
 * Identifiers for interchange: deterministic UUIDs (RFC 4122 version 5, SHA-1
 * name-based, so an export is byte-for-byte stable) and sanitizing foreign
 * names into valid vnet node ids and interface names. Pure: no Node APIs, runs
 * in the browser too.
 */
import { IFACE_NAME_RE, NODE_ID_RE } from '../model/fields';

/** SHA-1 of bytes (FIPS 180-4). Used only for name-based UUIDs, never for security. */
export function sha1(data: Uint8Array): Uint8Array {
	const ml = data.length;
	const withPad = ((ml + 9 + 63) >> 6) << 6;
	const buf = new Uint8Array(withPad);
	buf.set(data);
	buf[ml] = 0x80;
	const view = new DataView(buf.buffer);
	view.setUint32(withPad - 8, Math.floor((ml * 8) / 2 ** 32));
	view.setUint32(withPad - 4, (ml * 8) >>> 0);
	let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
	const w = new Uint32Array(80);
	for (let off = 0; off < withPad; off += 64) {
		for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
		for (let i = 16; i < 80; i++) {
			const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
			w[i] = (x << 1) | (x >>> 31);
		}
		let a = h0, b = h1, c = h2, d = h3, e = h4;
		for (let i = 0; i < 80; i++) {
			let f: number, k: number;
			if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
			else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
			else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
			else { f = b ^ c ^ d; k = 0xca62c1d6; }
			const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) >>> 0;
			e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
		}
		h0 = (h0 + a) >>> 0; h1 = (h1 + b) >>> 0; h2 = (h2 + c) >>> 0; h3 = (h3 + d) >>> 0; h4 = (h4 + e) >>> 0;
	}
	const out = new Uint8Array(20);
	const ov = new DataView(out.buffer);
	[h0, h1, h2, h3, h4].forEach((h, i) => ov.setUint32(i * 4, h));
	return out;
}

export function utf8(text: string): Uint8Array {
	return new TextEncoder().encode(text);
}

function hex(bytes: Uint8Array): string {
	return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The namespace of vnet's name-based UUIDs (itself a v5 UUID of "vnet" in the URL namespace). */
export const VNET_UUID_NAMESPACE = '7f6b1f5e-2d3c-5a4e-9b1d-0c7e3f2a6d10';

/** RFC 4122 version 5 UUID of `name` in `namespace`: the same input always gives the same UUID. */
export function uuidV5(name: string, namespace = VNET_UUID_NAMESPACE): string {
	const ns = namespace.replace(/-/g, '');
	const nsBytes = new Uint8Array(16);
	for (let i = 0; i < 16; i++) nsBytes[i] = parseInt(ns.slice(i * 2, i * 2 + 2), 16);
	const nameBytes = utf8(name);
	const all = new Uint8Array(16 + nameBytes.length);
	all.set(nsBytes);
	all.set(nameBytes, 16);
	const h = sha1(all).slice(0, 16);
	h[6] = (h[6] & 0x0f) | 0x50;
	h[8] = (h[8] & 0x3f) | 0x80;
	const x = hex(h);
	return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export const isNodeId = (s: string): boolean => NODE_ID_RE.test(s) && s !== 'any';
export const isIfaceName = (s: string): boolean => IFACE_NAME_RE.test(s) && s.length <= 15;

/**
 * Hands out valid, unique vnet ids for foreign names, deterministically: the
 * same names in the same order always give the same ids. `taken` ids are
 * reserved up front.
 */
/** The warning for a node imported under another id than its name (a clash, or a name vnet cannot use). */
export function renamedNode(name: string, taken: { id: string; clash: boolean }, quote: (s: string) => string): string {
	const valid = sanitizeNodeId(name) === name;
	if (taken.clash && valid) return `another node is already named ${quote(name)}: imported as ${taken.id}`;
	return `node name ${quote(name)} is not a valid vnet id: imported as ${taken.id}${taken.clash ? ' (its plain form was taken)' : ''}`;
}

export class IdAllocator {
	private used = new Set<string>();
	constructor(reserved: Iterable<string> = []) {
		for (const r of reserved) this.used.add(r);
	}
	/** A valid id for `name`; `changed` tells whether it differs from the name, `clash` whether another name took its id first. */
	take(name: string): { id: string; changed: boolean; clash: boolean } {
		let base = sanitizeNodeId(name);
		let id = base;
		for (let n = 2; this.used.has(id); n++) {
			const suffix = `-${n}`;
			id = base.slice(0, 63 - suffix.length) + suffix;
		}
		this.used.add(id);
		return { id, changed: id !== name, clash: id !== base };
	}
}

/** A valid vnet node id from any text (not yet unique). */
export function sanitizeNodeId(name: string): string {
	let s = String(name)
		.normalize('NFKD')
		.replace(/[^A-Za-z0-9_-]+/g, '-')
		.replace(/-{2,}/g, '-')
		.replace(/^[-_]+|[-_]+$/g, '');
	if (!/^[A-Za-z]/.test(s)) s = 'n' + s;
	s = s.slice(0, 63).replace(/[-_]+$/g, '');
	if (s === '' ) s = 'node';
	if (s === 'any') s = 'any-node';
	return s;
}

const IFACE_ABBREV: [RegExp, string][] = [
	[/^tengigabitethernet/, 'te'],
	[/^gigabitethernet/, 'gi'],
	[/^fastethernet/, 'fa'],
	[/^ethernet/, 'eth'],
	[/^management/, 'mgmt']
];

/** A valid vnet interface name (not yet unique on its node) from any port name. */
export function sanitizeIfaceName(name: string): string {
	let s = String(name).toLowerCase();
	let vlan = '';
	const sub = /^(.*)\.(\d{1,4})$/.exec(s);
	if (sub && +sub[2] >= 1 && +sub[2] <= 4094) {
		s = sub[1];
		vlan = '.' + String(+sub[2]);
	}
	for (const [re, rep] of IFACE_ABBREV) s = s.replace(re, rep);
	s = s.replace(/[^a-z0-9]+/g, '');
	if (!/^[a-z]/.test(s)) s = 'e' + s;
	s = s.slice(0, Math.min(11, 15 - vlan.length));
	return s + vlan;
}

/** Strips control characters and caps length: imported display text is data, never markup to render. */
export function cleanLabel(text: unknown, max = 200): string {
	return String(text)
		.replace(/[\u0000-\u001f\u007f]/g, ' ')
		.trim()
		.slice(0, max);
}

/**
 * A name inside a space-separated `key=value` label (containerlab `vnet.*`
 * labels): percent-encoded so that spaces, `=`, `:` and `@` cannot split it
 * ("VM Network" -> "VM%20Network").
 */
export function labelEncode(s: string): string {
	return encodeURIComponent(s);
}

/** The inverse of labelEncode; null when the text is not valid percent-encoding or is empty. */
export function labelDecode(s: string): string | null {
	try {
		const d = decodeURIComponent(s);
		return d === '' ? null : d;
	} catch {
		return null;
	}
}
