/**
 * What each action of the keymap table (editor/keymap.ts) does in the app:
 * the key handler and the command palette both run actions through here.
 */
import type { Editor } from '$lib/editor/editor.svelte';
import { actionOf, type ActionId, type Binding } from '$lib/editor/keymap';
import type { Arrangement } from '$lib/editor/align';

/** The parts of the page an action reaches (the canvas, the file picker, the overlays). */
export interface ActionTarget {
	editor: Editor;
	stage?: { fit(): void; zoomToSelection(): void; layout(name: 'fcose' | 'elk' | 'grid'): void; nudge(dx: number, dy: number): void; arrange(how: Arrangement): void; setTool(t: 'select' | 'connect' | 'toggle-connect'): void; focusSearch(): void; escape(): void };
	save(as: boolean): void;
	pickFile(): void;
	closeTab(): void;
	toggleYaml(): void;
	toggleLessons(): void;
	toggleShortcuts(): void;
	togglePalette(): void;
	closeOverlays(): void;
	/** the system clipboard, when the browser lets us */
	writeClipboard(text: string): void;
}

export function runAction(id: ActionId, t: ActionTarget, binding?: Binding) {
	const ed = t.editor;
	const step = binding?.shift ? 1 : 10;
	switch (id) {
		case 'undo':
			return ed.undo();
		case 'redo':
			return ed.redo();
		case 'delete':
			return ed.deleteSelection();
		case 'copy': {
			const clip = ed.copy();
			if (clip) t.writeClipboard(JSON.stringify(clip));
			return;
		}
		case 'paste':
			return void ed.paste();
		case 'duplicate':
			return void ed.duplicate();
		case 'select-all':
			return ed.selectAll();
		case 'nudge-left':
			return t.stage?.nudge(-step, 0);
		case 'nudge-right':
			return t.stage?.nudge(step, 0);
		case 'nudge-up':
			return t.stage?.nudge(0, -step);
		case 'nudge-down':
			return t.stage?.nudge(0, step);
		case 'tool-connect':
			return t.stage?.setTool('toggle-connect');
		case 'tool-select':
			return t.stage?.setTool('select');
		case 'escape':
			t.closeOverlays();
			return t.stage?.escape();
		case 'fit':
			return t.stage?.fit();
		case 'zoom-selection':
			return t.stage?.zoomToSelection();
		case 'layout-mesh':
			return t.stage?.layout('fcose');
		case 'layout-tiers':
			return t.stage?.layout('elk');
		case 'layout-grid':
			return t.stage?.layout('grid');
		case 'align-left':
		case 'align-center':
		case 'align-right':
		case 'align-top':
		case 'align-middle':
		case 'align-bottom':
			return t.stage?.arrange(id.slice('align-'.length) as Arrangement);
		case 'distribute-x':
		case 'distribute-y':
			return t.stage?.arrange(id);
		case 'search':
			return t.stage?.focusSearch();
		case 'toggle-yaml':
			return t.toggleYaml();
		case 'panel-properties':
		case 'panel-simulate':
		case 'panel-scenarios':
		case 'panel-problems':
			ed.panel = id.slice('panel-'.length) as typeof ed.panel;
			return;
		case 'save':
			return t.save(false);
		case 'save-as':
			return t.save(true);
		case 'open':
			return t.pickFile();
		case 'new':
			return void ed.newDocument();
		case 'close-tab':
			return t.closeTab();
		case 'next-tab':
			return ed.cycle(1);
		case 'previous-tab':
			return ed.cycle(-1);
		case 'lessons':
			return t.toggleLessons();
		case 'shortcuts':
			return t.toggleShortcuts();
		case 'palette':
			return t.togglePalette();
	}
}

function typing(target: EventTarget | null): boolean {
	const el = target as HTMLElement | null;
	if (!el) return false;
	return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest?.('.cm-editor');
}

/** Arrow keys only nudge a selection (otherwise they scroll as usual). */
const NEEDS_SELECTION = new Set<ActionId>(['nudge-left', 'nudge-right', 'nudge-up', 'nudge-down']);
/** Copy and paste leave the browser's own behaviour alone (a text selection still copies). */
const KEEP_DEFAULT = new Set<ActionId>(['copy', 'paste', 'escape', 'tool-connect', 'tool-select', 'fit', 'layout-mesh', 'layout-tiers', 'toggle-yaml', 'shortcuts']);

/** The keys that open and close the shortcuts overlay and the palette, which are modal themselves. */
const MODAL_KEYS = new Set<ActionId>(['shortcuts', 'palette']);

/** The window's keydown: the keymap table decides. */
export function onKey(e: KeyboardEvent, t: ActionTarget) {
	const hit = actionOf(e, typing(e.target));
	if (!hit) return;
	const id = hit.action.id;
	// a modal dialog is open: the design behind it takes no keys (its own toggle still closes it)
	if (document.querySelector('[aria-modal="true"]') && !MODAL_KEYS.has(id)) return;
	if (NEEDS_SELECTION.has(id) && !t.editor.active?.selection.nodes.length) return;
	if (!KEEP_DEFAULT.has(id)) e.preventDefault();
	runAction(id, t, hit.binding);
}
