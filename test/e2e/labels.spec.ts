import { expect, test, type Page } from '@playwright/test';
import { canvasReady } from './editor-helpers';
import { readdirSync } from 'node:fs';

/** Every gallery example (topologies/*.vnet.yaml) by the id the app opens it with. */
const EXAMPLES = readdirSync('topologies')
	.filter((f) => f.endsWith('.vnet.yaml'))
	.map((f) => f.replace(/\.vnet\.yaml$/, ''));

interface LabelBox {
	what: string;
	x1: number;
	y1: number;
	x2: number;
	y2: number;
}

/**
 * Every label cytoscape draws now (node captions, interface names at cable
 * ends, VLAN labels mid-cable), as the boxes it measured, model coordinates.
 * A label too small to be drawn at this zoom (level of detail) is left out.
 */
async function labelBoxes(page: Page): Promise<LabelBox[]> {
	return page.evaluate(() => {
		type Bb = { x1: number; y1: number; x2: number; y2: number; w: number };
		type El = {
			id(): string;
			isEdge(): boolean;
			visible(): boolean;
			boundingBox(o?: object): Bb;
			pstyle(n: string): { strValue?: string; pfValue?: number; value?: unknown };
			_private: { labelBounds?: Record<string, Bb> };
		};
		const cy = (window as unknown as { __vnet_cy: { zoom(): number; elements(): { toArray(): El[] } } }).__vnet_cy;
		const zoom = cy.zoom();
		const out: { what: string; x1: number; y1: number; x2: number; y2: number }[] = [];
		for (const el of cy.elements().toArray()) {
			if (!el.visible()) continue;
			el.boundingBox(); // fills _private.labelBounds
			const bounds = el._private.labelBounds ?? {};
			const minZoomed = el.pstyle('min-zoomed-font-size').pfValue ?? 0;
			const size = el.pstyle('font-size').pfValue ?? 0;
			if (size * zoom < minZoomed) continue;
			for (const [part, prop] of [
				['main', 'label'],
				['source', 'source-label'],
				['target', 'target-label']
			] as const) {
				const text = el.pstyle(prop).strValue ?? '';
				const b = bounds[part];
				if (!text || !b || !(b.w > 0)) continue;
				// cytoscape widens each box by 2 px of error margin on every side: what shows is the text and its background
				out.push({ what: `${el.id()} ${part} "${text.replace(/\n/g, ' ')}"`, x1: b.x1 + 2, y1: b.y1 + 2, x2: b.x2 - 2, y2: b.y2 - 2 });
			}
		}
		return out;
	});
}

function intersections(boxes: LabelBox[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < boxes.length; i++)
		for (let j = i + 1; j < boxes.length; j++) {
			const a = boxes[i];
			const b = boxes[j];
			const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
			const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
			if (w > 0.5 && h > 0.5) out.push(`${a.what} × ${b.what}`);
		}
	return out;
}

test.use({ viewport: { width: 1440, height: 900 } });

test('no label covers another on any gallery example at 1440 px', async ({ page }) => {
	test.setTimeout(180_000);
	const found: string[] = [];
	for (const example of EXAMPLES) {
		await page.goto(`/?example=${example}`);
		await canvasReady(page);
		// end labels are placed on the frame after the layout
		await page.waitForTimeout(100);
		const boxes = await labelBoxes(page);
		expect(boxes.length, example).toBeGreaterThan(0);
		found.push(...intersections(boxes).map((x) => `${example}: ${x}`));
	}
	expect(found).toEqual([]);
});
