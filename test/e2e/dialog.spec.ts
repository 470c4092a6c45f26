// The one modal dialog (Save as, the shortcuts overlay, the command palette):
// the focus stays inside it, Escape and a click on the backdrop close it, the
// focus goes back to what opened it, and the design behind it takes no keys.
import { expect, test, type Page } from '@playwright/test';
import { clickNode, freshApp, watchConsole } from './editor-helpers';

/** Whether the focused element is inside the dialog of that name, and which one it is. */
async function focusIn(page: Page, name: string): Promise<{ inside: boolean; what: string }> {
	return page.evaluate((n) => {
		const el = document.activeElement as HTMLElement | null;
		return { inside: !!el?.closest(`[role=dialog][aria-label="${n}"]`), what: el?.getAttribute('aria-label') || el?.textContent?.trim() || el?.tagName || '' };
	}, name);
}

test('Save as: focus trapped, Escape and the backdrop close it, the focus goes back to its button', async ({ page }) => {
	const problems = watchConsole(page);
	await freshApp(page);
	const opener = page.getByRole('button', { name: 'Save as…' });
	const dialog = page.getByRole('dialog', { name: 'Save as' });

	await opener.click();
	await expect(dialog).toBeVisible();
	// the first field has the focus
	expect(await focusIn(page, 'Save as')).toEqual({ inside: true, what: 'File name' });
	// Tab goes round inside: File name, the checked format, Save, Cancel, and back to File name
	const seen: string[] = [];
	for (let i = 0; i < 6; i++) {
		await page.keyboard.press('Tab');
		const f = await focusIn(page, 'Save as');
		expect(f.inside).toBe(true);
		seen.push(f.what);
	}
	expect(seen).toContain('Cancel');
	expect(seen.filter((w) => w === 'File name').length).toBeGreaterThan(0);
	// Shift+Tab from the first field goes to the last button, not out of the dialog
	await dialog.getByLabel('File name').focus();
	await page.keyboard.press('Shift+Tab');
	expect(await focusIn(page, 'Save as')).toEqual({ inside: true, what: 'Cancel' });

	// Escape closes it; the focus is back on Save as…
	await page.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);
	await expect(opener).toBeFocused();

	// a click on the backdrop closes it; a click inside does not
	await opener.click();
	await expect(dialog).toBeVisible();
	await dialog.getByRole('heading', { name: 'Save as' }).click();
	await expect(dialog).toBeVisible();
	await page.mouse.click(8, 400);
	await expect(dialog).toHaveCount(0);
	await expect(opener).toBeFocused();
	expect(problems).toEqual([]);
});

test('the shortcuts overlay is modal: the design behind it takes no keys', async ({ page }) => {
	await freshApp(page);
	const canvas = page.getByTestId('canvas');
	await expect(canvas).toHaveAttribute('data-nodes', '6');
	await clickNode(page, 'db1');
	await page.keyboard.press('?');
	const keys = page.getByTestId('shortcuts');
	await expect(keys).toBeVisible();
	// Delete (and Ctrl+Z) would change the design if the overlay let them through
	await page.keyboard.press('Delete');
	await page.keyboard.press('Control+z');
	await expect(canvas).toHaveAttribute('data-nodes', '6');
	// the overlay's own key closes it; then the keys work again
	await page.keyboard.press('Escape');
	await expect(keys).toHaveCount(0);
	await page.keyboard.press('Delete');
	await expect(canvas).toHaveAttribute('data-nodes', '5');
});
