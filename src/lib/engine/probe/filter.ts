/**
 * Filters: a node's rules in file order, first match wins, then its policy
 * (iptables INPUT / FORWARD / OUTPUT as the spec's "Inside a node" orders
 * them). Which hook runs when is the forwarding stage's business.
 */
import type { CIface, CNode, CRule } from '../compile';
import { PROTO_TCP, PROTO_UDP, matches } from '../compile';
import type { Pkt } from '../packet';
import { filterWhat, type FilterWhat } from './wording';

/** First matching rule of the given direction, or null for the policy. */
export function matchRule(node: CNode, p: Pkt, inIf: CIface | null, outIf: CIface | null, outbound: boolean): CRule | null {
	for (const r of node.rules) {
		if (r.out !== outbound) continue;
		if (r.proto && r.proto !== p.proto) continue;
		if (!matches(r.from, p.src) || !matches(r.to, p.dst)) continue;
		if (r.portLo >= 0) {
			if (p.proto !== PROTO_TCP && p.proto !== PROTO_UDP) continue;
			if (p.dport < r.portLo || p.dport > r.portHi) continue;
		}
		if (r.sportLo >= 0) {
			if (p.proto !== PROTO_TCP && p.proto !== PROTO_UDP) continue;
			if (p.sport < r.sportLo || p.sport > r.sportHi) continue;
		}
		if (r.inIf !== null && (!inIf || inIf.name !== r.inIf)) continue;
		if (r.outIf !== null && (!outIf || outIf.name !== r.outIf)) continue;
		return r;
	}
	return null;
}

/** What a filter decided, and by what (`what` is its wording, `by` the same as data). */
export interface FilterVerdict {
	action: 'allow' | 'deny' | 'reject';
	what: string;
	by: FilterWhat | null;
	rule: number | null;
	ref: string;
}

/** What decides a packet when no rule matches, or the rule that matched. */
export function ruleOrPolicy(node: CNode, rule: CRule | null): FilterWhat {
	return rule ? { kind: 'rule', index: rule.index, text: rule.text } : { kind: 'policy', policy: node.policy };
}

/** Input rules of an endpoint for a packet addressed to it. */
export function inputFilter(node: CNode, inIf: CIface, p: Pkt, established: boolean): FilterVerdict {
	if (!node.endpoint) return { action: 'allow', what: '', by: null, rule: null, ref: '' };
	if (node.stateful && established) return { action: 'allow', what: 'established connection', by: { kind: 'established' }, rule: null, ref: '' };
	const rule = matchRule(node, p, inIf, null, false);
	const by = ruleOrPolicy(node, rule);
	if (rule) return { action: rule.action, what: filterWhat(by), by, rule: rule.index, ref: rule.path };
	return { action: node.policy, what: filterWhat(by), by, rule: null, ref: `nodes.${node.id}.policy` };
}
