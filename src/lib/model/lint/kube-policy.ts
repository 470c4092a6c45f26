/**
 * NetworkPolicy lint (docs/kubernetes.md): a policy that selects no pod
 * isolates nothing (often a label typo), and a policy in a namespace nothing
 * uses or declares selects nothing there either.
 */
import { knownNamespaces, podsSelectedBy } from '../kube-policy';
import type { Linter } from './linter';

export function lintKubePolicies(L: Linter): void {
	const k = L.t.kubernetes;
	if (!k?.policies) return;
	const namespaces = knownNamespaces(k);
	for (const [name, p] of Object.entries(k.policies)) {
		if (!namespaces.has(p.namespace)) {
			L.warn(
				'k8s-policy-unknown-namespace',
				['kubernetes', 'policies', name, 'namespace'],
				`policy ${name} is in namespace ${p.namespace}, which no pod uses and kubernetes.namespaces does not declare: it selects nothing (namespaces: ${[...namespaces].sort().join(', ') || 'none'})`
			);
			continue;
		}
		if (podsSelectedBy(k, p).length === 0)
			L.warn('k8s-policy-no-pod', ['kubernetes', 'policies', name, 'pod_selector'], `policy ${name} selects no pod of namespace ${p.namespace}: it isolates nothing`);
	}
}
