import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
	canvasReady,
	clickNode,
	dropKind,
	freshApp,
	nodeIds,
	parentOf,
	selectField,
	setField,
	watchConsole,
	wire,
	yamlText
} from './editor-helpers';

test.describe.configure({ mode: 'serial' });

test('build the NAT vs bridged home lab from an empty canvas, save, undo/redo, recover after a reload, edit the YAML', async ({ page }) => {
	test.setTimeout(90_000);
	const problems = watchConsole(page);
	page.on('dialog', (d) => void d.accept()); // "leave with unsaved changes?" on reload
	await freshApp(page);

	// a new, empty document
	await page.getByRole('button', { name: 'New document' }).click();
	const canvas = await canvasReady(page);
	await expect(canvas).toHaveAttribute('data-nodes', '0');
	await page.screenshot({ path: 'test-results/editor-empty.png' });

	// place the internet, a router, a switch and a hypervisor by dragging from the palette
	await dropKind(page, 'Internet', 330, 120);
	await dropKind(page, 'Router', 330, 260);
	await dropKind(page, 'Switch', 330, 400);
	await dropKind(page, 'Hypervisor', 330, 560);
	await expect(canvas).toHaveAttribute('data-nodes', '4');
	expect(await nodeIds(page)).toEqual(['hv1', 'internet1', 'r1', 'sw1']);

	// two VMs dropped onto the hypervisor run on it
	await dropKind(page, 'VM', 330, 565);
	await expect(canvas).toHaveAttribute('data-nodes', '5');
	await expect.poll(() => parentOf(page, 'vm1')).toBe('hv1');
	const hvBox = await page.evaluate(() => {
		const cy = (window as unknown as { __vnet_cy: { $id(id: string): { renderedBoundingBox(): { x1: number; x2: number; y1: number; y2: number } } } }).__vnet_cy;
		return cy.$id('hv1').renderedBoundingBox();
	});
	await dropKind(page, 'VM', Math.round(hvBox.x2 - 20), Math.round((hvBox.y1 + hvBox.y2) / 2));
	await expect(canvas).toHaveAttribute('data-nodes', '6');
	await expect.poll(() => parentOf(page, 'vm2')).toBe('hv1');

	// wire them with the wire tool (C): the next free interface on each side
	await page.keyboard.press('Escape');
	await page.keyboard.press('c');
	await wire(page, 'internet1', 'r1');
	await wire(page, 'r1', 'sw1');
	await wire(page, 'hv1', 'sw1');
	await expect(canvas).toHaveAttribute('data-edges', '3');
	await page.keyboard.press('v');
	let text = await yamlText(page);
	expect(text).toContain('- { a: internet1.eth0, b: r1.eth0 }');
	expect(text).toContain('- { a: r1.eth1, b: sw1.p1 }');
	expect(text).toContain('- { a: hv1.eth0, b: sw1.p2 }');

	// addresses and attachment modes in the properties panel
	await clickNode(page, 'internet1');
	await setField(page, 'nodes.internet1.interfaces.eth0.ip', '198.51.100.1/24');
	await clickNode(page, 'r1');
	await setField(page, 'nodes.r1.interfaces.eth0.ip', '198.51.100.2/24');
	await setField(page, 'nodes.r1.interfaces.eth0.gateway', '198.51.100.1');
	await setField(page, 'nodes.r1.interfaces.eth1.ip', '192.168.1.1/24');
	await clickNode(page, 'hv1');
	await setField(page, 'nodes.hv1.interfaces.eth0.ip', '192.168.1.10/24');
	await setField(page, 'nodes.hv1.interfaces.eth0.gateway', '192.168.1.1');

	// vm1 stays on the hypervisor's NAT network (DHCP); vm2 is bridged onto the LAN
	await clickNode(page, 'vm2');
	await page.getByTestId('field-nodes.vm2.interfaces.eth0.dhcp').locator('input').uncheck();
	await selectField(page, 'nodes.vm2.interfaces.eth0.attach', 'bridged');
	await setField(page, 'nodes.vm2.interfaces.eth0.ip', '192.168.1.50/24');
	await setField(page, 'nodes.vm2.interfaces.eth0.gateway', '192.168.1.1');

	// an invalid value is marked with the schema's message and not written
	const ip = page.getByTestId('field-nodes.vm2.interfaces.eth0.gateway').locator('input');
	await ip.fill('192.168.1.300');
	await expect(page.getByTestId('field-nodes.vm2.interfaces.eth0.gateway').getByRole('alert')).toBeVisible();
	await ip.press('Escape');
	await expect(ip).toHaveValue('192.168.1.1');
	await page.screenshot({ path: 'test-results/editor-home-lab.png' });

	// the canvas shows the attachment modes and the hypervisor's segments
	await expect.poll(() => page.evaluate(() => (window as unknown as { __vnet_cy: { nodes(s: string): { length: number } } }).__vnet_cy.nodes('.segment').length)).toBe(2);

	// save (a download), then save as under a name
	const [first] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save').click()]);
	expect(first.suggestedFilename()).toBe('untitled-1.vnet.yaml');
	await page.getByRole('button', { name: 'Save as…' }).click();
	await page.getByRole('dialog', { name: 'Save as' }).getByLabel('File name').fill('home-lab-built');
	const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('dialog', { name: 'Save as' }).getByRole('button', { name: 'Save' }).click()]);
	expect(saved.suggestedFilename()).toBe('home-lab-built.vnet.yaml');
	const file = readFileSync((await saved.path())!, 'utf8');
	const doc = parse(file);
	expect(Object.keys(doc.nodes).sort()).toEqual(['hv1', 'internet1', 'r1', 'sw1', 'vm1', 'vm2']);
	expect(doc.nodes.vm1).toMatchObject({ kind: 'vm', on: 'hv1', interfaces: { eth0: { dhcp: true, attach: 'nat' } } });
	expect(doc.nodes.vm2).toMatchObject({ kind: 'vm', on: 'hv1', interfaces: { eth0: { ip: '192.168.1.50/24', gateway: '192.168.1.1', attach: 'bridged' } } });
	expect(doc.nodes.r1.interfaces).toEqual({ eth0: { ip: '198.51.100.2/24', gateway: '198.51.100.1' }, eth1: { ip: '192.168.1.1/24' } });
	expect(doc.links).toEqual([
		{ a: 'internet1.eth0', b: 'r1.eth0' },
		{ a: 'r1.eth1', b: 'sw1.p1' },
		{ a: 'hv1.eth0', b: 'sw1.p2' }
	]);
	expect(doc.nodes.hv1.position).toEqual({ x: expect.any(Number), y: expect.any(Number) });
	await expect(page.getByTestId('doc-tab').filter({ hasText: 'home-lab-built.vnet.yaml' })).toBeVisible();

	// undo / redo with the keyboard, across property edits
	await page.locator('body').click({ position: { x: 2, y: 300 } });
	await clickNode(page, 'vm2');
	const gw = page.getByTestId('field-nodes.vm2.interfaces.eth0.gateway').locator('input');
	await page.keyboard.press('Escape');
	await page.keyboard.press('Control+z');
	expect((await yamlText(page)).includes('gateway: 192.168.1.1, attach: bridged')).toBe(false);
	await page.keyboard.press('Control+Shift+z');
	await expect.poll(() => yamlText(page)).toContain('192.168.1.50/24');
	await clickNode(page, 'vm2');
	await expect(gw).toHaveValue('192.168.1.1');

	// an unsaved change, then a reload: the tab comes back as it was, unsaved (nothing to accept)
	await clickNode(page, 'r1');
	await setField(page, 'nodes.r1.label', 'Home router');
	await expect(page.getByTestId('doc-tab').filter({ hasText: 'home-lab-built' }).getByLabel('unsaved changes')).toBeVisible();
	const before = await yamlText(page);
	await expect(page.locator('.app')).toHaveAttribute('data-autosave', 'idle');
	await page.reload();
	await expect(page.getByTestId('restore')).toHaveCount(0);
	await expect(page.getByTestId('doc-tab').filter({ hasText: 'home-lab-built' }).getByLabel('unsaved changes')).toBeVisible();
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-topology', 'untitled-1');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '6');
	expect(await yamlText(page)).toBe(before);
	// with its undo history
	await page.keyboard.press('Control+z');
	await expect.poll(() => yamlText(page)).not.toContain('Home router');
	await page.keyboard.press('Control+Shift+z');
	await expect.poll(() => yamlText(page)).toContain('Home router');
	await page.screenshot({ path: 'test-results/editor-restored.png' });

	// edit the YAML: the canvas follows
	const nodesLine = page.locator('[data-testid=yaml-view] .cm-line', { hasText: /^nodes:$/ });
	await nodesLine.click();
	await page.keyboard.press('End');
	await page.keyboard.press('Enter');
	await page.keyboard.insertText('  laptop: { kind: host, interfaces: { eth0: { ip: 192.168.1.20/24 } } }');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '7');
	text = await yamlText(page);
	expect(text).toMatch(/^nodes:\n {2}laptop: \{ kind: host/m);

	// a YAML error is marked; the drawing keeps the last valid state
	await page.keyboard.insertText(' oops: [');
	await expect(page.getByTestId('stale-banner')).toBeVisible();
	await expect(page.locator('[data-testid=yaml-view] .cm-lint-marker-error').first()).toBeVisible();
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '7');
	await page.screenshot({ path: 'test-results/editor-yaml-error.png' });
	for (let i = 0; i < ' oops: ['.length; i++) await page.keyboard.press('Backspace');
	await expect(page.getByTestId('stale-banner')).toHaveCount(0);

	// a canvas edit keeps the comment-free file tidy and the YAML view in step
	await page.locator('body').click({ position: { x: 2, y: 300 } });
	await clickNode(page, 'laptop');
	await page.keyboard.press('Delete');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '6');
	await expect.poll(() => yamlText(page)).not.toContain('laptop');
	expect(problems).toEqual([]);
});
