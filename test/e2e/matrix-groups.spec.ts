// Simulate ▸ Matrix ▸ Group by on the k8s-policies example: rows and columns
// grouped by a pod label with group headers, a group folded to one line of
// all / some / none summaries, a cell of the grouped table runs its probe.
import { expect as baseExpect, test } from '@playwright/test';

const expect = baseExpect.configure({ timeout: 60_000 });
test.describe.configure({ timeout: 180_000 });

test('the matrix grouped by namespace and by label, a group folded, a cell probed', async ({ page }) => {
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));
	await page.goto('/?example=k8s-policies');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	await expect(page.getByTestId('simulate-panel')).toHaveAttribute('data-worker', 'ready');
	await page.getByRole('tab', { name: 'Matrix' }).click();
	await page.getByRole('radio', { name: 'TCP' }).click();
	await page.getByLabel('Matrix port').fill('9000');
	await page.getByTestId('matrix-run').click();
	await expect(page.getByTestId('matrix-state')).toHaveAttribute('data-state', 'done');

	const groupBy = page.getByTestId('matrix-group-by');
	await groupBy.selectOption('namespace');
	const grouped = page.getByTestId('matrix-grouped');
	await expect(grouped.getByTestId('matrix-group')).toHaveText(['▾ shop', '▾ (not a pod)']);
	await expect(page.getByTestId('matrix-canvas')).toBeHidden();

	await groupBy.selectOption('label:tier');
	const headers = grouped.getByTestId('matrix-group');
	await expect(headers).toHaveText(['▾ tier=backend', '▾ tier=data', '▾ tier=web', '▾ (not a pod)']);
	// open: one cell per pair, in group order (the web tier reaches the api pods on 9000)
	await expect(grouped.locator('[data-testid="matrix-cell"][data-from="frontend-1"][data-to="api-2"]')).toHaveAttribute('data-disposition', 'DELIVERED');
	await expect(grouped.locator('[data-testid="matrix-cell"][data-from="db-0"][data-to="api-1"]')).toHaveAttribute('data-disposition', 'DENIED');
	await expect(grouped.getByTestId('matrix-summary')).toHaveCount(0);

	// fold the web and backend tiers: each becomes one line, its blocks summed up
	await grouped.locator('[data-group="tier=web"]').click();
	await grouped.locator('[data-group="tier=backend"]').click();
	await expect(grouped.locator('[data-group="tier=web"]')).toHaveAttribute('aria-expanded', 'false');
	const sum = (from: string, to: string) => grouped.locator(`[data-testid="matrix-summary"][data-from-group="${from}"][data-to-group="${to}"]`);
	await expect(sum('tier=web', 'tier=backend')).toHaveAttribute('data-summary', 'all');
	await expect(sum('tier=backend', 'tier=backend')).toHaveAttribute('data-summary', 'none');
	await expect(sum('tier=web', 'tier=backend')).toHaveText('all');
	// the nodes reach only their own api pod (kubelet): some
	await grouped.locator('[data-group="(not a pod)"]').click();
	await expect(sum('(not a pod)', 'tier=backend')).toHaveAttribute('data-summary', 'some');
	await expect(grouped.locator('[data-testid="matrix-cell"][data-from="frontend-1"]')).toHaveCount(0);
	await page.screenshot({ path: 'test-results/matrix-groups.png' });

	// unfold the backend; a cell of the open table runs its probe
	await grouped.locator('[data-group="tier=backend"]').click();
	await grouped.locator('[data-testid="matrix-cell"][data-from="api-1"][data-to="api-2"]').click();
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DENIED');
	await expect(page.getByTestId('probe-form').getByLabel('Source node')).toHaveValue('api-1');

	// back to none: the canvas grid again
	await page.getByRole('tab', { name: 'Matrix' }).click();
	await page.getByTestId('matrix-group-by').selectOption('none');
	await expect(page.getByTestId('matrix-canvas')).toBeVisible();
	expect(problems).toEqual([]);
});
