/**
 * Documents whose text is still loading (examples load on first use): they open
 * in the order asked, and one the user moved on from opens beside the active tab.
 */
import { describe, expect, it } from 'vitest';
import { Editor } from '../../src/lib/editor/editor.svelte';
import { OpenQueue } from '../../src/lib/editor/open-queue';
import { setField } from '../../src/lib/editor/commands';

const doc = (name: string) => `vnet: 1
name: ${name}
nodes:
  pc1: { kind: host, interfaces: { eth0: { ip: 192.168.10.11/24 } } }
`;

function deferred() {
	let resolve!: (text: string) => void;
	let reject!: (err: Error) => void;
	const promise = new Promise<string>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

describe('open queue: texts that are still loading', () => {
	it('opens in the order asked even when a later text arrives first; the last one asked is active', async () => {
		const ed = new Editor();
		const q = new OpenQueue(ed);
		const a = deferred();
		const b = deferred();
		const opened = [q.open(a.promise, 'a.vnet.yaml', { example: 'a' }), q.open(b.promise, 'b.vnet.yaml', { example: 'b' })];
		b.resolve(doc('b'));
		await Promise.resolve();
		expect(ed.tabs.length).toBe(0);
		a.resolve(doc('a'));
		await Promise.all(opened);
		expect(ed.tabs.map((s) => s.example)).toEqual(['a', 'b']);
		expect(ed.active?.example).toBe('b');
	});

	it('a text that arrives after the user switched tabs opens beside the active tab', async () => {
		const ed = new Editor();
		const first = ed.open(doc('one'), 'one.vnet.yaml');
		const second = ed.newDocument();
		const q = new OpenQueue(ed);
		const a = deferred();
		const opened = q.open(a.promise, 'a.vnet.yaml', { example: 'a' });
		ed.activate(first.id);
		a.resolve(doc('a'));
		const s = await opened;
		expect(ed.tabs).toContain(s);
		expect(ed.active).toBe(first);
		expect(second.id).not.toBe(s.id);
	});

	it('a text that arrives after an edit of the active document, or while the user types, does not take the tab away', async () => {
		const ed = new Editor();
		const mine = ed.open(doc('mine'), 'mine.vnet.yaml');
		let typing = false;
		const q = new OpenQueue(ed, () => typing);
		const a = deferred();
		const openedA = q.open(a.promise, 'a.vnet.yaml', { example: 'a' });
		setField(mine.store, ['name'], 'renamed');
		a.resolve(doc('a'));
		await openedA;
		expect(ed.active).toBe(mine);

		const b = deferred();
		const openedB = q.open(b.promise, 'b.vnet.yaml', { example: 'b' });
		typing = true;
		b.resolve(doc('b'));
		await openedB;
		expect(ed.active).toBe(mine);
		expect(ed.tabs.map((s) => s.example ?? s.file)).toEqual(['mine.vnet.yaml', 'a', 'b']);
	});

	it('a text that does not load rejects for its asker; the ones asked after it still open', async () => {
		const ed = new Editor();
		const q = new OpenQueue(ed);
		const a = deferred();
		const b = deferred();
		const openedA = q.open(a.promise, 'a.vnet.yaml', { example: 'a' });
		const openedB = q.open(b.promise, 'b.vnet.yaml', { example: 'b' });
		a.reject(new Error('offline'));
		b.resolve(doc('b'));
		await expect(openedA).rejects.toThrow('offline');
		await openedB;
		await q.settled;
		expect(ed.tabs.map((s) => s.example)).toEqual(['b']);
		expect(ed.active?.example).toBe('b');
	});

	it('an example already open is shown again, unless the user moved on', async () => {
		const ed = new Editor();
		const q = new OpenQueue(ed);
		const a = await q.open(Promise.resolve(doc('a')), 'a.vnet.yaml', { example: 'a' });
		const other = ed.newDocument();
		expect(await q.open(Promise.resolve(doc('a')), 'a.vnet.yaml', { example: 'a' })).toBe(a);
		expect(ed.active).toBe(a);
		ed.activate(other.id);
		const late = deferred();
		const again = q.open(late.promise, 'a.vnet.yaml', { example: 'a' });
		setField(other.store, ['name'], 'renamed');
		late.resolve(doc('a'));
		expect(await again).toBe(a);
		expect(ed.active).toBe(other);
		expect(ed.tabs.length).toBe(2);
	});
});
