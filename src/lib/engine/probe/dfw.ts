/**
 * The distributed firewall (docs/overlays.md): the rules of a guest's vNIC on
 * an overlay segment (model/overlay-firewall.ts), checked as the packet leaves
 * the guest (`out`) and as it reaches one (`in`), also between two guests on
 * one host and segment. Stateful with the hosting hypervisor's conntrack, as
 * Linux with br_netfilter and `-m physdev` rules on the bridge ports:
 * a reply or a related error of a connection the host accepted passes.
 * ARP is not filtered (iptables sees IP only).
 */
import type { CIface, Matcher, Net } from '../net-types';
import { PROTO_NUM, PROTO_TCP, PROTO_UDP } from '../net-types';
import type { Pkt } from '../packet';
import type { RDfw } from '../../model/overlay-firewall';
import { cidrOf } from '../../model/net';
import type { ProbeContext } from './context';
import { ctAdd, ctFind } from './conntrack';
import type { FilterWhat } from './wording';

interface CDfwRule {
	index: number;
	action: 'allow' | 'deny' | 'reject';
	proto: number;
	from: Matcher;
	to: Matcher;
	portLo: number;
	portHi: number;
	sportLo: number;
	sportHi: number;
	in: boolean;
	out: boolean;
	text: string;
	path: string;
}

/** What the firewall at a vNIC decided about a packet. */
export interface DfwVerdict {
	action: 'allow' | 'deny' | 'reject';
	what: FilterWhat;
	/** where it is in the file: the rule, or the firewall's default */
	ref: string;
	rule: number | null;
}

const compiled = new WeakMap<RDfw, CDfwRule[]>();

function matcher(nets: string[] | null): Matcher {
	if (nets === null) return { any: true, nets: [] };
	const out: number[] = [];
	for (const n of nets) {
		const c = cidrOf(n.includes('/') ? n : `${n}/32`);
		out.push(c.net, c.mask);
	}
	return { any: false, nets: out };
}

function rulesOf(dfw: RDfw): CDfwRule[] {
	let rules = compiled.get(dfw);
	if (rules) return rules;
	rules = dfw.rules.map((r) => ({
		index: r.index,
		action: r.action,
		proto: r.proto ? PROTO_NUM[r.proto] : 0,
		from: matcher(r.from),
		to: matcher(r.to),
		portLo: r.port ? r.port.from : -1,
		portHi: r.port ? r.port.to : -1,
		sportLo: r.sport ? r.sport.from : -1,
		sportHi: r.sport ? r.sport.to : -1,
		in: r.direction !== 'out',
		out: r.direction !== 'in',
		text: r.text,
		path: r.path
	}));
	compiled.set(dfw, rules);
	return rules;
}

function hit(m: Matcher, ip: number): boolean {
	if (m.any) return true;
	for (let k = 0; k < m.nets.length; k += 2) if (((ip & m.nets[k + 1]) >>> 0) === m.nets[k]) return true;
	return false;
}

function first(rules: CDfwRule[], p: Pkt, inbound: boolean): CDfwRule | null {
	for (const r of rules) {
		if (inbound ? !r.in : !r.out) continue;
		if (r.proto && r.proto !== p.proto) continue;
		if (!hit(r.from, p.src) || !hit(r.to, p.dst)) continue;
		const l4 = p.proto === PROTO_TCP || p.proto === PROTO_UDP;
		if (r.portLo >= 0 && (!l4 || p.dport < r.portLo || p.dport > r.portHi)) continue;
		if (r.sportLo >= 0 && (!l4 || p.sport < r.sportLo || p.sport > r.sportHi)) continue;
		return r;
	}
	return null;
}

/** Does any vNIC of this network have a firewall? (the matrix cannot share rows between its guests then) */
export function hasDfw(net: Net): boolean {
	return net.ifaces.some((i) => i.dfw !== null);
}

/**
 * The firewall at `vnic` for p, `dir` as the guest sees it. The host's
 * conntrack decides first; a packet accepted as new is tracked there.
 */
export function dfwCheck(ctx: ProbeContext, vnic: CIface, p: Pkt, dir: 'in' | 'out'): DfwVerdict {
	const dfw = vnic.dfw!;
	const host = ctx.node(ctx.net.nodeIndex.get(dfw.host)!);
	const ct = ctFind(ctx, host, p);
	const where = { vnic: dfw.vnic, host: dfw.host, direction: dir };
	if (ct && ct.dir !== 'orig') return { action: 'allow', what: { kind: 'dfw', index: null, text: '', state: true, ...where }, ref: '', rule: null };
	const rule = first(rulesOf(dfw), p, dir === 'in');
	const action = rule ? rule.action : dfw.default;
	if (action === 'allow' && !ct && p.kind !== 'icmp-err') ctAdd(ctx, host, p, p);
	if (rule) return { action, what: { kind: 'dfw', index: rule.index, text: rule.text, ...where }, ref: rule.path, rule: rule.index };
	return { action, what: { kind: 'dfw', index: null, text: dfw.default, ...where }, ref: 'overlay.firewall.default', rule: null };
}
