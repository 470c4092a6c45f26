/**
 * Kubernetes manifests → a vnet design with a `kubernetes:` section
 * (docs/kubernetes.md, "Importing manifests"): read (kube-manifests-read),
 * objects (kube-manifests-objects), cluster (kube-manifests-network).
 */
import { runImport, type ImportResult } from './import-common';
import { readManifests } from './kube-manifests-read';
import { readObjects } from './kube-manifests-objects';
import { buildCluster, type ClusterOptions } from './kube-manifests-network';
import { sanitizeNodeId } from './ids';

export interface KubeImportOptions extends ClusterOptions {
	/** name of the file, for messages, the header comment and the design's name */
	file?: string;
}

export function fromKubernetes(text: string, opts: KubeImportOptions = {}): ImportResult {
	const file = opts.file ?? 'manifests.yaml';
	const notes: string[] = [];
	const r = runImport('Kubernetes manifests', file, (w) => {
		const m = readObjects(readManifests(text, w), w);
		const stem = (file.split(/[\\/]/).pop() ?? file).replace(/\.(ya?ml|json)$/i, '');
		return buildCluster(m, opts, sanitizeNodeId(stem), w, notes);
	});
	// notes follow the header's first line (where the file came from), before its warnings
	if (r.ok && notes.length) r.yaml = r.yaml.replace(/^(#[^\n]*\n)/, (first) => first + notes.map((n) => `# ${n}\n`).join(''));
	return r;
}
