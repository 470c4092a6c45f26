import { expect, test, type Locator, type Page } from '@playwright/test';
import { canvasReady, clickNode, watchConsole } from './editor-helpers';

interface LayoutProblem {
	kind: 'overlap' | 'clipped';
	what: string;
}

/**
 * Legibility of a panel by bounding boxes: no two visible text boxes (leaf
 * text, inputs, selects, buttons) intersect, and no value is clipped (an
 * input's or cell's content wider than its box; a select's chosen option
 * wider than the room beside its arrow).
 */
async function layoutProblems(panel: Locator): Promise<LayoutProblem[]> {
	return panel.evaluate((root) => {
		const out: { kind: 'overlap' | 'clipped'; what: string }[] = [];
		const visible = (el: Element) => {
			const r = el.getBoundingClientRect();
			const s = getComputedStyle(el);
			return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
		};
		const name = (el: Element) => `${el.tagName.toLowerCase()}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''} "${((el as HTMLInputElement).value ?? el.textContent ?? '').trim().slice(0, 30)}"`;
		const boxes: { el: Element; r: DOMRect }[] = [];
		const ctx = document.createElement('canvas').getContext('2d')!;
		for (const el of root.querySelectorAll('*')) {
			if (!visible(el)) continue;
			const control = el.matches('input[type=text], select, button, textarea');
			const leafText = !control && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()) && !el.closest('button, select');
			if (!control && !leafText) continue;
			// text boxes: leaf text measured by its own range (a block's box is wider than its words)
			let r = el.getBoundingClientRect();
			if (leafText) {
				const range = document.createRange();
				range.selectNodeContents(el);
				r = range.getBoundingClientRect();
			}
			boxes.push({ el, r });
			const s = getComputedStyle(el);
			if (el.matches('input[type=text]')) {
				const input = el as HTMLInputElement;
				if (input.value && input.scrollWidth > input.clientWidth + 1) out.push({ kind: 'clipped', what: name(el) });
			} else if (el.matches('select')) {
				const sel = el as HTMLSelectElement;
				ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
				const text = sel.selectedOptions[0]?.textContent ?? '';
				const room = sel.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 14;
				if (text && ctx.measureText(text).width > room + 1) out.push({ kind: 'clipped', what: name(el) });
			} else if (leafText && (s.overflow === 'hidden' || s.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute('title')) {
				out.push({ kind: 'clipped', what: name(el) });
			}
		}
		for (let i = 0; i < boxes.length; i++)
			for (let j = i + 1; j < boxes.length; j++) {
				const a = boxes[i];
				const b = boxes[j];
				if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
				const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
				const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
				if (w > 1 && h > 1) out.push({ kind: 'overlap', what: `${name(a.el)} × ${name(b.el)}` });
			}
		return out;
	});
}

async function open(page: Page, example: string) {
	await page.goto(`/?example=${example}`);
	await canvasReady(page);
}

for (const width of [1280, 1440, 1920]) {
	test(`every property panel is legible at ${width} px`, async ({ page }) => {
		// many panels in one test: on a shared machine that takes a while
		test.setTimeout(120_000);
		await page.setViewportSize({ width, height: 900 });
		const problems = watchConsole(page);
		const panel = page.getByTestId('details');
		const cases: [string, string[]][] = [
			['three-tier-web', ['edge', 'fw', 'web1']],
			['home-lab', ['hv', 'devbox', 'home-router', 'home-sw']],
			['vlan-campus', []],
			['ha-vrrp', []]
		];
		for (const [example, wanted] of cases) {
			await open(page, example);
			const ids = wanted.length
				? wanted
				: await page.evaluate(() =>
						(window as unknown as { __vnet_cy: { nodes(s: string): { map<T>(f: (n: { id(): string }) => T): T[] } } }).__vnet_cy
							.nodes(':childless')
							.map((n) => n.id())
							.filter((id) => !id.startsWith('seg:') && !id.startsWith('__'))
							.slice(0, 4)
					);
			for (const id of ids) {
				if (!(await page.evaluate((nid) => (window as unknown as { __vnet_cy: { $id(i: string): { length: number } } }).__vnet_cy.$id(nid).length, id))) continue;
				await clickNode(page, id);
				await expect(page.getByTestId('node-props')).toBeVisible();
				expect(await layoutProblems(panel), `${example} ${id} at ${width}`).toEqual([]);
			}
		}
		// the rules table with long CIDRs in from/to: whole values (the line wraps) and no overlap
		await open(page, 'three-tier-web');
		await clickNode(page, 'fw');
		const rules = page.getByTestId('table-nodes.fw.rules');
		await expect(rules).toBeVisible();
		for (const [field, value] of [
			['from of rule 2', '198.51.100.128/25'],
			['to of rule 2', '203.0.113.240/28']
		]) {
			const input = rules.getByRole('textbox', { name: field, exact: true });
			await input.fill(value);
			await input.press('Enter');
			await expect(input).toHaveValue(value);
		}
		await rules.scrollIntoViewIfNeeded();
		expect(await layoutProblems(rules), `fw rules at ${width}`).toEqual([]);
		if (width === 1280) {
			await open(page, 'three-tier-web');
			await clickNode(page, 'edge');
			await page.locator('#sec-nat').scrollIntoViewIfNeeded();
			await page.screenshot({ path: 'test-results/panels-1280-edge.png' });
			await clickNode(page, 'fw');
			await page.locator('#sec-rules').scrollIntoViewIfNeeded();
			await page.screenshot({ path: 'test-results/panels-1280-fw.png' });
		}
		expect(problems).toEqual([]);
	});
}

test('Attach NAT → Bridged keeps the design valid: dhcp goes (listed), an address on the uplink LAN is proposed, one undo', async ({ page }) => {
	const problems = watchConsole(page);
	await open(page, 'home-lab');
	await clickNode(page, 'devbox');
	const card = page.getByTestId('node-props').getByTestId('iface-eth0');
	await card.getByRole('combobox', { name: 'Attach' }).selectOption('bridged');
	await expect(page.getByTestId('props-invalid')).toHaveCount(0);
	await expect(card.getByTestId('edit-notice')).toContainText('removed eth0 dhcp');
	await expect(card.getByRole('checkbox', { name: 'DHCP' })).not.toBeChecked();
	const ask = card.getByTestId('bridged-address');
	await expect(ask).toContainText('192.168.1.0/24');
	await ask.getByRole('button', { name: /^use / }).click();
	await expect(card.getByRole('textbox', { name: 'IP address' })).toHaveValue(/^192\.168\.1\.\d+\/24$/);
	await expect(ask).toHaveCount(0);
	// undo twice: the address, then the whole change of attachment (dhcp back)
	await page.keyboard.press('Control+z');
	await page.keyboard.press('Control+z');
	await expect(card.getByRole('combobox', { name: 'Attach' })).toHaveValue('nat');
	await expect(card.getByRole('checkbox', { name: 'DHCP' })).toBeChecked();
	expect(problems).toEqual([]);
});

test('changing a kind keeps what the new kind takes and says what went', async ({ page }) => {
	await open(page, 'three-tier-web');
	await clickNode(page, 'edge');
	const props = page.getByTestId('node-props');
	await props.getByRole('combobox', { name: 'Kind' }).selectOption('router');
	await expect(page.getByTestId('props-invalid')).toHaveCount(0);
	await expect(props.getByTestId('kind-notice')).toContainText('nat');
	await expect(props.getByRole('combobox', { name: 'Kind' })).toHaveValue('router');
	// an edit that stays a format error is refused at the field with the reason
	await props.getByRole('textbox', { name: 'MTU' }).first().fill('20');
	await props.getByRole('textbox', { name: 'MTU' }).first().press('Enter');
	await expect(props.getByRole('alert').first()).toContainText('68');
});

test('the side panel is resizable and remembers its width', async ({ page }) => {
	await open(page, 'three-tier-web');
	const side = page.getByTestId('side-resizer');
	const box = (await side.boundingBox())!;
	const before = (await page.getByTestId('details').boundingBox())!.width;
	await page.mouse.move(box.x + box.width / 2, box.y + 200);
	await page.mouse.down();
	await page.mouse.move(box.x - 120, box.y + 200, { steps: 6 });
	await page.mouse.up();
	await expect.poll(async () => (await page.getByTestId('details').boundingBox())!.width).toBeGreaterThan(before + 100);
	const after = (await page.getByTestId('details').boundingBox())!.width;
	await page.reload();
	await canvasReady(page);
	expect(Math.abs((await page.getByTestId('details').boundingBox())!.width - after)).toBeLessThan(3);
});

test('Add rows propose from the design: a gateway forward on the outside interface to an existing inside address', async ({ page }) => {
	await open(page, 'three-tier-web');
	await clickNode(page, 'edge');
	const table = page.getByTestId('table-nodes.edge.nat.forwards');
	// the node's editor may still be loading (it is not part of the first download)
	await expect(table).toBeVisible();
	const before = await table.locator('.row:not(.head)').count();
	await table.getByRole('button', { name: '+ Add forward' }).click();
	await expect(table.locator('.row:not(.head)')).toHaveCount(before + 1);
	const row = table.locator('.row:not(.head)').last();
	await expect(row.getByRole('textbox', { name: /^In of forward/ })).toHaveValue('wan');
	await expect(row.getByRole('textbox', { name: /^To of forward/ })).toHaveValue(/^10\.18\.\d+\.\d+:\d+$/);
	await expect(page.getByTestId('props-invalid')).toHaveCount(0);
});

test('ten nodes added by clicking the palette land in free space, none on another', async ({ page }) => {
	await open(page, 'home-lab');
	const kinds = ['Host', 'VM', 'Container', 'Switch', 'Router', 'Firewall', 'Host', 'VM', 'Switch', 'Router'];
	for (const k of kinds) await page.getByRole('button', { name: `Add ${k}`, exact: true }).click();
	type Bb = { x1: number; y1: number; x2: number; y2: number };
	const boxes = await page.evaluate(() => {
		const cy = (window as unknown as { __vnet_cy: { nodes(s: string): { map<T>(f: (n: { id(): string; isParent(): boolean; parent(): { length: number }; boundingBox(o: object): Bb }) => T): T[] } } }).__vnet_cy;
		return cy
			.nodes(':childless')
			.map((n) => ({ id: n.id(), guest: n.parent().length > 0, box: n.boundingBox({ includeLabels: true, includeOverlays: false }) }))
			.filter((n) => !n.id.startsWith('seg:') && !n.id.startsWith('__'));
	});
	expect(boxes.length).toBeGreaterThanOrEqual(kinds.length);
	// a clicked VM or container is not put into a hypervisor
	const added = boxes.slice(-kinds.length);
	expect(added.filter((b) => b.guest)).toEqual([]);
	const overlaps: string[] = [];
	for (const a of added)
		for (const b of boxes)
			if (a.id !== b.id && a.box.x1 < b.box.x2 && b.box.x1 < a.box.x2 && a.box.y1 < b.box.y2 && b.box.y1 < a.box.y2) overlaps.push(`${a.id} × ${b.id}`);
	expect(overlaps).toEqual([]);
});

test('the probe form names nodes by their labels, the id beside', async ({ page }) => {
	await open(page, 'home-lab');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	const from = page.getByRole('combobox', { name: 'Source node' });
	await expect(from.locator('option[value="devbox"]')).toHaveText('Dev box (NAT) (devbox)');
	await from.selectOption('devbox');
	await expect(from).toHaveValue('devbox');
});

test('a probe result is marked stale when the form or the design changes, with Re-run', async ({ page }) => {
	test.setTimeout(90_000);
	await open(page, 'three-tier-web');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	const form = page.getByTestId('probe-form');
	await form.getByLabel('Source node').selectOption('isp');
	await form.getByLabel('Destination node or address').fill('web1');
	await form.getByRole('radio', { name: 'TCP' }).click();
	await form.getByLabel('Destination port').fill('443');
	await form.getByRole('button', { name: /send probe/i }).click();
	const verdict = page.getByTestId('sim-verdict');
	await expect(verdict).toBeVisible();
	const stale = page.getByTestId('probe-stale');
	await expect(stale).toHaveCount(0);
	// the form asks another question: the result is stale, not silently shown as the answer
	await form.getByRole('radio', { name: 'ICMP' }).click();
	await expect(stale).toContainText('form');
	await stale.getByRole('button', { name: 'Re-run' }).click();
	await expect(stale).toHaveCount(0);
	// an edit of the design: stale, and nothing re-runs until asked
	await page.getByRole('tab', { name: 'Properties' }).click();
	await clickNode(page, 'web1');
	await page.getByTestId('node-props').getByRole('textbox', { name: 'Label' }).fill('Front');
	await page.getByTestId('node-props').getByRole('textbox', { name: 'Label' }).press('Enter');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	await expect(stale).toContainText('design changed');
	await stale.getByRole('button', { name: 'Re-run' }).click();
	await expect(stale).toHaveCount(0);
});

test('the properties name other nodes by their labels, the id in the tooltip: cable peers, Runs on, a cable', async ({ page }) => {
	await open(page, 'home-lab');
	await clickNode(page, 'laptop');
	const peer = page.getByTestId('node-props').getByTestId('iface-eth0').getByRole('button', { name: /^→/ });
	await expect(peer).toHaveText('→ Home switch · p2');
	await expect(peer).toHaveAttribute('title', /home-sw\.p2/);
	await clickNode(page, 'devbox');
	await expect(page.getByRole('combobox', { name: 'Runs on' }).locator('option[value="hv"]')).toHaveText('Lab server (hypervisor) (hv)');
});

/** Cells of the tables in a panel whose content is wider than the cell (cut or spilling), and tables wider than their panel. */
async function clippedCells(root: Locator): Promise<string[]> {
	return root.evaluate((el) => {
		const out: string[] = [];
		for (const cell of el.querySelectorAll('td, th')) {
			const c = cell as HTMLElement;
			if (c.offsetParent === null) continue;
			if (c.scrollWidth > c.clientWidth + 1) out.push(`cell "${c.textContent!.trim().slice(0, 40)}" ${c.scrollWidth} > ${c.clientWidth}`);
		}
		const right = el.getBoundingClientRect().right;
		for (const t of el.querySelectorAll('table')) if (t.getBoundingClientRect().right > right + 1) out.push(`table "${t.getAttribute('data-testid') ?? t.className}" wider than the panel`);
		return out;
	});
}

test('the Simulate hop table and the Scenarios tables show whole values at 1280 px', async ({ page }) => {
	test.setTimeout(120_000);
	await page.setViewportSize({ width: 1280, height: 900 });
	// a trace whose last hop is "frag. needed" (a jumbo frame with DF towards a 1500-byte link)
	await open(page, 'jumbo-storage');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	const form = page.getByTestId('probe-form');
	await form.getByLabel('Source node').selectOption('nas');
	await form.getByLabel('Destination node or address').fill('dr-nas');
	await form.getByRole('radio', { name: 'ICMP' }).click();
	await form.locator('button.more').click();
	await form.getByLabel('Payload size in bytes').fill('8000');
	await form.getByLabel("Don't fragment").check();
	await form.getByTestId('send-probe').click();
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'FRAGMENTATION_NEEDED');
	const events = page.getByTestId('sim-events');
	await expect(events.locator('tbody tr[data-step]').first()).toBeVisible();
	await page.screenshot({ path: 'test-results/panels-1280-hops.png' });
	expect(await clippedCells(page.getByTestId('simulate-panel'))).toEqual([]);

	await open(page, 'ha-vrrp');
	await page.getByRole('tab', { name: 'Scenarios' }).click();
	const panel = page.getByTestId('scenario-panel');
	await expect(panel).toHaveAttribute('data-worker', 'ready');
	await page.getByTestId('scenario-run').click();
	await expect(panel).toHaveAttribute('data-state', 'done');
	await page.getByTestId('scenario-failover').scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/panels-1280-scenario.png' });
	expect(await clippedCells(panel)).toEqual([]);
});
