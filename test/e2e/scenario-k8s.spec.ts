// The Scenarios tab on the Kubernetes gallery example: a node fails, its pods
// restart on the other node, and the event timeline says so.
import { expect as baseExpect, test } from '@playwright/test';

const expect = baseExpect.configure({ timeout: 60_000 });
test.describe.configure({ timeout: 180_000 });

test('k8s-three-tier node-failure: the pod moves are in the event timeline', async ({ page }) => {
	const problems: string[] = [];
	page.on('pageerror', (e) => problems.push(e.stack ?? e.message));
	await page.goto('/?example=k8s-three-tier');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await page.getByRole('tab', { name: 'Scenarios' }).click();
	const panel = page.getByTestId('scenario-panel');
	await expect(panel).toHaveAttribute('data-worker', 'ready');
	await expect(page.getByTestId('scenario-select')).toHaveValue('node-failure');
	await page.getByTestId('scenario-run').click();
	await expect(panel).toHaveAttribute('data-state', 'done');
	const events = page.getByRole('list', { name: 'Events' });
	await expect(events).toContainText('n2: NotReady, endpoints removed');
	await expect(events).toContainText('t=70.000s api-2 restarted on n1 +2');
	await expect(events.getByRole('button', { name: /restarted on n1/ })).toHaveAttribute('title', /db-0 restarted on n1 \(10\.244\.1\.14\/30\)/);
	await expect(page.getByTestId('scenario-flows')).toContainText('api-to-db');
	// between the fault and the restart the playhead shows n2's pods down too
	await page.getByTestId('scenario-playhead').fill('30');
	await expect(page.getByTestId('scenario-moment')).toContainText('db-0');
	await page.screenshot({ path: 'test-results/scenario-k8s.png' });
	expect(problems).toEqual([]);
});
