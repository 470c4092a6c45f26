/** Rules of node features: firewall rules (unknown names, shadowing), VRRP, load balancers, OSPF, bonds, SDN. */
import type { Rule } from '../types';
import { ENDPOINT_KINDS, FORWARDING_KINDS } from '../segments';
import { type Cidr, cidrContains, cidrText, parseCidr, parseIp, splitSubinterface, cidrOfParts } from '../net';
import { isAddrLike } from '../references';
import type { Linter } from './linter';

export function lintRules(L: Linter): void {
	for (const [id, n] of Object.entries(L.nodes)) {
		if (!n) continue;
		const rules = n.rules ?? [];
		if (n.kind === 'firewall' && !rules.length) {
			const policy = n.policy ?? 'deny';
			L.warn(
				'firewall-no-rules',
				['nodes', id],
				policy === 'deny'
					? `firewall ${id} has no rules and policy deny: it forwards nothing at all. Add allow rules for the traffic it should pass.`
					: `firewall ${id} has no rules and policy allow: it filters nothing (a plain router). Add rules, or make it a router.`
			);
		}
		if (!ENDPOINT_KINDS.has(n.kind)) {
			if ((n.services ?? []).length)
				L.warn(
					'services-ignored',
					['nodes', id, 'services'],
					`${id} is a ${n.kind}; ${FORWARDING_KINDS.has(n.kind) ? 'forwarding nodes answer for their own addresses like an endpoint with no services' : 'it is not an endpoint'}, so these services are never answered. Run the service on a host behind it.`
				);
		}
		const names = L.interfaceNames(id);
		rules.forEach((r, k) => {
			const path = ['nodes', id, 'rules', k];
			for (const f of ['in', 'out'] as const) {
				const v = r?.[f];
				if (v !== undefined && !names.has(v))
					L.warn('rule-unknown-interface', [...path, f], `rule ${f}: ${v} — ${id} has no interface "${v}" (it has ${[...names].join(', ') || 'none'}), so this rule never matches.`);
			}
			for (const f of ['from', 'to'] as const) {
				const v = r?.[f];
				if (v === undefined || v === 'any' || isAddrLike(v)) continue;
				if (!L.node(v)) L.warn('rule-unknown-node', [...path, f], `rule ${f}: ${v} — there is no node "${v}" (nor is it an address or CIDR), so this rule never matches.`);
			}
		});
		// Shadowed rules.
		for (let k = 1; k < rules.length; k++) {
			for (let j = 0; j < k; j++) {
				if (!covers(L, rules[j], rules[k])) continue;
				const same = rules[j].action === rules[k].action;
				L.warn(
					'rule-shadowed',
					['nodes', id, 'rules', k],
					same
						? `rule ${k} (${rules[k].action}) can never match: rule ${j} before it matches every packet it would, with the same action. Remove it (it is redundant).`
						: `rule ${k} (${rules[k].action}) can never match: rule ${j} (${rules[j].action}) before it matches every packet it would (first match wins). Move it above rule ${j} or narrow rule ${j}.`
				);
				break;
			}
		}
	}
}

const ruleSets = new WeakMap<Linter, Map<string, 'any' | Cidr[] | null>>();
/** Address set of a rule's from/to: 'any', a list of CIDRs, or null (unknown); each value worked out once. */
export function ruleSet(L: Linter, v: string | undefined): 'any' | Cidr[] | null {
	if (v === undefined) return 'any';
	let sets = ruleSets.get(L);
	if (!sets) ruleSets.set(L, (sets = new Map()));
	if (!sets.has(v)) sets.set(v, ruleSetOf(L, v));
	return sets.get(v)!;
}

function ruleSetOf(L: Linter, v: string): 'any' | Cidr[] | null {
	if (v === undefined || v === 'any') return 'any';
	if (isAddrLike(v)) {
		const c = parseCidr(v);
		return c ? [c] : null;
	}
	const a = L.nodeAddresses(v);
	if (!a) return null;
	return a.map((x) => cidrOfParts(x, 32));
}

/** Does rule A match every packet rule B matches? (conservative: false when unsure) */
export function covers(L: Linter, A: Rule, B: Rule): boolean {
	if (!A || !B) return false;
	if ((A.direction ?? 'in') !== (B.direction ?? 'in')) return false;
	if (A.proto !== undefined && A.proto !== B.proto) return false;
	for (const f of ['in', 'out'] as const) if (A[f] !== undefined && A[f] !== B[f]) return false;
	for (const f of ['port', 'sport'] as const) {
		const a = A[f];
		const b = B[f];
		if (a === undefined) continue;
		if (b === undefined || b.from < a.from || b.to > a.to) return false;
	}
	for (const f of ['from', 'to'] as const) {
		const a = ruleSet(L, A[f]);
		const b = ruleSet(L, B[f]);
		if (a === 'any') continue;
		if (a === null || b === null || b === 'any') return false;
		if (!b.length) return false; // B names nothing (unknown node): already reported
		if (!b.every((cb) => a.some((ca) => ca.net <= cb.net && cb.last <= ca.last))) return false;
	}
	return true;
}

export function lintVrrpAndLb(L: Linter): void {
	for (const [id, n] of Object.entries(L.nodes)) {
		if (!n) continue;
		for (const [name, itf] of Object.entries(n.interfaces ?? {})) {
			if (!itf?.vrrp) continue;
			const path = ['nodes', id, 'interfaces', name, 'vrrp', 'vip'];
			const c = parseCidr(itf.ip);
			const v = parseIp(itf.vrrp.vip);
			if (v === null) continue;
			if (!c)
				L.warn('vrrp-vip-outside-subnet', path, `${id}.${name} runs VRRP but has no address of its own: VRRP needs one (adverts are sourced from it). Give ${name} an ip in the vip's subnet.`);
			else if (!cidrContains(c, v))
				L.warn(
					'vrrp-vip-outside-subnet',
					path,
					`VRRP vip ${itf.vrrp.vip} is outside ${id}.${name}'s subnet ${cidrText(c)}: hosts on that subnet cannot use it as their gateway. Pick a vip in ${cidrText(c)}.`
				);
		}
		if (n.kind !== 'load-balancer') continue;
		if (n.vip) {
			const v = parseIp(n.vip);
			const own = Object.values(n.interfaces ?? {}).map((i) => parseCidr(i?.ip)).filter((c) => c !== null);
			// a vip routed to the load balancer (a route via one of its addresses, as a cloud's is) needs no ARP
			const routed = Object.values(L.nodes).some((o) =>
				(o?.routes ?? []).some((r) => {
					const to = parseCidr(r?.to);
					const via = parseIp(r?.via);
					return to !== null && via !== null && cidrContains(to, v ?? -1) && own.some((c) => c.addr === via);
				})
			);
			if (v !== null && !routed && !own.some((c) => cidrContains(c, v)))
				L.warn('lb-vip-outside-subnet', ['nodes', id, 'vip'], `vip ${n.vip} is in no subnet of ${id}'s interfaces, so no interface can answer ARP for it. Pick a vip in the subnet of the client-facing interface.`);
		}
		(n.pool ?? []).forEach((b, k) => {
			if (!b) return;
			const path = ['nodes', id, 'pool', k];
			if (isAddrLike(b.node)) return;
			const t = L.node(b.node);
			if (!t) {
				L.warn('lb-pool-unknown-node', path, `pool member ${b.node}:${b.port} — there is no node "${b.node}".`);
				return;
			}
			if (ENDPOINT_KINDS.has(t.kind) && !(t.services ?? []).some((s) => s.proto === 'tcp' && s.port === b.port))
				L.warn(
					'lb-pool-no-service',
					path,
					`pool member ${b.node}:${b.port} does not listen on tcp/${b.port}: health checks fail and it is never used. Add tcp/${b.port} to ${b.node}'s services or fix the port.`
				);
		});
	}
}

export function lintMisc(L: Linter): void {
	for (const [id, n] of Object.entries(L.nodes)) {
		if (!n) continue;
		const names = L.interfaceNames(id);
		(n.ospf?.passive ?? []).forEach((p, k) => {
			if (!names.has(p)) L.warn('ospf-unknown-interface', ['nodes', id, 'ospf', 'passive', k], `ospf passive names "${p}", which is not an interface of ${id}.`);
		});
		// Bonds.
		const memberOf = new Map<string, string>();
		for (const [b, itf] of Object.entries(n.interfaces ?? {})) {
			(itf?.bond?.members ?? []).forEach((m, k) => {
				const path = ['nodes', id, 'interfaces', b, 'bond', 'members', k];
				const prev = memberOf.get(m);
				if (prev && prev !== b) L.warn('bond-member-conflict', path, `${id}.${m} is already a member of bond ${prev}; an interface can be in one bond only.`);
				memberOf.set(m, b);
				const mi = n.interfaces?.[m];
				if (mi?.ip || mi?.dhcp) L.warn('bond-member-conflict', path, `${id}.${m} is a member of bond ${b} but has its own address; the address belongs on the bond (${b}).`);
				if (mi?.bond || splitSubinterface(m)) L.warn('bond-member-conflict', path, `${id}.${m} cannot be a bond member: members are physical interfaces.`);
			});
		}
		// SDN controllers.
		if (n.kind === 'sdn-controller') {
			(n.manages ?? []).forEach((s, k) => {
				const path = ['nodes', id, 'manages', k];
				const t = L.node(s);
				if (!t) L.warn('sdn-unknown-node', path, `${id} manages "${s}", which is not in \`nodes\`.`);
				else if (t.kind !== 'switch') L.warn('sdn-manages-non-switch', path, `${id} manages ${s}, a ${t.kind}; a controller programs switches only. Remove ${s} from manages.`);
				else if ((L.managed.get(s) ?? []).length > 1 && L.managed.get(s)![0] !== id)
					L.warn('sdn-multiple-controllers', path, `${s} is also managed by ${L.managed.get(s)![0]}; two controllers would install conflicting flows. Keep one.`);
			});
		}
	}
}