/**
 * Opening a containerlab or GNS3 file, or Kubernetes manifests, in the app: the interchange library
 * converts it to a vnet document (text only: nothing in the file is run or
 * rendered as markup) and every warning is handed back to be listed.
 */
import type { ImportWarning } from '$lib/interchange';
import { looksLikeManifests } from '$lib/interchange/kube-manifests-detect';

export type ForeignFormat = 'containerlab' | 'gns3' | 'kubernetes';

/** The format of a file by its name; with its text, Kubernetes manifests too (a plain .yaml that is not a vnet file). */
export function foreignFormat(name: string, text?: string): ForeignFormat | null {
	if (/\.clab\.ya?ml$/i.test(name)) return 'containerlab';
	if (/\.gns3$/i.test(name)) return 'gns3';
	if (text !== undefined && !/\.vnet\.(ya?ml|json)$/i.test(name) && looksLikeManifests(text)) return 'kubernetes';
	return null;
}

export type ForeignImport =
	| { ok: true; text: string; file: string; format: ForeignFormat; source: string; warnings: ImportWarning[] }
	| { ok: false; format: ForeignFormat; source: string; errors: string[] };

/** The vnet file name of an imported file. */
export function importedName(name: string): string {
	const stem = name.replace(/\.clab\.ya?ml$/i, '').replace(/\.gns3$/i, '').replace(/\.(ya?ml|json)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'imported';
	return `${stem}.vnet.yaml`;
}

/**
 * Converts `file`; `others` are files picked or dropped with it (the
 * containerlab annotations `<lab>.clab.yml.annotations.json` is used when present).
 */
export async function importForeign(file: File, others: File[] = [], text?: string): Promise<ForeignImport | null> {
	text ??= await file.text();
	const format = foreignFormat(file.name, text);
	if (!format) return null;
	// the importers load with the first foreign file, not with the page
	const { fromContainerlab, fromGns3, fromKubernetes } = await import('$lib/interchange');
	let r;
	if (format === 'kubernetes') r = fromKubernetes(text, { file: file.name });
	else if (format === 'containerlab') {
		const ann = others.find((f) => f !== file && f.name.toLowerCase() === `${file.name.toLowerCase()}.annotations.json`);
		r = fromContainerlab(text, { file: file.name, annotations: ann ? await ann.text() : undefined });
	} else {
		r = fromGns3(text, { file: file.name });
	}
	if (!r.ok) return { ok: false, format, source: file.name, errors: r.errors };
	return { ok: true, text: r.yaml, file: importedName(file.name), format, source: file.name, warnings: r.warnings };
}
