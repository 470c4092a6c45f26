// NetworkPolicy (docs/kubernetes.md): selectors, Kubernetes' policy_types
// default, isolation and the union of policies, the trace's typed steps
// naming the policy and rule, egress judged after kube-proxy's DNAT, the
// located format errors, and lint.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NAMESPACE_NAME_LABEL, labelSelectorMatches, namespaceLabels, policyDecision } from '../../src/lib/model/kube-policy';
import { loadTopology } from '../../src/lib/model/load';
import { ipToU32 } from '../../src/lib/model/net';
import { probe, topo } from './engine-helpers';
import { lintYaml } from './lint-helpers';
import { parse } from 'yaml';
import { formatIssues, planEdit } from '../../src/lib/model/edit-rules';
import { policyPartToDrop } from '../../src/lib/model/kube-policy-edit';

const read = (f: string) => readFileSync(path.resolve(import.meta.dirname, '../conformance-extra', f), 'utf8');
const UNION = read('62-k8s-netpol-union.vnet.yaml');
const EGRESS = read('61-k8s-netpol-egress-ports.vnet.yaml');
const IPBLOCK = read('60-k8s-netpol-ip-block.vnet.yaml');

function errors(text: string): string[] {
	const r = loadTopology(text, 'k.vnet.yaml');
	if (r.ok) return [];
	return r.errors.map((e) => `${e.path} ${e.line}:${e.col} ${e.message}`);
}

describe('selectors', () => {
	it('hold every pair and every expression; empty selects all', () => {
		const sel = (match_labels: Record<string, string>, match_expressions: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values: string[] }[] = []) => ({ match_labels, match_expressions });
		expect(labelSelectorMatches(sel({}), { app: 'x' })).toBe(true);
		expect(labelSelectorMatches(sel({ app: 'web' }), { app: 'web', tier: 'a' })).toBe(true);
		expect(labelSelectorMatches(sel({}, [{ key: 'app', operator: 'In', values: ['web', 'api'] }]), { app: 'api' })).toBe(true);
		expect(labelSelectorMatches(sel({}, [{ key: 'app', operator: 'In', values: ['web'] }]), {})).toBe(false);
		expect(labelSelectorMatches(sel({}, [{ key: 'app', operator: 'NotIn', values: ['web'] }]), {})).toBe(true);
		expect(labelSelectorMatches(sel({}, [{ key: 'app', operator: 'Exists', values: [] }]), { app: '' })).toBe(true);
		expect(labelSelectorMatches(sel({ app: 'web' }, [{ key: 'tier', operator: 'DoesNotExist', values: [] }]), { app: 'web', tier: 'a' })).toBe(false);
	});
	it('every namespace carries its name label', () => {
		const t = topo(UNION);
		expect(NAMESPACE_NAME_LABEL).toBe('kubernetes.io/metadata.name');
		expect(namespaceLabels(t.kubernetes!, 'ops')).toEqual({ team: 'ops', [NAMESPACE_NAME_LABEL]: 'ops' });
		expect(namespaceLabels(t.kubernetes!, 'nowhere')).toEqual({ [NAMESPACE_NAME_LABEL]: 'nowhere' });
	});
});

describe('policy_types and the union', () => {
	it('defaults to Ingress, plus Egress when there are egress rules', () => {
		const k = topo(UNION).kubernetes!;
		expect(k.policies!['db-from-api'].policy_types).toEqual(['Ingress']);
		expect(k.policies!['db-no-egress'].policy_types).toEqual(['Egress']);
		expect(topo(EGRESS).kubernetes!.policies!['web-egress'].policy_types).toEqual(['Ingress', 'Egress']);
		expect(topo(UNION.replace('policy_types: [Egress]', 'policy_types: []')).kubernetes!.policies!['db-no-egress'].policy_types).toEqual(['Ingress']);
	});
	it('allows what any isolating policy allows, naming the first by name and its rule', () => {
		const k = topo(UNION).kubernetes!;
		const api = { addr: ipToU32('10.244.1.6'), pod: 'api-1' };
		const tool = { addr: ipToU32('10.244.1.10'), pod: 'tool' };
		expect(policyDecision(k, 'db', 'ingress', api, 'tcp', 5432)).toEqual({ isolated: true, by: ['db-from-api', 'db-from-ops'], allowed: { policy: 'db-from-api', rule: 0 } });
		expect(policyDecision(k, 'db', 'ingress', tool, 'tcp', 80)).toMatchObject({ allowed: { policy: 'db-from-ops', rule: 0 } });
		expect(policyDecision(k, 'db', 'ingress', api, 'icmp', 0)).toMatchObject({ isolated: true, allowed: null });
		expect(policyDecision(k, 'db', 'egress', api, 'tcp', 9000)).toEqual({ isolated: true, by: ['db-no-egress'], allowed: null });
		expect(policyDecision(k, 'web', 'ingress', api, 'tcp', 8080)).toEqual({ isolated: false });
	});
});

describe('in the probe', () => {
	it('names the allowing policy and rule on the delivered hop, and the isolating policies on a denial', () => {
		const t = topo(UNION);
		const ok = probe(t, { from: 'tool', to: 'db', proto: 'tcp', port: 5432 });
		expect(ok.disposition).toBe('DELIVERED');
		const at = ok.request.find((h) => h.node === 'db');
		expect(at?.netpol).toEqual({ pod: 'shop/db', direction: 'ingress', isolatedBy: ['db-from-api', 'db-from-ops'], policy: 'db-from-ops', rule: 0 });
		expect(at?.detail).toMatch(/NetworkPolicy db-from-ops ingress rule 1 allows it/);
		const no = probe(t, { from: 'web', to: 'db', proto: 'tcp', port: 5432 });
		expect(no.disposition).toBe('DENIED');
		expect(no.request.at(-1)).toMatchObject({ node: 'db', action: 'DENIED', ref: 'kubernetes.policies.db-from-api', netpol: { policy: null, rule: null, direction: 'ingress' } });
		expect(no.verdict).toMatch(/NetworkPolicy: pod shop\/db is isolated for ingress \(by db-from-api, db-from-ops\)/);
		expect(no.reply).toEqual([]);
	});
	it('lets an isolated pod answer what it accepted, and stops what it opens', () => {
		const t = topo(UNION);
		expect(probe(t, { from: 'monitor', to: 'db', proto: 'udp', port: 5432 }).disposition).toBe('REFUSED');
		const out = probe(t, { from: 'db', to: 'ext', proto: 'tcp', port: 8080 });
		expect(out.request.at(-1)).toMatchObject({ node: 'db', action: 'DENIED', netpol: { direction: 'egress', isolatedBy: ['db-no-egress'] } });
	});
	it('judges egress after kube-proxy DNAT: the api Service port 80 is allowed as the endpoint port 9000', () => {
		const t = topo(EGRESS);
		const r = probe(t, { from: 'web', to: '10.96.0.90', proto: 'tcp', port: 80 });
		expect(r.disposition).toBe('DELIVERED');
		expect(r.request.find((h) => h.node === 'web' && h.action === 'SENT')?.netpol).toMatchObject({ direction: 'egress', policy: 'web-egress', rule: 0 });
		const cut = topo(EGRESS.replace('ports: [ { protocol: tcp, port: 9000 } ]', 'ports: [ { protocol: tcp, port: 80 } ]'));
		expect(probe(cut, { from: 'web', to: '10.96.0.90', proto: 'tcp', port: 80 }).disposition).toBe('DENIED');
	});
	it('always lets a pod and its own node talk; another node is a peer', () => {
		const t = topo(IPBLOCK);
		expect(probe(t, { from: 'n1', to: 'web', proto: 'tcp', port: 8080 }).disposition).toBe('DELIVERED');
		expect(probe(t, { from: 'n2', to: 'web', proto: 'tcp', port: 8080 }).disposition).toBe('DENIED');
	});
	it('changes nothing without policies', () => {
		const t = topo(UNION.replace(/ {2}policies:[\s\S]*?(?=checks:)/, ''));
		expect(t.kubernetes!.policies).toBeUndefined();
		expect(probe(t, { from: 'web', to: 'db', proto: 'tcp', port: 5432 }).disposition).toBe('DELIVERED');
	});
});

describe('format', () => {
	it('locates an ip_block with host bits and an except outside its cidr', () => {
		const msgs = errors(IPBLOCK.replace('cidr: 192.168.70.0/24', 'cidr: 192.168.70.5/24').replace('192.168.70.56/29, 192.168.70.12/32]', '192.168.70.56/29, 10.0.0.0/8]'));
		expect(msgs.some((m) => /^kubernetes\.policies\.web-from-lan\.ingress\[0\]\.from\[0\]\.ip_block\.cidr \d+:\d+ .*host bits set/.test(m))).toBe(true);
		const out = errors(IPBLOCK.replace('192.168.70.56/29, 192.168.70.12/32]', '192.168.70.56/29, 10.0.0.0/8]'));
		expect(out.some((m) => /ip_block\.except\[1\] \d+:\d+ 10\.0\.0\.0\/8 is not inside 192\.168\.70\.0\/24/.test(m))).toBe(true);
	});
	it('refuses an ip_block beside a selector, end_port below port, In without values', () => {
		expect(errors(IPBLOCK.replace('- from: [ { ip_block:', '- from: [ { pod_selector: {}, ip_block:')).join('\n')).toMatch(/ip_block stands alone/);
		expect(errors(EGRESS.replace('port: 8000, end_port: 8100', 'port: 8000, end_port: 7000')).join('\n')).toMatch(/end_port 7000 is below port 8000/);
		const noValues = read('59-k8s-netpol-namespace-selector.vnet.yaml').replace('operator: In, values: [web, api]', 'operator: In');
		expect(errors(noValues).join('\n')).toMatch(/`In` needs at least one value/);
	});
	it('requires pod_selector', () => {
		expect(errors(UNION.replace("pod_selector: { match_labels: { app: db } }\n      policy_types: [Egress]", 'policy_types: [Egress]')).join('\n')).toMatch(/kubernetes\.policies\.db-no-egress \d+:\d+ missing required field `pod_selector`/);
	});
});

describe('lint', () => {
	it('warns about a policy selecting no pod, and one in an unknown namespace', async () => {
		const d = await lintYaml(UNION.replace('pod_selector: { match_labels: { app: db } }\n      policy_types: [Egress]', 'pod_selector: { match_labels: { app: dbx } }\n      policy_types: [Egress]').replace('db-from-ops:\n      namespace: shop', 'db-from-ops:\n      namespace: shopp'));
		expect(d.filter((x) => x.rule === 'k8s-policy-no-pod').map((x) => x.path)).toEqual(['kubernetes.policies.db-no-egress.pod_selector']);
		expect(d.filter((x) => x.rule === 'k8s-policy-unknown-namespace').map((x) => x.path)).toEqual(['kubernetes.policies.db-from-ops.namespace']);
	});
});

describe('editing keeps policies', () => {
	const doc = () => parse(IPBLOCK) as Record<string, unknown>;
	const base = ['kubernetes', 'policies', 'web-from-lan', 'ingress', 0, 'from', 0, 'ip_block'];
	it('a narrower cidr drops only the except it no longer holds (192.168.70.56/29), not the peer or the policy', () => {
		const plan = planEdit(doc(), [...base, 'cidr'], '192.168.70.0/27');
		expect(plan.ok).toBe(true);
		if (!plan.ok) return;
		expect(plan.steps.map((s) => s.path.join('.'))).toEqual([[...base, 'cidr'].join('.'), [...base, 'except', 0].join('.')]);
		const after = structuredClone(doc()) as Record<string, unknown>;
		for (const s of plan.steps) applyStep(after, s.path, s.value);
		expect(formatIssues(after)).toEqual([]);
		const pol = (after.kubernetes as { policies: Record<string, { ingress: unknown[] }> }).policies['web-from-lan'];
		expect(pol.ingress).toEqual([{ from: [{ ip_block: { cidr: '192.168.70.0/27', except: ['192.168.70.12/32'] } }], ports: [{ protocol: 'tcp', port: 8080 }] }]);
	});
	it('a broken peer goes alone, or its rule when it was the only one; the policy stays', () => {
		const d = doc();
		const rule = ['kubernetes', 'policies', 'web-from-lan', 'ingress', 0];
		const two = structuredClone(d) as Record<string, unknown>;
		applyStep(two, [...rule, 'from', 1], { pod_selector: { match_labels: { app: 'api' } } });
		expect(policyPartToDrop(two, [...rule, 'from', 1, 'pod_selector', 'match_labels'])).toEqual([...rule, 'from', 1]);
		expect(policyPartToDrop(d, [...rule, 'from', 0, 'ip_block', 'cidr'])).toEqual(rule);
		expect(policyPartToDrop(d, ['kubernetes', 'policies', 'web-from-lan', 'pod_selector', 'match_expressions', 0, 'values'])).toEqual(['kubernetes', 'policies', 'web-from-lan', 'pod_selector', 'match_expressions', 0]);
		expect(policyPartToDrop(d, ['kubernetes', 'pods', 'web', 'node'])).toBeNull();
	});
	it('an edit that breaks its own peer is refused with the reason', () => {
		const plan = planEdit(doc(), [...base, 'cidr'], '192.168.70.5/24');
		expect(plan.ok).toBe(false);
		if (!plan.ok) expect(plan.reason).toMatch(/host bits/);
	});
});

function applyStep(doc: Record<string, unknown>, p: (string | number)[], value: unknown): void {
	let cur = doc as Record<string | number, unknown>;
	for (let i = 0; i < p.length - 1; i++) {
		if (cur[p[i]] === undefined) cur[p[i]] = typeof p[i + 1] === 'number' ? [] : {};
		cur = cur[p[i]] as Record<string | number, unknown>;
	}
	const last = p[p.length - 1];
	if (value === undefined) {
		if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
		else delete cur[last];
	} else cur[last] = value;
}
