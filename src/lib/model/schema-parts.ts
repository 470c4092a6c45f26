/**
 * Building blocks of the topology schema (schema.ts): the strict-object and
 * map helpers, hypervisor products, the interface variants of each kind,
 * routes, rules and the kind-specific blocks (ospf, nat, health).
 */
import { z } from 'zod';
import { ALL_ATTACH_MODES, NETWORK_MODES, NETWORK_REQUIRED_MODES, PRODUCT_IDS, UPLINK_MODES, type ProductId } from './products';
import { describeValue, didYouMean, listOf } from './messages';
import {
	boolean,
	duration,
	expected,
	hostPort,
	ifaceName,
	integer,
	ipv4,
	ipv4Interface,
	ipv4Network,
	mac,
	oneOf,
	period,
	port,
	portRange,
	ruleMatch,
	string,
	vlanId,
	vlanSet
} from './fields';

// ---- helpers ------------------------------------------------------------------

/**
 * A strict object whose unknown-field message suggests the closest field, or
 * says which other object has it. One issue may carry several keys: the
 * message has one line per key, in `keys` order (load.ts splits them so that
 * each diagnostic points at its own key).
 */
export function strict<S extends z.ZodRawShape>(shape: S, what: string, elsewhere?: (key: string) => string | undefined) {
	const known = Object.keys(shape);
	return z.strictObject(shape, {
		error: (issue) => {
			if (issue.code === 'unrecognized_keys') {
				return issue.keys
					.map((key) => {
						if (key === '<<') return 'YAML merge keys (`<<`) are not part of YAML 1.2: write the fields out';
						const where = elsewhere?.(key);
						if (where) return `unknown field \`${key}\`: ${where}`;
						const suggestion = didYouMean(key, known);
						return suggestion
							? `unknown field \`${key}\`${suggestion}`
							: `unknown field \`${key}\` (${what} has: ${known.join(', ')})`;
					})
					.join('\n');
			}
			if (issue.code === 'invalid_type' && issue.input !== undefined)
				return `expected ${what} (a mapping), got ${describeValue(issue.input)}`;
			return undefined;
		}
	});
}

/** A map keyed by validated ids, returned as a null-prototype object (see file header). */
export function map<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V, what: string) {
	return z.record(key, value, { error: expected(what) }).transform((record) => {
		const out: Record<string, z.output<V>> = Object.create(null);
		for (const [k, v] of Object.entries(record)) out[k] = v as z.output<V>;
		return out;
	});
}

export function list<T extends z.ZodType>(item: T, what: string) {
	return z.array(item, { error: expected(what) });
}

export const name = (what: string) => string(what).min(1, { error: 'must not be empty' });
export const proto = () => oneOf(['icmp', 'tcp', 'udp']);
export const l4proto = () => oneOf(['tcp', 'udp']);

// ---- products (presets.md) --------------------------------------------------------

/** Hypervisor products (presets.md): the table lives in products.ts. */
export { PRODUCTS } from './products';
export type Product = ProductId;
export const PRODUCT_NAMES = [...PRODUCT_IDS] as [Product, ...Product[]];

// ---- interfaces -----------------------------------------------------------------

const bond = strict(
	{
		members: list(ifaceName, 'a list of interface names').min(1, { error: 'a bond needs at least one member' }),
		mode: oneOf(['active-backup']).default('active-backup'),
		miimon: period().optional()
	},
	'a bond'
).meta({ id: 'Bond', description: 'This interface bonds `members` (active-backup).' });

const vrrp = strict(
	{
		group: integer('a VRRP group', 1, 255),
		vip: ipv4,
		priority: integer('a VRRP priority', 1, 255).optional(),
		advert: period().optional()
	},
	'a vrrp block'
).meta({ id: 'Vrrp', description: 'VRRP group: the highest priority router holds `vip`.' });

const addressed = {
	ip: ipv4Interface.optional(),
	gateway: ipv4.optional(),
	dhcp: boolean().optional(),
	mac: mac.optional(),
	mtu: integer('mtu', 68, 9216).optional(),
	down: boolean().optional(),
	bond: bond.optional()
};

const switchPortShape = {
	mtu: addressed.mtu,
	down: addressed.down,
	vlan: vlanId().optional(),
	trunk: vlanSet().optional(),
	native: vlanId().optional()
};
const guestShape = {
	...addressed,
	attach: oneOf(ALL_ATTACH_MODES).optional(),
	network: name('a network name').optional(),
	uplink: ifaceName.optional(),
	segment: name('a segment name').optional()
};
const routedShape = {
	...addressed,
	segment: name('a segment name').optional(),
	vrrp: vrrp.optional(),
	cost: integer('an OSPF cost', 1, 65535).optional()
};

/** Where a field that this kind of interface lacks does belong, for the message. */
const IFACE_FIELD_HOME: Record<string, string> = {
	vlan: 'only switch ports have it; a node joins a VLAN through a switch access port, or with a subinterface named like eth0.10',
	trunk: 'only switch ports have it; a node takes tagged VLANs with subinterfaces named like eth0.10',
	native: 'only switch trunk ports have it',
	attach: 'only vm and container interfaces have it',
	network: 'only vm and container interfaces have it (with `attach: internal`)',
	uplink: 'only vm and container interfaces have it (with `attach: bridged`)',
	segment: 'only vm, container, router, firewall and nat-gateway interfaces join an overlay segment',
	vrrp: 'only router, firewall and nat-gateway interfaces have it',
	cost: 'only router, firewall and nat-gateway interfaces have it (OSPF)',
	ip: 'switch ports have no address',
	gateway: 'switch ports have no address',
	dhcp: 'switch ports have no address',
	mac: 'switch ports have no MAC of their own',
	bond: 'switch ports do not bond'
};

/** Own properties only: the key comes from the file and may be `constructor` or `__proto__`. */
function ifaceFieldHome(key: string): string | undefined {
	return Object.hasOwn(IFACE_FIELD_HOME, key) ? IFACE_FIELD_HOME[key] : undefined;
}

const dhcpRule = '`dhcp: true` is only for a vm or container interface with `attach: nat` (in version 1 the only DHCP servers are hypervisor NAT networks)';

function checkAddressing(iface: { ip?: string; dhcp?: boolean; attach?: string }, ctx: z.RefinementCtx) {
	if (iface.dhcp && iface.ip !== undefined)
		ctx.addIssue({ code: 'custom', path: ['dhcp'], message: 'an interface takes either `ip` or `dhcp: true`, not both' });
	// Whether the attachment has a DHCP server depends on the hypervisor's product: checked with the whole document (schema.ts).
	else if (iface.dhcp && iface.attach === undefined) ctx.addIssue({ code: 'custom', path: ['dhcp'], message: dhcpRule });
}

export const plainInterface = strict(addressed, 'an interface', ifaceFieldHome).superRefine(checkAddressing).meta({ id: 'Interface' });

export const routedInterface = strict(routedShape, 'an interface', ifaceFieldHome)
	.superRefine(checkAddressing)
	.meta({ id: 'RouterInterface', description: 'An interface of a router, firewall or nat-gateway.' });

export const guestInterface = strict(guestShape, 'an interface', ifaceFieldHome).superRefine((iface, ctx) => {
	checkAddressing(iface, ctx);
	if (iface.attach === 'internal' && iface.network === undefined)
		ctx.addIssue({ code: 'custom', path: ['attach'], message: '`attach: internal` needs `network: <name>` (guests with the same name share a segment)' });
	else if (iface.attach !== undefined && NETWORK_REQUIRED_MODES.has(iface.attach) && iface.network === undefined)
		ctx.addIssue({ code: 'custom', path: ['attach'], message: `\`attach: ${iface.attach}\` needs \`network: <name>\`` });
	if (iface.network !== undefined && (iface.attach === undefined || !NETWORK_MODES.has(iface.attach)))
		ctx.addIssue({ code: 'custom', path: ['network'], message: `\`network\` is only for ${listOf([...NETWORK_MODES].map((x) => `\`attach: ${x}\``))}` });
	if (iface.segment !== undefined && iface.attach !== undefined)
		ctx.addIssue({ code: 'custom', path: ['segment'], message: 'an interface joins an overlay `segment` or is attached with `attach`, not both' });
	if (iface.uplink !== undefined && (iface.attach === undefined || !UPLINK_MODES.has(iface.attach)))
		ctx.addIssue({ code: 'custom', path: ['uplink'], message: `\`uplink\` is only for ${listOf([...UPLINK_MODES].map((x) => `\`attach: ${x}\``))}` });
}).meta({ id: 'GuestInterface', description: 'An interface of a vm or container: linked to a switch, or attached through its hypervisor.' });

export const switchPort = strict(switchPortShape, 'a switch port', ifaceFieldHome).superRefine((p, ctx) => {
	if (p.vlan !== undefined && p.trunk !== undefined)
		ctx.addIssue({ code: 'custom', path: ['trunk'], message: 'a port is either an access port (`vlan`) or a trunk (`trunk`), not both' });
	if (p.native !== undefined && p.trunk === undefined)
		ctx.addIssue({ code: 'custom', path: ['native'], message: '`native` is for trunk ports: add `trunk`' });
}).meta({ id: 'SwitchPort', description: 'An access port (`vlan`, default VLAN 1) or a trunk (`trunk`, `native`).' });

// ---- routes, rules, services --------------------------------------------------------

export const route = strict(
	{
		to: ipv4Network,
		via: ipv4.optional(),
		metric: integer('a metric', 0).optional(),
		blackhole: boolean().optional()
	},
	'a route'
).superRefine((r, ctx) => {
	if (r.blackhole && r.via !== undefined)
		ctx.addIssue({ code: 'custom', path: ['via'], message: 'a blackhole route has no `via`' });
	if (!r.blackhole && r.via === undefined)
		ctx.addIssue({ code: 'custom', path: [], message: 'a route needs `via: <next hop>` or `blackhole: true`' });
}).meta({ id: 'Route' });

const ruleShape = {
	action: oneOf(['allow', 'deny', 'reject']),
	proto: proto().optional(),
	from: ruleMatch.optional(),
	to: ruleMatch.optional(),
	port: portRange().optional(),
	sport: portRange().optional(),
	in: ifaceName.optional(),
	out: ifaceName.optional()
};

function checkRulePorts(rule: { proto?: string; port?: unknown; sport?: unknown }, ctx: z.RefinementCtx) {
	for (const key of ['port', 'sport'] as const) {
		if (rule[key] !== undefined && rule.proto !== 'tcp' && rule.proto !== 'udp')
			ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` needs \`proto: tcp\` or \`proto: udp\`` });
	}
}

export const forwardingRule = strict(ruleShape, 'a rule', (key) =>
	key === 'direction' ? 'only endpoints (host, vm, container, hypervisor, internet) have `direction`; a forwarding node filters with `in`/`out`' : undefined
)
	.superRefine(checkRulePorts)
	.meta({ id: 'Rule', description: 'Filters forwarded packets; first match wins, else `policy`.' });
export const endpointRule = strict({ ...ruleShape, direction: oneOf(['in', 'out']).optional() }, 'a rule')
	.superRefine(checkRulePorts)
	.meta({ id: 'EndpointRule', description: 'Filters packets to this endpoint (or from it, with `direction: out`); first match wins.' });

/** A distributed-firewall rule (docs/overlays.md): the rule syntax without interfaces, plus where and which way. */
export const dfwRule = strict(
	{
		action: ruleShape.action,
		proto: ruleShape.proto,
		from: ruleShape.from,
		to: ruleShape.to,
		port: ruleShape.port,
		sport: ruleShape.sport,
		applied_to: list(name('a segment, guest or group name'), 'a list of segment names, guest ids or group names').optional(),
		direction: oneOf(['in', 'out', 'both']).optional()
	},
	'a distributed-firewall rule',
	(key) => (key === 'in' || key === 'out' ? 'a distributed-firewall rule applies at vNICs: use `applied_to` and `direction`' : undefined)
)
	.superRefine(checkRulePorts)
	.meta({ id: 'DfwRule', description: 'Filters at each guest vNIC it applies to, statefully; first match wins, else the firewall\'s `default`.' });

export const policy = () => oneOf(['allow', 'deny']);

// ---- kind-specific blocks -------------------------------------------------------------

export const ospf = strict(
	{
		hello: period().optional(),
		dead: period().optional(),
		bfd: strict({ interval: period(), multiplier: integer('a BFD multiplier', 1, 255) }, 'a bfd block').optional(),
		'spf-delay': duration().optional(),
		passive: list(ifaceName, 'a list of interface names').optional()
	},
	'an ospf block'
).meta({ id: 'Ospf' });

export const gatewayNat = strict(
	{
		masquerade: list(ifaceName, 'a list of interface names').optional(),
		forwards: list(strict({ in: ifaceName, proto: l4proto(), port: port(), to: hostPort() }, 'a forward'), 'a list of forwards').optional()
	},
	'a nat block',
	(key) => (key === 'subnet' ? 'only a hypervisor NAT network has a `subnet`' : undefined)
);

export const hypervisorNat = strict(
	{
		subnet: ipv4Network.optional(),
		forwards: list(
			strict({ proto: l4proto(), port: port(), to: hostPort() }, 'a forward', (key) =>
				key === 'in' ? 'a hypervisor forward applies to every address of the hypervisor outside its NAT network' : undefined
			),
			'a list of forwards'
		).optional()
	},
	'a nat block',
	(key) => (key === 'masquerade' ? 'a hypervisor always masquerades its NAT network to its uplink address' : undefined)
);

export const health = strict(
	{ interval: period().optional(), fall: integer('fall', 1).optional(), rise: integer('rise', 1).optional() },
	'a health block'
);
