// Align and distribute a multi-selection: the Align menu over the canvas and
// Alt Shift shortcuts, each arrangement one undo step.
import { expect, test, type Page } from '@playwright/test';
import { clickNode, freshApp, watchConsole } from './editor-helpers';

type Box = { x1: number; x2: number; y1: number; y2: number };
type CyWindow = Window & { __vnet_cy: { $id(id: string): { boundingBox(o: object): Box } } };

const IDS = ['web1', 'app1', 'db1'];
async function boxes(page: Page): Promise<Box[]> {
	return page.evaluate((ids) => ids.map((id) => (window as unknown as CyWindow).__vnet_cy.$id(id).boundingBox({ includeLabels: false, includeOverlays: false })), IDS);
}

test('align top edges (Alt Shift T), distribute horizontally from the Align menu, undo one step each', async ({ page }) => {
	const problems = watchConsole(page);
	await freshApp(page);
	const menu = page.getByTestId('arrange-menu');
	await clickNode(page, 'web1');
	await expect(menu).toBeDisabled();
	await clickNode(page, 'app1', true);
	await clickNode(page, 'db1', true);
	await expect(menu).toBeEnabled();
	const before = await boxes(page);

	await page.keyboard.press('Alt+Shift+T');
	await expect.poll(async () => new Set((await boxes(page)).map((b) => Math.round(b.y1))).size).toBe(1);
	const top = Math.round(Math.min(...before.map((b) => b.y1)));
	expect(Math.round((await boxes(page))[0].y1)).toBe(top);

	await menu.click();
	await page.getByRole('menuitem', { name: /Distribute horizontally/ }).click();
	// equal gaps between neighbouring edges, the outer two where they were
	await expect
		.poll(async () => {
			const b = (await boxes(page)).sort((p, q) => p.x1 - q.x1);
			return Math.abs(b[1].x1 - b[0].x2 - (b[2].x1 - b[1].x2));
		})
		.toBeLessThan(2);

	// one Ctrl Z undoes the whole distribution, the next the whole alignment
	await page.keyboard.press('Control+z');
	await expect.poll(async () => new Set((await boxes(page)).map((b) => Math.round(b.y1))).size).toBe(1);
	await page.keyboard.press('Control+z');
	await expect.poll(async () => (await boxes(page)).map((b) => Math.round(b.y1))).toEqual(before.map((b) => Math.round(b.y1)));
	expect(problems).toEqual([]);
});
