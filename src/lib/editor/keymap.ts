/**
 * Every action of the editor, with its shortcuts, in one table: the key
 * handler matches keys against it, the shortcuts overlay and the command
 * palette list it. An action without keys is still in the palette.
 */

export type ActionId =
	| 'undo'
	| 'redo'
	| 'delete'
	| 'copy'
	| 'paste'
	| 'duplicate'
	| 'select-all'
	| 'nudge-left'
	| 'nudge-right'
	| 'nudge-up'
	| 'nudge-down'
	| 'tool-connect'
	| 'tool-select'
	| 'escape'
	| 'fit'
	| 'zoom-selection'
	| 'layout-mesh'
	| 'layout-tiers'
	| 'layout-grid'
	| 'align-left'
	| 'align-center'
	| 'align-right'
	| 'align-top'
	| 'align-middle'
	| 'align-bottom'
	| 'distribute-x'
	| 'distribute-y'
	| 'search'
	| 'toggle-yaml'
	| 'save'
	| 'save-as'
	| 'open'
	| 'new'
	| 'close-tab'
	| 'next-tab'
	| 'previous-tab'
	| 'lessons'
	| 'panel-properties'
	| 'panel-simulate'
	| 'panel-scenarios'
	| 'panel-problems'
	| 'shortcuts'
	| 'palette';

/** One key combination. `key` is KeyboardEvent.key (case-insensitive for letters unless `exact`). */
export interface Binding {
	key: string;
	/** Ctrl on Linux/Windows, ⌘ on a Mac */
	mod?: boolean;
	shift?: boolean;
	alt?: boolean;
	/** KeyboardEvent.code accepted as well (Alt N types "˜" on a Mac) */
	code?: string;
	/** match the key's case exactly (L vs Shift L) */
	exact?: boolean;
}

export interface Action {
	id: ActionId;
	label: string;
	group: 'Edit' | 'Canvas' | 'File' | 'View';
	keys: Binding[];
	/** also while the user types in a field (save, open) */
	whileTyping?: boolean;
	/** what the overlay says about keys the table does not describe */
	note?: string;
}

/** KeyboardEvent.code too: Alt Shift L types "Ò" on a Mac */
const altShift = (letter: string): Binding => ({ key: letter, alt: true, shift: true, code: `Key${letter.toUpperCase()}` });
const arrow = (dir: string): Binding[] => [{ key: `Arrow${dir}` }, { key: `Arrow${dir}`, shift: true }];

export const ACTIONS: readonly Action[] = [
	{ id: 'undo', label: 'Undo', group: 'Edit', keys: [{ key: 'z', mod: true }] },
	{ id: 'redo', label: 'Redo', group: 'Edit', keys: [{ key: 'z', mod: true, shift: true }, { key: 'y', mod: true }] },
	{ id: 'delete', label: 'Delete the selection (a node takes its cables)', group: 'Edit', keys: [{ key: 'Delete' }, { key: 'Backspace' }] },
	{ id: 'copy', label: 'Copy nodes', group: 'Edit', keys: [{ key: 'c', mod: true }] },
	{ id: 'paste', label: 'Paste nodes (fresh ids)', group: 'Edit', keys: [{ key: 'v', mod: true }] },
	{ id: 'duplicate', label: 'Duplicate the selection', group: 'Edit', keys: [{ key: 'd', mod: true }] },
	{ id: 'select-all', label: 'Select everything', group: 'Edit', keys: [{ key: 'a', mod: true }] },
	{ id: 'nudge-left', label: 'Nudge left (Shift: 1 px)', group: 'Canvas', keys: arrow('Left') },
	{ id: 'nudge-right', label: 'Nudge right (Shift: 1 px)', group: 'Canvas', keys: arrow('Right') },
	{ id: 'nudge-up', label: 'Nudge up (Shift: 1 px)', group: 'Canvas', keys: arrow('Up') },
	{ id: 'nudge-down', label: 'Nudge down (Shift: 1 px)', group: 'Canvas', keys: arrow('Down') },
	{ id: 'tool-connect', label: 'Wire tool: drag from one node to another', group: 'Canvas', keys: [{ key: 'c' }] },
	{ id: 'tool-select', label: 'Select tool', group: 'Canvas', keys: [{ key: 'v' }], note: 'Shift click / Shift drag: add to the selection / box select' },
	{ id: 'escape', label: 'Clear the selection, close menus', group: 'Canvas', keys: [{ key: 'Escape' }] },
	{ id: 'fit', label: 'Zoom to fit', group: 'Canvas', keys: [{ key: 'f' }] },
	{ id: 'zoom-selection', label: 'Zoom to the selection', group: 'Canvas', keys: [{ key: 'f', shift: true }] },
	{ id: 'layout-mesh', label: 'Auto-layout: mesh (force-directed)', group: 'Canvas', keys: [{ key: 'l', exact: true }] },
	{ id: 'layout-tiers', label: 'Auto-layout: tiers (layered)', group: 'Canvas', keys: [{ key: 'L', shift: true, exact: true }] },
	{ id: 'layout-grid', label: 'Auto-layout: grid', group: 'Canvas', keys: [] },
	// Alt Shift + a letter: Alt alone is the browser's (Alt D, Alt F) and Ctrl Alt the desktop's
	{ id: 'align-left', label: 'Align left edges', group: 'Canvas', keys: [altShift('l')] },
	{ id: 'align-center', label: 'Align centres horizontally', group: 'Canvas', keys: [altShift('c')] },
	{ id: 'align-right', label: 'Align right edges', group: 'Canvas', keys: [altShift('r')] },
	{ id: 'align-top', label: 'Align top edges', group: 'Canvas', keys: [altShift('t')] },
	{ id: 'align-middle', label: 'Align centres vertically', group: 'Canvas', keys: [altShift('m')] },
	{ id: 'align-bottom', label: 'Align bottom edges', group: 'Canvas', keys: [altShift('b')] },
	{ id: 'distribute-x', label: 'Distribute horizontally (equal gaps)', group: 'Canvas', keys: [altShift('h')] },
	{ id: 'distribute-y', label: 'Distribute vertically (equal gaps)', group: 'Canvas', keys: [altShift('v')] },
	{ id: 'search', label: 'Search a node by id, label or address', group: 'View', keys: [{ key: '/' }] },
	{ id: 'toggle-yaml', label: 'Show or hide the YAML view', group: 'View', keys: [{ key: 'y' }] },
	{ id: 'panel-properties', label: 'Show Properties', group: 'View', keys: [] },
	{ id: 'panel-simulate', label: 'Show Simulate', group: 'View', keys: [] },
	{ id: 'panel-scenarios', label: 'Show Scenarios', group: 'View', keys: [] },
	{ id: 'panel-problems', label: 'Show Problems', group: 'View', keys: [] },
	{ id: 'save', label: 'Save', group: 'File', keys: [{ key: 's', mod: true }], whileTyping: true },
	{ id: 'save-as', label: 'Save as', group: 'File', keys: [{ key: 's', mod: true, shift: true }], whileTyping: true },
	{ id: 'open', label: 'Open a file', group: 'File', keys: [{ key: 'o', mod: true }], whileTyping: true },
	{ id: 'new', label: 'New document', group: 'File', keys: [{ key: 'n', alt: true, code: 'KeyN' }] },
	{ id: 'close-tab', label: 'Close this document', group: 'File', keys: [] },
	{ id: 'next-tab', label: 'Next document', group: 'File', keys: [{ key: 'PageDown', alt: true }] },
	{ id: 'previous-tab', label: 'Previous document', group: 'File', keys: [{ key: 'PageUp', alt: true }] },
	{ id: 'lessons', label: 'Guided lessons', group: 'File', keys: [] },
	{ id: 'palette', label: 'Command palette', group: 'View', keys: [{ key: 'k', mod: true }], whileTyping: true },
	{ id: 'shortcuts', label: 'Keyboard shortcuts', group: 'View', keys: [{ key: '?' }] }
];

export interface KeyLike {
	key: string;
	code?: string;
	ctrlKey: boolean;
	metaKey: boolean;
	shiftKey: boolean;
	altKey: boolean;
}

function matches(b: Binding, e: KeyLike): boolean {
	const mod = e.ctrlKey || e.metaKey;
	if (!!b.mod !== mod || !!b.alt !== e.altKey) return false;
	// "?" and "L" are typed with Shift: only a binding that names Shift or is exact about case cares
	const printable = b.key.length === 1 && !/[a-z]/i.test(b.key);
	if (!printable && !!b.shift !== e.shiftKey) return false;
	if (b.code && e.code === b.code) return true;
	return b.exact ? e.key === b.key : e.key.toLowerCase() === b.key.toLowerCase();
}

/** The action a key press asks for, or null. `typing`: the focus is in a text field. */
export function actionOf(e: KeyLike, typing: boolean): { action: Action; binding: Binding } | null {
	for (const action of ACTIONS) {
		if (typing && !action.whileTyping) continue;
		const binding = action.keys.find((b) => matches(b, e));
		if (binding) return { action, binding };
	}
	return null;
}

export function findAction(id: ActionId): Action {
	return ACTIONS.find((a) => a.id === id)!;
}

/** "Ctrl Shift Z", "⌘ K", "Alt N", "Shift L", "Arrow keys" */
export function keyLabel(b: Binding, mac = false): string {
	const parts: string[] = [];
	if (b.mod) parts.push(mac ? '⌘' : 'Ctrl');
	if (b.alt) parts.push(mac ? '⌥' : 'Alt');
	if (b.shift && !(b.key.length === 1 && !/[a-z]/i.test(b.key))) parts.push('Shift');
	parts.push(b.key.length === 1 ? b.key.toUpperCase() : b.key.replace(/^Arrow/, '').replace(/^Page/, 'Page '));
	return parts.join(' ');
}

/** The action's shortcuts as the overlay and palette show them ("Ctrl Shift Z / Ctrl Y"). */
export function keysLabel(a: Action, mac = false): string {
	const seen = new Set<string>();
	for (const b of a.keys) seen.add(keyLabel(b, mac));
	return [...seen].join('  /  ');
}

/** Actions whose label or group contains every word of the query (the palette's filter). */
export function filterActions(query: string): Action[] {
	const words = query.toLowerCase().split(/\s+/).filter(Boolean);
	return ACTIONS.filter((a) => words.every((w) => `${a.label} ${a.group} ${a.id}`.toLowerCase().includes(w)));
}
