/**
 * vnet → containerlab (https://containerlab.dev): a `.clab.yml` lab that
 * `containerlab deploy` builds into the same network, plus the annotations
 * file (`<lab>.clab.yml.annotations.json`) the containerlab graph tools read
 * positions from.
 *
 * Every node is a `linux` container configured by `exec` lines (iproute2,
 * bridge, iptables, sysctl, tc): nothing needs preparing on the host. The
 * lines come from node-config.ts, the generator the per-node Config view uses.
 *
 * containerlab reserves eth0 for management, so each vnet interface is mapped
 * to eth1, eth2, ... in file order; the mapping is in each node's
 * `vnet.interfaces` label and in the header comment. Pure: no Node APIs.
 */
import { Document, isMap, isScalar, isSeq, Scalar, type Node as YamlNode } from 'yaml';
import type { Node, Topology } from '../model/types';
import { resolveTopology } from '../model/resolve';
import { formatBandwidth, formatDuration } from '../model/units';
import { planNodes } from './node-config';
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
	const { plans, links: planned } = planNodes(t, { prelude: image === DEFAULT_CLAB_IMAGE ? [STOP_NGINX] : [] }, r);
	// network OS nodes (imported): their ports keep the lab's names, not eth1, eth2, ...
	const portOf = new Map<string, string>();
	for (const plan of plans.values()) {
		const c = plan.node.containerlab;
		if (!c) continue;
		for (const [v, eth] of plan.map) {
			const lab = c.ports?.[v] ?? v;
			portOf.set(`${plan.id}:${eth}`, `${plan.id}:${lab}`);
			plan.map.set(v, lab);
		}
	}
	const links = planned.map((cl) => {
		const l = cl.index === undefined ? undefined : t.links[cl.index];
		const vars: Record<string, unknown> = {};
		if (l?.latency !== undefined) vars.latency = formatDuration(l.latency);
		if (l?.bandwidth !== undefined) vars.bandwidth = formatBandwidth(l.bandwidth);
		if (l?.loss !== undefined) vars.loss = l.loss;
		if (l?.down) vars.down = true;
		if (l?.queue !== undefined) vars.queue = l.queue;
		return { a: portOf.get(cl.a) ?? cl.a, b: portOf.get(cl.b) ?? cl.b, ...(Object.keys(vars).length ? { vars: { vnet: vars } } : {}) };
	});

	const notes = featureNotes(t);
	const nosIds = Object.entries(t.nodes).filter(([, n]) => n.containerlab).map(([id, n]) => `${id}: ${n.containerlab!.kind}`);
	if (nosIds.length) notes.push(`network OS nodes (${nosIds.join(', ')}): exported with their containerlab kind, image and port names; their addresses, routes and rules are not configured (give them a startup-config).`);
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
		// overlays (overlays.md): the segments as written, the VTEP interface, each guest's segment
		if (plan.node.kind === 'hypervisor' && plan.node.vtep) {
			labels['vnet.vtep'] = enc(plan.node.vtep.interface);
			const segs = Object.entries(t.overlay?.segments ?? {});
			if (segs.length) labels['vnet.segments'] = segs.map(([k, v]) => `${enc(k)}=${v.vni}${v.subnet ? `@${v.subnet}` : ''}`).join(' ');
		}
		const joins = Object.entries(plan.node.interfaces ?? {})
			.filter(([, i]) => i.segment !== undefined)
			.map(([name, i]) => `${name}=${enc(i.segment!)}`);
		if (joins.length) labels['vnet.segment'] = joins.join(' ');
		const dhcp = Object.entries(plan.node.interfaces ?? {}).filter(([, i]) => i.dhcp).map(([name]) => name);
		if (dhcp.length) labels['vnet.dhcp'] = dhcp.join(' ');
		// addressed by the product without `dhcp` (Docker/Podman IPAM): the exec lines hold the address
		const auto = Object.entries(plan.node.interfaces ?? {})
			.filter(([name, i]) => i.attach && !i.dhcp && !i.ip && plan.r.interfaces.some((x) => x.name === name && x.ip))
			.map(([name]) => name);
		if (auto.length) labels['vnet.auto'] = auto.join(' ');
		const nos = plan.node.containerlab;
		const node: Record<string, unknown> = { kind: nos?.kind ?? 'linux' };
		if (nos?.image) node.image = nos.image;
		if (plan.node.on) node.group = plan.node.on;
		// docker/podman `attach: host`: the container lives in the host's network namespace
		if (plan.r.netns) node['network-mode'] = `container:${plan.r.netns}`;
		node.labels = labels;
		// a network OS is configured by its own startup-config, not by Linux commands
		if (plan.exec.length && !nos) node.exec = plan.exec;
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
	if (t.overlay && Object.values(t.nodes).some((n) => n.vtep))
		header.push('Overlay segments: on each hypervisor a bridge br-SEGMENT with a VXLAN device vxVNI (dstport 4789, nolearning) and one all-zeros `bridge fdb` entry per other VTEP of the VNI (head-end replication).');
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
