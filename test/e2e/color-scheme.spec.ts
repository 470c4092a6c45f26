import { expect, test, type Browser, type Page } from '@playwright/test';

type Scheme = 'light' | 'dark';
type Rgb = [number, number, number];

/** WCAG relative luminance contrast of two opaque colours. */
function contrast(a: Rgb, b: Rgb): number {
	const lum = ([r, g, b]: Rgb) => {
		const lin = (c: number) => {
			const s = c / 255;
			return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
		};
		return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
	};
	const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

function rgb(css: string): Rgb {
	const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)/.exec(css);
	if (!m) throw new Error(`not an rgb() colour: ${css}`);
	if (m[4] !== undefined && Number(m[4]) < 1) throw new Error(`translucent colour: ${css}`);
	return [Number(m[1]), Number(m[2]), Number(m[3])];
}

interface Look {
	pageBg: string;
	pageText: string;
	panelBg: string;
	panelMuted: string;
	canvasBg: string;
	label: string;
}

/** The colours a scheme gives: the page, a side panel's muted text, the canvas and a node's label on it. */
async function look(page: Page): Promise<Look> {
	return page.evaluate(() => {
		const css = (el: Element) => getComputedStyle(el);
		const probe = document.createElement('span');
		probe.style.color = 'var(--muted)';
		probe.style.backgroundColor = 'var(--surface)';
		document.body.append(probe);
		const panel = css(probe);
		const out = {
			pageBg: css(document.body).backgroundColor,
			pageText: css(document.body).color,
			panelBg: panel.backgroundColor,
			panelMuted: panel.color,
			canvasBg: css(document.querySelector('[data-testid="canvas"]')!).backgroundColor,
			label: ''
		};
		probe.remove();
		const cy = (window as unknown as { __vnet_cy: { nodes(): { first(): { style(name: string): string } } } }).__vnet_cy;
		out.label = cy.nodes().first().style('color');
		return out;
	});
}

async function open(browser: Browser, colorScheme: Scheme) {
	const context = await browser.newContext({ colorScheme });
	const page = await context.newPage();
	await page.goto('/?example=home-lab');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	return { context, page };
}

test('the page, its panels and the canvas follow the system colour scheme, legible in both', async ({ browser }) => {
	const looks = {} as Record<Scheme, Look>;
	for (const scheme of ['light', 'dark'] as const) {
		const { context, page } = await open(browser, scheme);
		looks[scheme] = await look(page);
		await context.close();
	}
	const { light, dark } = looks;
	expect(light.pageBg).not.toBe(dark.pageBg);
	expect(light.pageText).not.toBe(dark.pageText);
	expect(light.canvasBg).not.toBe(dark.canvasBg);
	expect(light.label).not.toBe(dark.label);
	// a light page is light, a dark one dark
	expect(contrast(rgb(light.pageBg), [255, 255, 255])).toBeLessThan(1.2);
	expect(contrast(rgb(dark.pageBg), [0, 0, 0])).toBeLessThan(1.5);
	for (const l of [light, dark]) {
		expect(contrast(rgb(l.pageText), rgb(l.pageBg))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(rgb(l.panelMuted), rgb(l.panelBg))).toBeGreaterThanOrEqual(4.5);
		expect(contrast(rgb(l.label), rgb(l.canvasBg))).toBeGreaterThanOrEqual(4.5);
	}
});

test('a change of the system scheme while the page is open restyles the canvas', async ({ browser }) => {
	const { context, page } = await open(browser, 'dark');
	const before = await look(page);
	await page.emulateMedia({ colorScheme: 'light' });
	await expect.poll(async () => (await look(page)).label).not.toBe(before.label);
	const after = await look(page);
	expect(after.canvasBg).not.toBe(before.canvasBg);
	expect(contrast(rgb(after.label), rgb(after.canvasBg))).toBeGreaterThanOrEqual(4.5);
	await context.close();
});
