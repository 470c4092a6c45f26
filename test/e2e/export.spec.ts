// Issue #8 in the app: the Export menu (every format, checked by content),
// importing a containerlab lab with its warnings, share links, pcap downloads.
import { expect, test, type Download, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.resolve(root, 'test/fixtures/containerlab');

type CyWindow = Window & { __vnet_cy?: { nodes(sel?: string): { map<T>(f: (n: { id(): string }) => T): T[] } } };

function watchConsole(page: Page): string[] {
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));
	return problems;
}

async function bytes(d: Download): Promise<Buffer> {
	return readFileSync((await d.path())!);
}

async function exportItem(page: Page, testid: string, count = 1): Promise<Download[]> {
	await page.getByTestId('export-menu').click();
	const downloads: Download[] = [];
	const got = new Promise<void>((resolve) => {
		page.on('download', function on(d) {
			downloads.push(d);
			if (downloads.length === count) {
				page.off('download', on);
				resolve();
			}
		});
	});
	await page.getByTestId(testid).click();
	await got;
	return downloads;
}

async function nodeIds(page: Page): Promise<string[]> {
	return page.evaluate(() => (window as CyWindow).__vnet_cy!.nodes('[kind]').map((n) => n.id()).sort());
}

async function open(page: Page, example: string) {
	await page.goto(`/?example=${example}`);
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
}

test('Export menu: containerlab, GNS3, DOT, Mermaid, SVG and PNG downloads with the right content', async ({ page }) => {
	const problems = watchConsole(page);
	await open(page, 'three-tier-web');

	const [yml, ann] = await exportItem(page, 'export-clab', 2);
	expect(yml.suggestedFilename()).toMatch(/\.clab\.yml$/);
	const yaml = (await bytes(yml)).toString('utf8');
	expect(yaml).toMatch(/^topology:/m);
	expect(yaml).toMatch(/^ {2}nodes:/m);
	expect(yaml).toContain('web');
	expect(ann.suggestedFilename()).toMatch(/\.clab\.yml\.annotations\.json$/);
	expect(JSON.parse((await bytes(ann)).toString('utf8'))).toHaveProperty('nodeAnnotations');
	// what containerlab cannot express is listed, not dropped
	await expect(page.getByTestId('export-notes')).toContainText('.clab.yml');

	const [g] = await exportItem(page, 'export-gns3');
	expect(g.suggestedFilename()).toMatch(/\.gns3$/);
	const project = JSON.parse((await bytes(g)).toString('utf8'));
	expect(project.topology.nodes.length).toBeGreaterThan(0);

	const [d] = await exportItem(page, 'export-dot');
	expect((await bytes(d)).toString('utf8')).toMatch(/^\s*(\/\/[^\n]*\n\s*)*(strict\s+)?(di)?graph\b/);

	const [m] = await exportItem(page, 'export-mermaid');
	expect((await bytes(m)).toString('utf8')).toMatch(/(flowchart|graph)\s+(LR|TB|TD|RL|BT)/);

	const [s] = await exportItem(page, 'export-svg');
	const svg = (await bytes(s)).toString('utf8');
	await s.saveAs('test-results/export-canvas.svg');
	const parsed = await page.evaluate((text) => {
		const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
		return { error: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.nodeName, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''), images: doc.querySelectorAll('image').length };
	}, svg);
	expect(parsed.error).toBe(0);
	expect(parsed.root).toBe('svg');
	expect(parsed.texts.join(' ')).toContain('web');
	expect(parsed.images).toBeGreaterThan(0);

	const [p] = await exportItem(page, 'export-png');
	const png = await bytes(p);
	expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	expect(png.length).toBeGreaterThan(2000);
	expect(problems).toEqual([]);
});

test('Import: a containerlab lab (with its annotations) opens as a new document, drawn, every warning listed', async ({ page }) => {
	const problems = watchConsole(page);
	await open(page, 'three-tier-web');
	await page.getByTestId('file-input').setInputFiles([path.join(FIXTURES, 'srl-frr.clab.yml'), path.join(FIXTURES, 'srl-frr.clab.yml.annotations.json')]);
	const report = page.getByTestId('import-report');
	await expect(report).toContainText('Imported srl-frr.clab.yml as srl-frr.vnet.yaml');
	await expect(report.getByTestId('import-warning')).toHaveCount(6);
	await expect(report).toContainText('nokia_srlinux');
	// text only: a command from the file is shown as text, never markup
	await expect(report).toContainText('echo ready > /tmp/ready');
	await expect(page.getByTestId('doc-tab').filter({ hasText: 'srl-frr.vnet.yaml' })).toHaveCount(1);
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await expect.poll(() => nodeIds(page)).toEqual(expect.arrayContaining(['leaf1', 'leaf2', 'client2']));
	await report.getByRole('button', { name: 'Dismiss the import report' }).click();
	await expect(report).toHaveCount(0);
	expect(problems).toEqual([]);
});

test('Share: Copy link carries the design; the link opens it as a new unsaved document', async ({ page, context }) => {
	await open(page, 'three-tier-web');
	const before = await nodeIds(page);
	await page.getByTestId('export-menu').click();
	await page.getByTestId('copy-link').click();
	const url = await page.getByTestId('share-url').inputValue();
	expect(url).toMatch(/#doc=[A-Za-z0-9_-]+$/);
	expect(url.length).toBeLessThan(60_000);

	const other = await context.newPage();
	await other.goto(url);
	await expect(other.getByTestId('doc-tab').filter({ hasText: 'shared.vnet.yaml' })).toHaveCount(1);
	await expect(other.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await expect.poll(() => nodeIds(other)).toEqual(before);
	await expect.poll(() => other.evaluate(() => location.hash)).toBe('');
	await other.close();
});

test('pcap: the probe result downloads a capture of its frames', async ({ page }) => {
	await open(page, 'three-tier-web');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	await expect(page.getByTestId('simulate-panel')).toHaveAttribute('data-worker', 'ready');
	const form = page.getByTestId('probe-form');
	await form.getByLabel('Source node').selectOption('isp');
	await form.getByLabel('Destination node or address').fill('edge');
	await form.getByRole('radio', { name: 'TCP' }).click();
	await form.getByLabel('Destination port').fill('443');
	await form.getByTestId('send-probe').click();
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DELIVERED');
	const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('probe-pcap').click()]);
	expect(d.suggestedFilename()).toMatch(/\.pcap$/);
	const b = await bytes(d);
	expect(b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d).toBe(true);
	expect(b.length).toBeGreaterThan(24 + 16);
});

test('pcap: a scenario result downloads the first packet of each flow', async ({ page }) => {
	await open(page, 'ha-vrrp');
	await page.getByRole('tab', { name: 'Scenarios' }).click();
	const panel = page.getByTestId('scenario-panel');
	await expect(panel).toHaveAttribute('data-worker', 'ready');
	await page.getByTestId('scenario-run').click();
	await expect(panel).toHaveAttribute('data-state', 'done');
	const button = page.getByTestId('scenario-pcap');
	await expect(button).toHaveAttribute('title', /first packet of each flow/);
	const [d] = await Promise.all([page.waitForEvent('download'), button.click()]);
	const b = await bytes(d);
	expect(b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d).toBe(true);
	expect(b.length).toBeGreaterThan(24 + 16);
});
