/**
 * The state every lint rule reads: the topology, its L2 segments, the
 * addresses on each segment, and indexes built once so that no rule scans the
 * whole file per node (lint stays n log n on 60,000-node files).
 */
import type { Interface, Node, Topology } from '../types';
import { Findings, type LintContext, type Path } from '../findings';
import { TopologyIndex } from '../references';
import { LINT_RULES } from './rules';
import { type Segment, InterfaceCache, computeSegments, guestsByHypervisor, isGenericHypervisor, natSubnetOf } from '../segments';
import { type Cidr, cidrContains, parseCidr, parseIp, parseEndpoint, cidrOfParts } from '../net';

export { fmtPath, type Path } from '../findings';

export function fmtBytes(b: number): string {
	const gib = b / 2 ** 30;
	if (gib >= 1 && Number.isInteger(gib * 4)) return `${gib}GiB`;
	const mib = b / 2 ** 20;
	if (mib >= 1 && Number.isInteger(mib)) return `${mib}MiB`;
	return `${b} bytes`;
}

export function fmtNs(ns: number): string {
	if (ns % 1e9 === 0) return `${ns / 1e9}s`;
	if (ns % 1e6 === 0) return `${ns / 1e6}ms`;
	if (ns % 1e3 === 0) return `${ns / 1e3}us`;
	return `${ns}ns`;
}

export interface Addr {
	node: string;
	iface: string;
	cidr: Cidr;
	/** what the address is, for messages and the duplicate rule */
	role: 'ip' | 'vrrp' | 'lb-vip' | 'nat-gateway' | 'host-only';
	group?: number;
	path: Path;
	/** the holder's name when it is not a node of the file (a product's NAT engine) */
	label?: string;
}

/** Appends to the list under `key` (a spread per item would be quadratic in the list's length). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

export class Linter extends TopologyIndex {
	readonly found: Findings;
	readonly cache = new InterfaceCache();
	readonly segs;
	readonly linkedNodes = new Set<string>();
	/** addresses by segment id */
	readonly addrsBySeg = new Map<number, Addr[]>();
	/** segments that contain DHCP clients (their addresses are not all known) */
	readonly dhcpSegs = new Set<number>();
	readonly managed = new Map<string, string[]>(); // switch -> controllers
	/** guests by hypervisor, each list in id order (guestsOf) */
	readonly guests: Map<string, string[]>;
	/** segments a hypervisor owns or holds an implicit address on, in segment order */
	private hvSegments = new Map<string, Segment[]>();

	constructor(
		t: Topology,
		readonly ctx: LintContext
	) {
		super(t);
		this.found = new Findings(ctx);
		this.segs = computeSegments(t, { includeDown: true, cache: this.cache });
		this.guests = guestsByHypervisor(t);
		for (const l of t.links ?? [])
			for (const end of [l?.a, l?.b]) {
				const e = parseEndpoint(end);
				if (e) this.linkedNodes.add(e.node);
			}
		for (const [id, n] of Object.entries(this.nodes)) {
			if (n?.kind !== 'sdn-controller') continue;
			for (const s of n.manages ?? []) pushTo(this.managed, s, id);
		}
		for (const seg of this.segs.segments) {
			const holders = new Set(seg.implicit.map((im) => im.node));
			if (seg.hypervisor !== undefined) holders.add(seg.hypervisor);
			for (const h of holders) pushTo(this.hvSegments, h, seg);
		}
		this.collectAddresses();
	}

	warn(rule: string, path: Path, message: string) {
		this.found.add(LINT_RULES[rule]?.severity ?? 'warning', rule, path, message);
	}

	itfs(id: string): Record<string, Interface> {
		return this.node(id)?.interfaces ?? {};
	}

	guestsOf(hv: string): string[] {
		return this.guests.get(hv) ?? [];
	}

	private natSubnets = new Map<string, Cidr | null>();
	natSubnetOf(hv: string): Cidr | null {
		if (!this.natSubnets.has(hv)) this.natSubnets.set(hv, natSubnetOf(this.t, hv, this.guestsOf(hv)));
		return this.natSubnets.get(hv)!;
	}

	/** Every address of a node in a segment, and the DHCP segments. */
	collectAddresses() {
		const push = (seg: Segment | undefined, a: Addr) => {
			if (seg) pushTo(this.addrsBySeg, seg.id, a);
		};
		for (const [id, n] of Object.entries(this.nodes)) {
			if (!n || n.kind === 'switch') continue;
			const itfs = n.interfaces ?? {};
			for (const [name, itf] of Object.entries(itfs)) {
				if (!itf) continue;
				const seg = this.segs.of(id, name);
				// A product's DHCP (or Docker's IPAM) lease is known: the resolver gave it.
				const lease = itf.ip ? undefined : this.segs.lease(id, name);
				if (itf.dhcp && seg && !lease) this.dhcpSegs.add(seg.id);
				const c = parseCidr(itf.ip);
				if (c) push(seg, { node: id, iface: name, cidr: c, role: 'ip', path: ['nodes', id, 'interfaces', name, 'ip'] });
				else if (lease) push(seg, { node: id, iface: name, cidr: lease, role: 'ip', path: ['nodes', id, 'interfaces', name, itf.dhcp ? 'dhcp' : 'attach'] });
				if (itf.vrrp) {
					const v = parseIp(itf.vrrp.vip);
					if (v !== null)
						push(seg, {
							node: id,
							iface: name,
							cidr: c ? { ...c, addr: v } : cidrOfParts(v, 32),
							role: 'vrrp',
							group: itf.vrrp.group,
							path: ['nodes', id, 'interfaces', name, 'vrrp', 'vip']
						});
				}
			}
			if (n.kind === 'load-balancer' && n.vip) {
				const v = parseIp(n.vip);
				if (v !== null) {
					for (const [name, itf] of Object.entries(itfs)) {
						const c = parseCidr(itf?.ip);
						if (c && cidrContains(c, v)) {
							push(this.segs.of(id, name), { node: id, iface: name, cidr: { ...c, addr: v }, role: 'lb-vip', path: ['nodes', id, 'vip'] });
							break;
						}
					}
				}
			}
		}
		for (const seg of this.segs.segments) {
			for (const im of seg.implicit) {
				const c = parseCidr(im.ip);
				const holder = im.owner ?? im.node; // a product's NAT engine: its hypervisor in the file
				if (c)
					push(seg, {
						node: im.node,
						iface: im.role === 'nat-gateway' ? 'NAT gateway' : 'host-only',
						cidr: c,
						role: im.role,
						label: im.label,
						path: im.role === 'nat-gateway' && (!im.owner || this.node(holder)?.nat) ? ['nodes', holder, 'nat'] : ['nodes', holder]
					});
			}
		}
	}

	/** Connected subnets of a node; `unknown` when some are not known statically (DHCP outside a generic NAT). */
	connected(id: string): { subnets: { cidr: Cidr; iface: string }[]; unknown: boolean } {
		const n = this.node(id);
		const subnets: { cidr: Cidr; iface: string }[] = [];
		let unknown = false;
		if (!n) return { subnets, unknown: true };
		for (const [name, itf] of Object.entries(n.interfaces ?? {})) {
			const c = parseCidr(itf?.ip) ?? this.segs.lease(id, name);
			if (c) subnets.push({ cidr: c, iface: name });
			else if (itf?.dhcp) {
				const hv = n.on ? this.node(n.on) : undefined;
				if (itf.attach === 'nat' && hv?.kind === 'hypervisor' && isGenericHypervisor(hv)) {
					const sn = this.natSubnetOf(n.on!);
					if (sn) subnets.push({ cidr: sn, iface: name });
					else unknown = true;
				} else unknown = true;
			}
		}
		if (n.kind === 'hypervisor') {
			const resolved = this.segs.resolvedHypervisors.has(id);
			for (const seg of this.hvSegments.get(id) ?? []) {
				const mine = seg.implicit.filter((im) => im.node === id);
				const seen: Cidr[] = [];
				for (const im of mine) {
					const c = parseCidr(im.ip);
					// one subnet per segment (VMware's NAT device .2 and host adapter .1 share VMnet8)
					if (!c || seen.some((x) => x.net === c.net && x.len === c.len)) continue;
					seen.push(c);
					subnets.push({ cidr: c, iface: im.role === 'nat-gateway' ? 'NAT network' : 'host-only network' });
				}
				// a product's segments are the resolver's, addresses included
				if (!resolved && !isGenericHypervisor(n) && seg.kind !== 'l2') unknown = true;
			}
		}
		return { subnets, unknown };
	}

	/** Addresses of a node (static, vips, implicit); null if some are unknown (DHCP). */
	nodeAddresses(id: string): number[] | null {
		const n = this.node(id);
		if (!n) return [];
		const out: number[] = [];
		let unknown = false;
		for (const [name, itf] of Object.entries(n.interfaces ?? {})) {
			const c = parseCidr(itf?.ip) ?? this.segs.lease(id, name);
			if (c) out.push(c.addr);
			else if (itf?.dhcp) unknown = true;
			const v = parseIp(itf?.vrrp?.vip);
			if (v !== null) out.push(v);
		}
		const lv = parseIp(n.vip);
		if (lv !== null) out.push(lv);
		for (const im of this.implicitOf(id)) {
			const c = parseCidr(im.ip);
			if (c) out.push(c.addr);
		}
		return unknown ? null : out;
	}

	private byAddress?: Map<number, string[]>;
	/** Nodes (in file order) whose known addresses include `addr`. */
	nodesWithAddress(addr: number): string[] {
		if (!this.byAddress) {
			this.byAddress = new Map();
			for (const id of Object.keys(this.nodes)) for (const a of new Set(this.nodeAddresses(id) ?? [])) pushTo(this.byAddress, a, id);
		}
		return this.byAddress.get(addr) ?? [];
	}

	private implicitByNode?: Map<string, { ip: string }[]>;
	implicitOf(id: string): { ip: string }[] {
		if (!this.implicitByNode) {
			this.implicitByNode = new Map();
			for (const seg of this.segs.segments) for (const im of seg.implicit) pushTo(this.implicitByNode, im.node, im);
		}
		return this.implicitByNode.get(id) ?? [];
	}

	hasAddress(id: string): boolean {
		const n = this.node(id);
		if (!n) return false;
		if (Object.values(n.interfaces ?? {}).some((i) => i?.ip || i?.dhcp)) return true;
		if (Object.keys(n.interfaces ?? {}).some((name) => this.segs.lease(id, name))) return true; // Docker IPAM
		// docker/podman `attach: host`: the container has the host's addresses
		const ns = this.segs.netnsOf(id);
		if (ns !== undefined && ns !== id && this.hasAddress(ns)) return true;
		return this.implicitOf(id).length > 0;
	}

	/** Who holds `addr` among the segments of a node's interfaces whose subnet contains it. */
	holderOnSegment(id: string, addr: number): 'found' | 'missing' | 'unknown' {
		const n = this.node(id);
		if (!n) return 'unknown';
		const segIds = new Set<number>();
		for (const [name, itf] of Object.entries(n.interfaces ?? {})) {
			const c = parseCidr(itf?.ip);
			if (!c || !cidrContains(c, addr)) continue;
			// a distributed router's gateway on this overlay segment (model/overlay-router.ts)
			if (itf.segment !== undefined && Object.values(this.t.overlay?.routers ?? {}).some((r) => parseCidr(r?.segments?.[itf.segment!])?.addr === addr)) return 'found';
			const seg = this.segs.of(id, name);
			if (seg) segIds.add(seg.id);
		}
		if (n.kind === 'hypervisor') {
			for (const seg of this.hvSegments.get(id) ?? [])
				for (const im of seg.implicit) {
					const c = parseCidr(im.ip);
					if (im.node === id && c && cidrContains(c, addr)) segIds.add(seg.id);
				}
		}
		if (!segIds.size) return 'unknown';
		for (const s of segIds) {
			if (this.dhcpSegs.has(s)) return 'unknown';
			if (this.holdsOnSegment(s, addr, id)) return 'found';
		}
		return 'missing';
	}

	private segAddrIndex = new Map<number, Map<number, Set<string>>>();
	/** Does a node other than `except` hold `addr` on segment `seg`? (an index per segment, built on first use) */
	private holdsOnSegment(seg: number, addr: number, except: string): boolean {
		let index = this.segAddrIndex.get(seg);
		if (!index) {
			index = new Map();
			for (const a of this.addrsBySeg.get(seg) ?? []) {
				let holders = index.get(a.cidr.addr);
				if (!holders) index.set(a.cidr.addr, (holders = new Set()));
				holders.add(a.node);
			}
			this.segAddrIndex.set(seg, index);
		}
		const holders = index.get(addr);
		if (!holders) return false;
		return holders.size > 1 || !holders.has(except);
	}
}
