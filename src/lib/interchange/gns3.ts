/**
 * vnet → GNS3 project (`.gns3`, JSON, file format revision 9 = GNS3 2.2).
 *
 * Node types: switches → `ethernet_switch` (ports_mapping with access / dot1q
 * ports), `internet` → `cloud`, single-interface hosts → `vpcs`, everything
 * else → `docker` (an image you can change per node in GNS3; adapters named
 * after the vnet interfaces with custom_adapters). Links carry GNS3 filters
 * for latency and loss and `suspend` for down links. Positions and labels are
 * kept. UUIDs are name-based (version 5), so the same design always gives the
 * same file.
 *
 * GNS3 has nowhere to keep addresses, routes, rules and the rest for docker and
 * VPCS nodes (they live in files beside the project), so the exporter also
 * writes the vnet design of each node into the project variable `vnet` (JSON,
 * keyed by GNS3 node and link ids) and shows each node's addresses as a text
 * drawing under it. `vnet import` of the project restores the design from
 * that variable, taking nodes, links and positions from GNS3 (so edits made in
 * GNS3 survive). Pure: no Node APIs.
 */
import type { Node, Topology } from '../model/types';
import { resolveTopology } from '../model/resolve';
import { splitEndpoint } from '../model/net';
import { topologyToPlain } from './vnet-yaml';
import { physicalInterfaces, guestAttachments } from './ports';
import { uuidV5 } from './ids';

export const GNS3_REVISION = 9;
export const GNS3_VERSION = '2.2.0';
export const DEFAULT_GNS3_IMAGE = 'ghcr.io/hellt/network-multitool';
/** Name of the project variable holding the vnet design. */
export const GNS3_VNET_VARIABLE = 'vnet';

export interface Gns3ExportOptions {
	/** docker image of docker nodes */
	image?: string;
}

export interface Gns3Export {
	/** the `.gns3` JSON text */
	json: string;
	notes: string[];
}

const SYMBOLS: Record<string, string> = {
	host: ':/symbols/computer.svg',
	vm: ':/symbols/qemu_guest.svg',
	container: ':/symbols/docker_guest.svg',
	hypervisor: ':/symbols/server.svg',
	switch: ':/symbols/ethernet_switch.svg',
	router: ':/symbols/router.svg',
	firewall: ':/symbols/firewall.svg',
	'nat-gateway': ':/symbols/gateway.svg',
	'load-balancer': ':/symbols/router_netflow.svg',
	'sdn-controller': ':/symbols/wlan_controller.svg',
	internet: ':/symbols/cloud.svg'
};

const LABEL_STYLE = 'font-family: TypeWriter;font-size: 10.0;font-weight: bold;fill: #000000;fill-opacity: 1.0;';

/** XML text content: escapes everything markup could start with. */
export function xmlText(s: string): string {
	return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

interface Port {
	vnet: string;
	adapter: number;
	port: number;
}

function nodeType(id: string, n: Node, ports: string[]): 'ethernet_switch' | 'cloud' | 'vpcs' | 'docker' {
	if (n.kind === 'switch') return 'ethernet_switch';
	if (n.kind === 'internet') return 'cloud';
	const simple = (n.rules ?? []).length === 0 && (n.routes ?? []).length === 0 && (n.services ?? []).length === 0;
	const decl = Object.entries(n.interfaces ?? {});
	const oneIf = ports.length === 1 && decl.length === 1 && !decl[0][0].includes('.') && !decl[0][1].attach && !decl[0][1].dhcp;
	if (n.kind === 'host' && oneIf && simple && n.on === undefined) return 'vpcs';
	void id;
	return 'docker';
}

/** The design as a GNS3 project. */
export function toGns3(t: Topology, opts: Gns3ExportOptions = {}): Gns3Export {
	const r = resolveTopology(t);
	const image = opts.image ?? DEFAULT_GNS3_IMAGE;
	const projectId = uuidV5(`project:${t.name}`);
	const nodeIdOf = (id: string) => uuidV5(`node:${t.name}:${id}`);
	const portsOf = new Map<string, Port[]>();
	const types = new Map<string, ReturnType<typeof nodeType>>();
	const ids = Object.keys(t.nodes);
	for (const id of ids) {
		const names = physicalInterfaces(id, t.nodes[id], t);
		const type = nodeType(id, t.nodes[id], names);
		types.set(id, type);
		// Switches and clouds: adapter 0, one port per interface; docker: one adapter per interface.
		portsOf.set(
			id,
			names.map((vnet, i) => (type === 'docker' ? { vnet, adapter: i, port: 0 } : { vnet, adapter: 0, port: i }))
		);
	}
	// Hypervisor ports for attached guests.
	const guestLinks: { guest: string; gIf: string; hv: string; hvPort: string }[] = [];
	for (const g of guestAttachments(r)) {
		const list = portsOf.get(g.hypervisor)!;
		// Not a vnet interface name (it has "@"), so it cannot collide with one.
		const name = `@${g.guest}.${g.iface}`;
		list.push(types.get(g.hypervisor) === 'docker' ? { vnet: name, adapter: list.length, port: 0 } : { vnet: name, adapter: 0, port: list.length });
		guestLinks.push({ guest: g.guest, gIf: g.iface, hv: g.hypervisor, hvPort: name });
	}
	const portOf = (node: string, vnetIf: string): Port | undefined =>
		portsOf.get(node)?.find((p) => p.vnet === vnetIf) ?? portsOf.get(node)?.find((p) => p.vnet === vnetIf.split('.')[0]);

	const notes: string[] = [];
	const nodes: Record<string, unknown>[] = [];
	const drawings: Record<string, unknown>[] = [];
	const meta: { format: string; version: number; name: string; description?: string; nodes: Record<string, unknown>; links: Record<string, unknown>; scenarios?: unknown; checks?: unknown } = {
		format: 'vnet',
		version: 1,
		name: t.name,
		nodes: {},
		links: {}
	};
	if (t.description) meta.description = t.description;
	const plain = topologyToPlain(t) as { nodes: Record<string, Record<string, unknown>>; links?: Record<string, unknown>[]; scenarios?: unknown; checks?: unknown };
	if (plain.scenarios) meta.scenarios = plain.scenarios;
	if (plain.checks) meta.checks = plain.checks;

	ids.forEach((id, i) => {
		const n = t.nodes[id];
		const type = types.get(id)!;
		const ports = portsOf.get(id)!;
		const x = Math.round(n.position?.x ?? (i % 6) * 150);
		const y = Math.round(n.position?.y ?? Math.floor(i / 6) * 150);
		const node: Record<string, unknown> = {
			compute_id: 'local',
			console: null,
			console_auto_start: false,
			console_type: type === 'vpcs' || type === 'docker' ? 'telnet' : 'none',
			custom_adapters: [],
			first_port_name: null,
			height: 59,
			label: { rotation: 0, style: LABEL_STYLE, text: n.label ?? id, x: 0, y: -25 },
			locked: false,
			name: id,
			node_id: nodeIdOf(id),
			node_type: type,
			port_name_format: type === 'docker' ? 'eth{0}' : 'Ethernet{0}',
			port_segment_size: 0,
			properties: {},
			symbol: SYMBOLS[n.kind] ?? ':/symbols/computer.svg',
			width: 65,
			x,
			y,
			z: 1
		};
		if (type === 'ethernet_switch') {
			const rn = r.nodes.get(id)!;
			node.properties = {
				ports_mapping: ports.map((p) => {
					const ri = rn.interfaces.find((x) => x.name === p.vnet);
					if (ri?.trunk) {
						if (ri.native === undefined) notes.push(`${id}.${p.vnet}: a GNS3 dot1q port always carries an untagged native VLAN; vnet's trunk without native carries none (native set to 1)`);
						return { name: p.vnet, port_number: p.port, type: 'dot1q', vlan: ri.native ?? 1 };
					}
					return { name: p.vnet, port_number: p.port, type: 'access', vlan: ri?.vlan ?? 1 };
				})
			};
			if (ports.some((p) => r.nodes.get(id)!.interfaces.find((x) => x.name === p.vnet)?.trunk?.length)) notes.push(`${id}: GNS3 dot1q ports carry every VLAN; the allowed-VLAN lists are kept in the vnet variable only`);
		} else if (type === 'cloud') {
			node.properties = {
				interfaces: [],
				ports_mapping: ports.map((p) => ({ interface: p.vnet, name: p.vnet, port_number: p.port, type: 'ethernet' })),
				remote_console_host: '',
				remote_console_http_path: '/',
				remote_console_port: 23,
				remote_console_type: 'none'
			};
		} else if (type === 'docker') {
			node.custom_adapters = ports.map((p) => ({ adapter_number: p.adapter, port_name: p.vnet }));
			node.properties = {
				adapters: Math.max(1, ports.length),
				aux: null,
				console_http_path: '/',
				console_http_port: 80,
				console_resolution: '1024x768',
				environment: null,
				extra_hosts: null,
				extra_volumes: [],
				image,
				start_command: null,
				usage: `vnet ${n.kind}${n.label ? `: ${n.label}` : ''}`
			};
		} else node.properties = {};
		nodes.push(node);
		const { position: _p, ...rest } = plain.nodes[id];
		void _p;
		meta.nodes[node.node_id as string] = { id, ...rest };
		// A note with the addresses under the node.
		const addrs = Object.entries(n.interfaces ?? {})
			.filter(([, iface]) => iface.ip || iface.dhcp)
			.map(([name, iface]) => `${name} ${iface.ip ?? 'dhcp'}`);
		if (addrs.length)
			drawings.push({
				drawing_id: uuidV5(`drawing:${t.name}:${id}`),
				locked: false,
				rotation: 0,
				svg: `<svg height="${14 * addrs.length}" width="160"><text fill="#444444" font-family="monospace" font-size="9">${addrs.map((a, k) => `<tspan x="0" dy="${k ? 12 : 10}">${xmlText(a)}</tspan>`).join('')}</text></svg>`,
				x: x - 10,
				y: y + 62,
				z: 2
			});
	});

	const links: Record<string, unknown>[] = [];
	const linkEnd = (node: string, p: Port, name: string) => ({
		adapter_number: p.adapter,
		label: { rotation: 0, style: 'font-family: TypeWriter;font-size: 10.0;fill: #000000;fill-opacity: 1.0;', text: name, x: 0, y: 0 },
		node_id: nodeIdOf(node),
		port_number: p.port
	});
	t.links.forEach((l, i) => {
		const { node: an, iface: ai } = splitEndpoint(l.a);
		const { node: bn, iface: bi } = splitEndpoint(l.b);
		const pa = portOf(an, ai);
		const pb = portOf(bn, bi);
		if (!pa || !pb) return;
		const linkId = uuidV5(`link:${t.name}:${i}:${l.a}:${l.b}`);
		const filters: Record<string, number[]> = {};
		if (l.latency !== undefined && l.latency >= 1e6) filters.delay = [Math.round(l.latency / 1e6), 0];
		if (l.loss) filters.packet_loss = [Math.max(1, Math.round(l.loss * 100))];
		links.push({ filters, link_id: linkId, link_style: {}, nodes: [linkEnd(an, pa, ai), linkEnd(bn, pb, bi)], suspend: !!l.down });
		meta.links[linkId] = plain.links![i];
	});
	for (const g of guestLinks) {
		const pg = portOf(g.guest, g.gIf);
		const ph = portOf(g.hv, g.hvPort);
		if (!pg || !ph) continue;
		const linkId = uuidV5(`attach:${t.name}:${g.guest}.${g.gIf}`);
		links.push({ filters: {}, link_id: linkId, link_style: { color: '#888888', type: 2, width: 2 }, nodes: [linkEnd(g.guest, pg, g.gIf), linkEnd(g.hv, ph, g.hvPort)], suspend: false });
		meta.links[linkId] = { attach: `${g.guest}.${g.gIf}` };
	}
	if (t.links.some((l) => l.latency !== undefined && l.latency < 1e6 && l.latency > 0)) notes.push('link latencies under 1 ms have no GNS3 delay filter (whole milliseconds); kept in the vnet variable');
	if (t.links.some((l) => l.bandwidth !== undefined)) notes.push('link bandwidths have no GNS3 equivalent; kept in the vnet variable');
	if (Object.values(t.nodes).some((n) => n.kind !== 'switch' && n.kind !== 'internet'))
		notes.push('addresses, routes, rules and services of docker/VPCS nodes are not GNS3 settings: they are kept in the project variable "vnet" and shown as notes under each node');
	const project = {
		auto_close: true,
		auto_open: false,
		auto_start: false,
		drawing_grid_size: 25,
		grid_size: 75,
		name: t.name,
		project_id: projectId,
		revision: GNS3_REVISION,
		scene_height: 1000,
		scene_width: 2000,
		show_grid: false,
		show_interface_labels: true,
		show_layers: false,
		snap_to_grid: false,
		supplier: null,
		topology: { computes: [], drawings, links, nodes },
		type: 'topology',
		variables: [{ name: GNS3_VNET_VARIABLE, value: JSON.stringify(meta) }],
		version: GNS3_VERSION,
		zoom: 100
	};
	return { json: JSON.stringify(project, null, 4) + '\n', notes: [...new Set(notes)] };
}
