/**
 * A parsed vnet document (types.ts: units in ns / bps / bytes) written back as
 * readable vnet YAML, the way the conformance files are written: interface maps,
 * routes, rules, links and checks in flow style, units as text ("50us",
 * "10Gbps"), a header comment. Used by the importers; pure (browser-safe).
 */
import { Document, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { Node, PortRange, Scenario, Topology } from '../model/types';
import { formatBandwidth, formatDuration, formatRate, formatSize } from '../model/units';

type Plain = Record<string, unknown>;

const dur = (ns: number | undefined) => (ns === undefined ? undefined : formatDuration(ns));
const bw = (bps: number | undefined) => (bps === undefined ? undefined : formatBandwidth(bps));
function size(bytes: number | undefined): string | number | undefined {
	if (bytes === undefined) return undefined;
	const s = formatSize(bytes);
	return /^\d+$/.test(s) ? bytes : s;
}
const portText = (p: PortRange | undefined) => (p === undefined ? undefined : p.from === p.to ? p.from : `${p.from}-${p.to}`);

/** VLAN ids as written: runs of 3 or more become "a-b" ranges. */
export function trunkText(ids: number[]): (number | string)[] {
	const out: (number | string)[] = [];
	for (let i = 0; i < ids.length; ) {
		let j = i;
		while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
		if (j - i >= 2) out.push(`${ids[i]}-${ids[j]}`);
		else for (let k = i; k <= j; k++) out.push(ids[k]);
		i = j + 1;
	}
	return out;
}

/** Drops undefined members so the YAML has only what the document says. */
function compact<T extends Plain>(o: T): T {
	const out: Plain = {};
	for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
	return out as T;
}

function nodePlain(n: Node): Plain {
	const interfaces = n.interfaces
		? Object.fromEntries(
				Object.entries(n.interfaces).map(([name, i]) => [
					name,
					compact({
						ip: i.ip,
						gateway: i.gateway,
						dhcp: i.dhcp,
						mac: i.mac,
						mtu: i.mtu,
						vlan: i.vlan,
						trunk: i.trunk ? trunkText(i.trunk) : undefined,
						native: i.native,
						attach: i.attach,
						network: i.network,
						uplink: i.uplink,
						segment: i.segment,
						bond: i.bond ? compact({ members: i.bond.members, mode: i.bond.mode, miimon: dur(i.bond.miimon) }) : undefined,
						vrrp: i.vrrp ? compact({ group: i.vrrp.group, vip: i.vrrp.vip, priority: i.vrrp.priority, advert: dur(i.vrrp.advert) }) : undefined,
						down: i.down,
						cost: i.cost
					})
				])
			)
		: undefined;
	return compact({
		kind: n.kind,
		label: n.label,
		product: n.product,
		networks: n.networks,
		portgroups: n.portgroups,
		position: n.position ? { x: n.position.x, y: n.position.y } : undefined,
		on: n.on,
		tags: n.tags,
		vtep: n.vtep ? { interface: n.vtep.interface } : undefined,
		vcpu: n.vcpu,
		memory: size(n.memory),
		overcommit: n.overcommit ? compact({ ...n.overcommit }) : undefined,
		interfaces,
		routes: n.routes?.map((r) => compact({ to: r.to, via: r.via, metric: r.metric, blackhole: r.blackhole })),
		services: n.services?.map((s) => `${s.proto}/${s.port}`),
		rules: n.rules?.map((r) =>
			compact({
				action: r.action,
				proto: r.proto,
				from: r.from,
				to: r.to,
				port: portText(r.port),
				sport: portText(r.sport),
				in: r.in,
				out: r.out,
				direction: r.direction
			})
		),
		policy: n.policy,
		stateful: n.stateful,
		delay: dur(n.delay),
		nat: n.nat
			? compact({
					subnet: n.nat.subnet,
					masquerade: n.nat.masquerade,
					forwards: n.nat.forwards?.map((f) => compact({ in: f.in, proto: f.proto, port: f.port, to: f.to }))
				})
			: undefined,
		ha: n.ha ? { restart: dur(n.ha.restart), to: n.ha.to } : undefined,
		ospf: n.ospf
			? compact({
					hello: dur(n.ospf.hello),
					dead: dur(n.ospf.dead),
					bfd: n.ospf.bfd ? { interval: dur(n.ospf.bfd.interval), multiplier: n.ospf.bfd.multiplier } : undefined,
					'spf-delay': dur(n.ospf['spf-delay']),
					passive: n.ospf.passive
				})
			: undefined,
		vip: n.vip,
		pool: n.pool?.map((p) => `${p.node}:${p.port}`),
		port: n.port,
		health: n.health ? compact({ interval: dur(n.health.interval), fall: n.health.fall, rise: n.health.rise }) : undefined,
		snat: n.snat,
		manages: n.manages,
		mode: n.mode,
		'fail-mode': n['fail-mode'],
		'fast-failover': n['fast-failover'],
		channel: dur(n.channel),
		containerlab: n.containerlab ? compact({ kind: n.containerlab.kind, image: n.containerlab.image, ports: n.containerlab.ports }) : undefined
	});
}

function scenarioPlain(s: Scenario): Plain {
	return compact({
		duration: dur(s.duration),
		seed: s.seed,
		traffic: s.traffic?.map((f) =>
			compact({ ...f, rate: f.rate === undefined ? undefined : formatRate(f.rate), window: size(f.window) })
		),
		events: s.events?.map((e) => compact({ at: dur(e.at), fail: e.fail, restore: e.restore }))
	});
}

/** The document as plain data in file order, units as text. */
export function topologyToPlain(t: Topology): Plain {
	return compact({
		vnet: 1,
		name: t.name,
		description: t.description,
		nodes: Object.fromEntries(Object.entries(t.nodes).map(([id, n]) => [id, nodePlain(n)])),
		links: t.links.length
			? t.links.map((l) =>
					compact({ a: l.a, b: l.b, latency: dur(l.latency), bandwidth: bw(l.bandwidth), loss: l.loss, down: l.down, queue: l.queue })
				)
			: undefined,
		scenarios: Object.keys(t.scenarios).length
			? Object.fromEntries(Object.entries(t.scenarios).map(([k, s]) => [k, scenarioPlain(s)]))
			: undefined,
		checks: t.checks.length
			? t.checks.map((c) => {
					const x = { ...c } as Plain;
					if ('max-failover' in c && c['max-failover'] !== undefined) x['max-failover'] = dur(c['max-failover']);
					if ('min-goodput' in c && c['min-goodput'] !== undefined) x['min-goodput'] = bw(c['min-goodput']);
					return compact(x);
				})
			: undefined,
		// plain data already (defaults filled in): the same section, copied out of its null-prototype maps
		overlay: t.overlay ? (JSON.parse(JSON.stringify(t.overlay)) as Plain) : undefined,
		kubernetes: t.kubernetes ? kubernetesText(t.kubernetes) : undefined
	});
}

/** The section as plain data; node_failure's durations as text. */
function kubernetesText(k: NonNullable<Topology['kubernetes']>): Plain {
	const out = JSON.parse(JSON.stringify(k)) as Plain;
	if (k.node_failure) out.node_failure = { detection: dur(k.node_failure.detection), restart: dur(k.node_failure.restart) };
	return out;
}

/** Which collections are written one item per line in flow style. */
function flowPath(path: readonly (string | number)[]): boolean {
	const p = path.join('/');
	return (
		/^nodes\/[^/]+\/interfaces\/[^/]+$/.test(p) ||
		/^nodes\/[^/]+\/(routes|rules)\/\d+$/.test(p) ||
		/^nodes\/[^/]+\/nat\/forwards\/\d+$/.test(p) ||
		/^nodes\/[^/]+\/(position|services|manages|pool)$/.test(p) ||
		/^nodes\/[^/]+\/nat\/masquerade$/.test(p) ||
		/^nodes\/[^/]+\/ospf\/passive$/.test(p) ||
		/^links\/\d+$/.test(p) ||
		/^checks\/\d+$/.test(p) ||
		/^scenarios\/[^/]+\/(traffic|events)\/\d+$/.test(p)
	);
}

/**
 * vnet YAML text for a document. `header` lines become the leading comment
 * (each prefixed "# "); text is data here, so a newline inside a line cannot
 * start YAML content.
 */
export function topologyToYaml(t: Topology, header: string[] = []): string {
	const plain = topologyToPlain(t);
	const doc = new Document(plain);
	// Walk with the document path of each collection.
	const setFlow = (node: YamlNode | null | undefined, path: (string | number)[]) => {
		if (isMap(node)) {
			if (flowPath(path)) node.flow = true;
			for (const pair of node.items) {
				const key = (pair.key as { value?: unknown })?.value ?? pair.key;
				setFlow(pair.value as YamlNode, [...path, String(key)]);
			}
		} else if (isSeq(node)) {
			if (flowPath(path)) node.flow = true;
			node.items.forEach((item, i) => setFlow(item as YamlNode, [...path, i]));
		}
	};
	setFlow(doc.contents as YamlNode, []);
	if (header.length) doc.commentBefore = header.map((l) => ' ' + l.replace(/[\r\n]+/g, ' ')).join('\n');
	return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
