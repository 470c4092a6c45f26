/**
 * containerlab `.clab.yml` (+ its `.annotations.json`) → vnet document.
 *
 * Nodes and links come from the topology; kinds map to vnet kinds (linux →
 * host, or router when it forwards or routes between several data
 * interfaces; bridge / ovs-bridge → switch; network operating systems
 * (SR Linux, cEOS, cRPD, vr-*, ...) → router; firewall images → firewall).
 * Addresses, routes, MTUs, VLAN subinterfaces, bridges with VLANs, iptables
 * rules and NAT are read from `exec` lines; positions from the annotations
 * file (or `graph-posX/Y` labels). Labs exported by vnet carry `vnet.*`
 * labels that restore kinds, interface names and hypervisor attachments
 * exactly. Whatever is not read is a warning, never silently dropped.
 */
import { ALL_ATTACH_MODES, PRODUCTS } from '../model/products';
import type { Interface, Link, Node, Route, Rule, Topology } from '../model/types';
import { KINDS, type Kind } from '../model/types';
import { parseDuration, parseBandwidth } from '../model/units';
import { ipToU32, cidrOf, u32ToIp } from '../model/net';
import { DEFAULT_SUBNETS, ENDPOINT_KINDS, FORWARDING_KINDS } from '../model/kinds';
import { arr, field, isObject, num, parseJsonSafe, parseYamlSafe, quote, str, InputError, type Json, type JsonObject } from './safe';
import { IdAllocator, cleanLabel, isIfaceName, labelDecode, renamedNode, sanitizeIfaceName } from './ids';
import { parseExec, type NodeFacts, type ParsedRule } from './exec-parse';
import { runImport, type ImportResult, type Warnings } from './import-common';
import { vendorPort } from './vendor-names';
import { importOverlay } from './containerlab-import-overlay';

export interface ClabImportOptions {
	/** name of the file, for messages and the header comment */
	file?: string;
	/** text of `<lab>.clab.yml.annotations.json`, when present */
	annotations?: string;
}

const MAX_NODES = 5000;
/** `vnet.attach` label entries: `IFACE=MODE[:NETWORK][@UPLINK]` (network and uplink percent-encoded). */
const ATTACH_RE = new RegExp(`^([a-z][a-z0-9.]*)=(${ALL_ATTACH_MODES.join('|')})(?::([^\\s=:@]+))?(?:@([^\\s=:@]+))?$`);
const MAX_LINKS = 20000;

// containerlab's kinds (containerlab.dev/manual/kinds/): network operating systems route; Cumulus
// Linux (cvx, cumulus_cvx) is a routing NOS, not a plain host. Traffic generators and generic VMs stay hosts.
const ROUTER_KINDS = /^(srl|nokia_|sros|ceos|arista_|crpd|juniper_(crpd|vmx|vjunos|cjunos|vqfx)|vjunos|vr-|xrd|cisco_|sonic|dell_|vyos|vyosnetworks|mikrotik|ipinfusion|huawei|6wind|arrcus|openwrt|rare|fdio|cvx$|cumulus|nvidia_|aruba|ciena|plvision|veesix|openbsd|freebsd)/;
const FIREWALL_KINDS = /(checkpoint|paloalto|pan$|fortinet|fortigate|csrx|vsrx|asav|ftdv|f5_)/;
const ROUTER_IMAGES = /(frr|bird|quagga|gobgp|vyos|openbgpd|routinator|bgp)/i;

interface ClabNode {
	name: string;
	id: string;
	kind: string;
	image: string;
	exec: string[];
	labels: Map<string, string>;
	hasStartupConfig: boolean;
	path: string;
}

interface End {
	node: string; // clab name
	iface: string; // clab interface
}

function labelsOf(v: Json | undefined, path: string, w: Warnings): Map<string, string> {
	const out = new Map<string, string>();
	if (v === undefined || v === null) return out;
	if (!isObject(v)) {
		w.add(path, 'labels is not a mapping; ignored');
		return out;
	}
	for (const [k, val] of Object.entries(v)) {
		const s = str(val);
		if (s === undefined) w.add(`${path}.${k}`, 'label value is not a string; ignored');
		else out.set(k, s);
	}
	return out;
}

function execOf(v: Json | undefined, path: string, w: Warnings): string[] {
	if (v === undefined || v === null) return [];
	if (!Array.isArray(v)) {
		w.add(path, 'exec is not a list; ignored');
		return [];
	}
	const out: string[] = [];
	v.forEach((x, i) => {
		if (typeof x === 'string') out.push(x.slice(0, 4000));
		else w.add(`${path}[${i}]`, 'exec entry is not a string; ignored');
	});
	return out;
}

function parseEndpoint(s: unknown): End | { special: string } | null {
	if (typeof s !== 'string') return null;
	const i = s.indexOf(':');
	if (i <= 0 || i === s.length - 1) return null;
	const node = s.slice(0, i);
	const iface = s.slice(i + 1);
	if (['host', 'mgmt-net', 'macvlan', 'vxlan', 'vxlan-stitch', 'dummy'].includes(node)) return { special: node };
	return { node, iface };
}

function vnetKindOf(n: ClabNode, facts: NodeFacts, dataIfaces: number): Kind {
	const label = n.labels.get('vnet.kind');
	if (label && (KINDS as readonly string[]).includes(label)) return label as Kind;
	const k = n.kind;
	if (k === 'bridge' || k === 'ovs-bridge') return 'switch';
	if (FIREWALL_KINDS.test(k)) return 'firewall';
	if (ROUTER_KINDS.test(k)) return 'router';
	if (k === 'linux' || k === '' || k === 'ext-container' || k === 'host' || k === 'k8s-kind') {
		if (facts.bridges.size > 0 && facts.addrs.length === 0 && [...facts.bridges.values()].some((b) => b.ports.length > 0)) return 'switch';
		const routesBeyondDefault = facts.routes.some((r) => r.to !== '0.0.0.0/0' && !r.blackhole);
		const forwards = facts.forward || (dataIfaces > 1 && routesBeyondDefault) || ROUTER_IMAGES.test(n.image);
		if (forwards) {
			if (facts.masquerade.length || facts.dnat.length) return 'nat-gateway';
			if (facts.rules.some((r) => r.chain === 'FORWARD') || facts.policy.get('FORWARD') === 'DROP') return 'firewall';
			return 'router';
		}
		return 'host';
	}
	return 'host';
}

/** containerlab interface name → vnet interface name, per node. */
class IfaceNames {
	private map = new Map<string, string>();
	private used = new Set<string>();
	/** "linux → vnet" renames, reported once per node */
	readonly renamed: string[] = [];
	/** "lab name (NOS name) → vnet" for ports named by the node kind's naming table */
	readonly vendorMapped: string[] = [];
	/** the NOS of the node's kind, when its ports were named by its table */
	nos = '';
	constructor(
		private node: ClabNode,
		private w: Warnings
	) {
		const spec = node.labels.get('vnet.interfaces');
		if (spec)
			for (const pair of spec.split(/\s+/)) {
				const [linux, vnet] = pair.split('=');
				if (linux && vnet && isIfaceName(vnet) && !this.used.has(vnet)) {
					this.map.set(linux, vnet);
					this.used.add(vnet);
				} else if (pair) w.add(`${node.path}.labels.vnet.interfaces`, `ignored ${quote(pair)}`);
			}
	}
	has(linux: string): boolean {
		return this.map.has(linux);
	}
	/**
	 * A link endpoint is a physical port (containerlab makes a veth of that
	 * name), never a VLAN subinterface: `1.1` on an f5_bigip-ve or `eth1.10`
	 * becomes a plain port name (`e11`, `eth110`), reported as a rename.
	 */
	port(linux: string): string {
		const known = this.map.get(linux) ?? this.vendor(linux);
		if (known) return known;
		if (isIfaceName(linux) && !linux.includes('.')) return this.get(linux);
		const base = sanitizeIfaceName(linux.replace(/\./g, ''));
		let name = base;
		for (let n = 2; this.used.has(name); n++) name = base.slice(0, 11 - String(n).length) + n;
		this.renamed.push(`${linux} → ${name}`);
		return this.remember(linux, name);
	}
	/** The vnet name of a Linux device (subinterfaces keep their VLAN suffix). */
	get(linux: string): string {
		const known = this.map.get(linux) ?? this.vendor(linux);
		if (known) return known;
		const dot = linux.lastIndexOf('.');
		if (dot > 0 && /^\d{1,4}$/.test(linux.slice(dot + 1))) {
			const vid = +linux.slice(dot + 1);
			if (vid >= 1 && vid <= 4094) {
				const name = `${this.get(linux.slice(0, dot))}.${vid}`;
				if (isIfaceName(name)) return this.remember(linux, name);
			}
		}
		let base = sanitizeIfaceName(linux);
		let name = base;
		for (let n = 2; this.used.has(name); n++) name = base.slice(0, 11 - String(n).length) + n;
		if (name !== linux) this.renamed.push(`${linux} → ${name}`);
		return this.remember(linux, name);
	}
	/**
	 * A port named by the kind's table: both names of one port (`e1-1`,
	 * `ethernet-1/1`) give the same vnet name. A vnet-exported lab's own
	 * labels win (the kind is then `linux`).
	 */
	private vendor(name: string): string | undefined {
		const p = vendorPort(this.node.kind, name);
		if (!p) return undefined;
		if (p.vendor !== name || p.vnet !== name) {
			this.nos = p.nos;
			this.vendorMapped.push(`${name}${p.vendor === name ? '' : ` (${p.vendor})`} → ${p.vnet}`);
		}
		return this.remember(name, p.vnet);
	}
	private remember(linux: string, name: string): string {
		this.map.set(linux, name);
		this.used.add(name);
		return name;
	}
}

function iface(ifaces: Record<string, Interface>, name: string): Interface {
	if (!Object.prototype.hasOwnProperty.call(ifaces, name)) ifaces[name] = {};
	return ifaces[name];
}

function inSubnet(addr: string, cidr: string): boolean {
	const c = cidrOf(cidr);
	return ((ipToU32(addr) & c.mask) >>> 0) === c.net;
}

function ruleFromParsed(r: ParsedRule, names: IfaceNames): Rule {
	const rule: Rule = { action: r.target === 'ACCEPT' ? 'allow' : r.target === 'DROP' ? 'deny' : 'reject' };
	if (r.proto) rule.proto = r.proto;
	if (r.src) rule.from = r.src;
	if (r.dst) rule.to = r.dst;
	if (r.dport) rule.port = r.dport;
	if (r.sport) rule.sport = r.sport;
	if (r.in) rule.in = names.get(r.in);
	if (r.out) rule.out = names.get(r.out);
	return rule;
}

const sameMatch = (a: ParsedRule, b: ParsedRule) =>
	a.chain === b.chain && a.src === b.src && a.dst === b.dst && a.in === b.in && a.out === b.out && JSON.stringify([a.dport, a.sport]) === JSON.stringify([b.dport, b.sport]);

/** Filtering rules, policy and state from iptables lines, as vnet sees them. */
function filterOf(n: ClabNode, kind: Kind, facts: NodeFacts, names: IfaceNames, w: Warnings, node: Node): void {
	const forwarding = FORWARDING_KINDS.has(kind);
	const isEndpoint = ENDPOINT_KINDS.has(kind);
	const chains = forwarding ? ['FORWARD'] : isEndpoint ? ['INPUT', 'OUTPUT'] : [];
	const rules: Rule[] = [];
	const list = facts.rules;
	for (let i = 0; i < list.length; i++) {
		const r = list[i];
		const at = `${n.path}.exec[${r.line}]`;
		if (kind === 'hypervisor' && r.chain === 'FORWARD') continue; // its NAT network's own forwarding rules
		if (!chains.includes(r.chain)) {
			w.add(at, `${r.chain} rule not used by a ${kind}; ignored`);
			continue;
		}
		if (r.ctstate) {
			if (/ESTABLISHED/.test(r.ctstate) && r.target === 'ACCEPT') node.stateful = true;
			else w.add(at, `state match ${quote(r.ctstate)} not representable; ignored`);
			continue;
		}
		// containerlab management and loopback accepted before a deny policy: not part of the design.
		if (r.chain === 'INPUT' && r.target === 'ACCEPT' && (r.in === 'lo' || r.in === 'eth0') && !r.src && !r.dst && !r.proto) continue;
		const bare = !r.proto && !r.src && !r.dst && !r.in && !r.out && !r.dport && !r.sport;
		if (bare && r.target === 'DROP' && i === list.length - 1 - countTrailingOtherChains(list, i)) {
			node.policy = 'deny';
			continue;
		}
		if (r.target === 'REJECT' && r.proto === 'tcp' && r.rejectWith === 'tcp-reset') {
			const next = list[i + 1];
			if (next && next.target === 'REJECT' && !next.proto && sameMatch(r, next)) {
				const merged = ruleFromParsed({ ...r, proto: undefined }, names);
				if (r.chain === 'OUTPUT') merged.direction = 'out';
				rules.push(merged);
				i++;
				continue;
			}
		}
		const rule = ruleFromParsed(r, names);
		if (r.chain === 'OUTPUT') rule.direction = 'out';
		rules.push(rule);
	}
	for (const [chain, target] of facts.policy) {
		if (chain === (forwarding ? 'FORWARD' : 'INPUT') && target === 'DROP') node.policy = 'deny';
		else if (target === 'DROP') w.add(n.path, `policy DROP on ${chain} not representable for a ${kind}; ignored`);
	}
	if (rules.length) node.rules = rules;
	if (forwarding) {
		// vnet defaults per kind: state it when the file says otherwise.
		if (node.policy === undefined && kind === 'firewall') node.policy = 'allow';
		const filtering = (node.rules?.length ?? 0) > 0 || node.policy === 'deny';
		if (node.stateful === undefined && kind !== 'router' && filtering) node.stateful = false;
	}
}

function countTrailingOtherChains(list: ParsedRule[], i: number): number {
	// The policy DROP is the last rule of its chain.
	let n = 0;
	for (let j = i + 1; j < list.length; j++) if (list[j].chain !== list[i].chain) n++;
	return n;
}

/** The containerlab lab as a vnet document. */
export function fromContainerlab(text: string, opts: ClabImportOptions = {}): ImportResult {
	const file = opts.file ?? 'lab.clab.yml';
	return runImport('containerlab', file, (w) => {
		const parsed = parseYamlSafe(text);
		for (const d of parsed.dropped) w.add(d, 'dangerous key dropped');
		const root = parsed.value;
		if (!isObject(root)) throw new InputError('not a containerlab topology: expected a mapping with `name` and `topology`');
		const topo = field(root, 'topology');
		const nodesIn = field(topo, 'nodes');
		if (!isObject(topo) || !isObject(nodesIn)) throw new InputError('not a containerlab topology: `topology.nodes` is missing or not a mapping');
		const labName = cleanLabel(str(field(root, 'name')) ?? 'imported-lab', 100) || 'imported-lab';
		const defaults = field(topo, 'defaults');
		const kinds = field(topo, 'kinds');
		const groups = field(topo, 'groups');
		const names = Object.keys(nodesIn);
		if (names.length > MAX_NODES) throw new InputError(`${names.length} nodes; the import limit is ${MAX_NODES}`);
		if (names.length === 0) throw new InputError('not a containerlab topology: `topology.nodes` is empty');

		// Positions from the annotations file.
		const positions = new Map<string, { x: number; y: number }>();
		if (opts.annotations !== undefined) {
			try {
				const ann = parseJsonSafe(opts.annotations).value;
				const list = field(ann, 'nodeAnnotations');
				if (list !== undefined && !Array.isArray(list)) w.add('annotations', '`nodeAnnotations` is not a list; positions ignored');
				for (const a of arr(list)) {
					const id = str(field(a, 'id'));
					const pos = field(a, 'position');
					const x = num(field(pos, 'x'));
					const y = num(field(pos, 'y'));
					if (id !== undefined && x !== undefined && y !== undefined && Math.abs(x) < 1e7 && Math.abs(y) < 1e7) positions.set(id, { x: Math.round(x), y: Math.round(y) });
				}
			} catch (e) {
				if (!(e instanceof InputError)) throw e;
				w.add('annotations', `annotations file ignored: ${e.message}`);
			}
		}

		const ids = new IdAllocator();
		const clab: ClabNode[] = [];
		for (const name of names) {
			const path = `topology.nodes.${name}`;
			const cfg = nodesIn[name];
			if (cfg !== null && !isObject(cfg)) {
				w.add(path, 'node is not a mapping; imported as a plain host');
			}
			const group = str(field(cfg, 'group'));
			const kind = str(field(cfg, 'kind')) ?? str(field(isObject(groups) && group ? field(groups, group) : undefined, 'kind')) ?? str(field(defaults, 'kind')) ?? '';
			const layers = [defaults, field(kinds, kind), group ? field(groups, group) : undefined, cfg];
			const pick = (key: string) => {
				let v: Json | undefined;
				for (const l of layers) if (field(l, key) !== undefined) v = field(l, key);
				return v;
			};
			const labels = new Map<string, string>();
			for (const l of layers) for (const [k, v] of labelsOf(field(l, 'labels'), `${path}.labels`, w)) labels.set(k, v);
			const taken = ids.take(name);
			const id = taken.id;
			if (taken.changed) w.add(path, renamedNode(name, taken, (s) => quote(s)));
			if (!kind) w.add(path, 'no kind; imported as a host');
			const netMode = str(pick('network-mode'));
			if (netMode !== undefined && !labels.has('vnet.attach'))
				w.add(`${path}.network-mode`, `network-mode ${quote(netMode)} is not read (a vnet container shares its host's network with \`attach: host\`)`);
			clab.push({
				name,
				id,
				kind,
				image: str(pick('image')) ?? '',
				exec: execOf(pick('exec'), `${path}.exec`, w),
				labels,
				hasStartupConfig: pick('startup-config') !== undefined,
				path
			});
		}
		const byName = new Map(clab.map((n) => [n.name, n]));

		// Links.
		const linksIn = field(topo, 'links');
		if (linksIn !== undefined && !Array.isArray(linksIn)) w.add('topology.links', 'links is not a list; ignored');
		const linkList = arr(linksIn);
		if (linkList.length > MAX_LINKS) throw new InputError(`${linkList.length} links; the import limit is ${MAX_LINKS}`);
		const ends: { a: End; b: End; vars: Json | undefined; path: string }[] = [];
		linkList.forEach((l, i) => {
			const path = `topology.links[${i}]`;
			let eps: Json[] = [];
			const raw = field(l, 'endpoints');
			if (Array.isArray(raw)) eps = raw;
			// the extended link syntax's one-ended types: a veth to the lab host, its management
			// network, a macvlan or a VXLAN tunnel to outside, a dummy interface
			const type = str(field(l, 'type'));
			const one = field(l, 'endpoint');
			if (type !== undefined && type !== 'veth' && raw === undefined && isObject(one)) {
				const end = `${str(field(one, 'node')) ?? '?'}:${str(field(one, 'interface')) ?? '?'}`;
				w.add(path, `a ${quote(type)} link (${quote(cleanLabel(end, 120))} to outside the lab) has no vnet equivalent; ignored`);
				return;
			}
			if (eps.length !== 2) {
				w.add(path, 'a link needs exactly two endpoints; ignored');
				return;
			}
			const parsedEnds = eps.map((e) => (isObject(e) ? parseEndpoint(`${str(field(e, 'node')) ?? ''}:${str(field(e, 'interface')) ?? ''}`) : parseEndpoint(e)));
			if (parsedEnds.some((e) => e === null)) {
				w.add(path, 'endpoints must be "node:interface"; ignored');
				return;
			}
			const special = parsedEnds.find((e) => e && 'special' in e) as { special: string } | undefined;
			if (special) {
				w.add(path, `${special.special} endpoint has no vnet equivalent (a link to the lab host or an outside network); ignored`);
				return;
			}
			const [a, b] = parsedEnds as End[];
			for (const e of [a, b])
				if (!byName.has(e.node)) {
					w.add(path, `endpoint ${quote(`${e.node}:${e.iface}`)} names no node; link ignored`);
					return;
				}
			ends.push({ a, b, vars: field(l, 'vars'), path });
		});

		// Per node: facts from exec, interface names, kind.
		const nodes: Record<string, Node> = Object.create(null);
		/** hypervisors whose forwards come from their `vnet.forwards` label */
		const labelledForwards = new Set<string>();
		const ifaceNames = new Map<string, IfaceNames>();
		const factsOf = new Map<string, NodeFacts>();
		for (const n of clab) {
			const facts = parseExec(n.exec);
			factsOf.set(n.name, facts);
			const names = new IfaceNames(n, w);
			ifaceNames.set(n.name, names);
			const linked = new Set<string>();
			for (const l of ends) for (const e of [l.a, l.b]) if (e.node === n.name) linked.add(e.iface);
			for (const port of linked) names.port(port);
			const kind = vnetKindOf(n, facts, linked.size);
			// a vnet-exported network OS node: its `vnet.kind` label restores the kind, and vnet exported no configuration for it
			const restored = (KINDS as readonly string[]).includes(n.labels.get('vnet.kind') ?? '');
			if (n.kind && n.kind !== 'linux' && n.kind !== 'bridge' && n.kind !== 'ovs-bridge' && !restored)
				w.add(n.path, `kind ${quote(n.kind)} imported as a ${kind}${n.hasStartupConfig ? '; its startup-config (addresses, routes) is not read' : '; its own configuration is not read'}`);
			const label = n.labels.get('vnet.label');
			const node: Node = { kind };
			if (label !== undefined) node.label = cleanLabel(label);
			const origin = nosOrigin(n, linked, names);
			if (origin) node.containerlab = origin;
			// hypervisor products (presets.md), as the exporter labels them
			const product = n.labels.get('vnet.product');
			if (kind === 'hypervisor' && product !== undefined && Object.hasOwn(PRODUCTS, product)) {
				node.product = product;
				for (const part of (n.labels.get('vnet.networks') ?? '').split(/\s+/)) {
					const x = /^([^\s=]+)=(\d+\.\d+\.\d+\.\d+\/\d+)$/.exec(part);
					const name = x && labelDecode(x[1]);
					if (x && name) (node.networks ??= {})[name] = { subnet: x[2] };
					else if (part) w.add(`${n.path}.labels.vnet.networks`, `ignored ${quote(part)}`);
				}
				for (const part of (n.labels.get('vnet.portgroups') ?? '').split(/\s+/)) {
					const x = /^([^\s=@]+)=(\d+)(?:@([^\s=@]+))?$/.exec(part);
					const name = x && labelDecode(x[1]);
					const uplink = x?.[3] !== undefined ? labelDecode(x[3]) : undefined;
					if (x && name && uplink !== null && +x[2] <= 4095) (node.portgroups ??= {})[name] = uplink ? { vlan: +x[2], uplink } : { vlan: +x[2] };
					else if (part) w.add(`${n.path}.labels.vnet.portgroups`, `ignored ${quote(part)}`);
				}
			}
			if (kind === 'hypervisor') {
				// the design's NAT network and forwards as written (the exec lines hold their resolved addresses)
				const subnet = n.labels.get('vnet.nat-subnet');
				if (subnet !== undefined) {
					if (/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(subnet)) node.nat = { ...(node.nat ?? {}), subnet };
					else w.add(`${n.path}.labels.vnet.nat-subnet`, `ignored ${quote(subnet)}`);
				}
				const fwd = n.labels.get('vnet.forwards');
				if (fwd !== undefined) {
					const forwards: NonNullable<NonNullable<Node['nat']>['forwards']> = [];
					for (const part of fwd.split(/\s+/)) {
						const x = /^(tcp|udp)\/(\d{1,5})=([^\s=@]+)(?:@([^\s=@]+))?$/.exec(part);
						const to = x && labelDecode(x[3]);
						const inIf = x?.[4] !== undefined ? labelDecode(x[4]) : undefined;
						if (x && to && inIf !== null && +x[2] >= 1 && +x[2] <= 65535)
							forwards.push({ ...(inIf ? { in: inIf } : {}), proto: x[1] as 'tcp' | 'udp', port: +x[2], to });
						else if (part) w.add(`${n.path}.labels.vnet.forwards`, `ignored ${quote(part)}`);
					}
					labelledForwards.add(n.name);
					if (forwards.length) node.nat = { ...(node.nat ?? {}), forwards };
				}
			}
			const pos = positions.get(n.name) ?? labelPosition(n);
			if (pos) node.position = pos;
			nodes[n.id] = node;
			for (const u of facts.unknown) w.add(`${n.path}.exec[${u.line}]`, `not understood, ignored: ${quote(u.text)} (${u.why})`);
		}

		// Hypervisor attachments of guests (vnet-exported labs).
		const attachOf = new Map<string, Map<string, { attach: string; network?: string; uplink?: string }>>();
		const overlay = importOverlay(clab, nodes, w);
		for (const n of clab) {
			const spec = n.labels.get('vnet.attach');
			const on = n.labels.get('vnet.on');
			if (on !== undefined) {
				const host = byName.get(on);
				if (host) nodes[n.id].on = host.id;
				else w.add(`${n.path}.labels.vnet.on`, `names no node (${quote(on)}); ignored`);
			}
			if (!spec) continue;
			const m = new Map<string, { attach: string; network?: string; uplink?: string }>();
			for (const part of spec.split(/\s+/)) {
				const x = ATTACH_RE.exec(part);
				const network = x?.[3] !== undefined ? labelDecode(x[3]) : undefined;
				const uplink = x?.[4] !== undefined ? labelDecode(x[4]) : undefined;
				if (!x || network === null || uplink === null) {
					if (part) w.add(`${n.path}.labels.vnet.attach`, `ignored ${quote(part)}`);
					continue;
				}
				m.set(x[1], { attach: x[2], network, uplink });
			}
			attachOf.set(n.name, m);
		}

		// Build interfaces, addresses, routes, rules, NAT per node.
		const virtualLinks = new Set<number>();
		ends.forEach((l, i) => {
			for (const [g, other] of [
				[l.a, l.b],
				[l.b, l.a]
			] as const) {
				const at = attachOf.get(g.node);
				const gname = ifaceNames.get(g.node)!.get(g.iface);
				const joins = at?.has(gname) || overlay.joins.get(g.node)?.has(gname);
				if (joins && nodes[byName.get(other.node)!.id]?.kind === 'hypervisor') virtualLinks.add(i);
			}
		});
		for (const n of clab) {
			const node = nodes[n.id];
			const facts = factsOf.get(n.name)!;
			const names = ifaceNames.get(n.name)!;
			const ifaces: Record<string, Interface> = Object.create(null);
			const kind = node.kind;
			const hvGuestPorts = new Set<string>();
			ends.forEach((l, i) => {
				if (!virtualLinks.has(i)) return;
				for (const e of [l.a, l.b]) if (e.node === n.name && kind === 'hypervisor') hvGuestPorts.add(e.iface);
			});
			// Linked interfaces first, in link order, so interfaces keep the lab's order.
			if (kind === 'hypervisor' || n.labels.has('vnet.interfaces')) {
				// vnet-exported: the label lists the interfaces in file order.
				for (const pair of (n.labels.get('vnet.interfaces') ?? '').split(/\s+/)) {
					const linux = pair.split('=')[0];
					if (linux && names.has(linux) && kind !== 'switch') iface(ifaces, names.get(linux));
				}
			}
			for (const l of ends) for (const e of [l.a, l.b]) if (e.node === n.name && !hvGuestPorts.has(e.iface) && kind !== 'switch') iface(ifaces, names.get(e.iface));

			if (kind === 'switch') {
				buildSwitch(n, node, facts, names, ends, w);
				continue;
			}
			const bondMembers = new Set<string>();
			for (const [bond, b] of facts.bonds) {
				const name = names.get(bond);
				iface(ifaces, name).bond = { members: b.members.map((m) => names.get(m)), mode: 'active-backup', ...(b.miimonMs ? { miimon: b.miimonMs * 1e6 } : {}) };
				for (const m of b.members) {
					bondMembers.add(m);
					const mi = names.get(m);
					if (Object.prototype.hasOwnProperty.call(ifaces, mi) && Object.keys(ifaces[mi]).length === 0) delete ifaces[mi];
				}
			}
			for (const dev of facts.vlanDevs.keys()) iface(ifaces, names.get(dev));
			// Bridges on a routed node: hypervisor segments, else an interface of its own.
			const hvBridge = (dev: string): string | null | undefined => {
				if (!facts.bridges.has(dev)) return undefined;
				if (kind !== 'hypervisor') return undefined;
				if (/^br-/.test(dev)) return dev.slice(3); // bridged uplink: its address
				return null; // nat0 / docker0 / hostonly0 / intN: implicit
			};
			for (const a of facts.addrs) {
				const hb = hvBridge(a.dev);
				if (hb === null) {
					if (/^(nat0|docker0)$/.test(a.dev) && !n.labels.has('vnet.nat-subnet') && !n.labels.has('vnet.product')) {
						const c = cidrOf(a.cidr);
						const subnet = `${u32ToIp(c.net)}/${c.len}`;
						if (subnet !== DEFAULT_SUBNETS.genericNat && subnet !== DEFAULT_SUBNETS.genericNatContainers) node.nat = { ...(node.nat ?? {}), subnet };
					}
					continue;
				}
				const dev = hb ?? a.dev;
				if (facts.bridges.has(dev) && kind !== 'hypervisor') w.add(`${n.path}.exec[${a.line}]`, `address on bridge ${quote(dev)} imported as an interface of that name`);
				const i = iface(ifaces, names.get(dev));
				if (i.ip) w.add(`${n.path}.exec[${a.line}]`, `second address ${a.cidr} on ${dev} ignored (vnet interfaces have one address; use a subinterface)`);
				else i.ip = a.cidr;
			}
			// a guest port's or a VXLAN device's MTU is not a hypervisor interface's (the guest's own says it)
			for (const [dev, m] of facts.mtu)
				if ((!facts.bridges.has(dev) || hvBridge(dev)) && !hvGuestPorts.has(dev) && !facts.vxlans.has(dev)) iface(ifaces, names.get(hvBridge(dev) ?? dev)).mtu = m;
			for (const [dev, m] of facts.mac) iface(ifaces, names.get(dev)).mac = m;
			const downLinkDevs = new Set<string>();
			for (const l of ends)
				if (linkVnetVars(l.vars)?.down === true) for (const e of [l.a, l.b]) if (e.node === n.name) downLinkDevs.add(e.iface);
			for (const d of facts.down) {
				if (bondMembers.has(d.dev) || downLinkDevs.has(d.dev)) continue;
				iface(ifaces, names.get(d.dev)).down = true;
			}
			// Guest attachments.
			const at = attachOf.get(n.name);
			if (at)
				for (const [ifName, a] of at) {
					const i = iface(ifaces, ifName);
					i.attach = a.attach as Interface['attach'];
					if (a.network) i.network = a.network;
					if (a.uplink) i.uplink = a.uplink;
				}
			for (const [ifName, seg] of overlay.joins.get(n.name) ?? []) iface(ifaces, ifName).segment = seg;
			const dhcp = (n.labels.get('vnet.dhcp') ?? '').split(/\s+/).filter(Boolean);
			const dhcpIfaces = new Set<string>();
			for (const d of dhcp)
				if (Object.prototype.hasOwnProperty.call(ifaces, d) && ifaces[d].attach !== undefined) {
					dhcpIfaces.add(d);
				}
			// product-addressed (IPAM) interfaces: like DHCP leases, but the design says neither `ip` nor `dhcp`
			const autoIfaces = new Set<string>();
			for (const d of (n.labels.get('vnet.auto') ?? '').split(/\s+/).filter(Boolean))
				if (Object.prototype.hasOwnProperty.call(ifaces, d) && ifaces[d].attach !== undefined && !dhcpIfaces.has(d)) {
					dhcpIfaces.add(d);
					autoIfaces.add(d);
				}
			// Routes: the default route becomes the gateway of the interface on its subnet.
			const routes: Route[] = [];
			for (const r of facts.routes) {
				const at = `${n.path}.exec[${r.line}]`;
				if (r.blackhole) {
					routes.push({ to: r.to, blackhole: true, ...(r.metric ? { metric: r.metric } : {}) });
					continue;
				}
				if (!r.via) {
					w.add(at, `route to ${r.to} without a next hop (dev only) is not representable; ignored`);
					continue;
				}
				if (r.to === '0.0.0.0/0' && r.defaultWord && !r.metric) {
					const on = Object.entries(ifaces).find(([, i]) => i.ip && inSubnet(r.via!, i.ip));
					const dhcpIf = [...dhcpIfaces].find((d) => ifaces[d].ip && inSubnet(r.via!, ifaces[d].ip!));
					if (dhcpIf) {
						// the DHCP lease's default route
						continue;
					}
					if (on) {
						on[1].gateway = r.via;
						continue;
					}
				}
				const route: Route = { to: r.to, via: r.via };
				if (r.metric) route.metric = r.metric;
				routes.push(route);
			}
			for (const d of dhcpIfaces) {
				delete ifaces[d].ip;
				delete ifaces[d].gateway;
				if (!autoIfaces.has(d)) ifaces[d].dhcp = true;
			}
			if (routes.length) node.routes = routes;
			if (Object.keys(ifaces).length) node.interfaces = ifaces;
			// Services.
			if (facts.services.length) {
				if (ENDPOINT_KINDS.has(kind)) node.services = facts.services;
				else w.add(n.path, `listeners on a ${kind} are not vnet services; ignored`);
			}
			filterOf(n, kind, facts, names, w, node);
			// NAT.
			if (kind === 'hypervisor') {
				if (!labelledForwards.has(n.name)) {
					const fw = dedupe(facts.dnat.map((d) => ({ proto: d.proto, port: d.port, to: d.to })));
					if (fw.length) node.nat = { ...(node.nat ?? {}), forwards: fw };
				}
			} else if (facts.masquerade.length || facts.dnat.length) {
				if (kind !== 'nat-gateway') w.add(n.path, `NAT rules on a ${kind} are only kept on nat-gateway nodes; ignored`);
				else {
					const masq: string[] = [];
					for (const m of facts.masquerade) {
						if (!m.out) w.add(`${n.path}.exec[${m.line}]`, 'MASQUERADE without -o is not representable; ignored');
						else masq.push(names.get(m.out));
					}
					const forwards = facts.dnat
						.filter((d) => !d.local)
						.filter((d) => {
							if (!d.in) w.add(`${n.path}.exec[${d.line}]`, 'DNAT without -i is not representable on a nat-gateway; ignored');
							return !!d.in;
						})
						.map((d) => ({ in: names.get(d.in!), proto: d.proto, port: d.port, to: d.to }));
					node.nat = { ...(masq.length ? { masquerade: masq } : {}), ...(forwards.length ? { forwards } : {}) };
				}
			}
		}

		for (const n of clab) {
			const r = ifaceNames.get(n.name)!.renamed;
			if (r.length) w.add(n.path, `interface names that are not valid vnet names were renamed: ${r.map((x) => quote(x, 40)).join(', ')}`);
			const v = ifaceNames.get(n.name)!;
			if (v.vendorMapped.length) w.add(n.path, `${v.nos} port names (the export gives the lab's names back): ${v.vendorMapped.map((x) => quote(x, 60)).join(', ')}`);
		}

		// Links.
		const links: Link[] = [];
		ends.forEach((l, i) => {
			if (virtualLinks.has(i)) return;
			const a = byName.get(l.a.node)!;
			const b = byName.get(l.b.node)!;
			const link: Link = { a: `${a.id}.${ifaceNames.get(a.name)!.get(l.a.iface)}`, b: `${b.id}.${ifaceNames.get(b.name)!.get(l.b.iface)}` };
			const vv = linkVnetVars(l.vars);
			if (vv) {
				if (typeof vv.latency === 'string') setUnit(link, 'latency', parseDuration(vv.latency), w, l.path);
				if (typeof vv.bandwidth === 'string') setUnit(link, 'bandwidth', parseBandwidth(vv.bandwidth), w, l.path);
				if (typeof vv.loss === 'number' && vv.loss >= 0 && vv.loss <= 1) link.loss = vv.loss;
				if (vv.down === true) link.down = true;
				if (typeof vv.queue === 'number' && Number.isInteger(vv.queue) && vv.queue >= 1) link.queue = vv.queue;
			} else {
				const ne = factsOf.get(a.name)!.netem.get(l.a.iface) ?? factsOf.get(b.name)!.netem.get(l.b.iface);
				if (ne) {
					if (ne.delay) setUnit(link, 'latency', parseDuration(ne.delay.replace(/usec$/, 'us').replace(/msec$/, 'ms')), w, l.path);
					if (ne.rate) {
						const m = /^(\d+(?:\.\d+)?)(gbit|mbit|kbit|bit)$/i.exec(ne.rate);
						if (m) link.bandwidth = Math.round(+m[1] * { gbit: 1e9, mbit: 1e6, kbit: 1e3, bit: 1 }[m[2].toLowerCase() as 'bit']);
						else w.add(l.path, `netem rate ${quote(ne.rate)} not understood`);
					}
					if (ne.loss !== undefined && ne.loss >= 0 && ne.loss <= 1) link.loss = ne.loss;
				}
			}
			links.push(link);
		});

		const t: Topology = {
			vnet: 1,
			name: labName,
			description: `Imported from containerlab lab ${quote(labName, 100)}.`,
			nodes,
			links,
			scenarios: Object.create(null),
			checks: []
		};
		if (Object.keys(overlay.segments).length) t.overlay = { segments: overlay.segments };
		return t;
	});
}

/** The format's `containerlab` words (schema.ts): a kind, image or port name outside them is not kept. */
const CLAB_WORD = /^[A-Za-z0-9][A-Za-z0-9_./:@-]{0,127}$/;

/**
 * A network OS node's containerlab kind, image and the port names the lab
 * wrote where vnet renamed them, so that the export gives the lab back.
 */
function nosOrigin(n: ClabNode, linked: Set<string>, names: IfaceNames): Node['containerlab'] {
	if (['', 'linux', 'bridge', 'ovs-bridge', 'ext-container', 'host', 'k8s-kind'].includes(n.kind) || !CLAB_WORD.test(n.kind)) return undefined;
	const ports: Record<string, string> = Object.create(null);
	for (const p of linked) {
		const v = names.port(p);
		if (v !== p && CLAB_WORD.test(p)) ports[v] = p;
	}
	return {
		kind: n.kind,
		...(CLAB_WORD.test(n.image) ? { image: n.image } : {}),
		...(Object.keys(ports).length ? { ports } : {})
	};
}

function setUnit(link: Link, key: 'latency' | 'bandwidth', r: { value: number } | { error: string }, w: Warnings, path: string): void {
	if ('value' in r) link[key] = r.value;
	else w.add(path, `${key}: ${r.error}`);
}

function linkVnetVars(vars: Json | undefined): JsonObject | undefined {
	const v = field(vars, 'vnet');
	return isObject(v) ? v : undefined;
}

function dedupe<T>(xs: T[]): T[] {
	const seen = new Set<string>();
	return xs.filter((x) => {
		const k = JSON.stringify(x);
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

function labelPosition(n: ClabNode): { x: number; y: number } | undefined {
	const x = num(n.labels.get('graph-posX'));
	const y = num(n.labels.get('graph-posY'));
	return x !== undefined && y !== undefined ? { x: Math.round(x), y: Math.round(y) } : undefined;
}

/** A switch from a bridge node or a linux node with a bridge: its ports and VLANs. */
function buildSwitch(n: ClabNode, node: Node, facts: NodeFacts, names: IfaceNames, ends: { a: End; b: End }[], w: Warnings): void {
	const ports: Record<string, Interface> = Object.create(null);
	const linked: string[] = [];
	for (const l of ends) for (const e of [l.a, l.b]) if (e.node === n.name && !linked.includes(e.iface)) linked.push(e.iface);
	const bridges = [...facts.bridges.entries()];
	if (bridges.length > 1) w.add(n.path, `${bridges.length} bridges in one node: imported as one switch`);
	const vlanAware = bridges.some(([, b]) => b.vlanFiltering);
	const members = new Set(bridges.flatMap(([, b]) => b.ports));
	for (const dev of [...linked, ...members]) {
		const name = names.get(dev);
		const p: Interface = ports[name] ?? {};
		if (facts.mtu.has(dev)) p.mtu = facts.mtu.get(dev);
		if (facts.down.some((d) => d.dev === dev)) p.down = true;
		if (vlanAware) {
			const v = facts.portVlans.get(dev);
			const tagged = new Set(v?.tagged ?? []);
			const untagged = new Set(v?.untagged ?? []);
			let pvid = v?.pvid;
			if (!v?.delVid1) {
				untagged.add(1);
				if (pvid === undefined) pvid = 1;
			}
			const taggedIds = [...tagged].filter((x) => !untagged.has(x)).sort((a, b) => a - b);
			if (taggedIds.length) {
				p.trunk = taggedIds;
				if (pvid !== undefined) p.native = pvid;
			} else if (pvid !== undefined && pvid !== 1) p.vlan = pvid;
			else if (pvid === undefined) {
				w.add(n.path, `port ${dev} carries no VLAN; imported as a trunk of no VLANs is not possible, kept as VLAN 1`);
			}
		}
		ports[name] = p;
	}
	if (members.size === 0 && facts.bridges.size === 0 && n.kind === 'linux') w.add(n.path, 'a switch without a bridge: its ports are access ports of VLAN 1');
	if (Object.keys(ports).length) node.interfaces = ports;
	for (const r of facts.routes) w.add(`${n.path}.exec[${r.line}]`, 'route on a switch ignored');
	for (const a of facts.addrs) w.add(`${n.path}.exec[${a.line}]`, `address ${a.cidr} on a switch ignored (switches have no addresses in vnet)`);
}
