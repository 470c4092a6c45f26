/**
 * NetworkPolicy and Namespace labels → `kubernetes.policies` and
 * `kubernetes.namespaces` (docs/kubernetes.md, NetworkPolicy): selectors with
 * expressions, peers, ipBlock with except, ports with endPort, policyTypes.
 * What has no counterpart (a named port, SCTP) or would not load (a prefix
 * with host bits, endPort without port) is a warning with its line, and
 * that entry is left out.
 */
import type { KubePolicySpec, LabelSelector, PolicyPeer, PolicyPort } from '../model/kube-types';
import { arr, field, isObject, num, quote, str, type Json } from './safe';
import { warnAt, type ManifestObject } from './kube-manifests-read';
import type { Warnings } from './import-common';
import { inCidr, parseCidr } from '../model/net';

function others(w: Warnings, o: ManifestObject, v: Json | undefined, path: string, read: string[]): void {
	if (isObject(v)) for (const key of Object.keys(v)) if (!read.includes(key)) warnAt(w, o, `${path}.${key}`, 'not modelled; ignored');
}

/** A network prefix without host bits (what ip_block needs), or null. */
function prefix(s: string | undefined): ReturnType<typeof parseCidr> {
	const c = s === undefined ? null : parseCidr(s);
	return c && c.addr === c.net && s!.includes('/') ? c : null;
}

function selector(w: Warnings, o: ManifestObject, v: Json | undefined, path: string): LabelSelector {
	const out: LabelSelector = { match_labels: {}, match_expressions: [] };
	if (!isObject(v)) return out;
	for (const key of Object.keys(v)) if (key !== 'matchLabels' && key !== 'matchExpressions') warnAt(w, o, `${path}.${key}`, 'not a selector field; ignored');
	const ml = field(v, 'matchLabels');
	if (isObject(ml)) for (const [k, val] of Object.entries(ml)) { const s = str(val); if (s !== undefined) out.match_labels[k] = s; else warnAt(w, o, `${path}.matchLabels.${k}`, 'label value is not a string; ignored'); }
	arr(field(v, 'matchExpressions')).forEach((e, i) => {
		const key = str(field(e, 'key'));
		const op = str(field(e, 'operator'));
		if (!key || !op || !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) return warnAt(w, o, `${path}.matchExpressions[${i}]`, 'not a selector expression (key, operator In/NotIn/Exists/DoesNotExist); ignored');
		const values = arr(field(e, 'values')).map((x) => str(x)).filter((x): x is string => x !== undefined);
		if ((op === 'In' || op === 'NotIn') && values.length === 0) return warnAt(w, o, `${path}.matchExpressions[${i}].values`, `${op} needs values (Kubernetes rejects it without); ignored`);
		out.match_expressions.push({ key, operator: op as LabelSelector['match_expressions'][number]['operator'], values: op === 'In' || op === 'NotIn' ? values : [] });
	});
	return out;
}

function peers(w: Warnings, o: ManifestObject, v: Json | undefined, path: string): PolicyPeer[] {
	const out: PolicyPeer[] = [];
	arr(v).forEach((p, i) => {
		const pp = `${path}[${i}]`;
		if (!isObject(p)) return warnAt(w, o, pp, 'not a peer; ignored');
		const ipb = field(p, 'ipBlock');
		if (ipb !== undefined) {
			others(w, o, p, pp, ['ipBlock']);
			others(w, o, ipb, `${pp}.ipBlock`, ['cidr', 'except']);
			const cidr = str(field(ipb, 'cidr'));
			const outer = prefix(cidr);
			if (!outer) return warnAt(w, o, `${pp}.ipBlock.cidr`, `${quote(field(ipb, 'cidr'))} is not an IPv4 network prefix; the peer is ignored`);
			const except: string[] = [];
			arr(field(ipb, 'except')).forEach((x, j) => {
				const inner = prefix(str(x));
				if (inner && inner.len >= outer.len && inCidr(inner.net, outer.net, outer.mask)) except.push(str(x)!);
				else warnAt(w, o, `${pp}.ipBlock.except[${j}]`, `${quote(x)} is not a prefix inside ${cidr}; ignored`);
			});
			out.push({ ip_block: { cidr: cidr!, except } });
			return;
		}
		others(w, o, p, pp, ['podSelector', 'namespaceSelector']);
		const peer: PolicyPeer = {};
		if (field(p, 'podSelector') !== undefined) peer.pod_selector = selector(w, o, field(p, 'podSelector'), `${pp}.podSelector`);
		if (field(p, 'namespaceSelector') !== undefined) peer.namespace_selector = selector(w, o, field(p, 'namespaceSelector'), `${pp}.namespaceSelector`);
		if (!peer.pod_selector && !peer.namespace_selector) return warnAt(w, o, pp, 'a peer without podSelector, namespaceSelector or ipBlock; ignored');
		out.push(peer);
	});
	return out;
}

function ports(w: Warnings, o: ManifestObject, v: Json | undefined, path: string): PolicyPort[] {
	const out: PolicyPort[] = [];
	arr(v).forEach((p, i) => {
		const pp = `${path}[${i}]`;
		if (!isObject(p)) return warnAt(w, o, pp, 'not a policy port; ignored');
		others(w, o, p, pp, ['protocol', 'port', 'endPort']);
		const proto = (str(field(p, 'protocol')) ?? 'TCP').toUpperCase();
		if (proto !== 'TCP' && proto !== 'UDP') return warnAt(w, o, `${pp}.protocol`, `protocol ${quote(proto)} is not modelled; this port is ignored`);
		const port = field(p, 'port');
		const n = num(port);
		if (port !== undefined && n === undefined) return warnAt(w, o, `${pp}.port`, `a named port (${quote(port)}) is not modelled; this port is ignored`);
		if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 65535)) return warnAt(w, o, `${pp}.port`, `port ${quote(port)} is not a port number; this port is ignored`);
		let end = num(field(p, 'endPort'));
		if (end !== undefined && (n === undefined || !Number.isInteger(end) || end < n || end > 65535)) {
			warnAt(w, o, `${pp}.endPort`, `endPort ${quote(field(p, 'endPort'))} needs a port at or below it: ignored`);
			end = undefined;
		}
		out.push({ protocol: proto.toLowerCase() as 'tcp' | 'udp', ...(n !== undefined ? { port: n } : {}), ...(end !== undefined ? { end_port: end } : {}) });
	});
	return out;
}

export function networkPolicySpec(w: Warnings, o: ManifestObject, namespace: string): KubePolicySpec {
	const spec = field(o.obj, 'spec');
	others(w, o, spec, 'spec', ['podSelector', 'policyTypes', 'ingress', 'egress']);
	arr(field(spec, 'ingress')).forEach((r, i) => others(w, o, r, `spec.ingress[${i}]`, ['from', 'ports']));
	arr(field(spec, 'egress')).forEach((r, i) => others(w, o, r, `spec.egress[${i}]`, ['to', 'ports']));
	const types = arr(field(spec, 'policyTypes')).map((x) => str(x)).filter((x): x is 'Ingress' | 'Egress' => x === 'Ingress' || x === 'Egress');
	const ingress = arr(field(spec, 'ingress')).map((r, i) => ({ from: peers(w, o, field(r, 'from'), `spec.ingress[${i}].from`), ports: ports(w, o, field(r, 'ports'), `spec.ingress[${i}].ports`) }));
	const egress = arr(field(spec, 'egress')).map((r, i) => ({ to: peers(w, o, field(r, 'to'), `spec.egress[${i}].to`), ports: ports(w, o, field(r, 'ports'), `spec.egress[${i}].ports`) }));
	const policy_types: KubePolicySpec['policy_types'] = types.length ? types : ['Ingress', ...(arr(field(spec, 'egress')).length > 0 ? (['Egress'] as const) : [])];
	return { namespace, pod_selector: selector(w, o, field(spec, 'podSelector'), 'spec.podSelector'), policy_types, ingress, egress };
}
