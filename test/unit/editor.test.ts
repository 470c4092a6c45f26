/**
 * The headless editor without a browser: tabs, selection, clipboard between
 * tabs, undo/redo, save, autosave, restore after a reload and ownership of
 * autosaves between browser tabs (fake storage, fake owners, fake file writer).
 */
import { describe, expect, it, vi } from 'vitest';
import { Editor, type WriteFile } from '../../src/lib/editor/editor.svelte';
import { memoryStorage } from '../../src/lib/editor/autosave';
import { memoryOwners } from '../../src/lib/editor/owners';
import { setField, addNode } from '../../src/lib/editor/commands';
import { ACTIONS, actionOf, keysLabel, filterActions } from '../../src/lib/editor/keymap';
import { DocSession } from '../../src/lib/editor/doc.svelte';
import type { Linter } from '../../src/lib/worker/lint-client';
import type { Diagnostic } from '../../src/lib/model/types';

const LAB = `vnet: 1
name: kvm-vlan-lab
nodes:
  pc1: { kind: host, interfaces: { eth0: { ip: 192.168.10.11/24 } } }
  pc2: { kind: host, interfaces: { eth0: { ip: 192.168.10.12/24 } } }
  sw1: { kind: switch }
links:
  - { a: pc1.eth0, b: sw1.p1 }
  - { a: pc2.eth0, b: sw1.p2 }
`;

function writer() {
	const files: { file: string; text: string; as: boolean }[] = [];
	const write: WriteFile = async (text, file, _handle, as) => {
		files.push({ file, text, as });
		return { file, handle: null };
	};
	return { files, write };
}

describe('editor: tabs, selection, clipboard', () => {
	it('opens documents as tabs and switches between them, each with its own selection', () => {
		const ed = new Editor();
		const a = ed.open(LAB, 'lab.vnet.yaml');
		ed.selectNodes(['pc1']);
		const b = ed.newDocument();
		expect(ed.tabs.length).toBe(2);
		expect(ed.active).toBe(b);
		expect(b.file).toBe('untitled-1.vnet.yaml');
		expect(b.selection.nodes).toEqual([]);
		ed.activate(a.id);
		expect(ed.active?.selection.nodes).toEqual(['pc1']);
		expect(ed.previous).toBe(b);
		ed.cycle(1);
		expect(ed.active).toBe(b);
	});

	it('opening an untouched example twice shows the open tab', () => {
		const ed = new Editor();
		const a = ed.open(LAB, 'lab.vnet.yaml', { example: 'lab' });
		ed.newDocument();
		expect(ed.open(LAB, 'lab.vnet.yaml', { example: 'lab' })).toBe(a);
		expect(ed.tabs.length).toBe(2);
		expect(ed.active).toBe(a);
	});

	it('copies nodes in one tab and pastes them into another with fresh ids', () => {
		const ed = new Editor();
		ed.open(LAB, 'lab.vnet.yaml');
		ed.selectNodes(['pc1', 'sw1']);
		expect(ed.copy()).not.toBeNull();
		const b = ed.newDocument();
		const ids = ed.paste();
		expect(ids.length).toBe(2);
		expect(Object.keys(b.topology!.nodes).sort()).toEqual([...ids].sort());
		expect(b.selection.nodes).toEqual(ids);
		expect(b.topology!.links.length).toBe(1);
		// and again into the first tab: the ids stay unique there
		ed.cycle(-1);
		const again = ed.paste();
		expect(again.every((id) => !['pc1', 'sw1'].includes(id))).toBe(true);
	});

	it('undo and redo edit the active tab only and drop a selection that no longer exists', () => {
		const ed = new Editor();
		const a = ed.open(LAB, 'lab.vnet.yaml');
		const b = ed.open(LAB, 'other.vnet.yaml');
		const id = addNode(b.store, 'router', { x: 10, y: 10 })!;
		ed.selectNodes([id]);
		ed.activate(a.id);
		ed.undo();
		expect(b.topology!.nodes[id]).toBeDefined();
		ed.activate(b.id);
		ed.undo();
		expect(b.topology!.nodes[id]).toBeUndefined();
		expect(b.selection.nodes).toEqual([]);
		ed.redo();
		expect(b.topology!.nodes[id]).toBeDefined();
	});

	it('deletes the selection; search selects matching nodes and asks the canvas to show them', () => {
		const ed = new Editor();
		const s = ed.open(LAB, 'lab.vnet.yaml');
		const shown: string[][] = [];
		ed.onFocusNodes = (ids) => shown.push(ids);
		expect(ed.search('192.168.10.12')).toEqual(['pc2']);
		expect(shown).toEqual([['pc2']]);
		ed.deleteSelection();
		expect(s.topology!.nodes.pc2).toBeUndefined();
		expect(s.topology!.links.length).toBe(1);
		expect(ed.search('nothing-like-this')).toEqual([]);
		expect(ed.notice).toContain('No node matches');
	});

	it('reveal: a path selects its node with the focused sub-path and opens Properties', () => {
		const ed = new Editor();
		ed.open(LAB, 'lab.vnet.yaml');
		ed.panel = 'simulate';
		ed.revealAt('nodes.pc1.interfaces.eth0.ip');
		expect(ed.active!.selection).toEqual({ nodes: ['pc1'], links: [], focus: 'interfaces.eth0.ip' });
		expect(ed.panel).toBe('properties');
		ed.yamlOpen = true;
		ed.revealAt('links[1]');
		expect(ed.active!.selection.links).toEqual([1]);
		expect(ed.reveal?.line).toBe(9);
	});
});

describe('editor: badges follow the document', () => {
	it('an edit that causes an error shows it; undo takes the badge away, redo brings it back', async () => {
		const ed = new Editor();
		const s = ed.open(LAB, 'lab.vnet.yaml');
		await s.linted();
		expect(s.problemCounts.errors).toBe(0);
		setField(s.store, ['links', 1, 'b'], 'nowhere.eth0');
		await s.linted();
		expect(s.problemCounts.errors).toBeGreaterThan(0);
		ed.undo();
		await s.linted();
		expect(s.problemCounts.errors).toBe(0);
		ed.redo();
		await s.linted();
		expect(s.problemCounts.errors).toBeGreaterThan(0);
	});
});

describe('editor: lint runs off the page and shows the newest text only', () => {
	/** A fake lint worker: each call waits until the test answers it. */
	function fakeLinter() {
		const calls: { text: string; answer: (found: Diagnostic[]) => void }[] = [];
		const lint: Linter = (text) => new Promise((resolve) => calls.push({ text, answer: resolve }));
		return { calls, lint };
	}
	const finding = (message: string): Diagnostic => ({ severity: 'warning', file: 'lab.vnet.yaml', path: '', line: 1, col: 1, message });

	it('drops the answer for an older text and asks again for the newest one', async () => {
		const { calls, lint } = fakeLinter();
		const s = new DocSession(LAB, 'lab.vnet.yaml', { lint });
		expect(calls).toHaveLength(1);
		calls[0].answer([finding('first')]);
		await s.linted();
		expect(s.diagnostics.map((d) => d.message)).toEqual(['first']);

		setField(s.store, ['name'], 'renamed');
		expect(calls).toHaveLength(2);
		// a second edit while the first one's lint runs: no call yet, one when it answers
		setField(s.store, ['name'], 'renamed-again');
		expect(calls).toHaveLength(2);
		calls[1].answer([finding('for the older text')]);
		await vi.waitFor(() => expect(calls).toHaveLength(3));
		expect(s.diagnostics.map((d) => d.message)).toEqual(['first']);
		expect(calls[2].text).toContain('renamed-again');
		calls[2].answer([finding('newest')]);
		await s.linted();
		expect(s.diagnostics.map((d) => d.message)).toEqual(['newest']);
	});

	it('a file opened with a link to a missing node is blocked at once, before lint answers', () => {
		const { calls, lint } = fakeLinter();
		const s = new DocSession(LAB + '  - { a: nowhere.eth0, b: sw1.p3 }\n', 'lab.vnet.yaml', { lint });
		expect(calls).toHaveLength(1);
		expect(s.blocked).toBe(true);
		expect(s.blockingErrors[0].message).toMatch(/nowhere/);
	});
});

describe('editor: save', () => {
	it('a new document is saved under its name:, not untitled-1; Save as converts the format', async () => {
		const { files, write } = writer();
		const ed = new Editor({ writeFile: write });
		const s = ed.newDocument();
		s.store.setText(LAB);
		expect(await ed.save()).toBeNull();
		expect(files.at(-1)!.file).toBe('kvm-vlan-lab.vnet.yaml');
		expect(s.file).toBe('kvm-vlan-lab.vnet.yaml');
		expect(s.dirty).toBe(false);
		await ed.saveAs('lab', 'json');
		expect(files.at(-1)!.file).toBe('lab.vnet.json');
		expect(JSON.parse(files.at(-1)!.text).name).toBe('kvm-vlan-lab');
	});

	it('an example asks for a name first, proposing its name:', async () => {
		const { files, write } = writer();
		const ed = new Editor({ writeFile: write });
		ed.open(LAB, 'home.vnet.yaml', { example: 'home' });
		expect(await ed.save()).toEqual({ file: 'kvm-vlan-lab.vnet.yaml', format: 'yaml' });
		expect(files).toEqual([]);
	});
});

describe('editor: session restore and ownership', () => {
	it('a reload brings every tab back as it was: saved or not, name, selection, view, active tab', async () => {
		vi.useFakeTimers();
		try {
			const storage = memoryStorage();
			const { write } = writer();
			const owners = memoryOwners('tab-a');
			const ed = new Editor({ storage, owners, writeFile: write });
			await ed.start();
			const saved = ed.open(LAB, 'lab.vnet.yaml');
			await ed.save();
			ed.selectNodes(['pc2']);
			saved.view = { zoom: 1.5, pan: { x: 10, y: -20 } };
			const draft = ed.newDocument();
			addNode(draft.store, 'router', { x: 0, y: 0 });
			ed.activate(saved.id);
			await ed.flush();

			const again = new Editor({ storage, owners: memoryOwners('tab-a'), writeFile: write });
			expect(await again.start()).toBe(2);
			expect(again.tabs.map((t) => t.file)).toEqual(['lab.vnet.yaml', 'untitled-1.vnet.yaml']);
			expect(again.active!.file).toBe('lab.vnet.yaml');
			expect(again.active!.dirty).toBe(false);
			expect(again.active!.selection.nodes).toEqual(['pc2']);
			expect(again.active!.view).toEqual({ zoom: 1.5, pan: { x: 10, y: -20 } });
			const d = again.tabs[1];
			expect(d.dirty).toBe(true);
			expect(Object.values(d.topology!.nodes).map((n) => n.kind)).toEqual(['router']);
			// with its undo history
			again.activate(d.id);
			again.undo();
			expect(Object.keys(d.topology!.nodes)).toEqual([]);
			expect(again.restoreOffer).toBeNull();
		} finally {
			vi.useRealTimers();
		}
	});

	it('offers only the work of browser tabs that are gone, distinctly named; discard never touches a live tab', async () => {
		const storage = memoryStorage();
		// two browser tabs, each with an unsaved untitled-1
		const a = new Editor({ storage, owners: memoryOwners('tab-a') });
		const b = new Editor({ storage, owners: memoryOwners('tab-b') });
		await a.start();
		await b.start();
		addNode(a.newDocument().store, 'host', { x: 0, y: 0 });
		addNode(b.newDocument().store, 'router', { x: 0, y: 0 });
		await a.flush();
		await b.flush();
		expect(storage.docs.size).toBe(2);

		// a third tab while B is still open: only A's work is offered
		const c = new Editor({ storage, owners: memoryOwners('tab-c', ['tab-b']) });
		c.newDocument();
		await c.start();
		expect(c.restoreOffer!.map((d) => d.owner)).toEqual(['tab-a']);
		await c.discard();
		const owners = [...storage.docs.values()].map((d) => d.owner);
		expect(owners).toContain('tab-b');
		expect(owners).not.toContain('tab-a');

		// B closes: its work is offered, restored beside the open tab under another name
		const d = new Editor({ storage, owners: memoryOwners('tab-d') });
		const mine = d.newDocument();
		await d.start();
		expect(d.restoreOffer!.map((x) => x.owner)).toEqual(['tab-b']);
		d.restore();
		expect(d.tabs.length).toBe(2);
		expect(d.tabs[0]).toBe(mine);
		expect(d.tabs.map((t) => t.file)).toEqual(['untitled-1.vnet.yaml', 'untitled-2.vnet.yaml']);
		expect(Object.values(d.active!.topology!.nodes).map((n) => n.kind)).toEqual(['router']);
	});

	it('restoring one of two offered documents leaves the other offered and stored', async () => {
		const storage = memoryStorage();
		const a = new Editor({ storage, owners: memoryOwners('tab-a') });
		await a.start();
		addNode(a.newDocument().store, 'host', { x: 0, y: 0 });
		addNode(a.newDocument().store, 'router', { x: 0, y: 0 });
		await a.flush();
		const c = new Editor({ storage, owners: memoryOwners('tab-c') });
		await c.start();
		expect(c.restoreOffer!.length).toBe(2);
		c.restore([c.restoreOffer![0].id]);
		expect(c.tabs.length).toBe(1);
		expect(c.restoreOffer!.length).toBe(1);
		expect(storage.docs.size).toBe(2);
	});
});

describe('keymap: one table for keys, overlay and palette', () => {
	const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
	it('matches keys to actions', () => {
		expect(actionOf(key('z', { ctrlKey: true }), false)?.action.id).toBe('undo');
		expect(actionOf(key('Z', { ctrlKey: true, shiftKey: true }), false)?.action.id).toBe('redo');
		expect(actionOf(key('z', { metaKey: true }), false)?.action.id).toBe('undo');
		expect(actionOf(key('l'), false)?.action.id).toBe('layout-mesh');
		expect(actionOf(key('L', { shiftKey: true }), false)?.action.id).toBe('layout-tiers');
		expect(actionOf(key('?', { shiftKey: true }), false)?.action.id).toBe('shortcuts');
		expect(actionOf(key('k', { ctrlKey: true }), false)?.action.id).toBe('palette');
		expect(actionOf(key('ArrowLeft', { shiftKey: true }), false)?.action.id).toBe('nudge-left');
	});
	it('while typing only the file keys work', () => {
		expect(actionOf(key('z', { ctrlKey: true }), true)).toBeNull();
		expect(actionOf(key('s', { ctrlKey: true }), true)?.action.id).toBe('save');
		expect(actionOf(key('y'), true)).toBeNull();
	});
	it('labels keys and filters actions for the palette', () => {
		expect(keysLabel(ACTIONS.find((a) => a.id === 'redo')!)).toBe('Ctrl Shift Z  /  Ctrl Y');
		expect(keysLabel(ACTIONS.find((a) => a.id === 'redo')!, true)).toBe('⌘ Shift Z  /  ⌘ Y');
		expect(filterActions('layout').map((a) => a.id)).toEqual(['layout-mesh', 'layout-tiers', 'layout-grid']);
		expect(new Set(ACTIONS.map((a) => a.id)).size).toBe(ACTIONS.length);
	});
});
