/**
 * The topology format, version 1, as a zod schema: every field, kind and value
 * of ../shared/spec/topology-format.md (plus the `product` extension of
 * presets.md). Objects are strict: an unknown field is an error, because a typo
 * must never silently change a design. Output matches types.ts (units parsed,
 * short forms expanded); maps are null-prototype objects, so a node called
 * `constructor` is just a node and `nodes[x]` never finds an inherited member.
 *
 * What belongs here: everything that makes a file "not valid version 1"
 * (wrong types, unknown fields, values out of range, a field on a kind that
 * has no such thing, contradictory fields within one object). What does not:
 * cross-references and design mistakes (a link to a missing node, duplicate
 * addresses, MTU mismatch); lint.ts reports those.
 */

import { parentIface } from './net';
import { z } from 'zod';
import { DISPOSITIONS, KINDS, type Kind, type Topology } from './types';
import { productIssues } from './products-check';
import { overlayIssues } from './overlay';
import { kubeIssues, kubernetesSection } from './kube';
import { describeValue, didYouMean, listOf } from './messages';
import {
	bandwidth,
	boolean,
	duration,
	ifaceName,
	integer,
	ipv4,
	ipv4Interface,
	ipv4Network,
	mac,
	linkEnd,
	nodeId,
	nodeOrAddress,
	nodeOrIface,
	number,
	oneOf,
	period,
	poolMember,
	port,
	rate,
	service,
	size,
	string
} from './fields';
import {
	dfwRule,
	endpointRule,
	forwardingRule,
	gatewayNat,
	guestInterface,
	health,
	hypervisorNat,
	list,
	map,
	name,
	ospf,
	plainInterface,
	policy,
	PRODUCT_NAMES,
	proto,
	route,
	routedInterface,
	strict,
	switchPort
} from './schema-parts';

export { PRODUCTS, PRODUCT_NAMES, type Product } from './schema-parts';

// ---- nodes ------------------------------------------------------------------------------

/** A containerlab kind or a port name as a lab writes it: bounded, printable, no spaces. */
const clabWord = (what: string) =>
	string(what).regex(/^[A-Za-z0-9][A-Za-z0-9_./:@-]{0,127}$/, { error: `expected ${what} (letters, digits, _ . / : @ -; at most 128)` });

/** An imported network OS node: what `vnet export --to containerlab` writes back (docs/containerlab.md). */
const containerlab = strict(
	{
		kind: clabWord('a containerlab kind'),
		image: clabWord('a container image').optional(),
		ports: map(ifaceName, clabWord('a port name of the lab'), 'a mapping of interface name to the lab\'s port name').optional()
	},
	'a containerlab block ({ kind, image, ports })'
);

const common = {
	label: string('a string').optional(),
	position: strict({ x: number('x'), y: number('y') }, 'a position').optional(),
	delay: duration().optional(),
	containerlab: containerlab.optional()
};

const endpoint = {
	routes: list(route, 'a list of routes').optional(),
	services: list(service(), 'a list of services like tcp/80').optional(),
	rules: list(endpointRule, 'a list of rules').optional(),
	policy: policy().optional(),
	stateful: boolean().optional()
};

const forwarding = {
	routes: endpoint.routes,
	rules: list(forwardingRule, 'a list of rules').optional(),
	policy: endpoint.policy,
	stateful: endpoint.stateful
};

const capacity = {
	vcpu: integer('vcpu', 1).optional(),
	memory: size('memory').optional()
};

const guestFields = { ...endpoint, on: nodeId.optional(), ...capacity, tags: list(name('a tag'), 'a list of tags').optional() };
const hypervisorFields = {
	...endpoint,
	...capacity,
	overcommit: strict({ cpu: number('a ratio', 0).optional(), memory: number('a ratio', 0).optional() }, 'an overcommit block').optional(),
	nat: hypervisorNat.optional(),
	ha: strict({ restart: duration(), to: nodeId }, 'an ha block').optional(),
	product: oneOf(PRODUCT_NAMES).optional(),
	vtep: strict({ interface: ifaceName }, 'a vtep block ({ interface: <underlay interface> })').optional(),
	networks: map(name('a network name'), strict({ subnet: ipv4Network }, 'a network'), 'a mapping of network name to { subnet }').optional(),
	portgroups: map(
		name('a port group name'),
		strict({ vlan: integer('a port group VLAN (0 untagged, 1–4094 tagged, 4095 guest tagging)', 0, 4095), uplink: ifaceName.optional() }, 'a port group'),
		'a mapping of port group name to { vlan }'
	).optional()
};
// `on` + an interface's `segment`: an edge (NSX's T0) on a hypervisor, joined to an overlay segment (overlay-router.ts)
const routerFields = { ...forwarding, ospf: ospf.optional(), on: nodeId.optional() };
const natGatewayFields = { ...routerFields, nat: gatewayNat.optional() };
const loadBalancerFields = {
	...forwarding,
	vip: ipv4.optional(),
	pool: list(poolMember(), 'a list of backends like "web1:80"').optional(),
	port: port().optional(),
	health: health.optional(),
	snat: boolean().optional()
};
const sdnControllerFields = {
	manages: list(nodeId, 'a list of switch ids').optional(),
	mode: oneOf(['proactive', 'reactive']).optional(),
	'fail-mode': oneOf(['secure', 'standalone']).optional(),
	'fast-failover': boolean().optional(),
	channel: duration().optional()
};

/** Per kind: the fields it has besides `kind`, label, position, delay and interfaces. */
const KIND_FIELDS: Record<Kind, z.ZodRawShape> = {
	host: endpoint,
	internet: endpoint,
	vm: guestFields,
	container: guestFields,
	hypervisor: hypervisorFields,
	switch: {},
	router: routerFields,
	firewall: routerFields,
	'nat-gateway': natGatewayFields,
	'load-balancer': loadBalancerFields,
	'sdn-controller': sdnControllerFields
};

/** "`ospf` is a field of router, firewall, nat-gateway nodes", for a field on the wrong kind. */
function nodeFieldHome(kind: Kind, key: string): string | undefined {
	const kinds = KINDS.filter((k) => k !== kind && Object.hasOwn(KIND_FIELDS[k], key));
	if (kinds.length === 0) return undefined;
	if (kind === 'switch' && key === 'rules') return 'switches take no rules';
	return `a ${kind} has no \`${key}\` (${listOf([...kinds], 'and')} nodes do)`;
}

/** Checks that need several fields of one node. */
function checkNode(kind: Kind) {
	return (value: object, ctx: z.RefinementCtx) => {
		const node = value as { on?: string; interfaces?: Record<string, { mtu?: number; attach?: string }> };
		const interfaces = node.interfaces ?? {};
		for (const [ifName, iface] of Object.entries(interfaces)) {
			const parent = parentIface(ifName);
			if (parent !== ifName) {
				if (kind === 'switch') {
					ctx.addIssue({ code: 'custom', path: ['interfaces', ifName], message: 'switch ports have no subinterfaces: carry VLANs with `trunk`' });
					continue;
				}
				// spec: a subinterface's mtu defaults to its parent's and may not exceed it
				const parentMtu = interfaces[parent]?.mtu ?? 1500;
				if (iface.mtu !== undefined && iface.mtu > parentMtu)
					ctx.addIssue({
						code: 'custom',
						path: ['interfaces', ifName, 'mtu'],
						message: `a subinterface's mtu may not exceed its parent's (${parent}: ${parentMtu})`
					});
			}
			if (iface.attach !== undefined && node.on === undefined)
				ctx.addIssue({
					code: 'custom',
					path: ['interfaces', ifName, 'attach'],
					message: '`attach` needs the node to run on a hypervisor: add `on: <hypervisor>`'
				});
		}
	};
}

function nodeSchema<K extends Kind, F extends z.ZodRawShape, I extends z.ZodType>(kind: K, fields: F, iface: I) {
	return strict(
		{
			kind: z.literal(kind),
			...common,
			interfaces: map(ifaceName, iface, 'a mapping of interface name to interface').optional(),
			...fields
		},
		`a ${kind} node`,
		(key) => nodeFieldHome(kind, key)
	)
		.superRefine(checkNode(kind))
		.meta({ id: `${kind.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Node` });
}

const node = z.discriminatedUnion(
	'kind',
	[
		nodeSchema('host', endpoint, plainInterface),
		nodeSchema('vm', guestFields, guestInterface),
		nodeSchema('container', guestFields, guestInterface),
		nodeSchema('hypervisor', hypervisorFields, plainInterface),
		nodeSchema('switch', {}, switchPort),
		nodeSchema('router', routerFields, routedInterface),
		nodeSchema('firewall', routerFields, routedInterface),
		nodeSchema('nat-gateway', natGatewayFields, routedInterface),
		nodeSchema('load-balancer', loadBalancerFields, plainInterface),
		nodeSchema('sdn-controller', sdnControllerFields, plainInterface),
		nodeSchema('internet', endpoint, plainInterface)
	],
	{
		error: (issue) => {
			if (issue.code !== 'invalid_union') return undefined;
			if (issue.input === null || typeof issue.input !== 'object' || Array.isArray(issue.input))
				return `expected a node (a mapping with \`kind\`), got ${describeValue(issue.input)}`;
			const kind = (issue.input as Record<string, unknown>).kind;
			if (kind === undefined) return `missing required field \`kind\` (one of ${KINDS.join(', ')})`;
			const suggestion = typeof kind === 'string' ? didYouMean(kind, KINDS) : '';
			return `unknown kind ${describeValue(kind)}${suggestion}; kinds: ${KINDS.join(', ')}`;
		}
	}
);

// ---- links, scenarios, checks ---------------------------------------------------------

const link = strict(
	{
		a: linkEnd,
		b: linkEnd,
		latency: duration().optional(),
		bandwidth: bandwidth().optional(),
		loss: number('loss (a fraction)', 0, 1).optional(),
		down: boolean().optional(),
		queue: integer('a queue length in frames', 1).optional()
	},
	'a link'
).meta({ id: 'Link', description: 'A cable between two interfaces "node.interface". Defaults: latency 50us, bandwidth 1Gbps, loss 0, queue 1000.' });

/** Largest IPv4 payload of an ICMP echo or UDP datagram: 65535 - 20 - 8. */
const MAX_PAYLOAD = 65507;

const traffic = strict(
	{
		name: name('a flow name'),
		from: nodeId,
		to: nodeOrAddress,
		kind: oneOf(['cbr', 'bulk']).optional(),
		proto: proto().optional(),
		port: port().optional(),
		sport: port().optional(),
		rate: rate().optional(),
		size: size('a payload size', MAX_PAYLOAD).optional(),
		ttl: integer('ttl', 1, 255).optional(),
		window: size('a window').optional()
	},
	'a traffic flow'
).superRefine((flow, ctx) => {
	const kind = flow.kind ?? 'cbr';
	const proto = flow.proto ?? (kind === 'bulk' ? 'tcp' : 'udp');
	if (proto === 'icmp') {
		if (kind === 'bulk') ctx.addIssue({ code: 'custom', path: ['proto'], message: 'a bulk flow is tcp or udp' });
		for (const key of ['port', 'sport'] as const)
			if (flow[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` is for tcp and udp flows` });
	} else if (flow.port === undefined) {
		ctx.addIssue({ code: 'custom', path: [], message: 'missing required field `port`' });
	}
	if (kind === 'cbr' && flow.rate === undefined)
		ctx.addIssue({ code: 'custom', path: [], message: 'a cbr flow needs `rate`, like 1000pps' });
	if (kind === 'bulk' && flow.rate !== undefined)
		ctx.addIssue({ code: 'custom', path: ['rate'], message: '`rate` is for cbr flows: a bulk flow sends as fast as the path and its window allow' });
	if (kind === 'cbr' && flow.window !== undefined)
		ctx.addIssue({ code: 'custom', path: ['window'], message: '`window` is for bulk flows (`kind: bulk`)' });
}).meta({ id: 'Traffic', description: 'A flow: constant rate (`cbr`, needs `rate`) or bulk TCP (`bulk`).' });

const faultTarget = z.union([nodeOrIface, strict({ link: linkEnd }, 'a cable target')], {
	error: (issue) =>
		issue.input === undefined ? undefined : `expected a node id, "node.interface", or { link: node.interface }, got ${describeValue(issue.input)}`
});

const event = strict({ at: duration(), fail: faultTarget.optional(), restore: faultTarget.optional() }, 'an event').superRefine((e, ctx) => {
	if ((e.fail === undefined) === (e.restore === undefined))
		ctx.addIssue({ code: 'custom', path: [], message: 'an event takes exactly one of `fail` or `restore`' });
}).meta({ id: 'Event', description: 'At `at`, fail or restore a node ("r1"), an interface ("r1.eth1") or a cable ({ link: "r1.eth1" }).' });

const scenario = strict(
	{
		duration: period(),
		seed: integer('a seed', 0).optional(),
		traffic: list(traffic, 'a list of flows').optional(),
		events: list(event, 'a list of events').optional()
	},
	'a scenario'
).superRefine((s, ctx) => {
	const seen = new Set<string>();
	(s.traffic ?? []).forEach((flow, index) => {
		if (seen.has(flow.name))
			ctx.addIssue({ code: 'custom', path: ['traffic', index, 'name'], message: `flow name "${flow.name}" is used twice in this scenario` });
		seen.add(flow.name);
	});
}).meta({ id: 'Scenario', description: 'Timed traffic and faults.' });

const probeCheck = strict(
	{
		from: nodeId,
		to: nodeOrAddress,
		proto: proto().optional(),
		port: port().optional(),
		sport: port().optional(),
		size: size('a payload size', MAX_PAYLOAD).optional(),
		df: boolean().optional(),
		ttl: integer('ttl', 1, 255).optional(),
		expect: oneOf(DISPOSITIONS),
		'seen-source': ipv4.optional(),
		'icmp-from': ipv4.optional(),
		mtu: integer('mtu', 68, 65535).optional(),
		hops: list(ipv4.nullable(), 'a list of addresses (null for "*")').optional()
	},
	'a probe check'
).superRefine((check, ctx) => {
	const proto = check.proto ?? 'icmp';
	if (proto !== 'icmp' && check.port === undefined)
		ctx.addIssue({ code: 'custom', path: [], message: `missing required field \`port\` (a ${proto} probe needs one)` });
	if (proto === 'icmp')
		for (const key of ['port', 'sport'] as const)
			if (check[key] !== undefined)
				ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` is for tcp and udp probes: add \`proto: tcp\` or \`proto: udp\`` });
}).meta({ id: 'ProbeCheck', description: 'A probe from a node to a node or address, and the outcome expected.' });

const scenarioCheck = strict(
	{
		scenario: name('a scenario name'),
		flow: name('a flow name'),
		'max-failover': duration().optional(),
		'max-loss': integer('max-loss (packets)', 0).optional(),
		'min-goodput': bandwidth().optional()
	},
	'a scenario check'
).meta({ id: 'ScenarioCheck', description: 'Runs a scenario and compares one flow with the limits given.' });

/** A probe check, or a scenario check (it has `scenario`). load.ts reports the errors of the one meant. */
const check = z.union([probeCheck, scenarioCheck], {
	error: (issue) => (issue.input === undefined ? undefined : `expected a check (a mapping), got ${describeValue(issue.input)}`)
});

// ---- the document -------------------------------------------------------------------------

const document = strict(
	{
		vnet: z.literal(1, {
			error: (issue) =>
				issue.input === undefined
					? 'missing required field `vnet` (the format version: `vnet: 1`)'
					: `unsupported format version ${describeValue(issue.input)}: this vnet reads version 1 (\`vnet: 1\`)`
		}),
		name: name('a name'),
		description: string('a string').optional(),
		nodes: map(nodeId, node, 'a mapping of node id to node'),
		links: list(link, 'a list of links').default([]),
		scenarios: map(name('a scenario name'), scenario, 'a mapping of scenario name to scenario').prefault({}),
		checks: list(check, 'a list of checks').default([]),
		overlay: strict(
			{
				segments: map(
					name('a segment name'),
					strict({ vni: integer('a VNI (1–16777215)', 1, 16777215), subnet: ipv4Network.optional() }, 'a segment ({ vni, subnet })'),
					'a mapping of segment name to { vni, subnet }'
				),
				controller: nodeId.optional(),
				firewall: strict({ default: policy().optional(), rules: list(dfwRule, 'a list of rules').optional() }, 'a firewall block ({ default, rules })').optional(),
				groups: map(
					name('a group name'),
					strict({ tags: list(name('a tag'), 'a list of tags').optional(), members: list(nodeId, 'a list of guest ids').optional() }, 'a group ({ tags } or { members })'),
					'a mapping of group name to { tags } or { members }'
				).optional(),
				routers: map(
					name('a router name'),
					strict(
						{
							segments: map(name('a segment name'), ipv4Interface, 'a mapping of segment name to the gateway address, like web: 10.1.1.1/24'),
							uplink: nodeId.optional(),
							mac: mac.optional()
						},
						'a distributed router ({ segments, uplink, mac })'
					),
					'a mapping of router name to { segments, uplink }'
				).optional()
			},
			'an overlay block ({ segments, controller, firewall, groups, routers })'
		).optional(),
		kubernetes: kubernetesSection.optional()
	},
	'a vnet topology'
);

/** Checks between nodes that still make a file invalid (not mere design mistakes): products (products-check.ts). */
function checkProducts(topology: z.output<typeof document>, ctx: z.RefinementCtx) {
	for (const issue of productIssues(topology as unknown as Topology)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
	for (const issue of overlayIssues(topology as unknown as Topology)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
	for (const issue of kubeIssues(topology as unknown as Topology)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

export const topologySchema = document.superRefine(checkProducts);

// The schema's output must be the document other engineers code against.
const _matchesTypes: (t: z.output<typeof topologySchema>) => Topology = (t) => t;
void _matchesTypes;
