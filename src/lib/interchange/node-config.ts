/**
 * The Linux commands that build each node of a design: iproute2 (`ip link`,
 * `ip addr`, `ip route`, `ip rule`), `bridge vlan`, `sysctl`, `iptables` and
 * `tc`. One generator for the containerlab export (its `exec:` lines) and the
 * app's and CLI's per-node Config view, so the two can never disagree.
 *
 * Device names are the containerlab ones: eth0 is the management interface, so
 * each vnet interface is mapped to eth1, eth2, ... in file order (`map`), and a
 * hypervisor gets one more port per attached guest (`guestPorts`). The mapping
 * follows the kernel oracle that confirmed the conformance suite: switches are
 * Linux bridges (vlan_filtering when VLAN-aware), forwarding nodes filter in
 * FORWARD, endpoints in INPUT/OUTPUT, reject is tcp-reset /
 * icmp-admin-prohibited, NAT is MASQUERADE / DNAT, hypervisor segments are
 * bridges inside the hypervisor. Pure: no Node APIs.
 */
import type { Interface, Node, Rule, Topology } from '../model/types';
import { resolveTopology, FORWARDING_KINDS, ENDPOINT_KINDS, type ResolvedTopology, type RNode, type RIface } from '../model/resolve';
import { cidrOf, u32ToIp, isIpv4 } from '../model/net';
import { formatDuration } from '../model/units';
import { physicalInterfaces, guestAttachments } from './ports';
import { isOverlayBridge, overlayAttachments, overlayBridgeLines } from './node-config-overlay';

export interface NodePlan {
	id: string;
	node: Node;
	r: RNode;
	/** vnet physical interface → ethN */
	map: Map<string, string>;
	/** hypervisor: guest port ethN per "guest.iface" */
	guestPorts: Map<string, string>;
	exec: string[];
	notes: string[];
	/** bridge devices: the switch's own (br0), a hypervisor's per segment id ("hv1:nat") */
	bridges: Map<string, string>;
}

const IPT = 'iptables';

/** Linux device name of a vnet interface (subinterfaces and bonds keep their own names over mapped parents). */
export function dev(plan: NodePlan, vnetIf: string): string {
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
}

/** Down interfaces last: a route through a down interface cannot be added (the kernel drops those routes when it goes down). */
function downLines(plan: NodePlan): void {
	for (const i of plan.r.interfaces) if (i.down && !i.implicit) plan.exec.push(`ip link set ${dev(plan, i.name)} down`);
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
	plan.bridges.set(plan.id, 'br0');
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
	const taken = new Set<string>([...plan.map.values()].map((e) => `br-${e}`));
	for (const seg of segs) {
		let br: string;
		if (isOverlayBridge(seg)) {
			const ov = overlayBridgeLines(seg, r, plan.guestPorts, taken);
			lines.push(...ov.lines);
			allBridges.push(ov.name);
			plan.bridges.set(seg.id, ov.name);
			continue;
		}
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
		plan.bridges.set(seg.id, br);
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

/** A cable between two nodes' Linux devices ("node:ethN"); `index`: the vnet link it stands for (absent: a guest's attachment). */
export interface PlannedLink {
	a: string;
	b: string;
	index?: number;
}

export interface NodePlanOptions {
	/** commands run first on every node but switches and SDN controllers (e.g. stopping an image's own daemons) */
	prelude?: string[];
}

/** Every node's commands, device map and notes, and the cables between them. */
export function planNodes(t: Topology, opts: NodePlanOptions = {}, r: ResolvedTopology = resolveTopology(t)): { plans: Map<string, NodePlan>; links: PlannedLink[] } {
	const plans = new Map<string, NodePlan>();
	for (const [id, n] of Object.entries(t.nodes)) {
		const map = new Map<string, string>();
		physicalInterfaces(id, n, t).forEach((name, i) => map.set(name, `eth${i + 1}`));
		plans.set(id, { id, node: n, r: r.nodes.get(id)!, map, guestPorts: new Map(), exec: [], notes: [], bridges: new Map() });
	}
	const links: PlannedLink[] = [];
	for (const [index, l] of t.links.entries()) {
		const [an, ai] = [l.a.slice(0, l.a.indexOf('.')), l.a.slice(l.a.indexOf('.') + 1)];
		const [bn, bi] = [l.b.slice(0, l.b.indexOf('.')), l.b.slice(l.b.indexOf('.') + 1)];
		const pa = plans.get(an);
		const pb = plans.get(bn);
		if (!pa || !pb) continue;
		links.push({ a: `${an}:${dev(pa, ai)}`, b: `${bn}:${dev(pb, bi)}`, index });
	}
	// Hypervisor-side ports for attached guests, in the resolver's order.
	for (const g of [...guestAttachments(r), ...overlayAttachments(r)]) {
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
		plan.exec.push(...(opts.prelude ?? []));
		const bridgedUplinks = new Set<string>();
		// Hypervisor bridges first: a bridged uplink's address moves onto its bridge.
		const hvRoutes = k === 'hypervisor' && hypervisorLines(plan, r, bridgedUplinks);
		l3Lines(plan, bridgedUplinks);
		if (FORWARDING_KINDS.has(k) || hvRoutes) plan.exec.push('sysctl -w net.ipv4.ip_forward=1');
		routeLines(plan);
		downLines(plan);
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
	return { plans, links };
}

/** tc rate syntax: "10gbit", "100mbit", "56kbit", "9600bit". */
function netemRate(bps: number): string {
	if (bps % 1e9 === 0) return `${bps / 1e9}gbit`;
	if (bps % 1e6 === 0) return `${bps / 1e6}mbit`;
	if (bps % 1e3 === 0) return `${bps / 1e3}kbit`;
	return `${Math.round(bps)}bit`;
}

/** One node's build: its commands (as the containerlab export writes them, without the image's own prelude) and device names. */
export interface NodeBuild {
	node: string;
	kind: string;
	commands: string[];
	/** vnet interface → Linux device (eth0 is containerlab's management interface, so vnet's start at eth1) */
	devices: [string, string][];
	/** a hypervisor's ports for attached guests: "guest.iface" → Linux device */
	guestPorts: [string, string][];
	notes: string[];
	/** Linux device name of a vnet interface or a guest port of this node */
	device(name: string): string;
	/** Linux bridge device of the switch itself or of a hypervisor segment ("hv1:nat") */
	bridge(id: string): string;
}

/** The build of every node, in file order. */
export function nodeBuilds(t: Topology, r?: ResolvedTopology): NodeBuild[] {
	const { plans } = planNodes(t, {}, r);
	return [...plans.values()].map((p) => ({
		node: p.id,
		kind: p.node.kind,
		commands: p.exec,
		devices: [...p.map],
		guestPorts: [...p.guestPorts],
		notes: p.notes,
		device: (name: string) => p.guestPorts.get(name) ?? dev(p, name),
		bridge: (id: string) => p.bridges.get(id) ?? id
	}));
}

/** The "Build" text of one node: a header naming the devices, then one command per line. */
export function formatBuild(b: NodeBuild): string {
	const lines = [`# ${b.node} (${b.kind}): the Linux commands that build it (the same as \`vnet export --to containerlab\` writes)`];
	if (b.devices.length) lines.push(`# devices, vnet → Linux (eth0 is containerlab's management interface): ${b.devices.map(([v, e]) => `${v} → ${e}`).join(', ')}`);
	if (b.guestPorts.length) lines.push(`# guest ports: ${b.guestPorts.map(([g, e]) => `${g} on ${e}`).join(', ')}`);
	for (const n of b.notes) lines.push(`# ${n}`);
	if (b.commands.length === 0) lines.push('# (nothing to configure)');
	lines.push(...b.commands);
	return lines.join('\n') + '\n';
}
