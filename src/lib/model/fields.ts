/**
 * Zod schemas of the scalar values of the topology format: ids, addresses,
 * unit strings, ports, VLAN sets and the small "proto/port"-style strings
 * (topology-format.md, "Ids" and "Values and parsing"). schema.ts builds the
 * document structure from them.
 *
 * Each schema describes the INPUT (what a file may contain, exported as JSON
 * Schema: patterns, ranges) and transforms it to the OUTPUT of types.ts. Its
 * messages say what was expected, because they are shown to the user as is.
 */
import { ipToU32, maskOf, parentIface, splitEndpoint, u32ToIp } from './net';
import { z } from 'zod';
import { parseBandwidth, parseDuration, parseRate, parseSize, type UnitResult } from './units';
import { describeValue } from './messages';
import type { PortRange, Service } from './types';

// ---- id patterns (spec "Ids") -------------------------------------------------

export const NODE_ID_RE = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
export const IFACE_NAME_RE = /^[a-z][a-z0-9]{0,10}(\.[0-9]{1,4})?$/;
export const IFACE_NAME_MAX = 15;
const NODE_ID_PART = NODE_ID_RE.source.slice(1, -1);
const IFACE_PART = IFACE_NAME_RE.source.slice(1, -1);
/** Dotted-quad IPv4, no leading zeros (as ip-num accepted it): for the JSON Schema and the check. */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4_PART = `${OCTET}(\\.${OCTET}){3}`;
const PREFIX_PART = `${IPV4_PART}/(3[0-2]|[12]?[0-9])`;
const PORT_PART = '[0-9]{1,5}';

/** Error function: "expected X, got Y" for a wrong value; a missing one falls through to "missing required field". */
export function expected(what: string) {
	return (issue: { input?: unknown }) =>
		issue.input === undefined ? undefined : `expected ${what}, got ${describeValue(issue.input)}`;
}

export const string = (what = 'a string') => z.string({ error: expected(what) });
export const boolean = () => z.boolean({ error: expected('true or false') });

/** An integer in [min, max]; one message for every way of missing it. */
export function integer(what: string, min: number, max: number = Number.MAX_SAFE_INTEGER) {
	const range = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number ${min}–${max}`;
	const error = (issue: { input?: unknown }) =>
		issue.input === undefined ? undefined : `${what} must be ${range}, got ${describeValue(issue.input)}`;
	return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A finite number, optionally in [min, max]. */
export function number(what: string, min?: number, max?: number) {
	const range =
		min === undefined ? 'a number' : max === undefined ? `a number ≥ ${min}` : `a number from ${min} to ${max}`;
	const error = (issue: { input?: unknown }) =>
		issue.input === undefined ? undefined : `${what} must be ${range}, got ${describeValue(issue.input)}`;
	let schema = z.number({ error });
	if (min !== undefined) schema = schema.min(min, { error });
	if (max !== undefined) schema = schema.max(max, { error });
	return schema;
}

/** One of a fixed set of strings; the load error map adds "did you mean". */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
	return z.enum(values);
}

// ---- ids ----------------------------------------------------------------------

const nodeIdMessage = (input: unknown) =>
	`${describeValue(input)} is not a valid node id (a letter, then up to 62 letters, digits, "_" or "-")`;

export const nodeId = string('a node id')
	.regex(NODE_ID_RE, { error: (issue) => nodeIdMessage(issue.input), abort: true })
	.refine((id) => id !== 'any', { error: '`any` is reserved: in rules it means every address' })
	.meta({ not: { const: 'any' } });

export function isIfaceName(name: string): boolean {
	if (name.length > IFACE_NAME_MAX || !IFACE_NAME_RE.test(name)) return false;
	const dot = name.indexOf('.');
	if (dot < 0) return true;
	const vlan = Number(name.slice(dot + 1));
	return vlan >= 1 && vlan <= 4094;
}

function ifaceNameMessage(input: unknown): string {
	const name = String(input);
	const vlan = /\.([0-9]{1,4})$/.exec(name);
	if (IFACE_NAME_RE.test(name) && vlan && (Number(vlan[1]) < 1 || Number(vlan[1]) > 4094))
		return `"${name}": a subinterface's VLAN must be 1–4094`;
	if (name.length > IFACE_NAME_MAX && IFACE_NAME_RE.test(name))
		return `"${name}" is longer than ${IFACE_NAME_MAX} characters (a Linux interface name)`;
	return `${describeValue(input)} is not a valid interface name (a lower-case letter, then up to 10 lower-case letters or digits, optionally ".N" for a VLAN subinterface)`;
}

export const ifaceName = string('an interface name')
	.refine(isIfaceName, { error: (issue) => ifaceNameMessage(issue.input) })
	.meta({ pattern: IFACE_NAME_RE.source, maxLength: IFACE_NAME_MAX });

function isEndpointRef(ref: string): boolean {
	const dot = ref.indexOf('.');
	if (dot < 0) return false;
	const { node, iface } = splitEndpoint(ref);
	return NODE_ID_RE.test(node) && isIfaceName(iface);
}

/** A link end: "node.iface". Links attach to the parent, never to a `.N` subinterface. */
export const linkEnd = string('an interface as "node.interface"')
	.refine(isEndpointRef, {
		error: (issue) => `${describeValue(issue.input)} is not an interface as "node.interface", like "web1.eth0"`,
		abort: true
	})
	.refine((ref) => !splitEndpoint(ref).iface.includes('.'), {
		error: (issue) => {
			const { node, iface } = splitEndpoint(String(issue.input));
			return `links attach to the parent interface: write "${node}.${parentIface(iface)}" (the subinterface ${iface} is its VLAN ${iface.slice(iface.indexOf('.') + 1)})`;
		}
	})
	.meta({ pattern: `^${NODE_ID_PART}\\.[a-z][a-z0-9]{0,10}$` });

/** A fault target string: a node id ("r1") or an interface ("r1.eth1"). */
export const nodeOrIface = string('a node id or "node.interface"')
	.refine((ref) => NODE_ID_RE.test(ref) || isEndpointRef(ref), {
		error: (issue) => `${describeValue(issue.input)} is not a node id or an interface as "node.interface"`
	})
	.meta({ pattern: `^${NODE_ID_PART}(\\.${IFACE_PART})?$` });

// ---- addresses ----------------------------------------------------------------
// The same acceptance as ip-num's Validator (kept as a differential test in
// fields-ip.test.ts), written out because ip-num was ~9 KB gzipped of the first draw.

const IPV4_RE = new RegExp(`^${IPV4_PART}$`);

export function isIPv4(text: string): boolean {
	return IPV4_RE.test(text);
}

/** "address/length": exactly one slash, a decimal length 0-32 (leading zeros allowed, as ip-num). */
function prefixParts(text: string): [string, number] | null {
	const parts = text.split('/');
	if (parts.length !== 2 || !/^\d+$/.test(parts[1]) || !isIPv4(parts[0])) return null;
	const len = Number(parts[1]);
	return len <= 32 ? [parts[0], len] : null;
}

export function isIPv4Prefix(text: string): boolean {
	return prefixParts(text) !== null;
}

/** The network of a valid prefix when host bits are set, else null. */
function hostBitsSet(text: string): string | null {
	const [ip, len] = prefixParts(text)!;
	const addr = ipToU32(ip);
	const net = (addr & maskOf(len)) >>> 0;
	return net === addr ? null : `${u32ToIp(net)}/${len}`;
}

export const ipv4 = string('an IPv4 address')
	.refine(isIPv4, {
		error: (issue) =>
			`${describeValue(issue.input)} is not an IPv4 address${String(issue.input).includes('/') ? ' (no prefix length here)' : ''}`
	})
	.meta({ pattern: `^${IPV4_PART}$` });

/** An address with its prefix length, as an interface `ip`: host bits are the point. */
export const ipv4Interface = string('an IPv4 address with prefix, like 10.0.1.10/24')
	.refine(isIPv4Prefix, {
		error: (issue) =>
			`${describeValue(issue.input)} is not an IPv4 prefix${isIPv4(String(issue.input)) ? ': add the prefix length, like 10.0.1.10/24' : ''}`
	})
	.meta({ pattern: `^${PREFIX_PART}$` });

/** A network (route destination, NAT subnet): host bits must be zero, as `ip route` requires. */
export const ipv4Network = string('an IPv4 prefix, like 10.0.0.0/16')
	.refine(isIPv4Prefix, { error: (issue) => `${describeValue(issue.input)} is not an IPv4 prefix`, abort: true })
	.refine((text) => hostBitsSet(text) === null, {
		error: (issue) => `"${issue.input}" has host bits set: the network is ${hostBitsSet(String(issue.input))}`
	})
	.meta({ pattern: `^${PREFIX_PART}$` });

/** Rule `from`/`to`: `any`, a node id, an address or a prefix (host bits allowed, as iptables). */
export const ruleMatch = string('`any`, a node id, an IPv4 address or prefix')
	.refine((text) => NODE_ID_RE.test(text) || isIPv4(text) || isIPv4Prefix(text), {
		error: (issue) => `${describeValue(issue.input)} is not \`any\`, a node id, an IPv4 address or an IPv4 prefix`
	})
	.meta({ pattern: `^(${NODE_ID_PART}|${IPV4_PART}(/(3[0-2]|[12]?[0-9]))?)$` });

/** Probe and traffic `to`: a node id or an address. */
export const nodeOrAddress = string('a node id or an IPv4 address')
	.refine((text) => (NODE_ID_RE.test(text) && text !== 'any') || isIPv4(text), {
		error: (issue) => `${describeValue(issue.input)} is not a node id or an IPv4 address`
	})
	.meta({ pattern: `^(${NODE_ID_PART}|${IPV4_PART})$` });

const MAC_RE = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
export const mac = string('a MAC address like 02:00:00:00:00:01')
	.regex(MAC_RE, { error: (issue) => `${describeValue(issue.input)} is not a MAC address like 02:00:00:00:00:01` })
	.transform((text) => text.toLowerCase());

// ---- units ------------------------------------------------------------------------

function unit(what: string, pattern: RegExp, parse: (text: string) => UnitResult) {
	const messageOf = (input: unknown) => {
		const result = parse(String(input));
		return 'error' in result ? result.error : `expected ${what}`;
	};
	return string(what)
		.regex(pattern, { error: (issue) => messageOf(issue.input) })
		.transform((text, ctx) => {
			const result = parse(text);
			if ('error' in result) {
				ctx.issues.push({ code: 'custom', message: result.error, input: text });
				return z.NEVER;
			}
			return result.value;
		});
}

const DECIMAL_PART = '[0-9]+(\\.[0-9]+)?';
export const DURATION_RE = new RegExp(`^${DECIMAL_PART}(ns|us|ms|s)$`);
export const BANDWIDTH_RE = new RegExp(`^${DECIMAL_PART}(bps|Kbps|Mbps|Gbps)$`);
export const SIZE_RE = new RegExp(`^${DECIMAL_PART}(KiB|MiB|GiB)$`);
export const RATE_RE = new RegExp(`^${DECIMAL_PART}pps$`);

/** Integer nanoseconds. */
export const duration = () => unit('a duration with a unit (ns, us, ms, s), such as 50us', DURATION_RE, parseDuration);
/** A duration that drives a timer, where 0 would never fire. */
export const period = () => duration().refine((ns) => ns > 0, { error: 'must be longer than 0' });
/** Bits per second, > 0 (a zero-bandwidth link would never deliver). */
export const bandwidth = () =>
	unit('a bandwidth with a unit (bps, Kbps, Mbps, Gbps), such as 1Gbps', BANDWIDTH_RE, parseBandwidth).refine(
		(bps) => bps > 0,
		{ error: 'must be more than 0bps' }
	);
/** Times are integer ns: a flow cannot send more than one packet per ns. */
export const MAX_RATE_PPS = 1e9;
/** Packets per second, > 0 and at most one per nanosecond. */
export const rate = () =>
	unit('a rate such as 1000pps', RATE_RE, parseRate)
		.refine((pps) => pps > 0, { error: 'must be more than 0pps' })
		.refine((pps) => pps <= MAX_RATE_PPS, { error: 'must be at most 1000000000pps (one packet per ns): a faster send interval is below 1 ns, the time step of the format' });

/** Bytes: a plain integer, or a string with a binary unit. */
export function size(what = 'a size', max = Number.MAX_SAFE_INTEGER) {
	const example = 'such as 1500 (bytes), 64KiB or 4GiB';
	const error = (issue: { input?: unknown }) => {
		if (issue.input === undefined) return undefined;
		const result = typeof issue.input === 'number' || typeof issue.input === 'string' ? parseSize(issue.input) : null;
		return result && 'error' in result ? result.error : `expected ${what} ${example}, got ${describeValue(issue.input)}`;
	};
	return z
		.union([z.number({ error }).int({ error }).min(0, { error }), z.string({ error }).regex(SIZE_RE, { error })], { error })
		.transform((value, ctx) => {
			const result = parseSize(value);
			if ('error' in result) {
				ctx.issues.push({ code: 'custom', message: result.error, input: value });
				return z.NEVER;
			}
			if (result.value > max) {
				ctx.issues.push({ code: 'custom', message: `${what} must be at most ${max} bytes`, input: value });
				return z.NEVER;
			}
			return result.value;
		});
}

// ---- ports, VLANs, services ---------------------------------------------------------

export const port = () => integer('a port', 1, 65535);

const RANGE_RE = /^([0-9]{1,5})-([0-9]{1,5})$/;

const portRangeError = (issue: { input?: unknown }) =>
	issue.input === undefined ? undefined : `expected a port (1–65535) or a range like "8000-8100", got ${describeValue(issue.input)}`;

/** Rules: a port or a range string "a-b" -> {from, to}. */
export const portRange = () =>
	z
		.union([port(), string().regex(RANGE_RE, { error: portRangeError })], { error: portRangeError })
		.transform((value, ctx): PortRange => {
			if (typeof value === 'number') return { from: value, to: value };
			const [, a, b] = RANGE_RE.exec(value)!.map(Number);
			if (a < 1 || b > 65535 || a > b) {
				ctx.issues.push({ code: 'custom', message: `"${value}" is not a port range from low to high within 1–65535`, input: value });
				return z.NEVER;
			}
			return { from: a, to: b };
		});

export const vlanId = () => integer('a VLAN id', 1, 4094);

/** `trunk`: a VLAN id, a range "a-b", or a list of these -> sorted unique ids. */
export const vlanSet = () => {
	const itemError = (issue: { input?: unknown }) =>
		issue.input === undefined ? undefined : `expected a VLAN id (1–4094) or a range like "10-20", got ${describeValue(issue.input)}`;
	const item = z.union([vlanId(), string().regex(RANGE_RE, { error: itemError })], { error: itemError });
	return z
		.union([item, z.array(item).min(1, { error: 'list at least one VLAN' })], {
			error: (issue) =>
				issue.input === undefined
					? undefined
					: `expected a VLAN id, a range like "10-20", or a list of these, got ${describeValue(issue.input)}`
		})
		.transform((value, ctx): number[] => {
			const ids = new Set<number>();
			for (const entry of Array.isArray(value) ? value : [value]) {
				if (typeof entry === 'number') {
					ids.add(entry);
					continue;
				}
				const [, a, b] = RANGE_RE.exec(entry)!.map(Number);
				if (a < 1 || b > 4094 || a > b) {
					ctx.issues.push({ code: 'custom', message: `"${entry}" is not a VLAN range from low to high within 1–4094`, input: entry });
					return z.NEVER;
				}
				for (let id = a; id <= b; id++) ids.add(id);
			}
			return [...ids].sort((x, y) => x - y);
		});
};

const SERVICE_RE = new RegExp(`^(tcp|udp)/(${PORT_PART})$`);
/** "tcp/80" -> { proto: 'tcp', port: 80 } */
export const service = () =>
	string('a service like "tcp/80"')
		.regex(SERVICE_RE, { error: (issue) => `${describeValue(issue.input)} is not a service like "tcp/80" or "udp/53"`, abort: true })
		.transform((text, ctx): Service => {
			const [, proto, portText] = SERVICE_RE.exec(text)!;
			const value = Number(portText);
			if (value < 1 || value > 65535) {
				ctx.issues.push({ code: 'custom', message: `"${text}": a port must be 1–65535`, input: text });
				return z.NEVER;
			}
			return { proto: proto as Service['proto'], port: value };
		});

const HOST_PORT_RE = new RegExp(`^(${NODE_ID_PART}|${IPV4_PART}):(${PORT_PART})$`);

function checkHostPort(text: string): string | undefined {
	const colon = text.lastIndexOf(':');
	const host = text.slice(0, colon);
	const portValue = Number(text.slice(colon + 1));
	if (colon > 0 && /^[0-9]/.test(host) && !isIPv4(host)) return `"${host}" is not an IPv4 address`;
	if (colon < 0 || !HOST_PORT_RE.test(text)) return `${describeValue(text)} is not "<node or address>:<port>", like "web1:80"`;
	if (host === 'any') return '`any` is reserved and is not a node';
	if (portValue < 1 || portValue > 65535) return `"${text}": a port must be 1–65535`;
	return undefined;
}

/** NAT forward `to`: "10.0.1.10:80" or "web1:80", kept as written. */
export const hostPort = () =>
	string('"<node or address>:<port>", like "web1:80"')
		.superRefine((text, ctx) => {
			const message = checkHostPort(text);
			if (message) ctx.addIssue({ code: 'custom', message });
		})
		.meta({ pattern: HOST_PORT_RE.source });

/** Load-balancer pool member "web1:80" -> { node, port }. */
export const poolMember = () =>
	hostPort().transform((text) => {
		const colon = text.lastIndexOf(':');
		return { node: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
	});
