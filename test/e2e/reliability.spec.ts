// Issue 17 in the app: a recursive YAML alias opened from a file is a located
// error and the page goes on working; a containerlab lab of network OS nodes
// (an f5_bigip-ve with ports `1.1`, a sonic-vs) imports and is drawn.
import { expect, test, type Page } from '@playwright/test';

async function open(page: Page, name: string, text: string) {
	await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/yaml', buffer: Buffer.from(text) });
}

test('a recursive alias is an error at its line:col, and the page still opens the next file', async ({ page }) => {
	await page.goto('/?example=three-tier-web');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await open(page, 'loop.vnet.yaml', 'vnet: 1\nname: &n [*n]\nnodes: {}\n');
	await expect(page.getByTestId('error-view')).toBeVisible();
	await expect(page.getByTestId('error-list').locator('li').first()).toContainText('2:11');
	await expect(page.getByTestId('error-list').locator('li').first()).toContainText('inside its own anchor');
	await open(page, 'pair.vnet.yaml', 'vnet: 1\nname: pair\nnodes:\n  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }\n  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }\nlinks:\n  - { a: a.eth0, b: b.eth0 }\n');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '2');
});

test('a lab of network OS nodes (f5_bigip-ve ports 1.1, sonic-vs) imports with its renames listed', async ({ page }) => {
	await page.goto('/?example=three-tier-web');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	const lab =
		'name: f5\ntopology:\n  nodes:\n    f5: {kind: f5_bigip-ve, image: "vrnetlab/f5_bigip-ve:17.1"}\n    sw: {kind: sonic-vs}\n    h: {kind: linux}\n' +
		'  links:\n    - endpoints: ["f5:1.1", "sw:eth1"]\n    - endpoints: ["f5:1.2", "h:eth1"]\n';
	await open(page, 'f5.clab.yml', lab);
	const report = page.getByTestId('import-report');
	await expect(report).toContainText('"1.1 → e11"');
	await expect(report).toContainText('SONiC port names');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '3');
});
