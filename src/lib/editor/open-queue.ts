/**
 * Opening documents whose text is still loading (the examples other than the
 * default one load on first use). The texts load side by side but open in the
 * order they were asked for, and one becomes the active tab only if the user
 * has not moved on while it loaded: asked for another document since, switched
 * tabs, edited the active one, or is typing somewhere (`busy`, the page's
 * focus check). Otherwise it opens as a tab beside the active one, so a slow
 * load never pulls the user away from an edit.
 */
import type { DocSession } from './doc.svelte';
import type { Editor } from './editor.svelte';

export class OpenQueue {
	readonly #editor: Editor;
	readonly #busy: () => boolean;
	#asked = 0;
	#done: Promise<unknown> = Promise.resolve();

	constructor(editor: Editor, busy: () => boolean = () => false) {
		this.#editor = editor;
		this.#busy = busy;
	}

	/** Opens `text` once it has arrived, after every open asked for before it; rejects when it does not load. */
	open(text: Promise<string>, file: string, options: { example?: string } = {}): Promise<DocSession> {
		const ask = ++this.#asked;
		const from = this.#where();
		const opened = Promise.all([text, this.#done]).then(([t]) => {
			const movedOn = ask !== this.#asked || this.#where() !== from || this.#busy();
			return this.#editor.open(t, file, { ...options, activate: !movedOn });
		});
		// a failed load is the asker's to report; the ones after it still open
		this.#done = opened.catch(() => {});
		return opened;
	}

	/** Settles when every open asked for so far has opened or failed. */
	get settled(): Promise<void> {
		return this.#done.then(() => {});
	}

	/** the active tab and its edit state: a change of either means the user moved on */
	#where(): string {
		const a = this.#editor.active;
		return a ? `${a.id}@${a.store.state}` : '';
	}
}
