// NetworkPolicy in the app (docs/kubernetes.md): the k8s-policies example's
// probes through the worker. The frontend reaching the db Service is denied
// at its own interface, the verdict and the inspector name the policies; the
// frontend calling the api Service is DNATed by kube-proxy and delivered.
import { expect as baseExpect, test, type Page } from '@playwright/test';

const expect = baseExpect.configure({ timeout: 60_000 });
test.describe.configure({ timeout: 240_000 });

async function openSim(page: Page, example: string) {
	await page.goto(`/?example=${example}`);
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	await expect(page.getByTestId('simulate-panel')).toHaveAttribute('data-worker', 'ready');
}

async function probe(page: Page, from: string, to: string, port: number) {
	const form = page.getByTestId('probe-form');
	await form.getByLabel('Source node').selectOption(from);
	await form.getByLabel('Destination node or address').fill(to);
	await form.getByRole('radio', { name: 'TCP' }).click();
	await form.getByLabel('Destination port').fill(String(port));
	await form.getByTestId('send-probe').click();
}

test('a NetworkPolicy denial is named in the verdict and the inspector; an allowed call goes through kube-proxy', async ({ page }) => {
	const problems: string[] = [];
	page.on('pageerror', (e) => problems.push(e.message));
	await openSim(page, 'k8s-policies');
	const verdict = page.getByTestId('sim-verdict');

	await probe(page, 'frontend-1', '10.96.0.54', 5432);
	await expect(verdict).toHaveAttribute('data-disposition', 'DENIED');
	await expect(verdict).toContainText('NetworkPolicy');
	await expect(verdict).toContainText('shop/frontend-1 is isolated for egress');
	const events = page.getByTestId('sim-events');
	await events.locator('tr[data-action="DENIED"]').first().click();
	await expect(page.getByTestId('sim-inspector').getByTestId('hop-ref')).toContainText('kubernetes.policies.default-deny');

	await probe(page, 'frontend-1', '10.96.0.90', 80);
	await expect(verdict).toHaveAttribute('data-disposition', 'DELIVERED');
	await events.locator('tr[data-action="NAT"]').first().click();
	await expect(page.getByTestId('sim-inspector').getByTestId('hop-ref')).toContainText('kubernetes.services.api');
	expect(problems).toEqual([]);
});
