// Issue #17: a worker that is killed or hangs mid-job is replaced with the current
// document, the page says so, and the probe in flight gets an answer. The e2e build
// sets VITE_VNET_TEST_HOOKS=1, which enables window.__vnetWorker (kill/hang/crash).
import { expect, test, type Page } from '@playwright/test';
import { sendWebProbe } from './editor-helpers';

// a shared, loaded machine: generous limits (nothing here asserts a duration)
test.describe.configure({ timeout: 180_000 });

type HookWindow = Window & { __vnetWorker?: { kill(): void; hang(): void; crash(): void; pause(): void; resume(): void } };

async function openSim(page: Page) {
	await page.goto('/?example=three-tier-web');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
	await page.getByRole('tab', { name: 'Simulate' }).click();
	const panel = page.getByTestId('simulate-panel');
	await expect(panel).toHaveAttribute('data-worker', 'ready', { timeout: 60_000 });
	return panel;
}

for (const how of ['kill', 'hang', 'crash'] as const) {
	test(`a worker that is ${how === 'kill' ? 'killed' : how === 'hang' ? 'hung' : 'crashed'} is replaced; the page says so and probes work again`, async ({ page }) => {
		const panel = await openSim(page);
		expect(await page.evaluate(() => typeof (window as HookWindow).__vnetWorker)).toBe('object');
		await page.evaluate((h) => (window as HookWindow).__vnetWorker![h](), how);
		// the probe in flight (or the next one) gets an answer: an error that says what happened, then a result
		await sendWebProbe(page);
		await expect(page.getByTestId('sim-notice')).toContainText(/restarted with your current document/, { timeout: 60_000 });
		await expect(panel).toHaveAttribute('data-worker', 'ready', { timeout: 60_000 });
		await sendWebProbe(page);
		await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DELIVERED', { timeout: 60_000 });
	});
}

test('a killed worker is noticed at once, without waiting for a call: its Web Lock frees', async ({ page }) => {
	const panel = await openSim(page);
	await page.evaluate(() => (window as HookWindow).__vnetWorker!.kill());
	// nothing was asked of the worker: only the lock can have told the page
	await expect(page.getByTestId('sim-notice')).toContainText('The simulator stopped (its worker ended); it was restarted with your current document.', { timeout: 60_000 });
	await expect(panel).toHaveAttribute('data-worker', 'ready', { timeout: 60_000 });
});

test('a probe in flight when the worker is killed is sent again to the new worker and answered', async ({ page }) => {
	await openSim(page);
	// hung first, so the probe is surely still in flight when the worker is killed
	await page.evaluate(() => (window as HookWindow).__vnetWorker!.hang());
	await sendWebProbe(page);
	await expect(page.getByTestId('send-probe')).toBeDisabled();
	await page.evaluate(() => (window as HookWindow).__vnetWorker!.kill());
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DELIVERED', { timeout: 60_000 });
	await expect(page.getByTestId('sim-notice')).toContainText('its worker ended');
	await expect(page.getByTestId('probe-error')).toHaveCount(0);
});

test('the Scenarios tab says so too: a scenario run on a killed worker is answered and the notice shows', async ({ page }) => {
	await page.goto('/?example=ha-vrrp');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
	await page.getByRole('tab', { name: 'Scenarios' }).click();
	const panel = page.getByTestId('scenario-panel');
	await expect(panel).toHaveAttribute('data-worker', 'ready', { timeout: 60_000 });
	await page.evaluate(() => (window as HookWindow).__vnetWorker!.kill());
	await page.getByTestId('scenario-run').click();
	await expect(panel.getByTestId('sim-notice')).toContainText(/restarted with your current document/, { timeout: 60_000 });
	// and a run on the new worker completes
	await expect(panel).toHaveAttribute('data-worker', 'ready', { timeout: 60_000 });
	await page.getByTestId('scenario-run').click();
	await expect(panel).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
});
