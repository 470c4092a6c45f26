/**
 * Is a text Kubernetes manifests? Objects carry `apiVersion` and `kind` at
 * their top level (YAML documents, a `kind: List`, or JSON), which neither
 * containerlab labs, GNS3 projects nor vnet files have together.
 */
export function looksLikeManifests(text: string): boolean {
	const head = text.slice(0, 65536);
	if (/^\s*[{[]/.test(head)) return /"apiVersion"\s*:/.test(head) && /"kind"\s*:/.test(head);
	if (/^vnet\s*:/m.test(head)) return false;
	return /^(- )?apiVersion\s*:/m.test(head) && /^(- |  )?kind\s*:/m.test(head);
}
