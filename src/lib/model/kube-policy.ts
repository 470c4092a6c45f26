/**
 * NetworkPolicy (docs/kubernetes.md): the `kubernetes.namespaces` and
 * `kubernetes.policies` schemas and Kubernetes' semantics, as pure functions
 * the engine's policy stage (engine/probe/kube-policy.ts) calls:
 * label selectors with expressions, namespace labels (each namespace also
 * carries `kubernetes.io/metadata.name`), which policies select a pod for a
 * direction (isolation), and whether some rule of one of them allows a peer,
 * protocol and port (the union of policies; the first allowing policy in
 * name order and its first allowing rule are named).
 *
 * Types live in kube-types.ts; this module imports none of kube.ts, which
 * imports it (no cycle).
 */
import { z } from 'zod';
import { ipv4Network, oneOf, port, string } from './fields';
import { list, map, name, strict } from './schema-parts';
import { inCidr, parseCidr } from './net';
import type {
	IpBlock,
	KubePolicySpec,
	KubernetesSection,
	LabelSelector,
	Labels,
	PolicyPeer,
	PolicyPort,
	PolicyType,
	SelectorExpression
} from './kube-types';

/** The label every namespace has (Kubernetes sets it since 1.21), so a selector can name a namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const labels = map(string('a label key'), string('a label value'), 'a mapping of label key to value');

const expression = strict(
	{ key: string('a label key'), operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: list(string('a label value'), 'a list of label values').prefault([]) },
	'a selector expression'
).superRefine((e, ctx) => {
	const needs = e.operator === 'In' || e.operator === 'NotIn';
	if (needs && e.values.length === 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `\`${e.operator}\` needs at least one value` });
	if (!needs && e.values.length > 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `\`${e.operator}\` takes no values` });
});

export const labelSelector = strict(
	{ match_labels: labels.prefault({}), match_expressions: list(expression, 'a list of selector expressions').prefault([]) },
	'a label selector ({ match_labels, match_expressions })'
);

const ipBlock = strict({ cidr: ipv4Network, except: list(ipv4Network, 'a list of IPv4 prefixes').prefault([]) }, 'an ip_block ({ cidr, except })').superRefine((b, ctx) => {
	const outer = parseCidr(b.cidr);
	b.except.forEach((e, i) => {
		const inner = parseCidr(e);
		if (outer && inner && !(inner.len >= outer.len && inCidr(inner.net, outer.net, outer.mask)))
			ctx.addIssue({ code: 'custom', path: ['except', i], message: `${e} is not inside ${b.cidr}` });
	});
});

const peer = strict({ pod_selector: labelSelector.optional(), namespace_selector: labelSelector.optional(), ip_block: ipBlock.optional() }, 'a policy peer').superRefine((p, ctx) => {
	if (!p.pod_selector && !p.namespace_selector && !p.ip_block) ctx.addIssue({ code: 'custom', path: [], message: 'a peer needs pod_selector, namespace_selector or ip_block' });
	else if (p.ip_block && (p.pod_selector || p.namespace_selector))
		ctx.addIssue({ code: 'custom', path: ['ip_block'], message: 'ip_block stands alone: write the selectors as another peer' });
});

const policyPort = strict({ protocol: oneOf(['tcp', 'udp']).default('tcp'), port: port().optional(), end_port: port().optional() }, 'a policy port').superRefine((p, ctx) => {
	if (p.end_port === undefined) return;
	if (p.port === undefined) ctx.addIssue({ code: 'custom', path: ['end_port'], message: 'end_port needs port' });
	else if (p.end_port < p.port) ctx.addIssue({ code: 'custom', path: ['end_port'], message: `end_port ${p.end_port} is below port ${p.port}` });
});

const peers = list(peer, 'a list of peers').prefault([]);
const ports = list(policyPort, 'a list of policy ports').prefault([]);

export const kubeNamespaces = map(name('a namespace'), strict({ labels: labels.prefault({}) }, 'a namespace ({ labels })'), 'a mapping of namespace to { labels }');

export const kubePolicies = map(
	name('a policy name'),
	strict(
		{
			namespace: name('a namespace').default('default'),
			pod_selector: labelSelector,
			policy_types: list(oneOf(['Ingress', 'Egress']), 'a list of Ingress, Egress').optional(),
			ingress: list(strict({ from: peers, ports }, 'an ingress rule ({ from, ports })'), 'a list of ingress rules').prefault([]),
			egress: list(strict({ to: peers, ports }, 'an egress rule ({ to, ports })'), 'a list of egress rules').prefault([])
		},
		'a network policy'
	).transform(
		(p): KubePolicySpec => ({
			...p,
			// Kubernetes' default (for an absent or empty list): Ingress always, Egress only when the policy has egress rules
			policy_types: p.policy_types?.length ? p.policy_types : p.egress.length ? ['Ingress', 'Egress'] : ['Ingress']
		})
	),
	'a mapping of policy name to network policy'
);

// ---- semantics ---------------------------------------------------------------------------

function expressionHolds(e: SelectorExpression, l: Labels): boolean {
	const has = Object.prototype.hasOwnProperty.call(l, e.key);
	switch (e.operator) {
		case 'In':
			return has && e.values.includes(l[e.key]);
		case 'NotIn':
			return !has || !e.values.includes(l[e.key]);
		case 'Exists':
			return has;
		case 'DoesNotExist':
			return !has;
	}
}

/** A LabelSelector: every pair and every expression hold; the empty selector selects everything. */
export function labelSelectorMatches(s: LabelSelector, l: Labels): boolean {
	for (const key of Object.keys(s.match_labels)) if (l[key] !== s.match_labels[key]) return false;
	return s.match_expressions.every((e) => expressionHolds(e, l));
}

/** A namespace's labels: those declared, and its name under NAMESPACE_NAME_LABEL. */
export function namespaceLabels(k: KubernetesSection, ns: string): Labels {
	return { ...(k.namespaces?.[ns]?.labels ?? {}), [NAMESPACE_NAME_LABEL]: ns };
}

/** Namespaces that exist: declared, or holding a pod. */
export function knownNamespaces(k: KubernetesSection): Set<string> {
	const out = new Set(Object.keys(k.namespaces ?? {}));
	for (const pod of Object.values(k.pods)) out.add(pod.namespace);
	return out;
}

function sortedNames(o: Record<string, unknown> | undefined): string[] {
	return Object.keys(o ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The policies selecting a pod, in name order (byte-wise). */
export function policiesSelecting(k: KubernetesSection, podId: string): string[] {
	const pod = k.pods[podId];
	if (!pod) return [];
	return sortedNames(k.policies).filter((n) => {
		const p = k.policies![n];
		return p.namespace === pod.namespace && labelSelectorMatches(p.pod_selector, pod.labels);
	});
}

/** The pods a policy selects, in id order. */
export function podsSelectedBy(k: KubernetesSection, policy: KubePolicySpec): string[] {
	return sortedNames(k.pods).filter((id) => k.pods[id].namespace === policy.namespace && labelSelectorMatches(policy.pod_selector, k.pods[id].labels));
}

export type PolicyDirection = 'ingress' | 'egress';
const TYPE: Record<PolicyDirection, PolicyType> = { ingress: 'Ingress', egress: 'Egress' };

/** The other end of a connection as a policy sees it: its address, and the pod owning it if any. */
export interface PolicyPeerEnd {
	addr: number;
	pod: string | null;
}

function inBlock(b: IpBlock, addr: number): boolean {
	const c = parseCidr(b.cidr);
	if (!c || !inCidr(addr, c.net, c.mask)) return false;
	return !b.except.some((e) => {
		const x = parseCidr(e);
		return x !== null && inCidr(addr, x.net, x.mask);
	});
}

export function peerMatches(k: KubernetesSection, policy: KubePolicySpec, peer: PolicyPeer, end: PolicyPeerEnd): boolean {
	if (peer.ip_block) return inBlock(peer.ip_block, end.addr);
	const pod = end.pod !== null ? k.pods[end.pod] : undefined;
	if (!pod) return false;
	// pod_selector alone: the policy's namespace; with namespace_selector: the namespaces it selects
	if (peer.namespace_selector ? !labelSelectorMatches(peer.namespace_selector, namespaceLabels(k, pod.namespace)) : pod.namespace !== policy.namespace) return false;
	return !peer.pod_selector || labelSelectorMatches(peer.pod_selector, pod.labels);
}

/** A rule's port list: empty allows every protocol and port; a port entry matches TCP/UDP only (never ICMP). */
export function portsMatch(list: PolicyPort[], proto: 'tcp' | 'udp' | 'icmp', dport: number): boolean {
	if (list.length === 0) return true;
	return list.some((p) => p.protocol === proto && (p.port === undefined || (dport >= p.port && dport <= (p.end_port ?? p.port))));
}

export type PolicyDecision =
	/** no policy selects the pod for this direction: everything passes */
	| { isolated: false }
	/** `by`: the policies isolating it; `allowed`: the first policy (name order) and rule index allowing, or null */
	| { isolated: true; by: string[]; allowed: { policy: string; rule: number } | null };

/** Kubernetes' decision for a new connection of `podId` in one direction with the peer `end`. */
export function policyDecision(k: KubernetesSection, podId: string, dir: PolicyDirection, end: PolicyPeerEnd, proto: 'tcp' | 'udp' | 'icmp', dport: number): PolicyDecision {
	const by = policiesSelecting(k, podId).filter((n) => k.policies![n].policy_types.includes(TYPE[dir]));
	if (by.length === 0) return { isolated: false };
	for (const n of by) {
		const p = k.policies![n];
		const rules = dir === 'ingress' ? p.ingress.map((r) => ({ peers: r.from, ports: r.ports })) : p.egress.map((r) => ({ peers: r.to, ports: r.ports }));
		const i = rules.findIndex((r) => portsMatch(r.ports, proto, dport) && (r.peers.length === 0 || r.peers.some((x) => peerMatches(k, p, x, end))));
		if (i >= 0) return { isolated: true, by, allowed: { policy: n, rule: i } };
	}
	return { isolated: true, by, allowed: null };
}
