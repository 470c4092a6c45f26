// The Scenarios tab in a real browser: a scenario runs in the engine's
// worker, the timeline plot (uPlot) shows the flows with the fault and the
// takeover, the flows and failover tables show the figures, the playhead
// shows the failed router and the path of the moment on the canvas; a long
// run shows progress and stops on cancel; the form edits the scenario.
// No sleeps: every wait is on a condition the page shows. Nothing depends on the
// machine's speed: the long run is cancelled while the worker is held between
// two slices (window.__vnetWorker.pause, a test-build hook); a loaded machine
// only makes the waits longer, so they are patient.
import { expect as baseExpect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const expect = baseExpect.configure({ timeout: 60_000 });
test.describe.configure({ timeout: 240_000 });

type HookWindow = Window & { __vnetWorker?: { pause(): void; resume(): void } };

const root = path.resolve(import.meta.dirname, '../..');
const LEAF_SPINE = path.resolve(root, '../shared/bench/leafspine-4x16x20.vnet.json');

function watchConsole(page: Page): string[] {
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));
	return problems;
}

async function openScenarios(page: Page) {
	await page.getByRole('tab', { name: 'Scenarios' }).click();
	const panel = page.getByTestId('scenario-panel');
	await expect(panel).toHaveAttribute('data-worker', 'ready');
	return panel;
}

test('HA example: r1-failure runs in the worker, plot with markers, failover ≈ 2610 ms, playhead on the canvas', async ({ page }) => {
	const problems = watchConsole(page);
	await page.goto('/?example=ha-vrrp');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	const panel = await openScenarios(page);
	await expect(page.getByTestId('scenario-select')).toHaveValue('r1-failure');
	await page.getByTestId('scenario-run').click();
	await expect(panel).toHaveAttribute('data-state', 'done');

	// the plot: uPlot's canvas with one series (video), 100 buckets
	const plot = page.getByTestId('scenario-plot');
	await expect(plot.locator('.uplot canvas')).toBeVisible();
	await expect(plot).toHaveAttribute('data-series', '1');
	await expect(plot).toHaveAttribute('data-points', '100');
	const size = await plot.locator('.uplot canvas').evaluate((c: HTMLCanvasElement) => ({ w: c.width, h: c.height }));
	expect(size.w).toBeGreaterThan(200);
	expect(size.h).toBeGreaterThan(100);

	// the markers, as a list too
	const events = page.getByRole('list', { name: 'Events' });
	// nodes by the labels the file gives them (r1 is "Router 1 (master)")
	await expect(events).toContainText('t=3.000s Router 1 (master) down');
	await expect(events).toContainText('t=5.609s Router 2 (backup) becomes VRRP master');

	// the flows table and the failover figure: 2.609 s + one packet interval
	const flows = page.getByTestId('scenario-flows');
	await expect(flows).toContainText('video');
	await expect(flows).toContainText('10,000');
	await expect(flows).toContainText('7,390');
	await expect(flows).toContainText('2,610');
	await expect(flows).toContainText('0.290 / 0.291 / 0.290');
	const fo = page.getByTestId('failover-ms').first();
	await expect(fo).toContainText(/2,61\d\.\d ms/);
	const ms = Number((await fo.textContent())!.replace(/[^\d.]/g, ''));
	expect(ms).toBeGreaterThan(2609.375);
	expect(ms).toBeLessThan(2611);

	// the playhead: before the fault r1 carries the flow; during the outage r1 is down and the flow is lost; after the takeover, via r2
	const moment = page.getByTestId('scenario-moment');
	await expect(moment).toContainText('nothing failed');
	await expect(moment).toContainText('via Office PC → Office switch → Router 1 (master) → Data-centre switch → Video server');
	await page.getByTestId('scenario-playhead').fill('4');
	await expect(page.getByTestId('scenario-time')).toHaveText('t=4.000s');
	await expect(moment).toContainText('down Router 1 (master)');
	await expect(moment).toContainText("lost: sent to the old master's MAC 00:00:5e:00:01:01 (VRRP, r1): client's ARP entry for 10.0.0.1 is stale");
	await page.screenshot({ path: 'test-results/scenario-outage.png' });
	// a click on the plot near the end moves the playhead there
	const box = (await plot.locator('.u-over').boundingBox())!;
	await page.mouse.click(box.x + box.width * 0.9, box.y + box.height / 2);
	await expect.poll(async () => parseFloat((await page.getByTestId('scenario-time').textContent())!.slice(2))).toBeGreaterThan(8);
	await expect(moment).toContainText('via Office PC → Office switch → Router 2 (backup) → Data-centre switch → Video server');
	// the failover row jumps to the moment traffic came back
	await page.getByTestId('scenario-failover').locator('tbody tr').first().click();
	await expect(page.getByTestId('scenario-time')).toHaveText('t=5.611s');
	await page.screenshot({ path: 'test-results/scenario-ha.png' });

	// play runs the playhead to the end
	await page.getByLabel('Speed').selectOption('5');
	await page.getByTestId('scenario-play').click();
	await expect(page.getByTestId('scenario-time')).toHaveText('t=10.000s');

	// state survives a tab switch
	await page.getByRole('tab', { name: 'Properties' }).click();
	await page.getByRole('tab', { name: 'Scenarios' }).click();
	await expect(page.getByTestId('failover-ms').first()).toContainText(/2,61\d\.\d ms/);
	expect(problems).toEqual([]);
});

test('editing a scenario writes it into the file: an extra restore event gives a failback marker', async ({ page }) => {
	const problems = watchConsole(page);
	await page.goto('/?example=ha-vrrp');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	const panel = await openScenarios(page);
	await page.getByTestId('edit-scenario').click();
	const form = page.getByTestId('scenario-editor');
	await expect(form.getByLabel('Duration')).toHaveValue('10s');
	await expect(form.getByLabel('Rate')).toHaveValue('1000pps');
	await form.getByTestId('add-event').click();
	const ev = form.getByRole('group', { name: 'Event 2' });
	await ev.getByLabel('At').fill('7s');
	await expect(ev.getByLabel('Action')).toHaveValue('restore');
	await expect(ev.getByLabel('Target', { exact: true })).toHaveValue('r1');
	await form.getByTestId('save-scenario').click();
	await expect(form).toHaveCount(0);
	// the file has it: the form shows it again
	await page.getByTestId('edit-scenario').click();
	await expect(form.getByRole('group', { name: 'Event 2' }).getByLabel('At')).toHaveValue('7s');
	await form.getByRole('button', { name: 'Cancel' }).click();
	await page.getByTestId('scenario-run').click();
	await expect(panel).toHaveAttribute('data-state', 'done');
	await expect(page.getByRole('list', { name: 'Events' })).toContainText('t=7.000s Router 1 (master) back up');
	await expect(page.getByTestId('scenario-failover').locator('tbody tr')).toHaveCount(2);
	expect(problems).toEqual([]);
});

test('a long run (leaf-spine, a new 60 s scenario at 200,000 pps) shows progress and stops on cancel', async ({ page }) => {
	const problems = watchConsole(page);
	await page.goto('/?example=ha-vrrp');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('file-input').setInputFiles({ name: 'leafspine.vnet.json', mimeType: 'application/json', buffer: readFileSync(LEAF_SPINE) });
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-topology', /leaf/);
	const panel = await openScenarios(page);
	await expect(page.getByTestId('scenario-select')).toHaveValue('bench');
	// a new scenario, long enough to cancel: 12 million packets across the fabric
	await page.getByRole('button', { name: '+ New' }).click();
	const form = page.getByTestId('scenario-editor');
	await expect(form.getByLabel('Scenario name')).toHaveValue('scenario-1');
	await form.getByLabel('Duration').fill('60s');
	await form.getByTestId('add-flow').click();
	await form.getByLabel('From').fill('h0-0');
	await form.getByLabel('To', { exact: true }).fill('h15-19');
	await form.getByLabel('Rate').fill('200000pps');
	await form.getByTestId('save-scenario').click();
	await expect(page.getByTestId('scenario-select')).toHaveValue('scenario-1');
	await expect(panel).toContainText('60 s');
	// the worker stops after its first slice (at least 1,024 events: some simulated time), however fast it is, until resumed
	await page.evaluate(() => (window as HookWindow).__vnetWorker!.pause());
	await page.getByTestId('scenario-run').click();
	await expect(panel).toHaveAttribute('data-state', 'running');
	const bar = page.getByTestId('scenario-progress');
	await expect.poll(async () => Number(await bar.getAttribute('data-fraction'))).toBeGreaterThan(0);
	// the page stays responsive while the worker runs
	await page.getByRole('tab', { name: 'Properties' }).click();
	await page.getByRole('tab', { name: 'Scenarios' }).click();
	await page.getByTestId('scenario-cancel').click();
	await page.evaluate(() => (window as HookWindow).__vnetWorker!.resume());
	await expect(panel).toHaveAttribute('data-state', 'cancelled');
	await expect(page.getByTestId('scenario-cancelled')).toBeVisible();
	await expect(page.getByTestId('scenario-run')).toBeEnabled();
	expect(problems).toEqual([]);
});
