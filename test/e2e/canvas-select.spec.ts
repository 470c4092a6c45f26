// Box selection and zoom to the selection on the canvas: Shift and a drag on
// empty canvas select the nodes inside the box (as in tldraw or xyflow), and
// Shift F makes the selection fill the view.
import { expect, test, type Page } from '@playwright/test';
import { freshApp, watchConsole } from './editor-helpers';

type Cy = {
	zoom(): number;
	nodes(sel?: string): { map<T>(f: (n: { id(): string; renderedPosition(): { x: number; y: number } }) => T): T[] };
	$(sel: string): { map<T>(f: (n: { id(): string; isNode(): boolean }) => T): T[] };
};
// page.evaluate runs in the page: each callback reaches the core itself
type CyWindow = Window & { __vnet_cy: Cy };

/** Every drawn node's centre, in page coordinates. */
async function centres(page: Page): Promise<Map<string, { x: number; y: number }>> {
	const box = (await page.getByTestId('canvas').boundingBox())!;
	const at = await page.evaluate(() =>
		(window as unknown as CyWindow).__vnet_cy
			.nodes(':childless:visible')
			.map((n) => ({ id: n.id(), ...n.renderedPosition() }))
			.filter((n) => !n.id.startsWith('seg:') && !n.id.startsWith('__'))
	);
	return new Map(at.map((n) => [n.id, { x: box.x + n.x, y: box.y + n.y }]));
}

const selectedNodes = (page: Page) => page.evaluate(() => (window as unknown as CyWindow).__vnet_cy.$('node:selected').map((n) => n.id()).sort());

test('Shift and a drag on empty canvas select the nodes inside the box; Shift F zooms to them', async ({ page }) => {
	const problems = watchConsole(page);
	await freshApp(page);
	const at = await centres(page);
	const web = at.get('web1')!;
	const app = at.get('app1')!;
	// the box around web1 and app1, with room around their icons
	const pad = 45;
	const x1 = Math.min(web.x, app.x) - pad;
	const y1 = Math.min(web.y, app.y) - pad;
	const x2 = Math.max(web.x, app.x) + pad;
	const y2 = Math.max(web.y, app.y) + pad;
	const inside = [...at].filter(([, p]) => p.x > x1 && p.x < x2 && p.y > y1 && p.y < y2).map(([id]) => id);
	expect(inside.sort(), 'the example keeps other nodes out of this box').toEqual(['app1', 'web1']);

	// a drag without Shift pans, selecting nothing
	const zoom = await page.evaluate(() => (window as unknown as CyWindow).__vnet_cy.zoom());
	await page.mouse.move(x1, y1);
	await page.mouse.down();
	await page.mouse.move(x1 + 20, y1 + 20, { steps: 4 });
	await page.mouse.up();
	expect(await selectedNodes(page)).toEqual([]);
	const moved = await centres(page);
	const dx = moved.get('web1')!.x - web.x;
	const dy = moved.get('web1')!.y - web.y;
	expect(Math.round(dx)).toBe(20);
	expect(Math.round(dy)).toBe(20);

	// with Shift: a box from empty canvas, released, selects what is inside
	await page.keyboard.down('Shift');
	await page.mouse.move(x1 + dx, y1 + dy);
	await page.mouse.down();
	await page.mouse.move((x1 + x2) / 2 + dx, (y1 + y2) / 2 + dy, { steps: 5 });
	await page.mouse.move(x2 + dx, y2 + dy, { steps: 5 });
	await page.mouse.up();
	await page.keyboard.up('Shift');
	await expect.poll(() => selectedNodes(page)).toEqual(['app1', 'web1']);
	await expect(page.getByTestId('details')).toContainText('elements selected');

	// Shift F: the two fill the view, bigger than before, both in it, around its middle
	await page.keyboard.press('Shift+F');
	await expect.poll(() => page.evaluate(() => (window as unknown as CyWindow).__vnet_cy.zoom())).toBeGreaterThan(zoom * 1.2);
	const canvas = (await page.getByTestId('canvas').boundingBox())!;
	const after = await centres(page);
	for (const id of ['web1', 'app1']) {
		const p = after.get(id)!;
		expect(p.x).toBeGreaterThan(canvas.x);
		expect(p.x).toBeLessThan(canvas.x + canvas.width);
		expect(p.y).toBeGreaterThan(canvas.y);
		expect(p.y).toBeLessThan(canvas.y + canvas.height);
	}
	const mid = { x: (after.get('web1')!.x + after.get('app1')!.x) / 2, y: (after.get('web1')!.y + after.get('app1')!.y) / 2 };
	expect(Math.abs(mid.x - (canvas.x + canvas.width / 2))).toBeLessThan(canvas.width * 0.1);
	expect(Math.abs(mid.y - (canvas.y + canvas.height / 2))).toBeLessThan(canvas.height * 0.1);
	// the selection is still the same two
	expect(await selectedNodes(page)).toEqual(['app1', 'web1']);
	expect(problems).toEqual([]);
});
