import { expect, test } from '@playwright/test';
import { canvasReady, freshApp, watchConsole } from './editor-helpers';

test('tab strip: the active tab stays in view, names keep their width, "more" lists every tab; the command palette runs actions', async ({ page }) => {
	test.setTimeout(60_000);
	const problems = watchConsole(page);
	await freshApp(page);
	const picker = page.getByRole('combobox', { name: 'Open an example topology' });
	for (const id of ['home-lab', 'ha-vrrp', 'vlan-campus', 'kvm-libvirt', 'docker-host', 'esxi-host']) {
		await picker.selectOption(id);
		// examples other than the default load on first use: wait for this one to be the open tab
		await expect(page.locator('[data-testid=doc-tab].on').getByRole('tab')).toHaveAttribute('title', `${id}.vnet.yaml`);
		await canvasReady(page);
	}
	const tabs = page.getByTestId('doc-tab');
	await expect(tabs).toHaveCount(7);
	// the active (last opened) tab is inside the strip, its name not cut to a letter
	const strip = (await page.getByTestId('doc-tabs').boundingBox())!;
	const on = page.locator('[data-testid=doc-tab].on');
	const box = (await on.boundingBox())!;
	expect(box.x).toBeGreaterThanOrEqual(strip.x - 1);
	expect(box.x + box.width).toBeLessThanOrEqual(strip.x + strip.width + 1);
	for (const b of await tabs.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width))) expect(b).toBeGreaterThanOrEqual(90);
	await expect(on.getByRole('tab')).toHaveAttribute('title', 'esxi-host.vnet.yaml');
	// the overflow list names every tab and switches to one
	await page.getByTestId('tabs-more').click();
	const list = page.getByTestId('tabs-list');
	await expect(list.getByRole('menuitem')).toHaveCount(7);
	await list.getByRole('menuitem', { name: 'home-lab' }).click();
	await expect(page.getByTestId('doc-title')).toContainText('home-lab');
	await expect(page.locator('[data-testid=doc-tab].on')).toBeInViewport();

	// the command palette (header button; Ctrl K in the keymap): every action with its shortcut; a click runs the one picked
	await page.getByTestId('open-palette').click();
	const palette = page.getByTestId('command-palette');
	await expect(palette.locator('[data-action=undo]')).toContainText('Ctrl Z');
	await page.keyboard.type('next document');
	await expect(palette.locator('[data-action]')).toHaveCount(1);
	await palette.locator('[data-action=next-tab]').click();
	await expect(palette).toHaveCount(0);
	await expect(page.getByTestId('doc-title')).toContainText('ha-vrrp');
	expect(problems).toEqual([]);
});

test('one dialog at a time: Ctrl K over the shortcuts overlay replaces it, ? over the palette replaces that', async ({ page }) => {
	const problems = watchConsole(page);
	await freshApp(page);
	await canvasReady(page);
	await page.locator('body').press('?');
	await expect(page.getByTestId('shortcuts')).toBeVisible();
	await page.keyboard.press('Control+k');
	await expect(page.getByTestId('command-palette')).toBeVisible();
	await expect(page.getByTestId('shortcuts')).toHaveCount(0);
	await expect(page.locator('[aria-modal="true"]')).toHaveCount(1);
	// the palette runs "Keyboard shortcuts": the overlay takes its place
	await page.keyboard.type('keyboard shortcuts');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('shortcuts')).toBeVisible();
	await expect(page.getByTestId('command-palette')).toHaveCount(0);
	await page.keyboard.press('Escape');
	await expect(page.locator('[aria-modal="true"]')).toHaveCount(0);
	expect(problems).toEqual([]);
});
