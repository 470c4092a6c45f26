// A node's Config view in the browser: the build commands of the selected node and, after a
// probe, its tables as ip route / ip neigh / conntrack print them; Copy puts it all on the clipboard.
import { expect, test } from '@playwright/test';
import { clickNode, watchConsole, sendWebProbe } from './editor-helpers';

test('a firewall’s config: build commands, tables after the probe, copied', async ({ page, context }) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	const problems = watchConsole(page);
	await page.goto('/?example=three-tier-web');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');

	// a probe through the edge's port forward and the firewall
	await page.getByRole('tab', { name: 'Simulate' }).click();
	await expect(page.getByTestId('simulate-panel')).toHaveAttribute('data-worker', 'ready');
	await sendWebProbe(page);
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DELIVERED');

	// select the firewall and open its Config
	await page.getByRole('tab', { name: 'Properties' }).click();
	await clickNode(page, 'fw');
	const view = page.getByTestId('config-view');
	await view.locator('summary').click();
	const build = view.getByTestId('config-build');
	await expect(build).toContainText('# devices, vnet → Linux');
	await expect(build).toContainText('ip addr add 10.18.1.1/24 dev eth2');
	await expect(build).toContainText('ip route replace default via 10.18.0.1');
	await expect(build).toContainText('iptables -A FORWARD -p tcp --dport 443 -d 10.18.1.10 -j ACCEPT');

	const tables = view.getByTestId('config-tables');
	await expect(tables).toContainText('# after the probe isp → 198.51.100.2 tcp/443: DELIVERED');
	await expect(tables).toContainText('$ ip route');
	await expect(tables).toContainText('default via 10.18.0.1 dev eth1');
	await expect(tables).toContainText('10.18.1.0/24 dev eth2 proto kernel scope link src 10.18.1.1');
	await expect(tables).toContainText('$ ip neigh');
	await expect(tables).toContainText(/10\.18\.1\.10 dev eth2 lladdr [0-9a-f:]{17} REACHABLE/);
	await expect(tables).toContainText(/conntrack -L\s+tcp\s+6 431999 ESTABLISHED src=198\.51\.100\.1 dst=10\.18\.1\.10/);

	await view.getByTestId('config-copy').click();
	await expect(view.getByRole('status')).toHaveText('Copied');
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	expect(copied).toContain('iptables -A FORWARD -j DROP');
	expect(copied).toContain('$ ip route\ndefault via 10.18.0.1 dev eth1\n');
	expect(problems).toEqual([]);
});
