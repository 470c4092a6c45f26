import { expect, test } from '@playwright/test';
import { canvasReady, clickNode, watchConsole } from './editor-helpers';

test('virtualbox-lab: product picker, VirtualBox attachment modes, NAT engines drawn', async ({ page }) => {
	const problems = watchConsole(page);
	await page.goto('/?example=virtualbox-lab');
	await canvasReady(page);

	// the hypervisor's product picker shows the product by its own name
	await clickNode(page, 'vbox');
	const props = page.getByTestId('node-props');
	const product = props.getByRole('combobox', { name: 'Product' });
	await expect(product).toHaveValue('virtualbox');
	await expect(product.locator('option:checked')).toHaveText('VirtualBox');
	const products = await product.locator('option').allTextContents();
	expect(products).toEqual(['Generic', 'VirtualBox', 'VMware Workstation', 'KVM / libvirt', 'QEMU', 'Hyper-V', 'Docker', 'Podman', 'LXC', 'VMware ESXi']);

	// a guest interface offers VirtualBox's modes under VirtualBox's names
	await clickNode(page, 'k8s1');
	const card = props.getByTestId('iface-eth0');
	const attach = card.getByRole('combobox', { name: 'Attach' });
	await expect(attach.locator('option:checked')).toHaveText('NAT Network');
	expect(await attach.locator('option').allTextContents()).toEqual([
		'cable (no attach)',
		'NAT',
		'NAT Network',
		'Bridged Adapter',
		'Host-only Adapter',
		'Internal Network',
		'Not attached'
	]);
	// NAT Network names its network, with VirtualBox's default as placeholder
	const network = card.getByRole('textbox', { name: 'Network' });
	await expect(network).toHaveValue('lab');
	await expect(network).toHaveAttribute('placeholder', 'NatNetwork');
	// plain NAT takes no network
	await clickNode(page, 'web1');
	await expect(props.getByTestId('iface-eth0').getByRole('combobox', { name: 'Attach' }).locator('option:checked')).toHaveText('NAT');
	await expect(props.getByTestId('iface-eth0').getByRole('textbox', { name: 'Network' })).toHaveCount(0);

	// the canvas draws a private NAT engine per NAT interface inside the hypervisor, and the shared NAT Network
	type Cy = { nodes(s: string): { map<T>(f: (n: { data(k: string): unknown }) => T): T[] } };
	const segments = () =>
		page.evaluate(() =>
			(window as unknown as { __vnet_cy: Cy }).__vnet_cy.nodes('.segment').map((n) => ({ label: n.data('label') as string, parent: n.data('parent') as string, engine: n.data('engine') === true }))
		);
	await expect.poll(async () => (await segments()).filter((s) => s.engine).length).toBe(2);
	const segs = await segments();
	expect(segs.filter((s) => s.engine).map((s) => s.label)).toEqual(['NAT engine 10.0.2.2', 'NAT engine 10.0.2.2']);
	expect(segs.map((s) => s.label)).toContain('NAT Network "lab" 10.0.9.0/24 · NAT .1');
	expect(segs.every((s) => s.parent === 'vbox')).toBe(true);

	await page.screenshot({ path: 'test-results/presets-virtualbox.png' });
	expect(problems).toEqual([]);
});
