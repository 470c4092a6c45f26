/**
 * Opening documents from outside: picked or dropped files (containerlab,
 * GNS3 and Kubernetes manifests are converted first), and `#doc=…` share links. Each opens as a new
 * tab of the editor; autosaved work is never replaced.
 */
import type { Editor } from '$lib/editor/editor.svelte';
import { DocSession } from '$lib/editor/doc.svelte';
import { foreignFormat, importForeign, type ForeignImport } from '$lib/ui/export/import';
import { decodeDoc, docPayload } from '$lib/share/link';

const MAX_BYTES = 8 * 1024 * 1024;

export type OpenResult = { error: string } | { report: ForeignImport } | null;

/** Of several files picked or dropped together, the one to open (a lab file rather than its annotations). */
export function primaryFile(list: FileList | null | undefined): [File | undefined, File[]] {
	const files = [...(list ?? [])];
	return [files.find((f) => foreignFormat(f.name)) ?? files[0], files];
}

export async function openFiles(editor: Editor, list: FileList | null | undefined): Promise<OpenResult> {
	const [file, others] = primaryFile(list);
	if (!file) return null;
	if (file.size > MAX_BYTES) return { error: `${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; topology files are limited to 8 MiB.` };
	try {
		// containerlab / GNS3 / Kubernetes manifests: converted by the interchange library, opened as a new document with its warnings
		const text = await file.text();
		const imported = await importForeign(file, others, text);
		if (imported) {
			if (imported.ok) editor.open(imported.text, imported.file, { dirty: true });
			return { report: imported };
		}
		editor.open(text, file.name);
		return null;
	} catch (err) {
		return { error: `Could not read ${file.name}: ${err instanceof Error ? err.message : String(err)}` };
	}
}

/** `#doc=…` (a share link): the design opens as a new unsaved document. Resolves with an error message, or null. */
export async function openSharedDoc(editor: Editor, hash: string): Promise<string | null> {
	const payload = docPayload(hash);
	if (!payload) return null;
	try {
		const text = await decodeDoc(payload);
		const s = new DocSession(text, /^\s*\{/.test(text) ? 'shared.vnet.json' : 'shared.vnet.yaml');
		s.store.markDirty();
		editor.add(s);
		return null;
	} catch (err) {
		return `Shared link: could not read the design (${err instanceof Error ? err.message : String(err)})`;
	}
}
