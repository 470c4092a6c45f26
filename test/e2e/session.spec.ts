import { expect, test, type Page } from '@playwright/test';
import { canvasReady, dropKind, freshApp, watchConsole, yamlText } from './editor-helpers';

test.describe.configure({ mode: 'serial' });

type Cy = { zoom(): number; pan(): { x: number; y: number }; viewport(v: { zoom: number; pan: { x: number; y: number } }): void };

/** The autosave records in this origin's IndexedDB. */
async function records(page: Page): Promise<{ id: string; file: string; owner?: string; dirty: boolean; view?: { zoom: number }; selection?: { nodes: string[] } }[]> {
	return page.evaluate(
		() =>
			new Promise((resolve, reject) => {
				const req = indexedDB.open('vnet-editor', 1);
				req.onsuccess = () => {
					const tx = req.result.transaction('documents', 'readonly');
					const all = tx.objectStore('documents').getAll();
					all.onsuccess = () => resolve(all.result);
					all.onerror = () => reject(all.error);
				};
				req.onerror = () => reject(req.error);
			})
	);
}

async function settled(page: Page) {
	await expect(page.locator('.app')).toHaveAttribute('data-autosave', 'idle');
}

async function newDocWithNode(page: Page, kind: string) {
	await page.getByRole('button', { name: 'New document' }).click();
	await canvasReady(page);
	await dropKind(page, kind, 420, 260);
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '1');
	await settled(page);
}

test('a saved document comes back after a reload from its save, named by its name:, with its selection and view', async ({ page }) => {
	test.setTimeout(60_000);
	const problems = watchConsole(page);
	await freshApp(page);
	await page.getByRole('button', { name: 'New document' }).click();
	await canvasReady(page);
	await dropKind(page, 'Router', 420, 260);
	// rename the document in the text: name: kvm-vlan-lab
	await yamlText(page);
	await page.locator('[data-testid=yaml-view] .cm-line', { hasText: /^name: untitled-1$/ }).click();
	await page.keyboard.press('End');
	for (let i = 0; i < 'untitled-1'.length; i++) await page.keyboard.press('Backspace');
	await page.keyboard.type('kvm-vlan-lab');
	await expect(page.getByTestId('doc-title')).toContainText('kvm-vlan-lab');
	await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
	const download = page.waitForEvent('download');
	await page.keyboard.press('Control+s');
	expect((await download).suggestedFilename()).toBe('kvm-vlan-lab.vnet.yaml');
	const tab = page.getByTestId('doc-tab').filter({ hasText: 'kvm-vlan-lab.vnet.yaml' });
	await expect(tab.getByLabel('unsaved changes')).toHaveCount(0);

	// select the router, zoom in
	await page.keyboard.press('Control+a');
	await page.evaluate(() => {
		(window as unknown as { __vnet_cy: Cy }).__vnet_cy.viewport({ zoom: 1.7, pan: { x: 33, y: 44 } });
	});
	await expect.poll(async () => (await records(page)).find((r) => r.file === 'kvm-vlan-lab.vnet.yaml')?.view?.zoom).toBe(1.7);
	await settled(page);
	const text = await yamlText(page);

	await page.reload();
	await canvasReady(page);
	await expect(page.getByTestId('restore')).toHaveCount(0);
	await expect(tab).toBeVisible();
	await expect(tab).toHaveClass(/on/);
	await expect(tab.getByLabel('unsaved changes')).toHaveCount(0);
	expect(await yamlText(page)).toBe(text);
	await expect.poll(() => page.evaluate(() => (window as unknown as { __vnet_cy: Cy }).__vnet_cy.zoom())).toBe(1.7);
	expect(await page.evaluate(() => (window as unknown as { __vnet_cy: Cy }).__vnet_cy.pan())).toEqual({ x: 33, y: 44 });
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '1');
	expect((await records(page)).find((r) => r.file === 'kvm-vlan-lab.vnet.yaml')?.selection?.nodes).toEqual(['r1']);
	expect(problems).toEqual([]);
});

test('three browser tabs: only the work of a closed tab is offered, by name and date; restore one keeps the other; discard never touches an open tab', async ({ context }) => {
	test.setTimeout(90_000); // four pages load one after another
	const a = await context.newPage();
	const b = await context.newPage();
	await freshApp(a);
	await newDocWithNode(a, 'Router');
	await newDocWithNode(a, 'Switch');
	await freshApp(b);
	await newDocWithNode(b, 'Host');

	// a third tab while both are open: nothing to offer
	const c = await context.newPage();
	await freshApp(c);
	await expect(c.getByTestId('restore')).toHaveCount(0);
	await expect(c.getByTestId('doc-tab')).toHaveCount(1);

	// A closes: its two documents are offered, B's is not
	await a.close({ runBeforeUnload: false });
	// the browser releases a closed tab's lock a moment later: wait until only B and C hold one
	await expect
		.poll(() => c.evaluate(async () => ((await navigator.locks.query()).held ?? []).filter((l) => l.name?.startsWith('vnet-owner:')).length))
		.toBe(2);
	const d = await context.newPage();
	const dProblems = watchConsole(d);
	await d.goto('/');
	await expect(d.getByTestId('restore'), dProblems.join('\n')).toBeVisible();
	await canvasReady(d);
	const offer = d.getByTestId('restore-item');
	await expect(offer).toHaveCount(2);
	await expect(offer.first()).toContainText('untitled-1.vnet.yaml');
	await expect(offer.nth(1)).toContainText('untitled-2.vnet.yaml');
	await expect(offer.first()).toContainText(/\d{4}|\d+\/\d+/);

	// restore one: it opens beside the example, the other stays offered
	await d.getByRole('button', { name: 'Restore untitled-1.vnet.yaml' }).click();
	await expect(d.getByTestId('doc-tab')).toHaveCount(2);
	await expect(offer).toHaveCount(1);
	await expect(d.getByTestId('canvas')).toHaveAttribute('data-nodes', '1');

	// discard the other: B's work is still stored, and B still has its tab
	await d.getByRole('button', { name: 'Discard all' }).or(d.getByRole('button', { name: 'Discard', exact: true })).first().click();
	await expect(d.getByTestId('restore')).toHaveCount(0);
	await settled(d);
	const owners = new Set((await records(d)).map((r) => r.owner));
	expect(owners.size).toBe(3); // B's, C's and D's (A's are restored into D or discarded)
	await b.reload();
	await canvasReady(b);
	await expect(b.getByTestId('doc-tab').filter({ hasText: 'untitled-1' })).toBeVisible();
	await expect(b.getByTestId('restore')).toHaveCount(0);
});
