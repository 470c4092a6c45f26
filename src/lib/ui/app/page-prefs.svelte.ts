/**
 * Two small parts of the page's own behaviour, out of the route: the YAML
 * view's remembered open/closed state, and dragging files onto the page.
 */
import type { Editor } from '$lib/editor/editor.svelte';

const YAML_KEY = 'vnet.yamlOpen';

/** The text view takes a third of a narrow window: closed by default below 1600 px, until the user picks. */
export function restoreYamlOpen(editor: Editor) {
	try {
		const saved = localStorage.getItem(YAML_KEY);
		editor.yamlOpen = saved === '1' || saved === '0' ? saved === '1' : window.innerWidth >= 1600;
	} catch {
		editor.yamlOpen = typeof window !== 'undefined' && window.innerWidth >= 1600;
	}
}

export function toggleYamlOpen(editor: Editor) {
	editor.yamlOpen = !editor.yamlOpen;
	try {
		localStorage.setItem(YAML_KEY, editor.yamlOpen ? '1' : '0');
	} catch {
		// only the preference is lost
	}
}

/** Files dragged over the page: `over` while they are (enter/leave nest over children), `ondrop` gets them. */
export class FileDrop {
	depth = $state(0);
	get over() {
		return this.depth > 0;
	}
	readonly #ondrop: (files: FileList | undefined) => void;
	constructor(ondrop: (files: FileList | undefined) => void) {
		this.#ondrop = ondrop;
	}

	#hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;

	drag = (e: DragEvent) => {
		if (!this.#hasFiles(e)) return;
		e.preventDefault();
		if (e.type === 'dragenter') this.depth++;
		else if (e.type === 'dragleave') this.depth = Math.max(0, this.depth - 1);
		else if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
	};

	drop = (e: DragEvent) => {
		if (!this.#hasFiles(e)) return;
		e.preventDefault();
		this.depth = 0;
		this.#ondrop(e.dataTransfer?.files);
	};
}
