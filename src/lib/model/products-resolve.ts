/**
 * The resolver's half for hypervisors with a `product` (presets.md): each
 * attach mode becomes virtual segments with the product's own defaults.
 *
 *   kernel NAT (docker0, virbr0, VMnet8, lxcbr0, Default Switch, NetNat)
 *       a virtual switch `hv:nat` (docker/podman networks: `hv:network:<name>`)
 *       with the hypervisor's gateway interface (implicit `nat-gateway`) and
 *       the product's DHCP;
 *   user-mode NAT (virtualbox nat / nat-network, qemu nat)
 *       a virtual switch `hv:nat:<guest>.<iface>` (`hv:natnet:<name>`) with a
 *       NAT engine node `hv:nat-engine:...` holding the gateway (and DNS)
 *       address; the hypervisor itself is not on that segment (usermode-nat.ts);
 *   host-only / isolated / Hyper-V internal
 *       a virtual switch with the hypervisor's address (implicit `host-only`);
 *   internal / private / custom
 *       a virtual switch among guests;
 *   bridged / external / macvtap / macvlan / ESXi port groups
 *       a virtual switch on the uplink that takes over its cable; macvlan and
 *       macvtap ports are isolated from the host port (l2bit/l2deny).
 */
import type { Interface, Topology } from './types';
import type { RIface, RLink, RNode } from './resolved';
import { addPort, DEFAULT_MTU, forwardTarget, sortedIds, virtualLink, virtualSwitch } from './resolved';
import { productOf, type ProductId } from './products';
import { DEFAULT_SUBNETS } from './kinds';
import { deriveMac, ipToU32, maskOf, cidrOf, u32ToIp } from './net';

interface GI {
	node: RNode;
	iface: RIface;
	src: Interface;
}

/** Port isolation bits on a virtual bridge (see RIface.l2bit). */
const HOST_BIT = 1;
const MACVLAN_BIT = 2;
const VEPA_BIT = 4;

interface Ctx {
	t: Topology;
	hvId: string;
	hv: RNode;
	product: ProductId;
	nodes: Map<string, RNode>;
	links: RLink[];
	privateAddresses: Set<string>;
	guests: string[];
}

export function resolveProduct(t: Topology, hvId: string, nodes: Map<string, RNode>, links: RLink[], privateAddresses: Set<string>): void {
	const hv = nodes.get(hvId)!;
	const product = productOf(t.nodes[hvId].product).id;
	hv.product = product;
	const c: Ctx = { t, hvId, hv, product, nodes, links, privateAddresses, guests: sortedIds(Object.keys(t.nodes).filter((id) => t.nodes[id].on === hvId)) };
	switch (product) {
		case 'virtualbox':
			userModeNat(c, 'nat');
			natNetworks(c);
			hostOnly(c, 'host-only', 'vboxnet0', c.t.nodes[hvId].networks?.vboxnet0?.subnet ?? DEFAULT_SUBNETS.virtualboxHostOnly, 101, 254);
			privateSegments(c, 'internal');
			bridges(c);
			break;
		case 'qemu':
			userModeNat(c, 'nat');
			bridges(c);
			break;
		case 'vmware':
			vmwareNat(c);
			hostOnly(c, 'host-only', 'vmnet1', net(c, 'vmnet1') ?? DEFAULT_SUBNETS.vmwareHostOnly, 128, 253);
			privateSegments(c, 'custom');
			bridges(c);
			break;
		case 'libvirt':
			kernelNat(c, 'nat', 'virbr0', net(c, 'default') ?? c.t.nodes[hvId].nat?.subnet ?? DEFAULT_SUBNETS.libvirtNat, 2, `${hvId}:nat`, 'NAT network "default"');
			libvirtIsolated(c);
			bridges(c);
			break;
		case 'hyper-v':
			kernelNat(c, 'default-switch', 'vEthernet(Default Switch)', net(c, 'default') ?? DEFAULT_SUBNETS.hypervDefault, 2, `${hvId}:nat`, 'Default Switch');
			hypervInternal(c);
			privateSegments(c, 'private');
			bridges(c);
			break;
		case 'docker':
		case 'podman':
			containerNetworks(c);
			bridges(c);
			break;
		case 'lxc':
			kernelNat(c, 'nat', 'lxcbr0', net(c, 'lxcbr0') ?? c.t.nodes[hvId].nat?.subnet ?? DEFAULT_SUBNETS.lxcNat, 2, `${hvId}:nat`, 'lxcbr0');
			bridges(c);
			break;
		case 'esxi':
			portGroups(c);
			break;
		default:
			break;
	}
	kernelForwards(c);
}

// ---- helpers ---------------------------------------------------------------------------

function net(c: Ctx, name: string): string | undefined {
	const nets = c.t.nodes[c.hvId].networks;
	return nets && Object.hasOwn(nets, name) ? nets[name].subnet : undefined;
}

/** Guest interfaces attached with `mode`, guests in id order, interfaces in file order. */
function byMode(c: Ctx, mode: string): GI[] {
	const out: GI[] = [];
	for (const g of c.guests) {
		const gn = c.nodes.get(g)!;
		const decl = c.t.nodes[g].interfaces ?? {};
		for (const name of Object.keys(decl))
			if (decl[name].attach === mode) {
				const iface = gn.interfaces.find((i) => i.name === name);
				if (iface) out.push({ node: gn, iface, src: decl[name] });
			}
	}
	return out;
}

function groupBy(gs: GI[], key: (g: GI) => string): Map<string, GI[]> {
	const out = new Map<string, GI[]>();
	for (const g of gs) {
		const k = key(g);
		if (!out.has(k)) out.set(k, []);
		out.get(k)!.push(g);
	}
	return out;
}

function segment(c: Ctx, id: string, kind: RNode['segment'], label: string): RNode {
	const sw = virtualSwitch(id, c.hvId, kind, label);
	c.nodes.set(id, sw);
	return sw;
}

/** An implicit hypervisor interface on a segment. */
function hostOn(c: Ctx, sw: RNode, name: string, ip: string | null, len: number, implicit: RIface['implicit'], l2bit = 0, l2deny = 0): RIface {
	const iface: RIface = { name, mac: deriveMac(c.hvId, name), mtu: DEFAULT_MTU, down: false, implicit, cost: 10, path: null };
	if (ip) {
		iface.ip = ip;
		iface.prefixLen = len;
		c.privateAddresses.add(ip);
	}
	c.hv.interfaces.push(iface);
	const port = `host-${name}`.slice(0, 40);
	addPort(sw, port, DEFAULT_MTU);
	setIsolation(sw, port, l2bit, l2deny);
	c.links.push(virtualLink({ node: sw.id, iface: port }, { node: c.hvId, iface: name }));
	return iface;
}

function guestOn(c: Ctx, sw: RNode, g: GI, opts: { private?: boolean; l2bit?: number; l2deny?: number; vlan?: number; trunk?: number[]; native?: number } = {}): void {
	if (opts.private !== false && g.iface.ip) c.privateAddresses.add(g.iface.ip);
	const port = `${g.node.id}.${g.iface.name}`;
	addPort(sw, port, g.iface.mtu);
	const p = sw.interfaces[sw.interfaces.length - 1];
	if (opts.vlan !== undefined) p.vlan = opts.vlan;
	if (opts.trunk !== undefined) {
		delete p.vlan;
		p.trunk = opts.trunk;
		p.native = opts.native;
	}
	setIsolation(sw, port, opts.l2bit ?? 0, opts.l2deny ?? 0);
	c.links.push(virtualLink({ node: sw.id, iface: port }, { node: g.node.id, iface: g.iface.name }));
}

function setIsolation(sw: RNode, port: string, bit: number, deny: number): void {
	if (!bit && !deny) return;
	const p = sw.interfaces.find((i) => i.name === port)!;
	p.l2bit = bit;
	p.l2deny = deny;
}

/**
 * The product's DHCP server: lowest free address of the pool [first, last]
 * (offsets in the subnet), guests in id order; a default route via `gateway`
 * when the segment has one. `auto` also addresses interfaces with neither `ip`
 * nor `dhcp` (Docker IPAM).
 */
function dhcp(gs: GI[], subnet: string, first: number, last: number, gateway: string | null, auto = false, taken: string[] = []): void {
	const cidr = cidrOf(subnet);
	const bcast = (cidr.net | (~maskOf(cidr.len) >>> 0)) >>> 0;
	const used = new Set<number>(taken.map(ipToU32));
	for (const g of gs) if (g.iface.ip) used.add(ipToU32(g.iface.ip));
	for (const g of gs) {
		if (g.iface.ip || !(g.src.dhcp || auto)) continue;
		let a = cidr.net + first;
		while (used.has(a) && a <= cidr.net + last) a++;
		if (a > cidr.net + last || a >= bcast) continue; // pool exhausted: the interface stays unaddressed
		used.add(a);
		g.iface.ip = u32ToIp(a);
		g.iface.prefixLen = cidr.len;
		g.iface.dhcp = true;
		if (gateway) {
			// DHCP routes come first, in interface order (a second DHCP adapter's route after the first's).
			const at = g.node.routes.findIndex((r) => r.origin !== 'dhcp');
			g.node.routes.splice(at < 0 ? g.node.routes.length : at, 0, { to: '0.0.0.0/0', via: gateway, metric: 0, blackhole: false, path: `${g.iface.path}.dhcp`, origin: 'dhcp' });
		}
	}
}

function host(subnet: string, offset: number): { ip: string; len: number } {
	const cidr = cidrOf(subnet);
	return { ip: u32ToIp(cidr.net + offset), len: cidr.len };
}

// ---- kernel NAT --------------------------------------------------------------------------

function kernelNat(c: Ctx, mode: string, ifName: string, subnet: string, poolFirst: number, segId: string, label: string, gs = byMode(c, mode), auto = false): RIface | null {
	if (gs.length === 0) return null;
	const sw = segment(c, segId, 'nat', `${c.hvId} ${label}`);
	const gw = host(subnet, 1);
	const iface = hostOn(c, sw, ifName, gw.ip, gw.len, 'nat-gateway');
	dhcp(gs, subnet, poolFirst, hostCount(subnet) - 1, gw.ip, auto);
	for (const g of gs) guestOn(c, sw, g);
	if (!c.hv.nat) c.hv.nat = { masquerade: [], forwards: [], subnet };
	return iface;
}

function hostCount(subnet: string): number {
	const len = cidrOf(subnet).len;
	return 2 ** (32 - len) - 1;
}

/** VMware NAT (VMnet8): the hypervisor's host adapter .1 and the NAT device .2 (gateway and DNS), DHCP from .128. */
function vmwareNat(c: Ctx): void {
	const gs = byMode(c, 'nat');
	if (gs.length === 0) return;
	const subnet = net(c, 'vmnet8') ?? c.t.nodes[c.hvId].nat?.subnet ?? DEFAULT_SUBNETS.vmwareNat;
	const sw = segment(c, `${c.hvId}:nat`, 'nat', `${c.hvId} VMnet8 (NAT)`);
	const dev = host(subnet, 2);
	const adapter = host(subnet, 1);
	// The NAT device first: it routes, answers the guests and sources their ICMP errors.
	hostOn(c, sw, 'vmnat', dev.ip, dev.len, 'nat-gateway');
	hostOn(c, sw, 'vmnet8', adapter.ip, adapter.len, 'host-only');
	dhcp(gs, subnet, 128, 253, dev.ip);
	for (const g of gs) guestOn(c, sw, g);
	c.hv.nat = { masquerade: [], forwards: [], subnet };
}

/** Docker/Podman: the default bridge and user-defined networks, each a kernel NAT network; containers addressed from .2. */
function containerNetworks(c: Ctx): void {
	const docker = c.product === 'docker';
	const bridgeName = docker ? 'bridge' : 'podman';
	kernelNat(c, 'bridge', docker ? 'docker0' : 'podman0', net(c, bridgeName) ?? c.t.nodes[c.hvId].nat?.subnet ?? (docker ? DEFAULT_SUBNETS.dockerBridge : DEFAULT_SUBNETS.podmanBridge), 2, `${c.hvId}:nat`, docker ? 'docker0' : 'podman', undefined, true);
	// User-defined networks: default subnets in order of first use in the file.
	const order: string[] = [];
	for (const id of Object.keys(c.t.nodes)) {
		if (c.t.nodes[id].on !== c.hvId) continue;
		for (const itf of Object.values(c.t.nodes[id].interfaces ?? {})) if (itf.attach === 'network' && itf.network && !order.includes(itf.network)) order.push(itf.network);
	}
	const explicit = new Set(order.map((n) => net(c, n)).filter((x): x is string => !!x).map((x) => canonical(x)));
	let k = 0;
	const groups = groupBy(byMode(c, 'network'), (g) => g.src.network ?? '');
	for (const name of order) {
		let subnet = net(c, name);
		if (!subnet) {
			do subnet = docker ? DEFAULT_SUBNETS.dockerNetwork(k++) : DEFAULT_SUBNETS.podmanNetwork(k++);
			while (explicit.has(canonical(subnet)));
		}
		kernelNat(c, 'network', `br-${name}`, subnet, 2, `${c.hvId}:network:${name}`, `network "${name}"`, groups.get(name) ?? [], true);
	}
	// host: the container lives in the host's network namespace.
	for (const g of byMode(c, 'host')) {
		g.node.netns = c.hvId;
		c.hv.services = [...c.hv.services, ...g.node.services.filter((s) => !c.hv.services.some((h) => h.proto === s.proto && h.port === s.port))];
	}
}

function canonical(subnet: string): string {
	const x = cidrOf(subnet);
	return `${u32ToIp(x.net)}/${x.len}`;
}

/** Hyper-V internal switches: the host's vEthernet adapter (.1 of networks.NAME.subnet); a NetNat (`nat.subnet`) makes one a NAT network. */
function hypervInternal(c: Ctx): void {
	const natSubnet = c.t.nodes[c.hvId].nat?.subnet;
	for (const [name, gs] of groupBy(byMode(c, 'internal'), (g) => g.src.network ?? '')) {
		const subnet = net(c, name);
		const isNat = !!subnet && !!natSubnet && canonical(subnet) === canonical(natSubnet);
		const sw = segment(c, `${c.hvId}:internal:${name}`, isNat ? 'nat' : 'host-only', `${c.hvId} internal switch "${name}"${isNat ? ' (NetNat)' : ''}`);
		const h = subnet ? host(subnet, 1) : null;
		hostOn(c, sw, `vEthernet(${name})`, h?.ip ?? null, h?.len ?? 0, isNat ? 'nat-gateway' : 'host-only');
		for (const g of gs) guestOn(c, sw, g);
		if (isNat && !c.hv.nat) c.hv.nat = { masquerade: [], forwards: [], subnet: subnet! };
	}
}

// ---- host-only, isolated, internal -----------------------------------------------------------

function hostOnly(c: Ctx, mode: string, ifName: string, subnet: string, poolFirst: number, poolLast: number): void {
	const gs = byMode(c, mode);
	if (gs.length === 0) return;
	const sw = segment(c, `${c.hvId}:host-only`, 'host-only', `${c.hvId} host-only ${ifName}`);
	const h = host(subnet, 1);
	hostOn(c, sw, ifName, h.ip, h.len, 'host-only');
	dhcp(gs, subnet, poolFirst, poolLast, null);
	for (const g of gs) guestOn(c, sw, g);
}

function libvirtIsolated(c: Ctx): void {
	let k = 0;
	for (const [name, gs] of groupBy(byMode(c, 'isolated'), (g) => g.src.network ?? 'isolated')) {
		const subnet = net(c, name) ?? DEFAULT_SUBNETS.libvirtIsolated(k);
		k++;
		const sw = segment(c, `${c.hvId}:isolated:${name}`, 'host-only', `${c.hvId} isolated network "${name}"`);
		const h = host(subnet, 1);
		hostOn(c, sw, `virbr${k}`, h.ip, h.len, 'host-only');
		dhcp(gs, subnet, 2, 254, null);
		for (const g of gs) guestOn(c, sw, g);
	}
}

function privateSegments(c: Ctx, mode: string): void {
	for (const [name, gs] of groupBy(byMode(c, mode), (g) => g.src.network ?? '')) {
		const sw = segment(c, `${c.hvId}:internal:${name}`, 'internal', `${c.hvId} ${mode === 'custom' ? 'custom network' : mode === 'private' ? 'private switch' : 'internal network'} "${name}"`);
		for (const g of gs) guestOn(c, sw, g);
	}
}

// ---- user-mode NAT -----------------------------------------------------------------------------

const ENGINE_NAMES: Partial<Record<ProductId, string>> = { virtualbox: 'VirtualBox NAT engine', qemu: 'QEMU user-mode network (slirp)' };

function engineNode(c: Ctx, id: string, sw: RNode, gateway: string, len: number, dns: string | null): RNode {
	const name = ENGINE_NAMES[c.product] ?? 'NAT engine';
	const e: RNode = {
		id,
		kind: 'nat-engine',
		label: `${name} (${c.hvId})`,
		owner: c.hvId,
		forwards: false,
		policy: 'allow',
		stateful: false,
		delay: c.hv.delay,
		interfaces: [{ name: 'nat', ip: gateway, prefixLen: len, mac: deriveMac(id, 'nat'), mtu: DEFAULT_MTU, down: false, cost: 10, path: null }],
		addresses: [],
		extraAddresses: dns && dns !== gateway ? [dns] : [],
		routes: [],
		services: dns ? [{ proto: 'udp', port: 53 }, { proto: 'tcp', port: 53 }] : [],
		rules: [],
		source: null,
		engine: { product: c.product, name, gateway, echoBeyond: c.product !== 'qemu' }
	};
	c.nodes.set(id, e);
	c.privateAddresses.add(gateway);
	if (dns) c.privateAddresses.add(dns);
	addPort(sw, 'engine', DEFAULT_MTU);
	c.links.push(virtualLink({ node: sw.id, iface: 'engine' }, { node: id, iface: 'nat' }));
	return e;
}

/** virtualbox `nat` (one engine per adapter, 10.0.(k+2).0/24) and qemu `nat` (one per adapter, 10.0.2.0/24). */
function userModeNat(c: Ctx, mode: string): void {
	const perGuest = new Map<string, number>();
	for (const g of byMode(c, mode)) {
		const k = perGuest.get(g.node.id) ?? 0;
		perGuest.set(g.node.id, k + 1);
		const subnet = c.product === 'qemu' ? (c.t.nodes[c.hvId].nat?.subnet ?? DEFAULT_SUBNETS.qemuNat) : DEFAULT_SUBNETS.virtualboxNat(k);
		const key = `${g.node.id}.${g.iface.name}`;
		const sw = segment(c, `${c.hvId}:nat:${key}`, 'nat', `${c.hvId} NAT (${key})`);
		const gw = host(subnet, 2);
		engineNode(c, `${c.hvId}:nat-engine:${key}`, sw, gw.ip, gw.len, host(subnet, 3).ip);
		dhcp([g], subnet, 15, 15, gw.ip);
		guestOn(c, sw, g);
	}
}

/** virtualbox `nat-network`: one shared user-mode segment per name, gateway .1, DHCP server .3, guests from .4. */
function natNetworks(c: Ctx): void {
	for (const [name, gs] of groupBy(byMode(c, 'nat-network'), (g) => g.src.network ?? 'NatNetwork')) {
		const subnet = net(c, name) ?? DEFAULT_SUBNETS.virtualboxNatNetwork;
		const sw = segment(c, `${c.hvId}:natnet:${name}`, 'nat', `${c.hvId} NAT Network "${name}"`);
		const gw = host(subnet, 1);
		engineNode(c, `${c.hvId}:natnet-engine:${name}`, sw, gw.ip, gw.len, null);
		dhcp(gs, subnet, 4, 254, gw.ip, false, [host(subnet, 3).ip]);
		for (const g of gs) guestOn(c, sw, g);
	}
}

// ---- bridges and port groups -------------------------------------------------------------------

/** bridged / external / macvtap / macvlan: one host bridge per uplink, taking over its cable. */
function bridges(c: Ctx): void {
	const firstIface = c.hv.interfaces.find((i) => !i.implicit)?.name;
	const all = [...byMode(c, 'bridged'), ...byMode(c, 'external'), ...byMode(c, 'macvtap'), ...byMode(c, 'macvlan')].sort((a, b) =>
		a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0
	);
	for (const [up, gs] of groupBy(
		all.filter((g) => (g.src.uplink ?? firstIface) !== undefined),
		(g) => g.src.uplink ?? firstIface!
	)) {
		const sw = takeOverUplink(c, up, `${c.hvId}:bridge:${up}`, `${c.hvId} bridge on ${up}`, gs.some((g) => g.src.attach === 'macvtap' || g.src.attach === 'macvlan'));
		if (!sw) continue;
		for (const g of gs) {
			if (g.src.attach === 'macvtap') guestOn(c, sw, g, { private: false, l2bit: VEPA_BIT, l2deny: HOST_BIT | VEPA_BIT });
			else if (g.src.attach === 'macvlan') guestOn(c, sw, g, { private: false, l2bit: MACVLAN_BIT, l2deny: HOST_BIT });
			else guestOn(c, sw, g, { private: false });
		}
	}
}

/** A virtual switch that takes over the cable of the hypervisor's interface `up`; the hypervisor joins it on port `host`. */
function takeOverUplink(c: Ctx, up: string, id: string, label: string, isolateHost: boolean, hostPort: { vlan?: number } = {}): RNode | null {
	const upIface = c.hv.interfaces.find((i) => i.name === up);
	if (!upIface) return null;
	const sw = segment(c, id, 'bridge', label);
	addPort(sw, 'uplink', upIface.mtu);
	addPort(sw, 'host', upIface.mtu);
	if (hostPort.vlan !== undefined) sw.interfaces[sw.interfaces.length - 1].vlan = hostPort.vlan;
	if (isolateHost) setIsolation(sw, 'host', HOST_BIT, MACVLAN_BIT | VEPA_BIT);
	for (const l of c.links)
		for (const key of ['a', 'b'] as const) if (l[key].node === c.hvId && l[key].iface === up) l[key] = { node: sw.id, iface: 'uplink' };
	c.links.push(virtualLink({ node: sw.id, iface: 'host' }, { node: c.hvId, iface: up }));
	return sw;
}

/**
 * ESXi: a standard vSwitch per uplink. Port group VLAN 0 is untagged on the
 * uplink, 1–4094 tagged (the physical switch port must trunk it), 4095 (VGT)
 * passes the guest's own tags. Inside the vSwitch the untagged channel is a
 * free VLAN id `u` (the uplink's native VLAN).
 */
function portGroups(c: Ctx): void {
	const hvSrc = c.t.nodes[c.hvId];
	const pgs = hvSrc.portgroups ?? {};
	const firstIface = c.hv.interfaces.find((i) => !i.implicit)?.name;
	const gs = byMode(c, 'portgroup').filter((g) => g.src.network !== undefined && Object.hasOwn(pgs, g.src.network));
	for (const [up, members] of groupBy(
		gs.filter((g) => (pgs[g.src.network!].uplink ?? firstIface) !== undefined),
		(g) => pgs[g.src.network!].uplink ?? firstIface!
	)) {
		const vlans = members.map((g) => pgs[g.src.network!].vlan);
		const vgt = vlans.includes(4095);
		const tagged = new Set(vlans.filter((v) => v >= 1 && v <= 4094));
		let u = 1;
		if (vgt) u = 4094;
		else while (tagged.has(u)) u++;
		const trunk = vgt ? range(1, 4093) : [...tagged].sort((a, b) => a - b);
		const sw = takeOverUplink(c, up, `${c.hvId}:vswitch:${up}`, `${c.hvId} vSwitch on ${up}`, false, { vlan: u });
		if (!sw) continue;
		const uplinkPort = sw.interfaces.find((i) => i.name === 'uplink')!;
		delete uplinkPort.vlan;
		uplinkPort.trunk = trunk;
		uplinkPort.native = u;
		for (const g of members) {
			const v = pgs[g.src.network!].vlan;
			if (v === 4095) guestOn(c, sw, g, { private: false, trunk, native: u });
			else guestOn(c, sw, g, { private: false, vlan: v === 0 ? u : v });
		}
	}
}

function range(a: number, b: number): number[] {
	const out: number[] = [];
	for (let i = a; i <= b; i++) out.push(i);
	return out;
}

// ---- forwards ------------------------------------------------------------------------------------

/**
 * `nat.forwards`: kernel DNAT for kernel-NAT products (published ports for
 * docker/podman), or forwards into a user-mode NAT engine (virtualbox, qemu):
 * the engine of the target guest's user-mode interface.
 */
function kernelForwards(c: Ctx): void {
	const src = c.t.nodes[c.hvId].nat?.forwards ?? [];
	if (src.length === 0) return;
	const userMode = c.product === 'virtualbox' || c.product === 'qemu';
	if (!userMode) {
		if (!c.hv.nat) c.hv.nat = { masquerade: [], forwards: [] };
		c.hv.nat.forwards = src.map((f, i) => ({ ...f, ...forwardTarget(f.to, c.t, c.nodes), path: `nodes.${c.hvId}.nat.forwards[${i}]` }));
		return;
	}
	c.hv.usermodeForwards = [];
	src.forEach((f, i) => {
		const colon = f.to.lastIndexOf(':');
		const target = f.to.slice(0, colon);
		const toPort = +f.to.slice(colon + 1);
		const candidates = [...byMode(c, 'nat'), ...byMode(c, 'nat-network')];
		const g = /^\d+\.\d+\.\d+\.\d+$/.test(target)
			? candidates.find((x) => x.iface.ip === target)
			: (candidates.find((x) => x.node.id === target && x.node.interfaces.find((i) => i.ip)?.name === x.iface.name) ?? candidates.find((x) => x.node.id === target));
		if (!g || !g.iface.ip) return; // lint reports a forward to nowhere
		const engine =
			g.src.attach === 'nat' ? `${c.hvId}:nat-engine:${g.node.id}.${g.iface.name}` : `${c.hvId}:natnet-engine:${g.src.network ?? 'NatNetwork'}`;
		c.hv.usermodeForwards!.push({ proto: f.proto, port: f.port, to: f.to, engine, toAddr: g.iface.ip, toPort, path: `nodes.${c.hvId}.nat.forwards[${i}]` });
	});
}
