import { expect, type Locator, type Page } from '@playwright/test';

type Cy = {
	$id(id: string): { renderedPosition(): { x: number; y: number }; length: number; parent(): { id(): string; length: number } };
	nodes(sel?: string): { length: number; map<T>(f: (n: { id(): string }) => T): T[] };
};
type CyWindow = Window & { __vnet_cy?: Cy };

export function watchConsole(page: Page): string[] {
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));
	return problems;
}

export async function canvasReady(page: Page): Promise<Locator> {
	const canvas = page.getByTestId('canvas');
	await expect(canvas).toHaveAttribute('data-ready', 'true');
	return canvas;
}

/** The app with the default example (each test has a fresh browser context: no autosaved documents). */
export async function freshApp(page: Page) {
	await page.goto('/');
	await canvasReady(page);
}

/** Where a node is drawn, in page coordinates. */
export async function nodePoint(page: Page, id: string): Promise<{ x: number; y: number }> {
	const box = (await page.getByTestId('canvas').boundingBox())!;
	const at = await page.evaluate((nid) => {
		const n = (window as CyWindow).__vnet_cy!.$id(nid) as unknown as {
			isParent(): boolean;
			renderedPosition(): { x: number; y: number };
			renderedBoundingBox(o: object): { x1: number; y1: number };
		};
		// a hypervisor with guests is a box: take it by its corner (its icon), not its middle (a guest)
		if (n.isParent()) {
			const bb = n.renderedBoundingBox({ includeLabels: false });
			return { x: bb.x1 + 14, y: bb.y1 + 14 };
		}
		return n.renderedPosition();
	}, id);
	return { x: box.x + at.x, y: box.y + at.y };
}

export async function clickNode(page: Page, id: string, shift = false) {
	const p = await nodePoint(page, id);
	if (shift) await page.keyboard.down('Shift');
	await page.mouse.click(p.x, p.y);
	if (shift) await page.keyboard.up('Shift');
}

/** Drags with the wire tool from one node to another. */
export async function wire(page: Page, from: string, to: string) {
	const a = await nodePoint(page, from);
	const b = await nodePoint(page, to);
	await page.mouse.move(a.x, a.y);
	await page.mouse.down();
	await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
	await page.mouse.move(b.x, b.y, { steps: 5 });
	await page.mouse.up();
}

/** Drags a kind from the palette to a point of the canvas (relative to its top left). */
export async function dropKind(page: Page, label: string, x: number, y: number) {
	await page.getByRole('button', { name: `Add ${label}`, exact: true }).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

export async function nodeIds(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		(window as CyWindow)
			.__vnet_cy!.nodes(':childless')
			.map((n) => n.id())
			.filter((id) => !id.startsWith('seg:') && !id.startsWith('__'))
			.sort()
	);
}

export async function parentOf(page: Page, id: string): Promise<string | null> {
	return page.evaluate((nid) => {
		const p = (window as CyWindow).__vnet_cy!.$id(nid).parent();
		return p.length ? p.id() : null;
	}, id);
}

/** The YAML view's text. */
export async function yamlText(page: Page): Promise<string> {
	// closed by default in a window narrower than 1600 px: open it to read it
	const toggle = page.getByTestId('toggle-yaml');
	if ((await toggle.count()) && (await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
	await page.getByTestId('yaml-view').waitFor();
	return page.evaluate(() => {
		const host = document.querySelector('[data-testid=yaml-view]') as HTMLElement & { cmView?: { state: { doc: { toString(): string } } } };
		return host?.cmView?.state.doc.toString() ?? '';
	});
}

/** Types into a field of the properties panel and commits it with Enter. */
export async function setField(page: Page, path: string, value: string) {
	const input = page.getByTestId(`field-${path}`).locator('input[type=text]');
	await input.fill(value);
	await input.press('Enter');
	await expect(input).toHaveValue(value);
}

export async function selectField(page: Page, path: string, value: string) {
	await page.getByTestId(`field-${path}`).locator('select').selectOption(value);
}

/** three-tier-web's probe through the edge's port forward: isp → 198.51.100.2 tcp/443 (the Simulate panel open) */
export async function sendWebProbe(page: Page) {
	const form = page.getByTestId('probe-form');
	await form.getByLabel('Source node').selectOption('isp');
	await form.getByLabel('Destination node or address').fill('198.51.100.2');
	await form.getByRole('radio', { name: 'TCP' }).click();
	await form.getByLabel('Destination port').fill('443');
	await form.getByTestId('send-probe').click();
}
