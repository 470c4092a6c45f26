import { expect, test, type Page } from '@playwright/test';

type CyWindow = Window & {
	__vnet_cy?: {
		nodes(): { length: number; map<T>(f: (n: { id(): string }) => T): T[] };
		edges(): { length: number };
		$id(id: string): { position(): { x: number; y: number }; renderedPosition(): { x: number; y: number } };
	};
};

function watchConsole(page: Page): string[] {
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));
	return problems;
}

async function openDefault(page: Page) {
	await page.goto('/');
	const canvas = page.getByTestId('canvas');
	await expect(canvas).toHaveAttribute('data-ready', 'true');
	return canvas;
}

const BROKEN = `# a typo in a kind
vnet: 1
name: broken
nodes:
  r1:
    kind: rooter
    interfaces:
      eth0: { ip: 10.0.0.1/24 }
links: []
`;

test('draws the default example on the canvas', async ({ page }) => {
	const problems = watchConsole(page);
	const canvas = await openDefault(page);

	await expect(page.getByRole('heading', { name: 'vnet', level: 1 })).toBeVisible();
	await expect(page.getByTestId('doc-title')).toContainText('three-tier-web');
	await expect(canvas).toHaveAttribute('data-nodes', '6');
	await expect(canvas).toHaveAttribute('data-edges', '5');

	const drawn = await page.evaluate(() => {
		const cy = (window as CyWindow).__vnet_cy!;
		return {
			nodes: cy.nodes().map((n) => n.id()).sort(),
			edges: cy.edges().length,
			isp: cy.$id('isp').position()
		};
	});
	expect(drawn.nodes).toEqual(['app1', 'db1', 'edge', 'fw', 'isp', 'web1']);
	expect(drawn.edges).toBe(5);
	expect(drawn.isp).toEqual({ x: 360, y: 0 }); // position from the file

	// the gallery lists the example
	const picker = page.getByRole('combobox', { name: 'Open an example topology' });
	await expect(picker).toHaveValue('three-tier-web');

	// clicking a node shows its details
	const box = (await canvas.boundingBox())!;
	const at = await page.evaluate(() => (window as CyWindow).__vnet_cy!.$id('fw').renderedPosition());
	await page.mouse.click(box.x + at.x, box.y + at.y);
	const details = page.getByTestId('details');
	await expect(details.getByRole('heading', { name: 'Tier firewall' })).toBeVisible();
	await expect(details).toContainText('firewall');
	// its address, in the editable field of its interface
	await expect(details.getByTestId('field-nodes.fw.interfaces.outside.ip').locator('input')).toHaveValue('10.18.0.2/24');

	await page.screenshot({ path: 'test-results/app.png' });
	expect(problems).toEqual([]);
});

test('a broken file shows its errors with line and column, and the text', async ({ page }) => {
	const problems = watchConsole(page);
	await openDefault(page);

	await page.getByTestId('file-input').setInputFiles({
		name: 'broken.vnet.yaml',
		mimeType: 'application/yaml',
		buffer: Buffer.from(BROKEN)
	});

	const view = page.getByTestId('error-view');
	await expect(view).toBeVisible();
	await expect(view).toContainText('broken.vnet.yaml');
	const item = page.getByTestId('error-list').locator('li[data-line="6"]').first();
	await expect(item).toBeVisible();
	await expect(item).toContainText(/6:\d+/);
	await expect(item).toContainText('nodes.r1.kind');
	// the file's own text is shown, with the faulty line marked
	await expect(view.locator('#src-line-6')).toContainText('kind: rooter');
	await expect(view.locator('#src-line-6')).toHaveClass(/bad/);
	await expect(view.locator('#src-line-8')).toContainText('10.0.0.1/24');
	await page.screenshot({ path: 'test-results/app-errors.png' });

	// going back redraws the previous topology
	await page.getByRole('button', { name: /Back to three-tier-web/ }).click();
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '6');
	expect(problems).toEqual([]);
});

test('a YAML syntax error is located too', async ({ page }) => {
	await openDefault(page);
	await page.getByTestId('file-input').setInputFiles({
		name: 'syntax.vnet.yaml',
		mimeType: 'application/yaml',
		buffer: Buffer.from('vnet: 1\nname: x\nnodes:\n  a: { kind: host\n')
	});
	await expect(page.getByTestId('error-view')).toBeVisible();
	await expect(page.getByTestId('error-list').locator('li').first()).toContainText(/\d+:\d+/);
});

test('dropping a file opens it; a link to a missing node is an error', async ({ page }) => {
	await openDefault(page);
	const text = 'vnet: 1\nname: ghost\nnodes:\n  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }\nlinks:\n  - { a: a.eth0, b: ghost.eth0 }\n';
	await page.evaluate((content) => {
		const dt = new DataTransfer();
		dt.items.add(new File([content], 'ghost.vnet.yaml', { type: 'application/yaml' }));
		for (const type of ['dragenter', 'dragover', 'drop']) {
			document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
		}
	}, text);
	const view = page.getByTestId('error-view');
	await expect(view).toContainText('ghost.vnet.yaml');
	const item = page.getByTestId('error-list').locator('li[data-line="6"]').first();
	await expect(item).toContainText(/6:\d+/);
	await expect(item).toContainText('ghost');
	await expect(page.locator('.drop')).toHaveCount(0); // the drop overlay is gone

	// a valid dropped file is drawn, and the gallery shows it is the user's file
	const ok = 'vnet: 1\nname: pair\nnodes:\n  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }\n  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }\nlinks:\n  - { a: a.eth0, b: b.eth0 }\n';
	await page.getByTestId('file-input').setInputFiles({ name: 'pair.vnet.yaml', mimeType: 'application/yaml', buffer: Buffer.from(ok) });
	const canvas = page.getByTestId('canvas');
	await expect(canvas).toHaveAttribute('data-ready', 'true');
	await expect(canvas).toHaveAttribute('data-topology', 'pair');
	await expect(canvas).toHaveAttribute('data-nodes', '2');
	await expect(canvas).toHaveAttribute('data-edges', '1');

	// browsing the examples does not lose the user's file
	const picker = page.getByRole('combobox', { name: 'Open an example topology' });
	await picker.selectOption('three-tier-web');
	await expect(canvas).toHaveAttribute('data-topology', 'three-tier-web');
	await picker.selectOption({ label: 'pair.vnet.yaml' });
	await expect(canvas).toHaveAttribute('data-topology', 'pair');
	await expect(canvas).toHaveAttribute('data-nodes', '2');
});

test('every gallery example opens and draws', async ({ page }) => {
	const problems = watchConsole(page);
	await openDefault(page);
	const picker = page.getByRole('combobox', { name: 'Open an example topology' });
	const ids = await picker.locator('optgroup[label="Examples"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
	expect(ids).toContain('three-tier-web');
	for (const id of ids) {
		await picker.selectOption(id);
		// examples other than the default load on first use: wait until this one is the open tab
		await expect(page.locator('[data-testid=doc-tab].on').getByRole('tab'), id).toHaveAttribute('title', new RegExp(`^${id}\\.vnet\\.(ya?ml|json)$`));
		const canvas = page.getByTestId('canvas');
		await expect(canvas, id).toHaveAttribute('data-ready', 'true');
		expect(Number(await canvas.getAttribute('data-nodes')), id).toBeGreaterThan(1);
	}
	expect(problems).toEqual([]);
});
