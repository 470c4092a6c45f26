/**
 * GNS3 project (`.gns3`) → vnet document.
 *
 * Nodes, links and positions come from the project. Node types map to vnet
 * kinds: vpcs / traceng → host, ethernet_switch / ethernet_hub → switch (with
 * access and dot1q ports), cloud / nat → internet, dynamips / iou → router,
 * qemu / virtualbox / vmware → router or firewall when named or drawn like one,
 * else vm; docker → host unless named like a router. A project exported by
 * vnet carries the design in its `vnet` variable (see gns3.ts): addresses,
 * routes, rules and everything else come back from it, keyed by GNS3 node and
 * link ids, while GNS3 stays the truth for which nodes and links exist and
 * where they are. What cannot be read is a warning.
 */
import { arr, field, isObject, num, parseJsonSafe, quote, str, InputError, type Json, type JsonObject } from './safe';
import { IdAllocator, cleanLabel, isIfaceName, isNodeId, renamedNode, sanitizeIfaceName } from './ids';
import { runImport, type ImportResult, type Warnings } from './import-common';
import { GNS3_VNET_VARIABLE } from './gns3';
import { KINDS } from '../model/types';

export interface Gns3ImportOptions {
	file?: string;
}

const MAX_NODES = 5000;
const MAX_LINKS = 20000;

const ROUTER_NAME = /(^|[^a-z])(r|rt|rtr|router|gw|gateway|edge|core|pe|ce|bgp|ospf|frr|vyos|csr|xrv|iosv(?!l2)|vmx|junos|mikrotik|ros|c\d{4}|isr)\d*([^a-z]|$)/i;
const FIREWALL_NAME = /(fw|firewall|asa|pfsense|opnsense|fortigate|forti|paloalto|pan-?os|vsrx|srx|checkpoint|ftd)/i;
const SWITCH_NAME = /(^|[^a-z])(sw|switch|l2|iosvl2|esw)\d*([^a-z]|$)/i;

interface GNode {
	uuid: string;
	name: string;
	type: string;
	id: string;
	kind: string;
	path: string;
	raw: JsonObject;
	meta: JsonObject | undefined;
	/** "adapter/port" → vnet interface name */
	ports: Map<string, string>;
}

function kindFor(type: string, name: string, symbol: string): string | null {
	const hint = `${name} ${symbol}`;
	switch (type) {
		case 'vpcs':
		case 'traceng':
			return 'host';
		case 'ethernet_switch':
		case 'ethernet_hub':
			return 'switch';
		case 'cloud':
		case 'nat':
			return 'internet';
		case 'dynamips':
		case 'iou':
			return SWITCH_NAME.test(hint) ? 'switch' : FIREWALL_NAME.test(hint) ? 'firewall' : 'router';
		case 'qemu':
		case 'virtualbox':
		case 'vmware':
			return FIREWALL_NAME.test(hint) ? 'firewall' : ROUTER_NAME.test(hint) || /router/.test(symbol) ? 'router' : SWITCH_NAME.test(hint) ? 'switch' : 'vm';
		case 'docker':
			return FIREWALL_NAME.test(hint) ? 'firewall' : ROUTER_NAME.test(hint) || /router/.test(symbol) ? 'router' : 'host';
		default:
			return null;
	}
}

function readMeta(root: JsonObject, w: Warnings): JsonObject | undefined {
	for (const v of arr(field(root, 'variables'))) {
		if (str(field(v, 'name')) !== GNS3_VNET_VARIABLE) continue;
		const text = str(field(v, 'value'));
		if (text === undefined) return undefined;
		try {
			const m = parseJsonSafe(text);
			for (const d of m.dropped) w.add(`variables.vnet.${d}`, 'dangerous key dropped');
			if (isObject(m.value) && field(m.value, 'format') === 'vnet') return m.value;
			w.add('variables.vnet', 'not a vnet design; ignored');
		} catch (e) {
			if (!(e instanceof InputError)) throw e;
			w.add('variables.vnet', `ignored: ${e.message}`);
		}
	}
	return undefined;
}

function portKey(adapter: number, port: number): string {
	return `${adapter}/${port}`;
}

/** vnet names for a node's ports, from GNS3's own port names. */
function portNames(n: GNode, w: Warnings): void {
	const used = new Set<string>();
	const renamed: string[] = [];
	const take = (key: string, name: string, fromMeta: boolean) => {
		if (n.ports.has(key)) return;
		let v = (fromMeta || isIfaceName(name)) && (isIfaceName(name) || name.startsWith('@')) ? name : sanitizeIfaceName(name);
		let k = 2;
		while (used.has(v)) v = sanitizeIfaceName(name).slice(0, 9) + k++;
		if (v !== name && !name.startsWith('@')) renamed.push(`${name} → ${v}`);
		used.add(v);
		n.ports.set(key, v);
	};
	const props = field(n.raw, 'properties');
	const fromMeta = n.meta !== undefined;
	for (const p of arr(field(props, 'ports_mapping'))) {
		const pn = num(field(p, 'port_number'));
		const name = str(field(p, 'name'));
		if (pn !== undefined && name) take(portKey(0, pn), name, fromMeta);
	}
	for (const c of arr(field(n.raw, 'custom_adapters'))) {
		const a = num(field(c, 'adapter_number'));
		const name = str(field(c, 'port_name'));
		if (a !== undefined && name) take(portKey(a, 0), name, fromMeta);
	}
	// GNS3 2.x saves every node's ports with the names its GUI shows (FastEthernet0/0, Ethernet1, eth0)
	for (const p of arr(field(n.raw, 'ports'))) {
		const a = num(field(p, 'adapter_number'));
		const pn = num(field(p, 'port_number'));
		const name = str(field(p, 'name'));
		if (a !== undefined && pn !== undefined && name) take(portKey(a, pn), name, fromMeta);
	}
	if (renamed.length) w.add(n.path, `port names that are not valid vnet interface names were renamed: ${renamed.slice(0, 20).map((x) => quote(x, 40)).join(', ')}${renamed.length > 20 ? ', …' : ''}`);
}

/** A port name for an adapter/port GNS3 does not name in the file. */
function defaultPortName(n: GNode, adapter: number, port: number): string {
	if (n.type === 'vpcs' || n.type === 'traceng') return 'eth0';
	if (n.type === 'docker' || n.type === 'qemu' || n.type === 'virtualbox' || n.type === 'vmware') return `eth${adapter}`;
	if (n.type === 'ethernet_switch' || n.type === 'ethernet_hub' || n.type === 'cloud' || n.type === 'nat') return `eth${port}`;
	return `e${adapter}p${port}`;
}

/** The GNS3 project as a vnet document. */
export function fromGns3(text: string, opts: Gns3ImportOptions = {}): ImportResult {
	const file = opts.file ?? 'project.gns3';
	return runImport('GNS3', file, (w) => {
		const parsed = parseJsonSafe(text);
		for (const d of parsed.dropped) w.add(d, 'dangerous key dropped');
		const root = parsed.value;
		if (!isObject(root)) throw new InputError('not a GNS3 project: expected a JSON object');
		const topo = field(root, 'topology');
		const revision = num(field(root, 'revision'));
		// GNS3 1.0-1.2 wrote no revision, only their version
		const version = str(field(root, 'version'));
		if (revision === undefined && version !== undefined && /^1\./.test(version)) throw new InputError(`GNS3 ${cleanLabel(version, 20)} project: open and save it with GNS3 2.x first`);
		if (revision !== undefined && revision < 5) throw new InputError(`GNS3 1.x project (revision ${revision}): open and save it with GNS3 2.x first`);
		const isProject = field(root, 'type') === 'topology' || revision !== undefined;
		if (!isObject(topo)) throw new InputError('not a GNS3 project: `topology` is missing or not an object');
		const nodesField = field(topo, 'nodes');
		// an empty project: GNS3's own minimal file has "topology": {}
		if (!Array.isArray(nodesField) && !(nodesField === undefined && isProject)) throw new InputError('not a GNS3 project: `topology.nodes` is missing or not a list');
		if (field(root, 'type') !== 'topology') w.add('type', `expected "topology", got ${quote(field(root, 'type'))}`);
		if (revision !== undefined && revision > 9) w.add('revision', `revision ${revision} is newer than 9 (GNS3 2.2); read as revision 9`);
		const meta = readMeta(root, w);
		const metaNodes = field(meta, 'nodes');
		const metaLinks = field(meta, 'links');
		const nodesIn = arr(field(topo, 'nodes'));
		const linksIn = arr(field(topo, 'links'));
		if (nodesIn.length > MAX_NODES) throw new InputError(`${nodesIn.length} nodes; the import limit is ${MAX_NODES}`);
		if (linksIn.length > MAX_LINKS) throw new InputError(`${linksIn.length} links; the import limit is ${MAX_LINKS}`);

		const ids = new IdAllocator();
		const byUuid = new Map<string, GNode>();
		const list: GNode[] = [];
		nodesIn.forEach((raw, i) => {
			const path = `topology.nodes[${i}]`;
			if (!isObject(raw)) {
				w.add(path, 'not an object; ignored');
				return;
			}
			const uuid = str(field(raw, 'node_id')) ?? `index-${i}`;
			const name = cleanLabel(str(field(raw, 'name')) ?? `node${i + 1}`, 100) || `node${i + 1}`;
			const type = str(field(raw, 'node_type')) ?? '';
			const symbol = str(field(raw, 'symbol')) ?? '';
			let m = isObject(metaNodes) ? field(metaNodes, uuid) : undefined;
			if (m !== undefined && !isObject(m)) m = undefined;
			const metaKind = str(field(m, 'kind'));
			const kind = metaKind && (KINDS as readonly string[]).includes(metaKind) ? metaKind : kindFor(type, name, symbol);
			if (!kind) {
				w.add(path, `node type ${quote(type)} has no vnet equivalent; node ${quote(name)} and its links ignored`);
				return;
			}
			// A copied node keeps its twin's node_id: import it under its own name, and read links naming that id as the first node.
			const twin = byUuid.get(uuid);
			const metaId = str(field(m, 'id'));
			const wanted = metaId && isNodeId(metaId) && metaId === name ? metaId : name;
			const taken = ids.take(wanted);
			const id = taken.id;
			if (taken.changed) w.add(path, renamedNode(name, taken, (s) => quote(s)));
			const g: GNode = { uuid, name, type, id, kind, path, raw, meta: m as JsonObject | undefined, ports: new Map() };
			portNames(g, w);
			if (twin) w.add(path, `duplicate node_id ${quote(uuid)} (also ${quote(twin.name)}): imported as its own node ${id}, without links; links naming that id join ${twin.id}`);
			else byUuid.set(uuid, g);
			list.push(g);
			if (!m && !['ethernet_switch', 'ethernet_hub', 'cloud', 'nat'].includes(type))
				w.add(path, `${quote(name)} (${type}): its addresses and routes live in files outside the .gns3 project and are not imported`);
		});

		// Links.
		type End = { node: GNode; iface: string };
		const links: { a: End; b: End; path: string; raw: JsonObject; meta: Json | undefined }[] = [];
		linksIn.forEach((raw, i) => {
			const path = `topology.links[${i}]`;
			const ends = arr(field(raw, 'nodes'));
			if (!isObject(raw) || ends.length !== 2) {
				w.add(path, 'a link needs exactly two nodes; ignored');
				return;
			}
			const parsed: End[] = [];
			for (const e of ends) {
				const node = byUuid.get(str(field(e, 'node_id')) ?? '');
				const adapter = num(field(e, 'adapter_number'));
				const port = num(field(e, 'port_number'));
				if (!node || adapter === undefined || port === undefined) {
					w.add(path, 'link end names no imported node (or no adapter/port); link ignored');
					return;
				}
				const key = portKey(adapter, port);
				let name = node.ports.get(key);
				if (!name && node.meta) {
					// vnet-exported: ports follow the node's physical interfaces in file order.
					const physical = Object.keys(isObject(field(node.meta, 'interfaces')) ? (field(node.meta, 'interfaces') as JsonObject) : {}).filter((n) => !n.includes('.'));
					const candidate = physical[adapter + port];
					if (candidate && isIfaceName(candidate) && ![...node.ports.values()].includes(candidate)) {
						name = candidate;
						node.ports.set(key, name);
					}
				}
				if (!name) {
					name = defaultPortName(node, adapter, port);
					let k = 2;
					const taken = new Set(node.ports.values());
					const base = name;
					while (taken.has(name)) name = base.slice(0, 9) + k++;
					node.ports.set(key, name);
				}
				parsed.push({ node, iface: name });
			}
			const linkId = str(field(raw, 'link_id')) ?? '';
			links.push({ a: parsed[0], b: parsed[1], path, raw, meta: isObject(metaLinks) ? field(metaLinks, linkId) : undefined });
		});

		// The document, in file form.
		const nodes: Record<string, Record<string, unknown>> = Object.create(null);
		const idOf = (metaId: string) => list.find((g) => (str(field(g.meta, 'id')) ?? g.id) === metaId)?.id;
		for (const g of list) {
			const x = num(field(g.raw, 'x'));
			const y = num(field(g.raw, 'y'));
			const position = x !== undefined && y !== undefined && Math.abs(x) < 1e7 && Math.abs(y) < 1e7 ? { x: Math.round(x), y: Math.round(y) } : undefined;
			let node: Record<string, unknown>;
			if (g.meta) {
				node = Object.create(null);
				for (const [k, v] of Object.entries(g.meta)) if (k !== 'id' && k !== 'position') node[k] = v;
				node.kind = g.kind;
				// References to other nodes follow renames made in GNS3.
				if (typeof node.on === 'string') node.on = idOf(node.on) ?? node.on;
			} else {
				node = { kind: g.kind };
				const labelText = str(field(field(g.raw, 'label'), 'text'));
				if (labelText !== undefined && labelText !== g.name) node.label = cleanLabel(labelText);
				else if (g.id !== g.name) node.label = g.name; // the name as GNS3 showed it, as plain text
			}
			if (typeof node.label === 'string') {
				node.label = cleanLabel(node.label);
				if (/[<>]/.test(node.label as string)) w.add(g.path, 'label contains markup; kept as plain text');
			}
			if (position) node.position = position;
			nodes[g.id] = node;
		}
		// Interfaces: switch ports from ports_mapping; every linked interface declared.
		for (const g of list) {
			const node = nodes[g.id];
			let ifaces = isObject(node.interfaces as Json) ? (node.interfaces as Record<string, unknown>) : (Object.create(null) as Record<string, unknown>);
			if (g.kind === 'switch' && !g.meta) {
				ifaces = Object.create(null);
				for (const p of arr(field(field(g.raw, 'properties'), 'ports_mapping'))) {
					const pn = num(field(p, 'port_number'));
					const name = pn !== undefined ? g.ports.get(portKey(0, pn)) : undefined;
					if (!name) continue;
					const type = str(field(p, 'type'));
					const vlan = num(field(p, 'vlan'));
					if (type === 'dot1q') ifaces[name] = { trunk: '1-4094', ...(vlan !== undefined ? { native: vlan } : {}) };
					else if (type === 'qinq') {
						w.add(g.path, `port ${name}: QinQ has no vnet equivalent; imported as an access port`);
						ifaces[name] = vlan !== undefined && vlan !== 1 ? { vlan } : {};
					} else if (vlan !== undefined && vlan !== 1) ifaces[name] = { vlan };
					else ifaces[name] = {};
				}
				// Keep only ports that are linked or configured.
				const linked = new Set(links.flatMap((l) => [l.a, l.b]).filter((e) => e.node === g).map((e) => e.iface));
				for (const name of Object.keys(ifaces)) if (!linked.has(name) && Object.keys(ifaces[name] as object).length === 0) delete ifaces[name];
			}
			for (const l of links)
				for (const e of [l.a, l.b])
					if (e.node === g && g.kind !== 'switch' && !e.iface.startsWith('@') && !Object.prototype.hasOwnProperty.call(ifaces, e.iface) && !isAttachLink(l.meta))
						ifaces[e.iface] = {};
			if (Object.keys(ifaces).length) node.interfaces = ifaces;
			else delete node.interfaces;
		}
		const outLinks: Record<string, unknown>[] = [];
		for (const l of links) {
			if (isAttachLink(l.meta)) continue; // a hypervisor attachment: the guest's `attach` says it
			if (l.a.iface.startsWith('@') || l.b.iface.startsWith('@')) {
				w.add(l.path, 'cable to a hypervisor guest port without its vnet attachment; ignored');
				continue;
			}
			const link: Record<string, unknown> = { a: `${l.a.node.id}.${l.a.iface}`, b: `${l.b.node.id}.${l.b.iface}` };
			const m = l.meta;
			if (isObject(m)) {
				for (const k of ['latency', 'bandwidth', 'loss', 'down', 'queue']) if (field(m, k) !== undefined) link[k] = field(m, k);
			} else {
				const filters = field(l.raw, 'filters');
				const delay = num(arr(field(filters, 'delay'))[0]);
				const loss = num(arr(field(filters, 'packet_loss'))[0]);
				if (delay !== undefined && delay > 0) link.latency = `${delay}ms`;
				if (loss !== undefined && loss > 0 && loss <= 100) link.loss = loss / 100;
				for (const k of Object.keys(isObject(filters) ? filters : {}))
					if (k !== 'delay' && k !== 'packet_loss') w.add(`${l.path}.filters.${k}`, 'GNS3 filter has no vnet equivalent; ignored');
				if (field(l.raw, 'suspend') === true) link.down = true;
			}
			outLinks.push(link);
		}
		const name = cleanLabel(str(field(meta, 'name')) ?? str(field(root, 'name')) ?? 'imported-project', 100) || 'imported-project';
		const plain: Record<string, unknown> = {
			vnet: 1,
			name,
			description: str(field(meta, 'description')) ?? `Imported from GNS3 project ${quote(name, 100)}.`,
			nodes,
			links: outLinks
		};
		if (isObject(field(meta, 'scenarios'))) plain.scenarios = field(meta, 'scenarios');
		if (Array.isArray(field(meta, 'checks'))) plain.checks = field(meta, 'checks');
		return { plain };
	});
}

function isAttachLink(meta: Json | undefined): boolean {
	return isObject(meta) && typeof field(meta, 'attach') === 'string';
}
