/**
 * vnet → containerlab (https://containerlab.dev): a `.clab.yml` lab that
 * `containerlab deploy` builds into the same network, plus the annotations
 * file (`<lab>.clab.yml.annotations.json`) the containerlab graph tools read
 * positions from.
 *
 * Every node is a `linux` container configured by `exec` lines (iproute2,
 * bridge, iptables, sysctl, tc): nothing needs preparing on the host. The
 * mapping follows the kernel oracle that confirmed the conformance suite
 * (../shared/tools/kernel-oracle.py): switches are Linux bridges (with
 * vlan_filtering when VLAN-aware), forwarding nodes filter in FORWARD, endpoints
 * in INPUT/OUTPUT, reject is tcp-reset / icmp-admin-prohibited, NAT is
 * MASQUERADE / DNAT, hypervisor segments are bridges inside the hypervisor.
 *
 * containerlab reserves eth0 for management, so each vnet interface is mapped
 * to eth1, eth2, ... in file order; the mapping is in each node's
 * `vnet.interfaces` label and in the header comment. Pure: no Node APIs.
 */
import { Document, isMap, isScalar, isSeq, Scalar, type Node as YamlNode } from 'yaml';
import type { Interface, Node, Rule, Topology } from '../model/types';
import { resolveTopology, type ResolvedTopology, type RNode, type RIface } from '../model/resolve';
import { ENDPOINT_KINDS, FORWARDING_KINDS } from '../model/kinds';
import { cidrOf, u32ToIp, isIpv4, splitEndpoint } from '../model/net';
import { formatBandwidth, formatDuration } from '../model/units';
import { physicalInterfaces, guestAttachments } from './ports';
import { labelEncode } from './ids';

export const DEFAULT_CLAB_IMAGE = 'ghcr.io/hellt/network-multitool';
/** The default image runs nginx on ports 80 and 443; vnet endpoints listen only on their `services`. */
const STOP_NGINX = "sh -c 'pkill nginx || true'";

export interface ClabExportOptions {
	/** container image of every node (default ghcr.io/hellt/network-multitool: iproute2, iptables, tc, socat) */
	image?: string;
	/** the lab name; default: the topology name, sanitized */
	labName?: string;
}

export interface ClabExport {
	/** the `.clab.yml` text */
	yaml: string;
	/** the annotations JSON text (`<lab>.clab.yml.annotations.json`) */
	annotations: string;
	labName: string;
	/** per node: vnet interface → containerlab interface */
	interfaceMap: Record<string, Record<string, string>>;
	/** what has no containerlab equivalent and how it was mapped (also in the header comment) */
	notes: string[];
}

/** A containerlab lab name: `^[a-zA-Z0-9][a-zA-Z0-9-._]*$`. */
export function clabName(name: string): string {
	const s = name.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
	return s || 'vnet-lab';
}

interface NodePlan {
	id: string;
	node: Node;
	r: RNode;
	/** vnet physical interface → ethN */
	map: Map<string, string>;
	/** hypervisor: guest port ethN per "guest.iface" */
	guestPorts: Map<string, string>;
	exec: string[];
	notes: string[];
}

const IPT = 'iptables';

/** Linux device name of a vnet interface (subinterfaces and bonds keep their own names over mapped parents). */
function dev(plan: NodePlan, vnetIf: string): string {
	const dot = vnetIf.indexOf('.');
	if (dot > 0) return `${dev(plan, vnetIf.slice(0, dot))}.${vnetIf.slice(dot + 1)}`;
	return plan.map.get(vnetIf) ?? vnetIf;
}

/** Addresses a rule's from/to stands for: a node id → all its addresses; `any`/absent → [undefined]. */
function ruleAddresses(spec: string | undefined, r: ResolvedTopology): (string | undefined)[] {
	if (spec === undefined || spec === 'any') return [undefined];
	if (isIpv4(spec) || spec.includes('/')) return [spec];
	const n = r.nodes.get(spec);
	if (!n || n.addresses.length === 0) return ['0.0.0.0/32'];
	return n.addresses;
}

function portArg(flag: string, p: { from: number; to: number } | undefined): string {
	if (!p) return '';
	return ` ${flag} ${p.from === p.to ? p.from : `${p.from}:${p.to}`}`;
}

function ruleLines(plan: NodePlan, rule: Rule, chain: string, r: ResolvedTopology): string[] {
	const out: string[] = [];
	const base = (proto: string | undefined) => {
		let m = '';
		if (proto) m += ` -p ${proto}`;
		if (proto === 'tcp' || proto === 'udp') m += portArg('--sport', rule.sport) + portArg('--dport', rule.port);
		if (rule.in) m += ` -i ${dev(plan, rule.in)}`;
		if (rule.out) m += ` -o ${dev(plan, rule.out)}`;
		return m;
	};
	for (const s of ruleAddresses(rule.from, r))
		for (const d of ruleAddresses(rule.to, r)) {
			const sd = (s ? ` -s ${s}` : '') + (d ? ` -d ${d}` : '');
			if (rule.action === 'allow') out.push(`${IPT} -A ${chain}${base(rule.proto)}${sd} -j ACCEPT`);
			else if (rule.action === 'deny') out.push(`${IPT} -A ${chain}${base(rule.proto)}${sd} -j DROP`);
			else if (rule.proto === 'tcp') out.push(`${IPT} -A ${chain}${base('tcp')}${sd} -j REJECT --reject-with tcp-reset`);
			else if (rule.proto === undefined) {
				out.push(`${IPT} -A ${chain}${base('tcp')}${sd} -j REJECT --reject-with tcp-reset`);
				out.push(`${IPT} -A ${chain}${base(undefined)}${sd} -j REJECT --reject-with icmp-admin-prohibited`);
			} else out.push(`${IPT} -A ${chain}${base(rule.proto)}${sd} -j REJECT --reject-with icmp-admin-prohibited`);
		}
	return out;
}

function routeTarget(to: string): string {
	return to === '0.0.0.0/0' ? 'default' : to;
}

/** exec lines that give a node its interfaces, addresses and routes. */
function l3Lines(plan: NodePlan, hvBridgedUplinks: Set<string>): void {
	const { node, exec } = plan;
	const decl = node.interfaces ?? {};
	const rn = plan.r;
	const ifaceDecl = (name: string): Interface => decl[name] ?? {};
	// Physical interfaces: MAC and MTU.
	for (const [vnetIf, eth] of plan.map) {
		const d = ifaceDecl(vnetIf);
		if (d.mac) exec.push(`ip link set ${eth} address ${d.mac}`);
		if (d.mtu !== undefined) exec.push(`ip link set ${eth} mtu ${d.mtu}`);
	}
	// Bonds over mapped members.
	for (const [name, d] of Object.entries(decl)) {
		if (!d.bond) continue;
		const miimonMs = Math.round((d.bond.miimon ?? 100e6) / 1e6);
		exec.push(`ip link add ${name} type bond mode active-backup miimon ${miimonMs}`);
		for (const m of d.bond.members) {
			exec.push(`ip link set ${dev(plan, m)} down`);
			exec.push(`ip link set ${dev(plan, m)} master ${name}`);
		}
		if (d.mtu !== undefined) exec.push(`ip link set ${name} mtu ${d.mtu}`);
		exec.push(`ip link set ${name} up`);
	}
	// VLAN subinterfaces.
	for (const [name, d] of Object.entries(decl)) {
		const dot = name.indexOf('.');
		if (dot < 0) continue;
		const parentDev = dev(plan, name.slice(0, dot));
		const linux = `${parentDev}.${name.slice(dot + 1)}`;
		exec.push(`ip link add link ${parentDev} name ${linux} type vlan id ${name.slice(dot + 1)}`);
		if (d.mtu !== undefined) exec.push(`ip link set ${linux} mtu ${d.mtu}`);
		exec.push(`ip link set ${linux} up`);
	}
	// Addresses (resolved: DHCP leases become static addresses).
	for (const i of rn.interfaces) {
		if (!i.ip || i.implicit) continue;
		const target = hvBridgedUplinks.has(i.name) ? `br-${dev(plan, i.name)}` : dev(plan, i.name);
		exec.push(`ip addr add ${i.ip}/${i.prefixLen} dev ${target}`);
	}
	for (const i of rn.interfaces) if (i.down && !i.implicit) exec.push(`ip link set ${dev(plan, i.name)} down`);
}

function routeLines(plan: NodePlan): void {
	let defaultSet = false;
	for (const rt of plan.r.routes) {
		const metric = rt.metric ? ` metric ${rt.metric}` : '';
		if (rt.blackhole) {
			plan.exec.push(`ip route add blackhole ${routeTarget(rt.to)}${metric}`);
			continue;
		}
		if (rt.to === '0.0.0.0/0') {
			// The management network already installed a default route via eth0: replace it.
			// An interface `gateway` is written "default", a 0.0.0.0/0 route as the prefix.
			const target = rt.origin === 'static' ? '0.0.0.0/0' : 'default';
			plan.exec.push(`ip route ${defaultSet ? 'append' : 'replace'} ${target} via ${rt.via}${metric}`);
			defaultSet = true;
			continue;
		}
		plan.exec.push(`ip route add ${rt.to} via ${rt.via}${metric}`);
	}
}

function filterLines(plan: NodePlan, r: ResolvedTopology): void {
	const rn = plan.r;
	const forwarding = FORWARDING_KINDS.has(rn.kind as never);
	const rules = rn.rules;
	if (!forwarding && !ENDPOINT_KINDS.has(rn.kind as never)) return;
	const base = forwarding ? ['FORWARD'] : ['INPUT', 'OUTPUT'];
	if (rn.stateful && (rules.length || rn.policy === 'deny'))
		for (const c of base) plan.exec.push(`${IPT} -A ${c} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`);
	if (!forwarding && rn.policy === 'deny') {
		// Keep the containerlab management interface and loopback reachable.
		plan.exec.push(`${IPT} -A INPUT -i lo -j ACCEPT`);
		plan.exec.push(`${IPT} -A INPUT -i eth0 -j ACCEPT`);
	}
	for (const rule of rules) {
		const chain = forwarding ? 'FORWARD' : rule.direction === 'out' ? 'OUTPUT' : 'INPUT';
		plan.exec.push(...ruleLines(plan, rule, chain, r));
	}
	if (rn.policy === 'deny') plan.exec.push(`${IPT} -A ${base[0]} -j DROP`);
}

function natLines(plan: NodePlan): void {
	const rn = plan.r;
	if (!rn.nat || rn.kind === 'hypervisor') return;
	for (const m of rn.nat.masquerade) plan.exec.push(`${IPT} -t nat -A POSTROUTING -o ${dev(plan, m)} -j MASQUERADE`);
	for (const f of rn.nat.forwards) {
		const inIf = f.in ? rn.interfaces.find((i) => i.name === f.in) : undefined;
		const d = inIf?.ip ? ` -d ${inIf.ip}` : '';
		plan.exec.push(`${IPT} -t nat -A PREROUTING${f.in ? ` -i ${dev(plan, f.in)}` : ''}${d} -p ${f.proto} --dport ${f.port} -j DNAT --to-destination ${f.toAddr}:${f.toPort}`);
	}
}

function serviceLines(plan: NodePlan): void {
	// A hypervisor's resolved services include those of its `attach: host` containers (one network
	// namespace): those containers share it here too (network-mode) and start their own listeners.
	const services = plan.node.kind === 'hypervisor' ? (plan.node.services ?? []) : plan.r.services;
	for (const s of services) {
		const listen = s.proto === 'tcp' ? `TCP-LISTEN:${s.port},fork,reuseaddr` : `UDP-RECVFROM:${s.port},fork`;
		const answer = s.proto === 'tcp' ? 'SYSTEM:cat' : 'SYSTEM:"head -c 64"';
		plan.exec.push(`sh -c 'socat ${listen} ${answer} >/dev/null 2>&1 &'`);
	}
}

function switchLines(plan: NodePlan): void {
	const ports = plan.r.interfaces.filter((i) => plan.map.has(i.name));
	const vlanAware = ports.some((p) => p.trunk !== undefined || p.native !== undefined || (p.vlan ?? 1) !== 1);
	plan.exec.push(vlanAware ? 'ip link add br0 type bridge vlan_filtering 1' : 'ip link add br0 type bridge');
	plan.exec.push('ip link set br0 up');
	for (const p of ports) {
		const eth = plan.map.get(p.name)!;
		const d = plan.node.interfaces?.[p.name];
		if (d?.mtu !== undefined) plan.exec.push(`ip link set ${eth} mtu ${d.mtu}`);
		plan.exec.push(`ip link set ${eth} master br0`);
		if (vlanAware) {
			const carriesVlan1 = p.trunk ? p.trunk.includes(1) || p.native === 1 : (p.vlan ?? 1) === 1;
			if (!carriesVlan1 || (p.trunk && p.native !== 1)) plan.exec.push(`bridge vlan del dev ${eth} vid 1`);
			if (p.trunk) {
				for (const v of p.trunk) if (v !== p.native) plan.exec.push(`bridge vlan add dev ${eth} vid ${v}`);
				if (p.native !== undefined) plan.exec.push(`bridge vlan add dev ${eth} vid ${p.native} pvid untagged`);
			} else if (p.native !== undefined) plan.exec.push(`bridge vlan add dev ${eth} vid ${p.native} pvid untagged`);
			else if ((p.vlan ?? 1) !== 1) plan.exec.push(`bridge vlan add dev ${eth} vid ${p.vlan} pvid untagged`);
		}
		if (p.down) plan.exec.push(`ip link set ${eth} down`);
	}
}

/** A Linux device name for a product's bridge ("vEthernet(Default Switch)" -> "vEthernetDefaul"). */
function bridgeName(name: string): string {
	// "br-<uplink>" is this exporter's name for a bridged uplink: a Docker network bridge is "dbr-<name>" here
	return name.replace(/[^A-Za-z0-9_.-]/g, '').replace(/^br-/, 'dbr-').slice(0, 15) || 'br0';
}

/** "1 2 3 7 9 10" -> ["1-3", "7", "9-10"] (`bridge vlan ... vid A-B`). */
function vidRanges(vids: number[]): string[] {
	const out: string[] = [];
	const s = [...new Set(vids)].sort((a, b) => a - b);
	for (let i = 0; i < s.length; ) {
		let j = i;
		while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
		out.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
		i = j + 1;
	}
	return out;
}

/** `bridge vlan` lines of one port of a VLAN-filtering bridge (`self`: the bridge device, i.e. the hypervisor's own port). */
function portVlanLines(dev: string, p: { vlan?: number; trunk?: number[]; native?: number }, self = false): string[] {
	const s = self ? ' self' : '';
	const out: string[] = [];
	const untaggedVid = p.trunk ? p.native : (p.vlan ?? 1);
	const tagged = (p.trunk ?? []).filter((v) => v !== p.native);
	if (untaggedVid !== 1 || tagged.includes(1)) out.push(`bridge vlan del dev ${dev} vid 1${s}`);
	for (const r of vidRanges(tagged)) out.push(`bridge vlan add dev ${dev} vid ${r}${s}`);
	if (untaggedVid !== undefined && untaggedVid !== 1) out.push(`bridge vlan add dev ${dev} vid ${untaggedVid} pvid untagged${s}`);
	return out;
}

const USER_MODE_MARK = 100;

/**
 * Hypervisor segments as bridges inside the hypervisor container; returns
 * whether the hypervisor routes (a NAT network: ip_forward on).
 *
 *   kernel NAT (nat0, docker0, virbr0, VMnet8, Default Switch, NetNat, user-defined
 *       Docker networks): a bridge with the product's gateway address, MASQUERADE of
 *       its subnet, DNAT for the forwards;
 *   user-mode NAT (VirtualBox nat / nat-network, QEMU nat): one bridge per engine
 *       (`unatN`) with the engine's gateway address, MASQUERADE; engines that share a
 *       subnet (every VirtualBox NAT adapter is 10.0.2.0/24) are told apart by
 *       connection marks and one routing table each;
 *   host-only / isolated / internal switches: a bridge with the host address;
 *   internal / private / custom: a bridge among guests (`intN`);
 *   bridged / external / macvlan / macvtap / ESXi port groups: a bridge on the uplink
 *       (`br-ethN`) holding the hypervisor's address; VLAN-filtering for port groups.
 */
function hypervisorLines(plan: NodePlan, r: ResolvedTopology, bridgedUplinks: Set<string>): boolean {
	const hv = plan.r;
	const product = plan.node.product ?? 'generic';
	const segs = [...r.nodes.values()].filter((n) => n.owner === hv.id && n.kind === 'virtual-switch');
	/** The hypervisor interfaces on a segment, in link order (VMware's NAT device .2 before its host adapter .1). */
	const hostIfs = (seg: RNode): RIface[] => {
		const out: RIface[] = [];
		for (const l of r.links)
			for (const [x, y] of [
				[l.a, l.b],
				[l.b, l.a]
			] as const)
				if (x.node === seg.id && y.node === hv.id) {
					const i = hv.interfaces.find((i) => i.name === y.iface);
					if (i) out.push(i);
				}
		return out;
	};
	/** A user-mode NAT engine on a segment. */
	const engineOf = (seg: RNode): RNode | undefined => {
		for (const l of r.links)
			for (const [x, y] of [
				[l.a, l.b],
				[l.b, l.a]
			] as const)
				if (x.node === seg.id && r.nodes.get(y.node)?.kind === 'nat-engine') return r.nodes.get(y.node);
		return undefined;
	};
	const netOf = (ip: string, len: number) => {
		const c = cidrOf(`${ip}/${len}`);
		return `${u32ToIp(c.net)}/${c.len}`;
	};
	interface NatBridge {
		br: string;
		net: string;
		userMode: boolean;
		engine?: string;
		mark?: number;
	}
	const natBridges: NatBridge[] = [];
	const allBridges: string[] = [];
	let internalIdx = 0;
	let userIdx = 0;
	const lines = plan.exec;
	for (const seg of segs) {
		let br: string;
		const own = hostIfs(seg);
		const gw = own.find((i) => i.implicit === 'nat-gateway' && i.ip);
		const engine = seg.segment === 'nat' ? engineOf(seg) : undefined;
		if (seg.segment === 'nat' && gw) {
			br = bridgeName(gw.name);
			lines.push(`ip link add ${br} type bridge`, `ip link set ${br} up`);
			for (const i of own) if (i.ip) lines.push(`ip addr add ${i.ip}/${i.prefixLen} dev ${br}`);
			natBridges.push({ br, net: netOf(gw.ip!, gw.prefixLen!), userMode: false });
		} else if (seg.segment === 'nat' && engine) {
			// user-mode NAT: the engine's gateway (and DNS) address on the hypervisor
			br = `unat${userIdx++}`;
			const e = engine.interfaces[0];
			lines.push(`ip link add ${br} type bridge`, `ip link set ${br} up`, `ip addr add ${e.ip}/${e.prefixLen} dev ${br}`);
			natBridges.push({ br, net: netOf(e.ip!, e.prefixLen!), userMode: true, engine: engine.id });
		} else if ((seg.segment === 'host-only' || seg.segment === 'nat') && own.some((i) => i.ip)) {
			br = bridgeName(own[0].name);
			lines.push(`ip link add ${br} type bridge`, `ip link set ${br} up`);
			for (const i of own) if (i.ip) lines.push(`ip addr add ${i.ip}/${i.prefixLen} dev ${br}`);
		} else if (seg.segment !== 'bridge') {
			br = `int${internalIdx++}`;
			lines.push(`ip link add ${br} type bridge`, `ip link set ${br} up`);
		} else {
			const uplink = seg.id.slice(seg.id.lastIndexOf(':') + 1);
			const upEth = dev(plan, uplink);
			br = `br-${upEth}`;
			bridgedUplinks.add(uplink);
			const vlanAware = seg.interfaces.some((p) => p.trunk !== undefined || p.native !== undefined || (p.vlan ?? 1) !== 1);
			lines.push(vlanAware ? `ip link add ${br} type bridge vlan_filtering 1` : `ip link add ${br} type bridge`, `ip link set ${br} up`, `ip link set ${upEth} master ${br}`);
			if (vlanAware) {
				const up = seg.interfaces.find((p) => p.name === 'uplink');
				const self = seg.interfaces.find((p) => p.name === 'host');
				if (up) lines.push(...portVlanLines(upEth, up));
				if (self) lines.push(...portVlanLines(br, self, true));
			}
		}
		allBridges.push(br);
		for (const port of seg.interfaces) {
			const eth = plan.guestPorts.get(port.name);
			if (!eth) continue;
			lines.push(`ip link set ${eth} master ${br}`);
			if (seg.segment === 'bridge' && (port.trunk !== undefined || port.native !== undefined || (port.vlan ?? 1) !== 1)) lines.push(...portVlanLines(eth, port));
		}
	}
	if (natBridges.length === 0 && !hv.nat) return false;

	// Who may be forwarded: replies, bridged frames (when br_netfilter hands them to iptables),
	// published ports, and what leaves a NAT network; nothing else (host-only stays host-only).
	const ipt = (s: string) => lines.push(`${IPT} ${s}`);
	ipt('-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT');
	for (const br of allBridges) ipt(`-A FORWARD -i ${br} -o ${br} -j ACCEPT`);
	if (product === 'docker' || product === 'podman')
		// DOCKER-ISOLATION: networks meet only through published ports
		for (const a of natBridges) for (const b of natBridges) if (a !== b) ipt(`-A FORWARD -i ${a.br} -o ${b.br} -j DROP`);
	for (const n of natBridges) ipt(`-A FORWARD -o ${n.br} -m conntrack --ctstate DNAT -j ACCEPT`);
	// libvirt's own rules reject what comes from outside for a NAT guest
	if (product === 'libvirt') for (const n of natBridges) ipt(`-A FORWARD -o ${n.br} -j REJECT --reject-with icmp-port-unreachable`);
	for (const n of natBridges) ipt(`-A FORWARD -i ${n.br} -j ACCEPT`);
	ipt('-A FORWARD -j DROP');
	for (const net of new Set(natBridges.map((n) => n.net))) ipt(`-t nat -A POSTROUTING -s ${net} ! -d ${net} -j MASQUERADE`);

	// User-mode engines sharing a subnet: a connection mark per engine and a routing table per mark.
	const shared = natBridges.filter((n) => n.userMode && natBridges.filter((m) => m.net === n.net).length > 1);
	if (shared.length) {
		ipt('-t mangle -A PREROUTING -j CONNMARK --restore-mark');
		ipt('-t mangle -A OUTPUT -j CONNMARK --restore-mark');
		// one subnet on several bridges: reverse-path filtering would drop all but the first
		lines.push('sysctl -w net.ipv4.conf.all.rp_filter=0');
		shared.forEach((n, k) => {
			lines.push(`sysctl -w net.ipv4.conf.${n.br}.rp_filter=0`);
			n.mark = USER_MODE_MARK + k;
			ipt(`-t mangle -A PREROUTING -i ${n.br} -j CONNMARK --set-mark ${n.mark}`);
			lines.push(`ip rule add fwmark ${n.mark} table ${n.mark}`, `ip route add ${n.net} dev ${n.br} table ${n.mark}`);
		});
	}
	// Port forwards. Kernel NAT: at the hypervisor's addresses outside its NAT networks;
	// user-mode NAT: at every hypervisor address, and from the hypervisor itself.
	const outside = hv.addresses.filter((a) => !hv.interfaces.some((i) => i.implicit && i.ip === a));
	for (const f of hv.nat?.forwards ?? []) {
		for (const a of outside) ipt(`-t nat -A PREROUTING -d ${a} -p ${f.proto} --dport ${f.port} -j DNAT --to-destination ${f.toAddr}:${f.toPort}`);
		if (product === 'docker' || product === 'podman')
			for (const a of outside) ipt(`-t nat -A OUTPUT -d ${a} -p ${f.proto} --dport ${f.port} -j DNAT --to-destination ${f.toAddr}:${f.toPort}`);
	}
	const everyAddress = hv.interfaces.filter((i) => i.ip).map((i) => i.ip!);
	for (const f of hv.usermodeForwards ?? []) {
		const mark = natBridges.find((n) => n.engine === f.engine)?.mark;
		for (const chain of ['PREROUTING', 'OUTPUT'])
			for (const a of everyAddress) {
				if (mark !== undefined) ipt(`-t mangle -A ${chain} -d ${a} -p ${f.proto} --dport ${f.port} -j MARK --set-mark ${mark}`);
				ipt(`-t nat -A ${chain} -d ${a} -p ${f.proto} --dport ${f.port} -j DNAT --to-destination ${f.toAddr}:${f.toPort}`);
			}
	}
	return true;
}

const ICONS: Record<string, string> = {
	host: 'client',
	vm: 'server',
	container: 'server',
	hypervisor: 'server',
	switch: 'switch',
	router: 'router',
	firewall: 'router',
	'nat-gateway': 'router',
	'load-balancer': 'router',
	'sdn-controller': 'controller',
	internet: 'cloud'
};

/** Guest interfaces of hypervisor `hv` attached with one of `modes`, as "guest.iface". */
function attachedWith(t: Topology, hv: string, modes: string[]): string[] {
	const out: string[] = [];
	for (const [id, n] of Object.entries(t.nodes))
		if (n.on === hv) for (const [name, i] of Object.entries(n.interfaces ?? {})) if (i.attach && modes.includes(i.attach)) out.push(`${id}.${name}`);
	return out;
}

/** What each hypervisor product does that a Linux bridge with iptables does not (presets.md). */
function productNotes(t: Topology): string[] {
	const notes: string[] = [];
	for (const [hv, n] of Object.entries(t.nodes)) {
		if (n.kind !== 'hypervisor' || !n.product || n.product === 'generic') continue;
		const p = n.product;
		const on = (modes: string[]) => attachedWith(t, hv, modes);
		const say = (guests: string[], text: string) => {
			if (guests.length) notes.push(`${hv} (${p}) ${guests.join(', ')}: ${text}`);
		};
		if (p === 'virtualbox' || p === 'qemu')
			say(
				on(p === 'virtualbox' ? ['nat', 'nat-network'] : ['nat']),
				'user-mode NAT approximated by one bridge per NAT engine (unatN: a NAT adapter, or a NAT Network) with the engine\'s gateway address on the hypervisor and kernel MASQUERADE; engines sharing a subnet are told apart by connection marks and one routing table each (100, 101, ...). Unlike the product: the hypervisor is a routed hop (TTL - 1, it shows in a traceroute), source ports are kept where free (not new ones from 49152), ICMP errors from beyond reach the guest, protocols other than TCP/UDP/ICMP echo pass, the DNS address (.3) does not answer, and a connection to the gateway arrives from the guest\'s address (not 127.0.0.1); port forwards are DNAT at every hypervisor address, also from the hypervisor itself.'
			);
		if (p === 'virtualbox') say(on(['host-only']), 'host-only adapter: the vboxnet0 bridge with the hypervisor\'s address; not forwarded.');
		if (p === 'vmware') {
			say(on(['nat']), 'VMnet8: one kernel-NAT bridge holding both the NAT device (.2, the guests\' gateway) and the host adapter (.1); VMware\'s NAT device is a separate process, not the host\'s kernel.');
			say(on(['host-only']), 'VMnet1: a host-only bridge with the host adapter\'s address; not forwarded.');
		}
		if (p === 'libvirt') {
			say(on(['nat']), 'virbr0: kernel-NAT bridge; packets from outside for a guest are rejected with icmp-port-unreachable, as libvirt\'s own rules do.');
			say(on(['isolated']), 'isolated networks: bridges with the host\'s address (virbrN); not forwarded.');
		}
		if (p === 'hyper-v') {
			say(on(['default-switch']), 'Default Switch: a kernel-NAT bridge on the subnet of networks.default (the real one changes across reboots).');
			say(on(['internal']), 'internal switches: bridges with the host\'s vEthernet address (a NetNat subnet masquerades).');
		}
		if (p === 'docker' || p === 'podman') {
			say(on(['bridge', 'network']), `${p === 'docker' ? 'docker0' : 'podman0'} and user-defined networks: kernel-NAT bridges (dbr-NAME for a network) isolated from each other by FORWARD DROP rules (as DOCKER-ISOLATION); published ports are DNAT (no userland proxy); no embedded DNS, so containers do not resolve each other's names.`);
			say(on(['host']), 'network-mode container:' + hv + ' (the host\'s network namespace); the container\'s vnet interface has no link.');
		}
		if (p === 'esxi')
			say(on(['portgroup']), 'port groups are ports of a VLAN-filtering bridge on the uplink: VLAN 0 untagged (the uplink\'s native VLAN), 1-4094 tagged on the uplink, 4095 a trunk of every VLAN; unlike a vSwitch the bridge learns and floods unknown unicast to every port of the VLAN (promiscuous mode is not rejected).');
		say(on(['macvlan', 'macvtap']), 'macvlan/macvtap: plain ports of the uplink bridge; unlike the product, the hypervisor and these guests can reach each other.');
		say(on(['none']), '`none`: not attached (no link).');
		if (p === 'lxc') say(on(['nat']), 'lxcbr0: a kernel-NAT bridge.');
	}
	return notes;
}

/** Notes about what this topology uses that containerlab cannot express, and how it was mapped. */
function featureNotes(t: Topology): string[] {
	const notes: string[] = [];
	const nodes = Object.entries(t.nodes);
	const has = (f: (n: Node) => boolean) => nodes.filter(([, n]) => f(n)).map(([id]) => id);
	const list = (ids: string[]) => ids.join(', ');
	let ids = has((n) => n.kind === 'sdn-controller');
	if (ids.length) notes.push(`SDN controller (${list(ids)}): no equivalent; exported as an idle linux node and its switches as MAC-learning bridges (OVS + an OpenFlow controller would be needed).`);
	ids = has((n) => n.kind === 'hypervisor');
	if (ids.length) {
		const products = has((n) => n.kind === 'hypervisor' && !!n.product && n.product !== 'generic');
		notes.push(
			`hypervisors (${list(ids)}): linux nodes; their NAT, host-only, internal and bridged networks are Linux bridges inside them with iptables MASQUERADE/DNAT; DHCP leases are written as static addresses (no DHCP or DNS server runs)${products.length ? `; products (${list(products.map((id) => `${id}: ${t.nodes[id].product}`))}) as below, and restored exactly on import from the vnet.product, vnet.networks, vnet.portgroups, vnet.attach and vnet.forwards labels` : ''}.`
		);
		notes.push(...productNotes(t));
	}
	ids = has((n) => Object.values(n.interfaces ?? {}).some((i) => i.vrrp));
	if (ids.length) notes.push(`VRRP (${list(ids)}): not configured; needs keepalived in the image.`);
	ids = has((n) => !!n.ospf);
	if (ids.length) notes.push(`OSPF (${list(ids)}): not configured; needs FRR (e.g. image quay.io/frrouting/frr) with ospfd.`);
	ids = has((n) => n.kind === 'load-balancer');
	if (ids.length) notes.push(`load balancers (${list(ids)}): exported as routers; the vip, pool and health checks need haproxy or IPVS.`);
	ids = has((n) => n.kind === 'internet');
	if (ids.length) notes.push(`internet (${list(ids)}): a linux node that answers at its own addresses; traffic for outside addresses is not emulated.`);
	ids = has((n) => (n.services ?? []).length > 0);
	if (ids.length) notes.push(`services (${list(ids)}): one socat listener per service (TCP echoes, UDP answers the first 64 bytes).`);
	ids = has((n) => n.delay !== undefined);
	if (ids.length) notes.push(`node processing delay (${list(ids)}): not emulated.`);
	if (t.links.some((l) => l.latency !== undefined || l.bandwidth !== undefined || l.loss !== undefined))
		notes.push('link latency / bandwidth / loss: `tc qdisc ... netem` on the first end of each link.');
	if (t.links.some((l) => l.down)) notes.push('down links: both ends are set down with `ip link set ... down`.');
	if (t.links.some((l) => l.queue !== undefined)) notes.push('link queue lengths: not emulated.');
	if (Object.keys(t.scenarios).length) notes.push(`scenarios (${list(Object.keys(t.scenarios))}): no equivalent (timed traffic and faults are vnet features).`);
	if (t.checks.length) notes.push(`checks: ${t.checks.length} kept only in the vnet file (run them with \`vnet check\`).`);
	return notes;
}

/** The topology as a containerlab lab. */
export function toContainerlab(t: Topology, opts: ClabExportOptions = {}): ClabExport {
	const r = resolveTopology(t);
	const labName = opts.labName ? clabName(opts.labName) : clabName(t.name);
	const image = opts.image ?? DEFAULT_CLAB_IMAGE;
	const plans = new Map<string, NodePlan>();
	for (const [id, n] of Object.entries(t.nodes)) {
		const map = new Map<string, string>();
		physicalInterfaces(id, n, t).forEach((name, i) => map.set(name, `eth${i + 1}`));
		plans.set(id, { id, node: n, r: r.nodes.get(id)!, map, guestPorts: new Map(), exec: [], notes: [] });
	}
	// Hypervisor-side ports for attached guests, in the resolver's order.
	const links: { a: string; b: string; vars?: Record<string, unknown>; index?: number }[] = [];
	for (const [index, l] of t.links.entries()) {
		const { node: an, iface: ai } = splitEndpoint(l.a);
		const { node: bn, iface: bi } = splitEndpoint(l.b);
		const pa = plans.get(an);
		const pb = plans.get(bn);
		if (!pa || !pb) continue;
		const vars: Record<string, unknown> = {};
		if (l.latency !== undefined) vars.latency = formatDuration(l.latency);
		if (l.bandwidth !== undefined) vars.bandwidth = formatBandwidth(l.bandwidth);
		if (l.loss !== undefined) vars.loss = l.loss;
		if (l.down) vars.down = true;
		if (l.queue !== undefined) vars.queue = l.queue;
		links.push({ a: `${an}:${dev(pa, ai)}`, b: `${bn}:${dev(pb, bi)}`, index, ...(Object.keys(vars).length ? { vars: { vnet: vars } } : {}) });
	}
	for (const g of guestAttachments(r)) {
		const hv = plans.get(g.hypervisor)!;
		const gp = plans.get(g.guest);
		if (!gp) continue;
		const eth = `eth${hv.map.size + hv.guestPorts.size + 1}`;
		hv.guestPorts.set(g.port, eth);
		links.push({ a: `${g.guest}:${dev(gp, g.iface)}`, b: `${g.hypervisor}:${eth}` });
	}

	for (const plan of plans.values()) {
		const k = plan.node.kind;
		if (k === 'switch') {
			switchLines(plan);
			continue;
		}
		if (k === 'sdn-controller') continue;
		// network-multitool starts nginx on 80/443: only the design's services may listen.
		if (image === DEFAULT_CLAB_IMAGE) plan.exec.push(STOP_NGINX);
		const bridgedUplinks = new Set<string>();
		// Hypervisor bridges first: a bridged uplink's address moves onto its bridge.
		const hvRoutes = k === 'hypervisor' && hypervisorLines(plan, r, bridgedUplinks);
		l3Lines(plan, bridgedUplinks);
		if (FORWARDING_KINDS.has(k) || hvRoutes) plan.exec.push('sysctl -w net.ipv4.ip_forward=1');
		routeLines(plan);
		filterLines(plan, r);
		natLines(plan);
		serviceLines(plan);
		const ifs = plan.node.interfaces ?? {};
		if (Object.values(ifs).some((i) => i.vrrp)) plan.notes.push('VRRP not configured (needs keepalived)');
		if (plan.node.ospf) plan.notes.push('OSPF not configured (needs FRR)');
	}
	// Link properties: tc netem on the first end; down links on both ends.
	for (const cl of links) {
		if (cl.index === undefined) continue;
		const l = t.links[cl.index];
		const [aNode, aEth] = cl.a.split(':');
		const [bNode, bEth] = cl.b.split(':');
		const pa = plans.get(aNode)!;
		const pb = plans.get(bNode)!;
		if (l.latency !== undefined || l.bandwidth !== undefined || l.loss !== undefined) {
			let args = '';
			if (l.latency !== undefined) args += ` delay ${formatDuration(l.latency)}`;
			if (l.bandwidth !== undefined) args += ` rate ${netemRate(l.bandwidth)}`;
			if (l.loss !== undefined) args += ` loss ${Number((l.loss * 100).toPrecision(6))}%`;
			pa.exec.push(`tc qdisc add dev ${aEth} root netem${args}`);
		}
		if (l.down) {
			pa.exec.push(`ip link set ${aEth} down`);
			pb.exec.push(`ip link set ${bEth} down`);
		}
	}

	const notes = featureNotes(t);
	const interfaceMap: Record<string, Record<string, string>> = {};
	const clabNodes: Record<string, unknown> = {};
	for (const plan of plans.values()) {
		interfaceMap[plan.id] = Object.fromEntries(plan.map);
		const labels: Record<string, string> = { 'vnet.kind': plan.node.kind };
		if (plan.node.label) labels['vnet.label'] = plan.node.label;
		if (plan.map.size) labels['vnet.interfaces'] = [...plan.map].map(([v, e]) => `${e}=${v}`).join(' ');
		if (plan.node.on) labels['vnet.on'] = plan.node.on;
		// hypervisor products (presets.md): restored by the importer
		if (plan.node.product) labels['vnet.product'] = plan.node.product;
		const enc = labelEncode;
		if (plan.node.networks) labels['vnet.networks'] = Object.entries(plan.node.networks).map(([k, v]) => `${enc(k)}=${v.subnet}`).join(' ');
		if (plan.node.portgroups)
			labels['vnet.portgroups'] = Object.entries(plan.node.portgroups).map(([k, v]) => `${enc(k)}=${v.vlan}${v.uplink ? `@${enc(v.uplink)}` : ''}`).join(' ');
		if (plan.node.kind === 'hypervisor' && plan.node.nat) {
			// the design as written: the exec lines hold resolved addresses ("web1:22" is 10.0.2.15:22 there)
			if (plan.node.nat.subnet) labels['vnet.nat-subnet'] = plan.node.nat.subnet;
			if (plan.node.nat.forwards?.length)
				labels['vnet.forwards'] = plan.node.nat.forwards.map((f) => `${f.proto}/${f.port}=${enc(f.to)}${f.in ? `@${enc(f.in)}` : ''}`).join(' ');
		}
		const attach = Object.entries(plan.node.interfaces ?? {})
			.filter(([, i]) => i.attach)
			.map(([name, i]) => `${name}=${i.attach}${i.network ? `:${enc(i.network)}` : ''}${i.uplink ? `@${enc(i.uplink)}` : ''}`);
		if (attach.length) labels['vnet.attach'] = attach.join(' ');
		const dhcp = Object.entries(plan.node.interfaces ?? {}).filter(([, i]) => i.dhcp).map(([name]) => name);
		if (dhcp.length) labels['vnet.dhcp'] = dhcp.join(' ');
		// addressed by the product without `dhcp` (Docker/Podman IPAM): the exec lines hold the address
		const auto = Object.entries(plan.node.interfaces ?? {})
			.filter(([name, i]) => i.attach && !i.dhcp && !i.ip && plan.r.interfaces.some((x) => x.name === name && x.ip))
			.map(([name]) => name);
		if (auto.length) labels['vnet.auto'] = auto.join(' ');
		const node: Record<string, unknown> = { kind: 'linux' };
		if (plan.node.on) node.group = plan.node.on;
		// docker/podman `attach: host`: the container lives in the host's network namespace
		if (plan.r.netns) node['network-mode'] = `container:${plan.r.netns}`;
		node.labels = labels;
		if (plan.exec.length) node.exec = plan.exec;
		clabNodes[plan.id] = node;
	}
	const lab: Record<string, unknown> = {
		name: labName,
		topology: {
			kinds: { linux: { image } },
			nodes: clabNodes,
			...(links.length ? { links: links.map((l) => ({ endpoints: [l.a, l.b], ...(l.vars ? { vars: l.vars } : {}) })) } : {})
		}
	};
	const doc = new Document(lab);
	// Readability: endpoints in flow style; per-node notes as comments.
	const topo = doc.get('topology') as YamlNode;
	if (isMap(topo)) {
		const linksNode = topo.get('links');
		if (isSeq(linksNode))
			for (const item of linksNode.items) {
				const ep = isMap(item) ? item.get('endpoints') : null;
				if (!isSeq(ep)) continue;
				ep.flow = true;
				for (const s of ep.items) if (isScalar(s)) s.type = Scalar.QUOTE_DOUBLE;
			}
		const nodesNode = topo.get('nodes');
		if (isMap(nodesNode))
			for (const pair of nodesNode.items) {
				const id = String((pair.key as { value: unknown }).value);
				const plan = plans.get(id)!;
				if (plan.notes.length) (pair.key as YamlNode).commentBefore = plan.notes.map((n) => ' ' + n).join('\n');
			}
	}
	const header = [
		`containerlab lab generated by \`vnet export --to containerlab\` from vnet topology "${t.name}".`,
		'Deploy: containerlab deploy -t <this file>. Every node is a linux container configured by exec lines.',
		'containerlab reserves eth0 for management: vnet interfaces are mapped to eth1, eth2, ... in file order:'
	];
	for (const plan of plans.values()) if (plan.map.size) header.push(`  ${plan.id}: ${[...plan.map].map(([v, e]) => `${v}->${e}`).join(', ')}`);
	header.push('Switches are Linux bridges (br0; vlan_filtering with `bridge vlan` for access/trunk/native ports).');
	if (image === DEFAULT_CLAB_IMAGE) header.push(`Image ${image}: its nginx (ports 80/443) is stopped so that only the design's services listen.`);
	header.push('Forwarding nodes filter in FORWARD, endpoints in INPUT/OUTPUT; reject = tcp-reset / icmp-admin-prohibited.');
	if (notes.length) {
		header.push('No direct equivalent, mapped as follows:');
		for (const n of notes) header.push(`  - ${n}`);
	}
	doc.commentBefore = header.map((l) => ' ' + oneLine(l)).join('\n');
	const yaml = doc.toString({ lineWidth: 0 });

	const annotations = {
		freeTextAnnotations: [],
		groupStyleAnnotations: [],
		cloudNodeAnnotations: [],
		nodeAnnotations: Object.entries(t.nodes)
			.filter(([, n]) => n.position)
			.map(([id, n]) => ({
				id,
				position: { x: n.position!.x, y: n.position!.y },
				icon: ICONS[n.kind] ?? 'pe',
				...(n.on ? { group: n.on, level: '1' } : {})
			}))
	};
	return { yaml, annotations: JSON.stringify(annotations, null, 2) + '\n', labName, interfaceMap, notes };
}

function oneLine(s: string): string {
	return s.replace(/[\r\n]+/g, ' ');
}

/** tc rate syntax: "10gbit", "100mbit", "56kbit", "9600bit". */
function netemRate(bps: number): string {
	if (bps % 1e9 === 0) return `${bps / 1e9}gbit`;
	if (bps % 1e6 === 0) return `${bps / 1e6}mbit`;
	if (bps % 1e3 === 0) return `${bps / 1e3}kbit`;
	return `${Math.round(bps)}bit`;
}
