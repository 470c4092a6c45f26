/**
 * Design lint: findings about a valid topology that a network engineer would
 * want to hear before trusting it (duplicate addresses, a gateway nobody
 * answers for, VLANs not carried, switch loops, MTU mismatches, overcommitted
 * hypervisors, rules that can never match, ...).
 *
 * Everything is a `warning` except references the engine cannot run with (a
 * link, check, traffic flow or scenario event naming a node, interface,
 * scenario or flow that does not exist): those are `error`s.
 *
 * Rule ids are stable (they are what `--json` consumers and tests key on); the
 * list is in LINT_RULES below.
 */
import { productMode } from './products';
import { type Cidr, cidrContains, cidrOfParts, cidrsOverlap, cidrText, compressVlans, parseCidr, parseEndpoint, parseIp, splitSubinterface, u32ToIp } from './net';
import type { Check, Diagnostic, Interface, Node, ProbeCheck, Rule, ScenarioCheck, Topology } from './types';
import {
	type Segment,
	ENDPOINT_KINDS,
	FORWARDING_KINDS,
	bondOf,
	computeSegments,
	describeChannels,
	findSwitchLoops,
	guestsOf,
	interfaceNames,
	isGenericHypervisor,
	mtuOf,
	natSubnetOf,
	portChannels,
	uplinkOf
} from './segments';

export interface LintContext {
	file: string;
	locate: (path: (string | number)[]) => { line: number; col: number };
}

type Path = (string | number)[];

/** Every rule id lint can emit, with its severity and a one-line summary. */
export const LINT_RULES: Record<string, { severity: 'error' | 'warning'; summary: string }> = {
	// references the engine cannot run with
	'link-unknown-node': { severity: 'error', summary: 'a link names a node that does not exist' },
	'link-unknown-interface': { severity: 'error', summary: 'a link names an interface the node does not declare' },
	'link-subinterface': { severity: 'error', summary: 'a link names an 802.1Q subinterface instead of its parent' },
	'link-to-bond': { severity: 'error', summary: 'a link names a bond instead of one of its members' },
	'link-self': { severity: 'error', summary: 'a link joins an interface to itself' },
	'check-unknown-node': { severity: 'error', summary: 'a probe check names a node that does not exist' },
	'check-unknown-scenario': { severity: 'error', summary: 'a scenario check names a scenario that does not exist' },
	'check-unknown-flow': { severity: 'error', summary: 'a scenario check names a flow its scenario does not have' },
	'traffic-unknown-node': { severity: 'error', summary: 'a scenario flow names a node that does not exist' },
	'event-unknown-target': { severity: 'error', summary: 'a scenario event fails or restores a node, interface or link that does not exist' },
	// design findings
	'interface-multiple-links': { severity: 'warning', summary: 'an interface is an end of more than one link' },
	'mtu-mismatch': { severity: 'warning', summary: 'the two ends of a link have different MTUs' },
	'segment-mtu-mismatch': { severity: 'warning', summary: 'interfaces on one switched segment have different MTUs' },
	'duplicate-ip': { severity: 'warning', summary: 'the same address is used twice on one L2 segment' },
	'duplicate-mac': { severity: 'warning', summary: 'the same MAC address is set on two interfaces' },
	'multicast-mac': { severity: 'warning', summary: 'an interface MAC address has the multicast bit set' },
	'ip-network-address': { severity: 'warning', summary: "an interface uses its subnet's network address" },
	'ip-broadcast-address': { severity: 'warning', summary: "an interface uses its subnet's broadcast address" },
	'segment-subnet-mismatch': { severity: 'warning', summary: 'interfaces on one L2 segment are in different subnets' },
	'overlapping-subnets': { severity: 'warning', summary: 'two interfaces of one node have overlapping subnets' },
	'gateway-outside-subnet': { severity: 'warning', summary: 'a gateway is not in any subnet the node is connected to' },
	'gateway-is-self': { severity: 'warning', summary: "a gateway is the node's own address" },
	'gateway-not-found': { severity: 'warning', summary: 'no interface on the segment holds the gateway address' },
	'next-hop-outside-subnet': { severity: 'warning', summary: 'a route next hop is not in any subnet the node is connected to' },
	'next-hop-is-self': { severity: 'warning', summary: "a route next hop is the node's own address" },
	'next-hop-not-found': { severity: 'warning', summary: 'no interface on the segment holds the next-hop address' },
	'missing-gateway': { severity: 'warning', summary: 'an endpoint has no default route although a router is on its segment' },
	'duplicate-route': { severity: 'warning', summary: 'two routes of a node have the same prefix and metric' },
	'route-host-bits': { severity: 'warning', summary: 'a route prefix has host bits set' },
	'route-shadowed-by-connected': { severity: 'warning', summary: 'a static route has the same prefix as a connected subnet' },
	'vlan-not-carried': { severity: 'warning', summary: 'a VLAN is used on two switches (or by a tagged interface) but not carried between them' },
	'native-vlan-mismatch': { severity: 'warning', summary: 'the untagged VLAN differs between the two ends of a switch-to-switch link' },
	'untagged-on-trunk': { severity: 'warning', summary: 'an untagged interface is linked to a trunk port without a native VLAN' },
	'l2-loop': { severity: 'warning', summary: 'switches form a loop (broadcast storm)' },
	'sdn-standalone-loop': { severity: 'warning', summary: 'managed switches form a loop that storms if the controller is lost (fail-mode standalone)' },
	'interface-unconnected': { severity: 'warning', summary: 'an addressed interface is in no link and not attached' },
	'node-isolated': { severity: 'warning', summary: 'a node is connected to nothing' },
	'on-unknown-node': { severity: 'warning', summary: '`on:` names a node that does not exist' },
	'on-not-hypervisor': { severity: 'warning', summary: '`on:` names a node that is not a hypervisor' },
	'attach-without-on': { severity: 'warning', summary: 'an interface uses `attach` on a node without `on:`' },
	'attach-and-link': { severity: 'warning', summary: 'an attached interface is also an end of a link' },
	'uplink-unknown-interface': { severity: 'warning', summary: "a bridged guest's uplink is not an interface of its hypervisor" },
	'hypervisor-overcommit': { severity: 'warning', summary: "guests' vcpu or memory exceed the hypervisor's capacity x overcommit" },
	'ha-unknown-target': { severity: 'warning', summary: '`ha.to` is not another hypervisor' },
	'ha-capacity': { severity: 'warning', summary: 'the HA target cannot hold its own guests and the failed-over ones' },
	'nat-unknown-interface': { severity: 'warning', summary: 'NAT masquerade or forward names an interface the node does not have' },
	'nat-forward-target': { severity: 'warning', summary: 'a port forward points at a node or address that does not exist' },
	'nat-forward-no-service': { severity: 'warning', summary: 'a port forward points at a port the target does not listen on' },
	'nat-gateway-no-masquerade': { severity: 'warning', summary: 'a nat-gateway masquerades nothing' },
	'rule-unknown-interface': { severity: 'warning', summary: 'a rule matches an interface the node does not have' },
	'rule-unknown-node': { severity: 'warning', summary: 'a rule names a node that does not exist' },
	'rule-shadowed': { severity: 'warning', summary: 'a rule can never match because an earlier rule matches everything it does' },
	'firewall-no-rules': { severity: 'warning', summary: 'a firewall has no rules' },
	'services-ignored': { severity: 'warning', summary: 'services on a node that does not answer as an endpoint' },
	'vrrp-vip-outside-subnet': { severity: 'warning', summary: "a VRRP virtual address is outside its interface's subnet" },
	'vrrp-no-peer': { severity: 'warning', summary: 'a VRRP group has a single router (no redundancy)' },
	'vrrp-group-conflict': { severity: 'warning', summary: 'two VRRP groups with the same id on one segment disagree on the virtual address' },
	'lb-vip-outside-subnet': { severity: 'warning', summary: "a load balancer's vip is in no subnet of its interfaces" },
	'lb-pool-unknown-node': { severity: 'warning', summary: 'a load balancer pool names a node that does not exist' },
	'lb-pool-no-service': { severity: 'warning', summary: 'a pool backend does not listen on the pool port' },
	'ospf-unknown-interface': { severity: 'warning', summary: 'OSPF `passive` names an interface the node does not have' },
	'bond-member-conflict': { severity: 'warning', summary: 'an interface is a member of two bonds, or a bond member has its own address' },
	'sdn-unknown-node': { severity: 'warning', summary: 'an sdn-controller manages a node that does not exist' },
	'sdn-manages-non-switch': { severity: 'warning', summary: 'an sdn-controller manages a node that is not a switch' },
	'sdn-multiple-controllers': { severity: 'warning', summary: 'a switch is managed by two controllers' },
	'check-unaddressed-node': { severity: 'warning', summary: 'a probe check starts or ends at a node without an address' },
	'check-no-internet': { severity: 'warning', summary: 'a check expects EXITS_NETWORK but the file has no internet node' },
	'check-goodput-cbr': { severity: 'warning', summary: '`min-goodput` on a flow that is not bulk' },
	'check-failover-no-fault': { severity: 'warning', summary: '`max-failover` on a scenario without faults' },
	'event-after-end': { severity: 'warning', summary: 'a scenario event happens after the scenario ends' },
	'restore-without-fail': { severity: 'warning', summary: 'a scenario restores something it never failed' }
};

// ---------------------------------------------------------------- helpers

/** Same spelling as the loader's paths: `nodes.r1.interfaces.eth0.10.ip`, `links[3].a`, `["odd key"]`. */
function fmtPath(p: Path): string {
	let s = '';
	for (const part of p) {
		if (typeof part === 'number') s += `[${part}]`;
		else if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(part)) s += s ? `.${part}` : part;
		else s += `[${JSON.stringify(part)}]`;
	}
	return s;
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

function fmtBytes(b: number): string {
	const gib = b / 2 ** 30;
	if (gib >= 1 && Number.isInteger(gib * 4)) return `${gib}GiB`;
	const mib = b / 2 ** 20;
	if (mib >= 1 && Number.isInteger(mib)) return `${mib}MiB`;
	return `${b} bytes`;
}

function fmtNs(ns: number): string {
	if (ns % 1e9 === 0) return `${ns / 1e9}s`;
	if (ns % 1e6 === 0) return `${ns / 1e6}ms`;
	if (ns % 1e3 === 0) return `${ns / 1e3}us`;
	return `${ns}ns`;
}

interface Addr {
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

const isAddrLike = (s: string) => /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(s);

// ---------------------------------------------------------------- linter

class Linter {
	readonly out: Diagnostic[] = [];
	readonly nodes: Record<string, Node>;
	readonly segs;
	readonly linksOf = new Map<string, number[]>(); // "node\u0000iface" -> link indices
	readonly linkedNodes = new Set<string>();
	/** addresses by segment id */
	readonly addrsBySeg = new Map<number, Addr[]>();
	/** segments that contain DHCP clients (their addresses are not all known) */
	readonly dhcpSegs = new Set<number>();
	readonly managed = new Map<string, string[]>(); // switch -> controllers

	constructor(
		readonly t: Topology,
		readonly ctx: LintContext
	) {
		this.nodes = t.nodes ?? {};
		this.segs = computeSegments(t, { includeDown: true });
		(t.links ?? []).forEach((l, i) => {
			for (const end of [l?.a, l?.b]) {
				const e = parseEndpoint(end);
				if (!e) continue;
				const k = `${e.node}\u0000${e.iface}`;
				this.linksOf.set(k, [...(this.linksOf.get(k) ?? []), i]);
				this.linkedNodes.add(e.node);
			}
		});
		for (const [id, n] of Object.entries(this.nodes)) {
			if (n?.kind !== 'sdn-controller') continue;
			for (const s of n.manages ?? []) this.managed.set(s, [...(this.managed.get(s) ?? []), id]);
		}
		this.collectAddresses();
	}

	report(severity: 'error' | 'warning', rule: string, path: Path, message: string) {
		const { line, col } = this.locate(path);
		this.out.push({ severity, file: this.ctx.file, path: fmtPath(path), line, col, message, rule });
	}
	warn(rule: string, path: Path, message: string) {
		this.report(LINT_RULES[rule]?.severity ?? 'warning', rule, path, message);
	}

	locate(path: Path): { line: number; col: number } {
		for (let n = path.length; n >= 0; n--) {
			try {
				const r = this.ctx.locate(path.slice(0, n));
				if (r && r.line > 0) return r;
			} catch {
				// try the parent
			}
		}
		return { line: 0, col: 0 };
	}

	node(id: string): Node | undefined {
		return Object.prototype.hasOwnProperty.call(this.nodes, id) ? this.nodes[id] : undefined;
	}

	itfs(id: string): Record<string, Interface> {
		return this.node(id)?.interfaces ?? {};
	}

	/** Does a node have this interface (declared, implicit parent, bond member; any port of a switch)? */
	hasInterface(id: string, iface: string, anySwitchPort = false): boolean {
		const n = this.node(id);
		if (!n) return false;
		if (anySwitchPort && n.kind === 'switch') return true;
		return interfaceNames(n).has(iface);
	}

	/** Every address of a node in a segment, and the DHCP segments. */
	collectAddresses() {
		const push = (seg: Segment | undefined, a: Addr) => {
			if (!seg) return;
			this.addrsBySeg.set(seg.id, [...(this.addrsBySeg.get(seg.id) ?? []), a]);
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
					const sn = natSubnetOf(this.t, n.on!);
					if (sn) subnets.push({ cidr: sn, iface: name });
					else unknown = true;
				} else unknown = true;
			}
		}
		if (n.kind === 'hypervisor') {
			const resolved = this.segs.resolvedHypervisors.has(id);
			for (const seg of this.segs.segments) {
				const mine = seg.implicit.filter((im) => im.node === id);
				if (seg.hypervisor !== id && !mine.length) continue;
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

	private implicitByNode?: Map<string, { ip: string }[]>;
	implicitOf(id: string): { ip: string }[] {
		if (!this.implicitByNode) {
			this.implicitByNode = new Map();
			for (const seg of this.segs.segments)
				for (const im of seg.implicit) this.implicitByNode.set(im.node, [...(this.implicitByNode.get(im.node) ?? []), im]);
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
			const seg = this.segs.of(id, name);
			if (seg) segIds.add(seg.id);
		}
		if (n.kind === 'hypervisor') {
			for (const seg of this.segs.segments)
				for (const im of seg.implicit) {
					const c = parseCidr(im.ip);
					if (im.node === id && c && cidrContains(c, addr)) segIds.add(seg.id);
				}
		}
		if (!segIds.size) return 'unknown';
		for (const s of segIds) {
			if (this.dhcpSegs.has(s)) return 'unknown';
			if ((this.addrsBySeg.get(s) ?? []).some((a) => a.cidr.addr === addr && a.node !== id)) return 'found';
		}
		return 'missing';
	}

	// ------------------------------------------------------------ links

	lintLinks() {
		const links = this.t.links ?? [];
		links.forEach((link, i) => {
			const ends: { key: 'a' | 'b'; node: string; iface: string; ok: boolean }[] = [];
			for (const key of ['a', 'b'] as const) {
				const e = parseEndpoint(link?.[key]);
				if (!e) continue; // malformed: the loader's business
				const n = this.node(e.node);
				if (!n) {
					this.warn('link-unknown-node', ['links', i, key], `link end "${link[key]}" names node "${e.node}", which is not in \`nodes\`. Add the node or fix the id.`);
					continue;
				}
				if (n.kind === 'sdn-controller') {
					this.warn('link-unknown-interface', ['links', i, key], `"${e.node}" is an sdn-controller: it talks to its switches over an out-of-band channel and has no interfaces to link. Remove this link.`);
					continue;
				}
				const itfs = n.interfaces ?? {};
				const sub = splitSubinterface(e.iface);
				if (sub && (itfs[e.iface] || n.kind !== 'switch')) {
					this.warn(
						'link-subinterface',
						['links', i, key],
						`"${link[key]}" is an 802.1Q subinterface; links attach to the physical parent. Use "${e.node}.${sub.parent}" (its VLAN ${sub.vlan} frames travel tagged on the parent's cable).`
					);
					continue;
				}
				if (itfs[e.iface]?.bond) {
					const m = itfs[e.iface].bond!.members ?? [];
					this.warn('link-to-bond', ['links', i, key], `"${link[key]}" is a bond; cables attach to its members (${m.join(', ')}). Link each member instead.`);
					continue;
				}
				if (n.kind !== 'switch' && !this.hasInterface(e.node, e.iface)) {
					const known = [...interfaceNames(n)];
					this.warn(
						'link-unknown-interface',
						['links', i, key],
						`node "${e.node}" has no interface "${e.iface}"${known.length ? ` (it has ${known.join(', ')})` : ' (it declares no interfaces)'}. Declare it under nodes.${e.node}.interfaces or fix the name.`
					);
					continue;
				}
				ends.push({ key, node: e.node, iface: e.iface, ok: true });
			}
			if (ends.length === 2 && ends[0].node === ends[1].node && ends[0].iface === ends[1].iface) {
				this.warn('link-self', ['links', i], `this link joins ${ends[0].node}.${ends[0].iface} to itself. A cable needs two different interfaces.`);
				return;
			}
			if (ends.length !== 2) return;
			const [a, b] = ends;
			const na = this.node(a.node)!;
			const nb = this.node(b.node)!;
			// MTU mismatch.
			const ma = mtuOf(na, a.iface);
			const mb = mtuOf(nb, b.iface);
			if (ma !== mb) {
				const [big, small] = ma > mb ? [a, b] : [b, a];
				this.warn(
					'mtu-mismatch',
					['links', i],
					`MTU mismatch on ${a.node}.${a.iface} (${ma}) – ${b.node}.${b.iface} (${mb}): frames larger than ${Math.min(ma, mb)} bytes that ${big.node} sends are silently dropped by ${small.node} (a black hole that small pings do not show). Set the same mtu on both ends.`
				);
			}
			this.lintLinkChannels(i, a, b);
		});

		// An interface in two links.
		for (const [k, idx] of this.linksOf) {
			if (idx.length < 2) continue;
			const [node, iface] = k.split('\u0000');
			if (!this.node(node)) continue;
			for (const j of idx.slice(1))
				this.warn(
					'interface-multiple-links',
					['links', j],
					`${node}.${iface} is already an end of links[${idx[0]}]; an interface takes one cable. Use another interface (or put a switch in between).`
				);
		}
	}

	/** VLAN agreement across one link. */
	lintLinkChannels(i: number, a: { node: string; iface: string }, b: { node: string; iface: string }) {
		const na = this.node(a.node)!;
		const nb = this.node(b.node)!;
		const chA = portChannels(this.t, a.node, a.iface, { includeDown: true });
		const chB = portChannels(this.t, b.node, b.iface, { includeDown: true });
		const swA = na.kind === 'switch';
		const swB = nb.kind === 'switch';
		if (swA && swB) {
			const ua = chA.get(0);
			const ub = chB.get(0);
			const va = ua?.split(':')[2];
			const vb = ub?.split(':')[2];
			if (va !== undefined && vb !== undefined && va !== vb) {
				this.warn(
					'native-vlan-mismatch',
					['links', i],
					`untagged frames are VLAN ${va} on ${a.node}.${a.iface} but VLAN ${vb} on ${b.node}.${b.iface}: the two VLANs leak into each other across this link. Use the same access VLAN / native VLAN on both ends.`
				);
			}
			return; // tagged VLANs between switches: see lintVlansAcrossSwitches
		}
		// A non-switch end: each channel it uses must be carried by the other end.
		const pairs: [typeof a, Map<number, string>, typeof b, Map<number, string>][] = [];
		if (!swA) pairs.push([a, chA, b, chB]);
		if (!swB) pairs.push([b, chB, a, chA]);
		for (const [me, mine, other, theirs] of pairs) {
			const n = this.node(me.node)!;
			for (const [c, ent] of mine) {
				if (theirs.has(c)) continue;
				const iface = ent.split(':').slice(2).join(':');
				const itf = n.interfaces?.[iface];
				if (c === 0) {
					if (!itf?.ip && !itf?.dhcp) continue; // an unaddressed parent sends nothing untagged
					const otherNode = this.node(other.node)!;
					if (otherNode.kind === 'switch') {
						this.warn(
							'untagged-on-trunk',
							['links', i],
							`${me.node}.${iface} sends untagged frames but ${other.node}.${other.iface} is a trunk without a native VLAN (it carries ${describeChannels(theirs)}): they are dropped. Make the port an access port (vlan: N), give the trunk a native VLAN, or use a subinterface ${iface}.N.`
						);
					} else {
						this.warn(
							'vlan-not-carried',
							['links', i],
							`${me.node}.${iface} sends untagged frames but ${other.node}.${other.iface} only has tagged subinterfaces (${describeChannels(theirs)}): nothing on the far end receives them. Use matching subinterfaces (or none) on both ends.`
						);
					}
				} else {
					this.warn(
						'vlan-not-carried',
						['links', i],
						`${me.node}.${iface} sends VLAN ${c} tagged, but ${other.node}.${other.iface} does not carry VLAN ${c} (it carries ${describeChannels(theirs)}): those frames are dropped. ${this.node(other.node)!.kind === 'switch' ? `Add ${c} to the trunk's allowed VLANs.` : `Declare ${other.node}.${other.iface}.${c} or remove the subinterface.`}`
					);
				}
			}
		}
	}

	/**
	 * A VLAN with users on two switches of one switched network that are not in
	 * the same VLAN domain: the trunk(s) between them do not carry it.
	 */
	lintVlansAcrossSwitches() {
		// VLANs each switch "uses": access VLANs (or native, or tags) of ports that face a non-switch end.
		const uses = new Map<number, Map<string, string[]>>(); // vlan -> switch -> [port]
		const swLinks: { i: number; a: string; ap: string; b: string; bp: string }[] = [];
		(this.t.links ?? []).forEach((l, i) => {
			const ea = parseEndpoint(l?.a);
			const eb = parseEndpoint(l?.b);
			if (!ea || !eb) return;
			const na = this.node(ea.node);
			const nb = this.node(eb.node);
			if (!na || !nb) return;
			if (na.kind === 'switch' && nb.kind === 'switch') {
				swLinks.push({ i, a: ea.node, ap: ea.iface, b: eb.node, bp: eb.iface });
				return;
			}
			for (const [sw, port, far] of [
				[ea, ea.iface, eb],
				[eb, eb.iface, ea]
			] as const) {
				if (this.node(sw.node)?.kind !== 'switch') continue;
				const mine = portChannels(this.t, sw.node, port, { includeDown: true });
				const theirs = portChannels(this.t, far.node, far.iface, { includeDown: true });
				for (const [c, ent] of mine) {
					if (!theirs.has(c)) continue;
					const v = Number(ent.split(':')[2]);
					const m = uses.get(v) ?? new Map<string, string[]>();
					m.set(sw.node, [...(m.get(sw.node) ?? []), port]);
					uses.set(v, m);
				}
			}
		});
		// Declared access ports that are not linked also show intent.
		for (const [id, n] of Object.entries(this.nodes)) {
			if (n?.kind !== 'switch') continue;
			for (const [p, itf] of Object.entries(n.interfaces ?? {})) {
				if (itf?.vlan === undefined || this.linksOf.has(`${id}\u0000${p}`)) continue;
				const m = uses.get(itf.vlan) ?? new Map<string, string[]>();
				m.set(id, [...(m.get(id) ?? []), p]);
				uses.set(itf.vlan, m);
			}
		}
		if (!swLinks.length) return;
		// Switch adjacency (regardless of VLAN), for naming the trunk on the path.
		const adj = new Map<string, { to: string; l: (typeof swLinks)[number] }[]>();
		for (const l of swLinks) {
			adj.set(l.a, [...(adj.get(l.a) ?? []), { to: l.b, l }]);
			adj.set(l.b, [...(adj.get(l.b) ?? []), { to: l.a, l }]);
		}
		const path = (from: string, to: string) => {
			const prev = new Map<string, { from: string; l: (typeof swLinks)[number] } | null>([[from, null]]);
			const q = [from];
			while (q.length) {
				const x = q.shift()!;
				for (const { to: y, l } of adj.get(x) ?? []) {
					if (!prev.has(y)) {
						prev.set(y, { from: x, l });
						q.push(y);
					}
				}
			}
			if (!prev.has(to)) return null;
			const out: (typeof swLinks)[number][] = [];
			let c = to;
			while (prev.get(c)) {
				const p = prev.get(c)!;
				out.unshift(p.l);
				c = p.from;
			}
			return out;
		};
		// Physical switch networks (ignoring VLANs).
		const comp = new Map<string, string>();
		const find = (x: string): string => {
			let r = x;
			while (comp.has(r) && comp.get(r) !== r) r = comp.get(r)!;
			return r;
		};
		for (const l of swLinks) {
			const ra = find(l.a);
			const rb = find(l.b);
			if (!comp.has(ra)) comp.set(ra, ra);
			if (!comp.has(rb)) comp.set(rb, rb);
			if (ra !== rb) comp.set(ra, rb);
		}
		const carries = (l: (typeof swLinks)[number], v: number) => {
			const ca = portChannels(this.t, l.a, l.ap, { includeDown: true });
			const cb = portChannels(this.t, l.b, l.bp, { includeDown: true });
			for (const [c, ea] of ca) if (ea === `sw:${l.a}:${v}` && cb.get(c) === `sw:${l.b}:${v}`) return true;
			return false;
		};
		for (const [v, bySw] of [...uses].sort((x, y) => x[0] - y[0])) {
			// Switches using VLAN v, grouped by VLAN domain, then by physical network.
			const byDomain = new Map<number, string[]>();
			for (const sw of bySw.keys()) {
				const d = this.segs.bySwitchVlan.get(`${sw}\u0000${v}`);
				if (d) byDomain.set(d.id, [...(byDomain.get(d.id) ?? []), sw]);
			}
			const domains = [...byDomain.values()];
			for (let x = 0; x < domains.length; x++) {
				for (let y = x + 1; y < domains.length; y++) {
					let pair: [string, string] | undefined;
					for (const s1 of domains[x]) {
						const c1 = find(s1);
						const s2 = domains[y].find((s) => find(s) === c1 && comp.has(c1));
						if (s2) {
							pair = [s1, s2];
							break;
						}
					}
					if (!pair) continue; // separate switched networks: separate LANs
					const [s1, s2] = pair;
					const p = path(s1, s2);
					const culprit = p?.find((l) => !carries(l, v));
					if (!culprit) continue;
					const ca = portChannels(this.t, culprit.a, culprit.ap, { includeDown: true });
					const cb = portChannels(this.t, culprit.b, culprit.bp, { includeDown: true });
					this.warn(
						'vlan-not-carried',
						['links', culprit.i],
						`VLAN ${v} has ports on ${s1} (${bySw.get(s1)!.join(', ')}) and on ${s2} (${bySw.get(s2)!.join(', ')}), but ${culprit.a}.${culprit.ap} – ${culprit.b}.${culprit.bp} does not carry it (${culprit.a}.${culprit.ap}: ${describeChannels(ca)}; ${culprit.b}.${culprit.bp}: ${describeChannels(cb)}). The two halves of VLAN ${v} cannot reach each other (ARP fails). Add ${v} to the trunk on both ends if they should.`
					);
				}
			}
		}
	}

	/**
	 * A product's vSwitch that tags port groups on an uplink (ESXi): each VLAN a
	 * guest uses must be carried by the far end of the uplink's cable, or that
	 * port group is cut off from everything beyond the hypervisor.
	 */
	lintProductUplinks() {
		const rt = this.segs.resolved;
		if (!rt) return;
		for (const l of rt.links) {
			if (l.index === null) continue;
			for (const [mine, far] of [
				[l.a, l.b],
				[l.b, l.a]
			] as const) {
				const sw = rt.nodes.get(mine.node);
				if (sw?.kind !== 'virtual-switch' || !sw.owner || !this.segs.resolvedHypervisors.has(sw.owner)) continue;
				const up = sw.interfaces.find((i) => i.name === mine.iface);
				if (!up || up.trunk === undefined || !this.node(far.node)) continue;
				const theirs = portChannels(this.t, far.node, far.iface, { includeDown: true });
				// VLANs used by the guests: access port groups, and the tags a VGT guest sends itself
				const used = new Map<number, { guests: string[]; pgs: Set<string> }>(); // channel -> guests, their port groups
				for (const vl of rt.links) {
					if (vl.index !== null) continue;
					const [port, guest] = vl.a.node === sw.id ? [vl.a, vl.b] : vl.b.node === sw.id ? [vl.b, vl.a] : [null, null];
					if (!port || !guest || !this.node(guest.node) || guest.node === sw.owner) continue;
					const p = sw.interfaces.find((i) => i.name === port.iface);
					if (!p) continue;
					// [channel on the uplink, the guest's own (sub)interface on it]
					const chans: [number, string][] = [];
					if (p.trunk === undefined) {
						if (p.vlan !== undefined) chans.push([p.vlan === up.native ? 0 : p.vlan, guest.iface]);
					} else {
						for (const [c] of portChannels(this.t, guest.node, guest.iface, { includeDown: true }))
							if (c === 0 || p.trunk.includes(c)) chans.push([c, c === 0 ? guest.iface : `${guest.iface}.${c}`]);
					}
					for (const [c, name] of chans) {
						const itf = this.itfs(guest.node)[name];
						if (!itf?.ip && !itf?.dhcp) continue; // nothing addressed sends on that channel
						const u = used.get(c) ?? { guests: [], pgs: new Set<string>() };
						u.guests.push(`${guest.node}.${name}`);
						const pg = this.itfs(guest.node)[guest.iface]?.network;
						if (pg) u.pgs.add(pg);
						used.set(c, u);
					}
				}
				for (const [c, { guests, pgs: pgSet }] of [...used].sort((x, y) => x[0] - y[0])) {
					if (theirs.has(c)) continue;
					const pgs = [...pgSet];
					const link = this.t.links[l.index];
					const hvEnd = [link?.a, link?.b].find((e) => parseEndpoint(e)?.node === sw.owner) ?? sw.owner;
					const what = `${c === 0 ? 'send' : 'tag'}${pgs.length > 1 ? '' : 's'} ${c === 0 ? 'untagged frames' : `VLAN ${c}`}`;
					this.warn(
						'vlan-not-carried',
						['links', l.index],
						`${sw.owner}'s port group${pgs.length > 1 ? 's' : ''} ${pgs.join(', ') || `VLAN ${c}`} ${what} on ${hvEnd}, but ${far.node}.${far.iface} does not carry ${c === 0 ? 'untagged frames' : `VLAN ${c}`} (it carries ${describeChannels(theirs)}): ${guests.join(', ')} ${guests.length > 1 ? 'are' : 'is'} cut off from everything beyond ${sw.owner}. ${c === 0 ? `Give ${far.node}.${far.iface} a native VLAN.` : `Add ${c} to ${far.node}.${far.iface}'s trunk.`}`
					);
				}
			}
		}
	}

	lintLoops() {
		const managed = new Set([...this.managed.keys()].filter((s) => this.node(s)?.kind === 'switch'));
		for (const loop of findSwitchLoops(this.t, managed)) {
			const cyc = [...loop.switches, loop.switches[0]].join(' – ');
			const vl = `VLAN${loop.vlans.length > 1 ? 's' : ''} ${compressVlans(loop.vlans)}`;
			const links = loop.links.map((l) => `links[${l}]`).join(', ');
			if (!loop.managed) {
				this.warn(
					'l2-loop',
					['links', loop.link],
					`switch loop ${cyc} in ${vl} (${links}): without a blocking protocol every broadcast (ARP) circulates forever, a broadcast storm. Remove or shut (down: true) one of these links, or bond them.`
				);
				continue;
			}
			const ctrls = new Set(loop.switches.flatMap((s) => this.managed.get(s) ?? []));
			const standalone = [...ctrls].filter((c) => (this.node(c)?.['fail-mode'] ?? 'standalone') === 'standalone');
			if (standalone.length)
				this.warn(
					'sdn-standalone-loop',
					['links', loop.link],
					`managed switches ${cyc} form a loop in ${vl} (${links}). Fine while ${standalone.join(', ')} computes the paths, but with fail-mode standalone the switches fall back to MAC learning if the controller is lost, and the loop becomes a broadcast storm. Set fail-mode: secure on ${standalone.join(', ')}.`
				);
		}
	}

	// ------------------------------------------------------------ segments

	lintSegments() {
		for (const seg of this.segs.segments) {
			const addrs = this.addrsBySeg.get(seg.id) ?? [];
			// Duplicate addresses.
			const byAddr = new Map<number, Addr[]>();
			for (const a of addrs) byAddr.set(a.cidr.addr, [...(byAddr.get(a.cidr.addr) ?? []), a]);
			for (const [ip, list] of byAddr) {
				if (list.length < 2) continue;
				// VRRP: routers of one group share the vip; the address owner may hold it as its ip.
				const groups = new Set(list.filter((a) => a.role === 'vrrp').map((a) => a.group));
				const real = list.filter((a) => a.role !== 'vrrp');
				const ownerOk =
					real.length <= 1 &&
					groups.size === 1 &&
					real.every((r) => this.itfs(r.node)[r.iface]?.vrrp?.group === [...groups][0] && parseIp(this.itfs(r.node)[r.iface]?.vrrp?.vip) === ip);
				if (groups.size <= 1 && real.length === 0) continue;
				if (ownerOk) continue;
				const first = list[0];
				const desc = (a: Addr) =>
					a.role === 'ip'
						? `${a.node}.${a.iface}`
						: a.role === 'vrrp'
							? `the VRRP vip of ${a.node}.${a.iface} (group ${a.group})`
							: a.role === 'lb-vip'
								? `the vip of load balancer ${a.node}`
								: `${a.label ?? a.node}'s ${a.role === 'nat-gateway' ? 'NAT gateway' : 'host-only'} address`;
				for (const a of list.slice(1)) {
					if (a.role === 'vrrp' && first.role === 'vrrp' && a.group === first.group) continue;
					this.warn(
						'duplicate-ip',
						a.role === 'nat-gateway' || a.role === 'host-only' ? first.path : a.path,
						`${u32ToIp(ip)} is used by both ${desc(first)} and ${desc(a)} on the same L2 segment (${seg.label}): ARP answers will conflict and traffic reaches whichever answers last. Give each a unique address.`
					);
				}
			}
			// Network / broadcast addresses.
			for (const a of addrs) {
				if (a.role !== 'ip' || a.cidr.len >= 31) continue;
				if (a.cidr.addr === a.cidr.net)
					this.warn('ip-network-address', a.path, `${u32ToIp(a.cidr.addr)}/${a.cidr.len} is the network address of ${cidrText(a.cidr)}; hosts cannot use it. Pick an address between ${u32ToIp(a.cidr.net + 1)} and ${u32ToIp(a.cidr.last - 1)}.`);
				else if (a.cidr.addr === a.cidr.last)
					this.warn('ip-broadcast-address', a.path, `${u32ToIp(a.cidr.addr)}/${a.cidr.len} is the broadcast address of ${cidrText(a.cidr)}; hosts cannot use it. Pick an address between ${u32ToIp(a.cidr.net + 1)} and ${u32ToIp(a.cidr.last - 1)}.`);
			}
			// Subnet mismatch among interface addresses.
			const ips = addrs.filter((a) => a.role === 'ip' || a.role === 'nat-gateway' || a.role === 'host-only');
			const byNet = new Map<string, Addr[]>();
			for (const a of ips) byNet.set(cidrText(a.cidr), [...(byNet.get(cidrText(a.cidr)) ?? []), a]);
			if (byNet.size > 1) {
				const groups = [...byNet.entries()].sort((x, y) => y[1].length - x[1].length);
				const [refNet, refList] = groups[0];
				const names = (l: Addr[]) => l.map((a) => (a.role === 'ip' ? `${a.node}.${a.iface}` : `${a.label ?? a.node} (${a.iface})`)).join(', ');
				for (const [net, list] of groups.slice(1)) {
					for (const a of list) {
						if (a.role !== 'ip') continue;
						this.warn(
							'segment-subnet-mismatch',
							a.path,
							`${a.node}.${a.iface} (${u32ToIp(a.cidr.addr)}/${a.cidr.len}, subnet ${net}) is on the same L2 segment (${seg.label}) as ${names(refList)} in ${refNet}: they cannot talk without a router. Use an address in ${refNet}${seg.switches.length ? ', or move the port to another VLAN' : ''}.`
						);
					}
				}
			}
			// MTU mismatch on a switched segment (links are checked one by one).
			if (seg.switches.length) {
				const l3 = seg.interfaces.filter((r) => {
					const itf = this.itfs(r.node)[r.iface];
					return itf?.ip || itf?.dhcp;
				});
				const mtus = new Map<number, string[]>();
				for (const r of l3) {
					const m = mtuOf(this.node(r.node)!, r.iface);
					mtus.set(m, [...(mtus.get(m) ?? []), `${r.node}.${r.iface}`]);
				}
				if (mtus.size > 1) {
					const parts = [...mtus].sort((x, y) => y[0] - x[0]).map(([m, l]) => `${m}: ${l.join(', ')}`);
					const r = l3.find((x) => mtuOf(this.node(x.node)!, x.iface) === Math.min(...mtus.keys()))!;
					this.warn(
						'segment-mtu-mismatch',
						['nodes', r.node, 'interfaces', r.iface],
						`interfaces on ${seg.label} disagree on the MTU (${parts.join('; ')}): a large frame from a bigger-MTU interface is silently dropped by a smaller one (no ICMP). Use one MTU per L2 segment.`
					);
				}
			}
			// VRRP: group conflicts and groups without a peer.
			const vr = addrs.filter((a) => a.role === 'vrrp');
			const byGroup = new Map<number, Addr[]>();
			for (const a of vr) byGroup.set(a.group!, [...(byGroup.get(a.group!) ?? []), a]);
			for (const [g, list] of byGroup) {
				const vips = new Set(list.map((a) => a.cidr.addr));
				if (vips.size > 1)
					this.warn(
						'vrrp-group-conflict',
						list[1].path,
						`VRRP group ${g} on ${seg.label} is configured with different virtual addresses (${[...vips].map(u32ToIp).join(', ')}): both use the virtual MAC 00:00:5e:00:01:${g.toString(16).padStart(2, '0')}. Give each virtual router its own group id, or the same vip.`
					);
				else if (new Set(list.map((a) => a.node)).size === 1)
					this.warn(
						'vrrp-no-peer',
						list[0].path,
						`VRRP group ${g} (${u32ToIp(list[0].cidr.addr)}) has only ${list[0].node} on ${seg.label}: there is no backup router, so it gives no redundancy. Configure the same group and vip on a second router's interface on this segment.`
					);
			}
		}
	}

	lintMacs() {
		const seen = new Map<string, { node: string; iface: string }>();
		for (const [id, n] of Object.entries(this.nodes)) {
			for (const [name, itf] of Object.entries(n?.interfaces ?? {})) {
				const mac = itf?.mac?.toLowerCase();
				if (!mac) continue;
				const path = ['nodes', id, 'interfaces', name, 'mac'];
				const first = Number.parseInt(mac.slice(0, 2), 16);
				if (Number.isFinite(first) && first & 1)
					this.warn('multicast-mac', path, `${mac} has the multicast (group) bit set in its first octet; an interface address must be unicast. Use e.g. 02:… (locally administered).`);
				const prev = seen.get(mac);
				if (!prev) {
					seen.set(mac, { node: id, iface: name });
					continue;
				}
				const s1 = this.segs.of(prev.node, prev.iface);
				const s2 = this.segs.of(id, name);
				const same = !!s1 && s1 === s2;
				if (prev.node === id && !same) continue; // e.g. a subinterface sharing its parent's MAC
				this.warn(
					'duplicate-mac',
					path,
					same
						? `${mac} is also the MAC of ${prev.node}.${prev.iface} on the same segment (${s1!.label}): switches will flap between the two ports and both lose traffic. Remove one \`mac\` (it is derived uniquely when absent).`
						: `${mac} is also the MAC of ${prev.node}.${prev.iface} (a cloned VM?). Harmless while they are on different segments, but it breaks as soon as they share one. Remove one \`mac\` (it is derived uniquely when absent).`
				);
			}
		}
	}

	// ------------------------------------------------------------ addressing and routing

	lintRouting() {
		for (const [id, n] of Object.entries(this.nodes)) {
			if (!n || n.kind === 'switch' || n.kind === 'sdn-controller') continue;
			const { subnets, unknown } = this.connected(id);
			const own = new Set(this.nodeAddresses(id) ?? []);
			const itfs = n.interfaces ?? {};

			// Overlapping subnets on one node.
			for (let x = 0; x < subnets.length; x++) {
				for (let y = x + 1; y < subnets.length; y++) {
					const A = subnets[x];
					const B = subnets[y];
					if (!cidrsOverlap(A.cidr, B.cidr)) continue;
					const pathB = itfs[B.iface] ? ['nodes', id, 'interfaces', B.iface, itfs[B.iface].ip ? 'ip' : 'attach'] : ['nodes', id];
					const what = FORWARDING_KINDS.has(n.kind) ? `router ${id} cannot tell which interface a packet for the overlap belongs to` : `${id} has two routes for the same addresses (ARP and replies may leave the wrong interface)`;
					this.warn(
						'overlapping-subnets',
						pathB,
						`${B.iface} (${cidrText(B.cidr)}) overlaps ${A.iface} (${cidrText(A.cidr)}) on ${id}: ${what}. Give each interface its own, non-overlapping subnet${n.kind === 'hypervisor' ? ' (or move the NAT network with nat.subnet)' : ''}.`
					);
				}
			}

			const inSome = (addr: number) => subnets.some((s) => cidrContains(s.cidr, addr));
			const list = subnets.map((s) => `${cidrText(s.cidr)} (${s.iface})`).join(', ') || 'none';

			// Routes: the gateways first (0.0.0.0/0 metric 0), then `routes`.
			const seenRoute = new Map<string, Path>();
			const addRoute = (prefix: string, metric: number, path: Path, what: string) => {
				const k = `${prefix}|${metric}`;
				const prev = seenRoute.get(k);
				if (prev) {
					this.warn(
						'duplicate-route',
						path,
						`${what} has the same prefix ${prefix} and metric ${metric} as ${fmtPath(prev)}; only the first is used. Remove one, or give the backup a higher metric.`
					);
				} else seenRoute.set(k, path);
			};
			const checkHop = (addr: number, path: Path, kind: 'gateway' | 'next-hop', text: string) => {
				if (own.has(addr)) {
					this.warn(`${kind}-is-self`, path, `${text} ${u32ToIp(addr)} is ${id}'s own address; a ${kind === 'gateway' ? 'gateway' : 'next hop'} must be another node on a connected subnet.`);
					return;
				}
				if (!inSome(addr)) {
					if (unknown) return;
					this.warn(
						`${kind}-outside-subnet`,
						path,
						`${text} ${u32ToIp(addr)} is not in any subnet ${id} is connected to (${list}): the route cannot be installed (Linux: "Nexthop has invalid gateway"). Use an address on one of these subnets.`
					);
					return;
				}
				if (this.holderOnSegment(id, addr) === 'missing')
					this.warn(
						`${kind}-not-found`,
						path,
						`${text} ${u32ToIp(addr)} is in ${id}'s subnet but no interface on that segment has this address: ARP for it gets no answer and traffic using it ends HOST_UNREACHABLE. Point it at an existing router address.`
					);
			};
			let hasDefault = false;
			for (const [name, itf] of Object.entries(itfs)) {
				if (!itf?.gateway) continue;
				hasDefault = true;
				const path = ['nodes', id, 'interfaces', name, 'gateway'];
				const g = parseIp(itf.gateway);
				if (g !== null) checkHop(g, path, 'gateway', `gateway`);
				addRoute('0.0.0.0/0', 0, path, `gateway ${itf.gateway}`);
			}
			(n.routes ?? []).forEach((r, k) => {
				const path = ['nodes', id, 'routes', k];
				const c = parseCidr(r?.to);
				if (!c) return;
				if (c.len === 0) hasDefault = true;
				if (c.addr !== c.net)
					this.warn('route-host-bits', [...path, 'to'], `route prefix ${r.to} has host bits set (did you mean ${cidrText(c)}?); Linux refuses it ("Invalid prefix for given prefix length").`);
				const conn = subnets.find((s) => s.cidr.net === c.net && s.cidr.len === c.len);
				if (conn && !r.blackhole)
					this.warn(
						'route-shadowed-by-connected',
						path,
						`route to ${cidrText(c)} is the connected subnet of ${conn.iface}; the connected route always wins, so this one is never used. Remove it.`
					);
				addRoute(cidrText(c), r.metric ?? 0, path, `route to ${r.to}`);
				if (r.via && !r.blackhole) {
					const v = parseIp(r.via);
					if (v !== null) checkHop(v, [...path, 'via'], 'next-hop', `next hop`);
				}
			});
			if (Object.values(itfs).some((i) => i?.dhcp)) hasDefault = true;

			// An endpoint with no default route on a segment where a router lives. A
			// multi-homed endpoint (addresses in several subnets, e.g. a VM that tags
			// its own VLANs) sits in each of its networks on purpose: which one should
			// carry a default route is a choice, not an omission, so it is not flagged.
			const ownNets = new Set(Object.values(itfs).map((i) => parseCidr(i?.ip)).filter((c): c is Cidr => !!c).map(cidrText));
			if (!hasDefault && !(n.routes ?? []).length && ownNets.size < 2 && ['host', 'vm', 'container'].includes(n.kind)) {
				for (const [name, itf] of Object.entries(itfs)) {
					if (!itf?.ip) continue;
					const seg = this.segs.of(id, name);
					const c = parseCidr(itf.ip)!;
					const r = (this.addrsBySeg.get(seg?.id ?? -1) ?? []).find(
						(a) => a.node !== id && ['router', 'firewall', 'nat-gateway'].includes(this.node(a.node)?.kind ?? 'host') && cidrContains(c, a.cidr.addr)
					);
					if (r) {
						this.warn(
							'missing-gateway',
							['nodes', id, 'interfaces', name],
							`${id} has no gateway (and no routes) although ${r.node} (${u32ToIp(r.cidr.addr)}) routes for its subnet: it can only reach ${cidrText(c)}. Add gateway: ${u32ToIp(r.cidr.addr)} if it should reach other networks.`
						);
						break;
					}
				}
			}
		}
	}

	// ------------------------------------------------------------ connectivity and hypervisors

	lintAttachments() {
		for (const [id, n] of Object.entries(this.nodes)) {
			if (!n) continue;
			const itfs = n.interfaces ?? {};
			let hv: Node | undefined;
			if (n.on !== undefined) {
				hv = this.node(n.on);
				if (!hv) this.warn('on-unknown-node', ['nodes', id, 'on'], `${id} runs on "${n.on}", which is not in \`nodes\`. Name an existing hypervisor.`);
				else if (hv.kind !== 'hypervisor') {
					this.warn('on-not-hypervisor', ['nodes', id, 'on'], `${id} runs on "${n.on}", a ${hv.kind}; only a hypervisor hosts guests. Change its kind or name a hypervisor.`);
					hv = undefined;
				}
			}
			for (const [name, itf] of Object.entries(itfs)) {
				if (!itf?.attach) continue;
				const path = ['nodes', id, 'interfaces', name, 'attach'];
				if (n.on === undefined) {
					this.warn(
						'attach-without-on',
						path,
						`${id}.${name} uses attach: ${itf.attach} but ${id} has no \`on:\`, so there is no hypervisor to attach to and the interface is connected to nothing. Add on: <hypervisor> to ${id}, or link the interface instead.`
					);
				}
				if (this.linksOf.has(`${id}\u0000${name}`))
					this.warn('attach-and-link', path, `${id}.${name} is attached (${itf.attach}) and also an end of a link; an interface is either attached through its hypervisor or cabled, not both. Remove the attach or the link.`);
				if (hv && itf.attach === 'bridged') {
					const up = uplinkOf(hv, itf);
					if (!up)
						this.warn('uplink-unknown-interface', path, `${id}.${name} is bridged but hypervisor ${n.on} has no interfaces to bridge onto. Give ${n.on} an uplink interface.`);
					else if (!interfaceNames(hv).has(up))
						this.warn('uplink-unknown-interface', ['nodes', id, 'interfaces', name, 'uplink'], `${id}.${name} bridges onto "${up}", which is not an interface of ${n.on} (it has ${Object.keys(hv.interfaces ?? {}).join(', ') || 'none'}).`);
				}
			}
		}
	}

	lintConnectivity() {
		const hasGuests = new Set<string>();
		for (const n of Object.values(this.nodes)) if (n?.on && Object.values(n.interfaces ?? {}).some((i) => i?.attach)) hasGuests.add(n.on);
		for (const [id, n] of Object.entries(this.nodes)) {
			if (!n || n.kind === 'sdn-controller') continue;
			const itfs = n.interfaces ?? {};
			const attached = Object.values(itfs).some((i) => i?.attach);
			if (!this.linkedNodes.has(id) && !attached && !hasGuests.has(id)) {
				this.warn('node-isolated', ['nodes', id], `${id} is in no link${n.on !== undefined ? ' and has no attached interface' : ''}: it is connected to nothing. Link one of its interfaces${n.kind === 'vm' || n.kind === 'container' ? ' or attach it to its hypervisor' : ''}, or remove it.`);
				continue;
			}
			if (n.kind === 'switch') continue;
			const members = new Map<string, string>();
			for (const [b, itf] of Object.entries(itfs)) for (const m of itf?.bond?.members ?? []) members.set(m, b);
			for (const [name, itf] of Object.entries(itfs)) {
				if (!itf || (!itf.ip && !itf.dhcp) || itf.attach) continue;
				const sub = splitSubinterface(name);
				const phys = sub ? sub.parent : name;
				const cables = itfs[phys]?.bond ? (itfs[phys].bond!.members ?? []) : [phys];
				if (cables.some((c) => this.linksOf.has(`${id}\u0000${c}`))) continue;
				// a tagged subinterface of an attached interface (an ESXi VGT guest, port group VLAN 4095): connected when its VLAN reaches something
				if (sub && itfs[phys]?.attach) {
					const seg = this.segs.of(id, name);
					if (seg && (seg.interfaces.length > 1 || seg.implicit.length || seg.switches.length)) continue;
				}
				if (n.kind === 'hypervisor' && Object.values(this.nodes).some((g) => g?.on === id && Object.values(g.interfaces ?? {}).some((gi) => gi?.attach === 'bridged' && uplinkOf(n, gi) === name))) continue;
				this.warn(
					'interface-unconnected',
					['nodes', id, 'interfaces', name],
					`${id}.${name} has an address but no cable${cables.length > 1 || cables[0] !== name ? ` (on ${cables.join(', ')})` : ''}: nothing can reach it. Add a link, or remove the interface.`
				);
			}
		}
	}

	lintHypervisors() {
		const capacity = (id: string) => {
			const hv = this.node(id)!;
			const oc = { cpu: hv.overcommit?.cpu ?? 4, memory: hv.overcommit?.memory ?? 1 };
			return { vcpu: hv.vcpu, memory: hv.memory, oc };
		};
		const demand = (ids: string[]) => {
			let vcpu = 0;
			let memory = 0;
			for (const g of ids) {
				vcpu += this.node(g)?.vcpu ?? 0;
				memory += this.node(g)?.memory ?? 0;
			}
			return { vcpu, memory };
		};
		for (const [id, hv] of Object.entries(this.nodes)) {
			if (hv?.kind !== 'hypervisor') continue;
			const guests = guestsOf(this.t, id);
			const { vcpu, memory, oc } = capacity(id);
			const d = demand(guests);
			if (vcpu !== undefined && d.vcpu > vcpu * oc.cpu)
				this.warn(
					'hypervisor-overcommit',
					['nodes', id, 'vcpu'],
					`${id}'s guests have ${d.vcpu} vCPUs in all, more than its ${vcpu} CPUs x overcommit ${oc.cpu} = ${vcpu * oc.cpu}. Move guests to another hypervisor, shrink them, or raise overcommit.cpu if you accept the contention.`
				);
			if (memory !== undefined && d.memory > memory * oc.memory)
				this.warn(
					'hypervisor-overcommit',
					['nodes', id, 'memory'],
					`${id}'s guests have ${fmtBytes(d.memory)} of memory in all, more than its ${fmtBytes(memory)} x overcommit ${oc.memory} = ${fmtBytes(memory * oc.memory)}: they will swap or be killed. Move guests, shrink them, or add memory.`
				);
			if (hv.ha) {
				const to = this.node(hv.ha.to);
				if (!to || to.kind !== 'hypervisor' || hv.ha.to === id) {
					this.warn(
						'ha-unknown-target',
						['nodes', id, 'ha', 'to'],
						hv.ha.to === id
							? `${id} fails over to itself; ha.to must name another hypervisor.`
							: `${id} fails over to "${hv.ha.to}", which is ${to ? `a ${to.kind}, not a hypervisor` : 'not in `nodes`'}. Name another hypervisor.`
					);
				} else {
					const c2 = capacity(hv.ha.to);
					const d2 = demand([...guestsOf(this.t, hv.ha.to), ...guests]);
					const over: string[] = [];
					if (c2.vcpu !== undefined && d2.vcpu > c2.vcpu * c2.oc.cpu) over.push(`${d2.vcpu} vCPUs > ${c2.vcpu * c2.oc.cpu}`);
					if (c2.memory !== undefined && d2.memory > c2.memory * c2.oc.memory) over.push(`${fmtBytes(d2.memory)} > ${fmtBytes(c2.memory * c2.oc.memory)}`);
					if (over.length)
						this.warn(
							'ha-capacity',
							['nodes', id, 'ha', 'to'],
							`if ${id} fails, its guests restart on ${hv.ha.to}, which then holds ${over.join(' and ')} (its capacity x overcommit). Keep spare capacity on ${hv.ha.to} for the failover.`
						);
				}
			}
		}
	}

	// ------------------------------------------------------------ node features

	lintNat() {
		for (const [id, n] of Object.entries(this.nodes)) {
			if (!n) continue;
			const names = interfaceNames(n);
			if (n.kind === 'nat-gateway' && !(n.nat?.masquerade ?? []).length)
				this.warn(
					'nat-gateway-no-masquerade',
					n.nat ? ['nodes', id, 'nat'] : ['nodes', id, 'kind'],
					`nat-gateway ${id} masquerades no interface, so private sources leave untranslated (and replies cannot find their way back from the internet). Add nat: { masquerade: [<wan interface>] }.`
				);
			(n.nat?.masquerade ?? []).forEach((m, k) => {
				if (!names.has(m)) this.warn('nat-unknown-interface', ['nodes', id, 'nat', 'masquerade', k], `masquerade names "${m}", which is not an interface of ${id} (it has ${[...names].join(', ') || 'none'}).`);
				else if (!n.interfaces?.[m]?.ip && !n.interfaces?.[m]?.dhcp)
					this.warn('nat-unknown-interface', ['nodes', id, 'nat', 'masquerade', k], `masquerade on ${id}.${m}, which has no address to translate to. Give it an ip.`);
			});
			(n.nat?.forwards ?? []).forEach((f, k) => {
				const path = ['nodes', id, 'nat', 'forwards', k];
				if (f?.in !== undefined && !names.has(f.in))
					this.warn('nat-unknown-interface', [...path, 'in'], `port forward arrives on "${f.in}", which is not an interface of ${id} (it has ${[...names].join(', ') || 'none'}).`);
				const m = /^(.*):(\d+)$/.exec(f?.to ?? '');
				if (!m) return;
				const [, target, portS] = m;
				const port = Number(portS);
				let tnode: string | undefined;
				if (isAddrLike(target)) {
					const a = parseIp(target);
					if (a === null) return;
					tnode = Object.keys(this.nodes).find((x) => (this.nodeAddresses(x) ?? []).includes(a) && x !== id);
					if (!tnode) {
						const dhcpAround = Object.values(this.nodes).some((x) => Object.values(x?.interfaces ?? {}).some((i) => i?.dhcp));
						if (!dhcpAround)
							this.warn('nat-forward-target', [...path, 'to'], `port forward to ${f.to}: no node has the address ${target}, so forwarded connections go nowhere. Point it at an existing server.`);
						return;
					}
				} else {
					tnode = target;
					if (!this.node(target)) {
						this.warn('nat-forward-target', [...path, 'to'], `port forward to ${f.to}: there is no node "${target}". Name an existing node.`);
						return;
					}
					if (n.kind === 'hypervisor') {
						const g = this.node(target)!;
						// a NAT guest: any mode with NAT in the hypervisor's product (presets.md), or a Hyper-V NetNat internal switch
						const natGuest = (i: { attach?: string } | undefined) =>
							productMode(n.product, i?.attach)?.nat !== undefined || (n.product === 'hyper-v' && i?.attach === 'internal' && n.nat?.subnet !== undefined);
						if (g.on !== id || !Object.values(g.interfaces ?? {}).some(natGuest))
							this.warn('nat-forward-target', [...path, 'to'], `${id} forwards ${f.proto}/${f.port} to ${target}, which is not a NAT guest of ${id}; a hypervisor's forwards lead into its own NAT network only.`);
					}
				}
				const t = this.node(tnode)!;
				const listens =
					(t.services ?? []).some((s) => s.proto === f.proto && s.port === port) ||
					// a chained forward: the target hypervisor forwards that port on to a guest
					(t.nat?.forwards ?? []).some((g) => g?.proto === f.proto && g?.port === port);
				if (ENDPOINT_KINDS.has(t.kind) && !listens)
					this.warn(
						'nat-forward-no-service',
						[...path, 'to'],
						`port forward ${f.proto}/${f.port} → ${f.to}: ${tnode} does not listen on ${f.proto}/${port}, so forwarded connections are refused. Add ${f.proto}/${port} to ${tnode}'s services or fix the port.`
					);
			});
		}
	}

	lintRules() {
		for (const [id, n] of Object.entries(this.nodes)) {
			if (!n) continue;
			const rules = n.rules ?? [];
			if (n.kind === 'firewall' && !rules.length) {
				const policy = n.policy ?? 'deny';
				this.warn(
					'firewall-no-rules',
					['nodes', id],
					policy === 'deny'
						? `firewall ${id} has no rules and policy deny: it forwards nothing at all. Add allow rules for the traffic it should pass.`
						: `firewall ${id} has no rules and policy allow: it filters nothing (a plain router). Add rules, or make it a router.`
				);
			}
			if (FORWARDING_KINDS.has(n.kind) || n.kind === 'switch' || n.kind === 'sdn-controller') {
				if ((n.services ?? []).length)
					this.warn(
						'services-ignored',
						['nodes', id, 'services'],
						`${id} is a ${n.kind}; ${FORWARDING_KINDS.has(n.kind) ? 'forwarding nodes answer for their own addresses like an endpoint with no services' : 'it is not an endpoint'}, so these services are never answered. Run the service on a host behind it.`
					);
			}
			const names = interfaceNames(n);
			rules.forEach((r, k) => {
				const path = ['nodes', id, 'rules', k];
				for (const f of ['in', 'out'] as const) {
					const v = r?.[f];
					if (v !== undefined && !names.has(v))
						this.warn('rule-unknown-interface', [...path, f], `rule ${f}: ${v} — ${id} has no interface "${v}" (it has ${[...names].join(', ') || 'none'}), so this rule never matches.`);
				}
				for (const f of ['from', 'to'] as const) {
					const v = r?.[f];
					if (v === undefined || v === 'any' || isAddrLike(v)) continue;
					if (!this.node(v)) this.warn('rule-unknown-node', [...path, f], `rule ${f}: ${v} — there is no node "${v}" (nor is it an address or CIDR), so this rule never matches.`);
				}
			});
			// Shadowed rules.
			for (let k = 1; k < rules.length; k++) {
				for (let j = 0; j < k; j++) {
					if (!this.covers(rules[j], rules[k])) continue;
					const same = rules[j].action === rules[k].action;
					this.warn(
						'rule-shadowed',
						['nodes', id, 'rules', k],
						same
							? `rule ${k} (${rules[k].action}) can never match: rule ${j} before it matches every packet it would, with the same action. Remove it (it is redundant).`
							: `rule ${k} (${rules[k].action}) can never match: rule ${j} (${rules[j].action}) before it matches every packet it would (first match wins). Move it above rule ${j} or narrow rule ${j}.`
					);
					break;
				}
			}
		}
	}

	/** Address set of a rule's from/to: 'any', a list of CIDRs, or null (unknown). */
	ruleSet(v: string | undefined): 'any' | Cidr[] | null {
		if (v === undefined || v === 'any') return 'any';
		if (isAddrLike(v)) {
			const c = parseCidr(v);
			return c ? [c] : null;
		}
		const a = this.nodeAddresses(v);
		if (!a) return null;
		return a.map((x) => cidrOfParts(x, 32));
	}

	/** Does rule A match every packet rule B matches? (conservative: false when unsure) */
	covers(A: Rule, B: Rule): boolean {
		if (!A || !B) return false;
		if ((A.direction ?? 'in') !== (B.direction ?? 'in')) return false;
		if (A.proto !== undefined && A.proto !== B.proto) return false;
		for (const f of ['in', 'out'] as const) if (A[f] !== undefined && A[f] !== B[f]) return false;
		for (const f of ['port', 'sport'] as const) {
			const a = A[f];
			const b = B[f];
			if (a === undefined) continue;
			if (b === undefined || b.from < a.from || b.to > a.to) return false;
		}
		for (const f of ['from', 'to'] as const) {
			const a = this.ruleSet(A[f]);
			const b = this.ruleSet(B[f]);
			if (a === 'any') continue;
			if (a === null || b === null || b === 'any') return false;
			if (!b.length) return false; // B names nothing (unknown node): already reported
			if (!b.every((cb) => a.some((ca) => ca.net <= cb.net && cb.last <= ca.last))) return false;
		}
		return true;
	}

	lintVrrpAndLb() {
		for (const [id, n] of Object.entries(this.nodes)) {
			if (!n) continue;
			for (const [name, itf] of Object.entries(n.interfaces ?? {})) {
				if (!itf?.vrrp) continue;
				const path = ['nodes', id, 'interfaces', name, 'vrrp', 'vip'];
				const c = parseCidr(itf.ip);
				const v = parseIp(itf.vrrp.vip);
				if (v === null) continue;
				if (!c)
					this.warn('vrrp-vip-outside-subnet', path, `${id}.${name} runs VRRP but has no address of its own: VRRP needs one (adverts are sourced from it). Give ${name} an ip in the vip's subnet.`);
				else if (!cidrContains(c, v))
					this.warn(
						'vrrp-vip-outside-subnet',
						path,
						`VRRP vip ${itf.vrrp.vip} is outside ${id}.${name}'s subnet ${cidrText(c)}: hosts on that subnet cannot use it as their gateway. Pick a vip in ${cidrText(c)}.`
					);
			}
			if (n.kind !== 'load-balancer') continue;
			if (n.vip) {
				const v = parseIp(n.vip);
				if (v !== null && !Object.values(n.interfaces ?? {}).some((i) => {
					const c = parseCidr(i?.ip);
					return c && cidrContains(c, v);
				}))
					this.warn('lb-vip-outside-subnet', ['nodes', id, 'vip'], `vip ${n.vip} is in no subnet of ${id}'s interfaces, so no interface can answer ARP for it. Pick a vip in the subnet of the client-facing interface.`);
			}
			(n.pool ?? []).forEach((b, k) => {
				if (!b) return;
				const path = ['nodes', id, 'pool', k];
				if (isAddrLike(b.node)) return;
				const t = this.node(b.node);
				if (!t) {
					this.warn('lb-pool-unknown-node', path, `pool member ${b.node}:${b.port} — there is no node "${b.node}".`);
					return;
				}
				if (ENDPOINT_KINDS.has(t.kind) && !(t.services ?? []).some((s) => s.proto === 'tcp' && s.port === b.port))
					this.warn(
						'lb-pool-no-service',
						path,
						`pool member ${b.node}:${b.port} does not listen on tcp/${b.port}: health checks fail and it is never used. Add tcp/${b.port} to ${b.node}'s services or fix the port.`
					);
			});
		}
	}

	lintMisc() {
		for (const [id, n] of Object.entries(this.nodes)) {
			if (!n) continue;
			const names = interfaceNames(n);
			(n.ospf?.passive ?? []).forEach((p, k) => {
				if (!names.has(p)) this.warn('ospf-unknown-interface', ['nodes', id, 'ospf', 'passive', k], `ospf passive names "${p}", which is not an interface of ${id}.`);
			});
			// Bonds.
			const memberOf = new Map<string, string>();
			for (const [b, itf] of Object.entries(n.interfaces ?? {})) {
				(itf?.bond?.members ?? []).forEach((m, k) => {
					const path = ['nodes', id, 'interfaces', b, 'bond', 'members', k];
					const prev = memberOf.get(m);
					if (prev && prev !== b) this.warn('bond-member-conflict', path, `${id}.${m} is already a member of bond ${prev}; an interface can be in one bond only.`);
					memberOf.set(m, b);
					const mi = n.interfaces?.[m];
					if (mi?.ip || mi?.dhcp) this.warn('bond-member-conflict', path, `${id}.${m} is a member of bond ${b} but has its own address; the address belongs on the bond (${b}).`);
					if (mi?.bond || splitSubinterface(m)) this.warn('bond-member-conflict', path, `${id}.${m} cannot be a bond member: members are physical interfaces.`);
				});
			}
			// SDN controllers.
			if (n.kind === 'sdn-controller') {
				(n.manages ?? []).forEach((s, k) => {
					const path = ['nodes', id, 'manages', k];
					const t = this.node(s);
					if (!t) this.warn('sdn-unknown-node', path, `${id} manages "${s}", which is not in \`nodes\`.`);
					else if (t.kind !== 'switch') this.warn('sdn-manages-non-switch', path, `${id} manages ${s}, a ${t.kind}; a controller programs switches only. Remove ${s} from manages.`);
					else if ((this.managed.get(s) ?? []).length > 1 && this.managed.get(s)![0] !== id)
						this.warn('sdn-multiple-controllers', path, `${s} is also managed by ${this.managed.get(s)![0]}; two controllers would install conflicting flows. Keep one.`);
				});
			}
		}
	}

	// ------------------------------------------------------------ checks and scenarios

	lintChecksAndScenarios() {
		const scenarios = this.t.scenarios ?? {};
		const hasInternet = Object.values(this.nodes).some((n) => n?.kind === 'internet');
		const endpointRef = (v: string, path: Path, rule: string, what: string) => {
			if (isAddrLike(v)) return true;
			if (!this.node(v)) {
				this.warn(rule, path, `${what} "${v}" is not a node of this file (nor an IPv4 address). Fix the id.`);
				return false;
			}
			return true;
		};
		(this.t.checks ?? []).forEach((c: Check, i) => {
			if (!c) return;
			if ('scenario' in c && c.scenario !== undefined) {
				const sc = c as ScenarioCheck;
				const s = Object.prototype.hasOwnProperty.call(scenarios, sc.scenario) ? scenarios[sc.scenario] : undefined;
				if (!s) {
					this.warn('check-unknown-scenario', ['checks', i, 'scenario'], `check names scenario "${sc.scenario}", which is not in \`scenarios\`${Object.keys(scenarios).length ? ` (there are: ${Object.keys(scenarios).join(', ')})` : ''}.`);
					return;
				}
				const flow = (s.traffic ?? []).find((f) => f?.name === sc.flow);
				if (!flow) {
					this.warn('check-unknown-flow', ['checks', i, 'flow'], `scenario ${sc.scenario} has no flow "${sc.flow}"${(s.traffic ?? []).length ? ` (its flows: ${(s.traffic ?? []).map((f) => f.name).join(', ')})` : ''}.`);
					return;
				}
				if (sc['min-goodput'] !== undefined && (flow.kind ?? 'cbr') !== 'bulk')
					this.warn('check-goodput-cbr', ['checks', i, 'min-goodput'], `min-goodput applies to bulk flows; ${sc.flow} is a cbr flow (goodput is not measured). Use kind: bulk, or check max-loss.`);
				if (sc['max-failover'] !== undefined && !(s.events ?? []).some((e) => e?.fail !== undefined))
					this.warn('check-failover-no-fault', ['checks', i, 'max-failover'], `max-failover on scenario ${sc.scenario}, which fails nothing: there is no failover to measure. Add a { at: ..., fail: ... } event.`);
				return;
			}
			const p = c as ProbeCheck;
			for (const f of ['from', 'to'] as const) {
				const v = p[f];
				if (typeof v !== 'string') continue;
				if (f === 'from' && isAddrLike(v)) continue; // the loader's business
				if (!endpointRef(v, ['checks', i, f], 'check-unknown-node', `check ${f}:`)) continue;
				if (!isAddrLike(v) && !this.hasAddress(v))
					this.warn(
						'check-unaddressed-node',
						['checks', i, f],
						`check ${f}: ${v} — ${v} (${this.node(v)!.kind}) has no address, so a probe cannot ${f === 'from' ? 'start' : 'be sent'} there. Use an addressed node or an IP address.`
					);
			}
			if (p.expect === 'EXITS_NETWORK' && !hasInternet)
				this.warn('check-no-internet', ['checks', i, 'expect'], `this check expects EXITS_NETWORK, but no node is of kind internet: nothing can leave the network. Add an internet node (or expect another outcome).`);
		});

		for (const [name, s] of Object.entries(scenarios)) {
			if (!s) continue;
			(s.traffic ?? []).forEach((f, k) => {
				for (const e of ['from', 'to'] as const) {
					const v = f?.[e];
					if (typeof v === 'string') endpointRef(v, ['scenarios', name, 'traffic', k, e], 'traffic-unknown-node', `flow ${f.name} ${e}:`);
				}
			});
			const failed = new Set<string>();
			(s.events ?? []).forEach((ev, k) => {
				if (!ev) return;
				const path = ['scenarios', name, 'events', k];
				if (s.duration !== undefined && ev.at > s.duration)
					this.warn('event-after-end', [...path, 'at'], `event at ${fmtNs(ev.at)} is after the scenario's duration (${fmtNs(s.duration)}): traffic has stopped by then, so it changes nothing measurable.`);
				for (const verb of ['fail', 'restore'] as const) {
					const target = ev[verb];
					if (target === undefined) continue;
					const key = this.lintFaultTarget(target, [...path, verb]);
					if (key === null) continue;
					if (verb === 'fail') failed.add(key);
					else if (!failed.has(key))
						this.warn('restore-without-fail', [...path, verb], `restores ${key}, which no earlier event of this scenario failed (it is already up). Fail it first, or remove the event.`);
				}
			});
		}
	}

	/** Validates a fault target; returns a key for it, or null when it is unknown (reported). */
	lintFaultTarget(target: string | { link: string }, path: Path): string | null {
		if (typeof target === 'object' && target !== null) {
			const e = parseEndpoint(target.link);
			const p = [...path, 'link'];
			if (!e) return null;
			if (!this.node(e.node)) {
				this.warn('event-unknown-target', p, `link ${target.link}: there is no node "${e.node}".`);
				return null;
			}
			if (!this.linksOf.has(`${e.node}\u0000${e.iface}`)) {
				this.warn('event-unknown-target', p, `no link has the end ${target.link}; name the cable by one of its ends (node.interface as written in \`links\`).`);
				return null;
			}
			// The same cable may be named by either end.
			const idx = this.linksOf.get(`${e.node}\u0000${e.iface}`)![0];
			const l = this.t.links[idx];
			return `link ${l.a} – ${l.b}`;
		}
		if (typeof target !== 'string') return null;
		const e = parseEndpoint(target);
		const nodeId = e ? e.node : target;
		const n = this.node(nodeId);
		if (!n) {
			this.warn('event-unknown-target', path, `"${target}": there is no node "${nodeId}".`);
			return null;
		}
		if (e) {
			const ok = n.kind === 'switch' ? !!n.interfaces?.[e.iface] || this.linksOf.has(`${e.node}\u0000${e.iface}`) : this.hasInterface(e.node, e.iface);
			if (!ok) {
				this.warn('event-unknown-target', path, `"${target}": ${nodeId} has no interface "${e.iface}" (it has ${[...interfaceNames(n)].join(', ') || 'none'}).`);
				return null;
			}
		}
		return target;
	}

	run(): Diagnostic[] {
		this.lintLinks();
		this.lintVlansAcrossSwitches();
		this.lintProductUplinks();
		this.lintLoops();
		this.lintSegments();
		this.lintMacs();
		this.lintRouting();
		this.lintAttachments();
		this.lintConnectivity();
		this.lintHypervisors();
		this.lintNat();
		this.lintRules();
		this.lintVrrpAndLb();
		this.lintMisc();
		this.lintChecksAndScenarios();
		// Stable order: by position in the file (unknown positions last), then rule order.
		return this.out
			.map((d, i) => ({ d, i }))
			.sort((x, y) => (x.d.line || Infinity) - (y.d.line || Infinity) || x.d.col - y.d.col || x.i - y.i)
			.map((x) => x.d);
	}
}

export function lintTopology(t: Topology, ctx: LintContext): Diagnostic[] {
	return new Linter(t, ctx).run();
}
