/**
 * What an edit's repair (edit-rules.ts `repair`) removes when a format error
 * lands inside a NetworkPolicy: the smallest part that holds it, never the
 * whole policy. A broken peer goes from its `from`/`to` list, a broken port
 * from `ports`, a broken expression or label of the policy's own pod_selector
 * from it, an `except` outside its cidr from its ip_block. When that part is the last of its list the rule goes instead: an
 * empty `from` or `ports` would mean "anything", so removing the rule keeps
 * the policy from allowing more than it did.
 */
type Path = (string | number)[];

function listLength(doc: unknown, path: Path): number {
	let cur: unknown = doc;
	for (const k of path) {
		if (cur === null || typeof cur !== 'object') return 0;
		cur = (cur as Record<string | number, unknown>)[k];
	}
	return Array.isArray(cur) ? cur.length : 0;
}

/** The part of `kubernetes.policies.NAME` to remove for an issue at `issue`, or null when the issue is not inside one. */
export function policyPartToDrop(doc: unknown, issue: Path): Path | null {
	if (issue[0] !== 'kubernetes' || issue[1] !== 'policies' || issue.length < 4) return null;
	const [, , , section] = issue;
	if ((section === 'ingress' || section === 'egress') && typeof issue[4] === 'number') {
		const rule = issue.slice(0, 5);
		const list = issue[5];
		// an except outside its cidr: that except alone
		const ex = issue.indexOf('except');
		if (ex === 8 && issue[7] === 'ip_block' && typeof issue[9] === 'number') return issue.slice(0, 10);
		if ((list === 'from' || list === 'to' || list === 'ports') && typeof issue[6] === 'number' && listLength(doc, issue.slice(0, 6)) > 1) return issue.slice(0, 7);
		return rule;
	}
	if (section === 'pod_selector' && (issue[4] === 'match_expressions' || issue[4] === 'match_labels') && issue.length >= 6) return issue.slice(0, 6);
	return null;
}
