import { stemOfName } from '$lib/editor/names';
/** Downloads through a Blob and an anchor (no server, works offline). */
export function downloadBlob(file: string, data: BlobPart | Blob, type = 'application/octet-stream'): void {
	const blob = data instanceof Blob ? data : new Blob([data], { type });
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = file;
	a.rel = 'noopener';
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 2000);
}

/** A file-name stem from a topology name or document file name. */
export function fileStem(name: string | undefined, file: string): string {
	return stemOfName(name) ?? stemOfName(file.replace(/\.vnet\.(ya?ml|json)$/i, '').replace(/\.(ya?ml|json)$/i, '')) ?? 'vnet';
}
