/**
 * Saving files: the File System Access API where the browser has it (save
 * writes back to the same file), a download otherwise (and under test
 * automation, so that tests see the download).
 */

interface WritableHandle {
	name: string;
	createWritable(): Promise<{ write(data: string): Promise<void>; close(): Promise<void> }>;
}

type SavePicker = (options: {
	suggestedName?: string;
	types?: { description: string; accept: Record<string, string[]> }[];
}) => Promise<WritableHandle>;

function picker(): SavePicker | null {
	const w = window as unknown as { showSaveFilePicker?: SavePicker };
	if (typeof w.showSaveFilePicker !== 'function' || navigator.webdriver) return null;
	return w.showSaveFilePicker.bind(window);
}

export function canSaveInPlace(): boolean {
	return picker() !== null;
}

export function download(file: string, text: string) {
	const type = /\.json$/i.test(file) ? 'application/json' : 'application/yaml';
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = file;
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export { vnetName } from '$lib/editor/names';

export type SaveResult = { file: string; handle: unknown } | null;

/**
 * Writes the text. With a handle (and no `as`), in place; otherwise asks where
 * (File System Access) or downloads. Null when the user cancelled.
 */
export async function saveText(text: string, file: string, handle: unknown, as: boolean): Promise<SaveResult> {
	const pick = picker();
	if (pick) {
		try {
			let h = handle as WritableHandle | null;
			if (!h || as) {
				h = await pick({
					suggestedName: file,
					types: [
						{ description: 'vnet topology (YAML)', accept: { 'application/yaml': ['.yaml', '.yml'] } },
						{ description: 'vnet topology (JSON)', accept: { 'application/json': ['.json'] } }
					]
				});
			}
			const w = await h.createWritable();
			await w.write(text);
			await w.close();
			return { file: h.name, handle: h };
		} catch (err) {
			if (err instanceof DOMException && err.name === 'AbortError') return null;
			// fall back to a download
		}
	}
	download(file, text);
	return { file, handle: null };
}
