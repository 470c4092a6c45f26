import { expect, test } from '@playwright/test';
import { canvasReady, clickNode, freshApp, nodeIds, watchConsole, yamlText } from './editor-helpers';

test('select, copy/paste, duplicate, delete, undo; shortcuts overlay; search', async ({ page }) => {
	const problems = watchConsole(page);
	await freshApp(page);
	const canvas = page.getByTestId('canvas');
	await expect(canvas).toHaveAttribute('data-nodes', '6');

	// shift-click selects two nodes; copy and paste gives fresh ids and keeps their cable
	await clickNode(page, 'web1');
	await clickNode(page, 'fw', true);
	await expect(page.getByTestId('details')).toContainText('2 elements selected');
	await page.keyboard.press('Control+c');
	await page.keyboard.press('Control+v');
	await expect(canvas).toHaveAttribute('data-nodes', '8');
	expect(await nodeIds(page)).toEqual(['app1', 'db1', 'edge', 'fw', 'fw2', 'isp', 'web1', 'web2']);
	expect(await yamlText(page)).toContain('- { a: fw2.web, b: web2.eth0 }');

	// duplicate, then delete (a node takes its cables), then undo both
	await page.keyboard.press('Escape');
	await clickNode(page, 'db1');
	await page.keyboard.press('Control+d');
	await expect(canvas).toHaveAttribute('data-nodes', '9');
	await clickNode(page, 'fw');
	await page.keyboard.press('Delete');
	await expect(canvas).toHaveAttribute('data-nodes', '8');
	await expect(canvas).toHaveAttribute('data-edges', '2');
	await page.keyboard.press('Control+z');
	await page.keyboard.press('Control+z');
	await page.keyboard.press('Control+z');
	await expect(canvas).toHaveAttribute('data-nodes', '6');
	await expect(canvas).toHaveAttribute('data-edges', '5');
	// back to the example exactly: the tab is clean again
	await expect(page.getByTestId('doc-tab').first().getByLabel('unsaved changes')).toHaveCount(0);

	// the ? overlay lists the shortcuts
	await page.keyboard.press('?');
	await expect(page.getByTestId('shortcuts')).toContainText('Undo');
	await page.screenshot({ path: 'test-results/editor-shortcuts.png' });
	await page.getByTestId('shortcuts').getByRole('button', { name: 'Close' }).click();

	// search by address selects the node
	await page.keyboard.press('/');
	await page.keyboard.type('10.18.3.10');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('node-props').getByRole('heading', { level: 2 })).toHaveText('Database');
	expect(problems).toEqual([]);
});

test('VLAN colours and filter, problems list selects, rules reorder, auto-layout (ELK) is one undo step', async ({ page }) => {
	const problems = watchConsole(page);
	await page.goto('/?example=vlan-campus');
	const canvas = await canvasReady(page);

	// the legend lists the VLANs; picking one fades what does not carry it
	const legend = page.getByTestId('vlan-legend');
	await expect(legend).toContainText('10');
	await legend.getByRole('button', { name: '30' }).click();
	const faded = await page.evaluate(() => (window as unknown as { __vnet_cy: { elements(s: string): { length: number } } }).__vnet_cy.elements('.faded').length);
	expect(faded).toBeGreaterThan(0);
	await page.screenshot({ path: 'test-results/editor-vlan-filter.png' });
	await legend.getByRole('button', { name: 'All' }).click();

	// the problems list: clicking one selects the element it is about
	await page.getByRole('tab', { name: /Problems/ }).click();
	const first = page.getByTestId('problems').locator('button').first();
	const path = (await first.getAttribute('data-path'))!;
	await first.click();
	const selected = await page.evaluate(() => (window as unknown as { __vnet_cy: { $(s: string): { map<T>(f: (e: { id(): string }) => T): T[] } } }).__vnet_cy.$(':selected').map((e) => e.id()));
	expect(selected.length).toBeGreaterThan(0);
	expect(path).toMatch(/^(nodes|links)/);

	// auto-layout with ELK (loaded on demand), undone in one step
	const before = await yamlText(page);
	await page.keyboard.press('Escape');
	await page.keyboard.press('Shift+L');
	await expect.poll(() => yamlText(page)).not.toBe(before);
	await page.keyboard.press('Control+z');
	await expect.poll(() => yamlText(page)).toBe(before);
	await expect(canvas).toHaveAttribute('data-ready', 'true');
	expect(problems).toEqual([]);
});

test('firewall rules: add, reorder by drag, delete, and reveal from a path', async ({ page }) => {
	await page.goto('/');
	await canvasReady(page);
	await clickNode(page, 'fw');
	const table = page.getByTestId('table-nodes.fw.rules');
	const rows = table.locator('[data-index]');
	// the node's editor may still be loading (it is not part of the first download): wait for its rules
	await expect(rows.first()).toBeVisible();
	const count = await rows.count();
	expect(count).toBeGreaterThan(2);
	const to = (i: number) => page.getByTestId(`field-nodes.fw.rules[${i}].to`).locator('input');
	const firstTo = await to(0).inputValue();
	const secondTo = await to(1).inputValue();
	expect(firstTo).not.toBe(secondTo);
	// drag the first rule onto the second: they swap places
	await rows.nth(0).locator('.handle').dragTo(rows.nth(1));
	await expect(to(1)).toHaveValue(firstTo);
	await expect(to(0)).toHaveValue(secondTo);
	await page.keyboard.press('Control+z');
	await expect(to(0)).toHaveValue(firstTo);
	// add and delete a rule
	await table.getByRole('button', { name: '+ Add rule' }).click();
	await expect(rows).toHaveCount(count + 1);
	await table.getByRole('button', { name: `Delete rule ${count + 1}` }).click();
	await expect(rows).toHaveCount(count);
	await page.screenshot({ path: 'test-results/editor-rules.png' });
});
