import { expect, test, type Page } from '@playwright/test';

type Box = { w: number; h: number };

/** The rendered size of the drawing (screen pixels). */
async function drawnBox(page: Page): Promise<Box> {
	return page.evaluate(() => {
		const cy = (window as unknown as { __vnet_cy: { elements(): { renderedBoundingBox(): Box } } }).__vnet_cy;
		return cy.elements().renderedBoundingBox();
	});
}

test.use({ viewport: { width: 1280, height: 800 } });

test('a narrow window opens with the YAML view closed; opening it, then closing it, re-fits the drawing', async ({ page }) => {
	await page.goto('/?example=vlan-campus');
	const canvas = page.getByTestId('canvas');
	await expect(canvas).toHaveAttribute('data-ready', 'true');
	const toggle = page.getByTestId('toggle-yaml');
	await expect(toggle).toHaveAttribute('aria-pressed', 'false');

	await toggle.click();
	await expect(page.getByTestId('yaml-view')).toBeVisible();
	await expect.poll(async () => (await drawnBox(page)).w, { timeout: 3000 }).toBeLessThan((await canvas.boundingBox())!.width);
	const narrow = await drawnBox(page);

	await toggle.click();
	await expect(page.getByTestId('yaml-view')).toHaveCount(0);
	// the stage grew: the untouched view is fitted again, so the drawing is drawn larger
	await expect.poll(async () => (await drawnBox(page)).w * (await drawnBox(page)).h).toBeGreaterThan(narrow.w * narrow.h * 1.1);

	// the choice is remembered
	await page.reload();
	await expect(canvas).toHaveAttribute('data-ready', 'true');
	await expect(toggle).toHaveAttribute('aria-pressed', 'false');
});

test('the header keeps the new-document button and the title on screen at 1280 px', async ({ page }) => {
	await page.goto('/?example=vlan-campus');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	for (const id of ['three-tier-web', 'lessons/02-nat-bridged-host-only', 'vlan-campus']) {
		await page.getByRole('combobox', { name: 'Open an example topology' }).selectOption(id);
	}
	// an example already open and untouched is switched to, not opened again
	await expect(page.getByTestId('doc-tab')).toHaveCount(3);
	const plus = page.getByRole('button', { name: 'New document' });
	const box = (await plus.boundingBox())!;
	expect(box.x + box.width).toBeLessThanOrEqual(1280);
	const name = page.getByTestId('doc-title').locator('.name');
	expect((await name.boundingBox())!.width).toBeGreaterThan(60);
	await expect(name).toHaveAttribute('title', /.+/);
});
