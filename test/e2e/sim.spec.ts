// The Simulate tab in a real browser: the engine in its Web Worker, probes
// animated on the canvas, the matrix with progress and cancel, live checks.
// No sleeps: every wait is on a condition the page shows. Nothing depends on the
// machine's speed: the matrix is cancelled while the worker is held between two
// slices (window.__vnetWorker.pause, a test-build hook), and an animation is
// seen to play, then skipped to its end, not waited out. A loaded machine only
// makes the waits longer, so they are patient.
import { expect as baseExpect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';

type CyWindow = Window & {
	__vnet_cy?: { $id(id: string): { renderedPosition(): { x: number; y: number } }; $(sel: string): { map<T>(f: (n: { id(): string }) => T): T[] } };
};

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

/** Opens an example and the Simulate tab, and waits for the worker to have loaded it. */
async function openSim(page: Page, example: string) {
	await page.goto(`/?example=${example}`);
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	const panel = page.getByTestId('simulate-panel');
	await expect(panel).toHaveAttribute('data-worker', 'ready');
	return panel;
}

async function clickNode(page: Page, id: string) {
	const box = (await page.getByTestId('canvas').boundingBox())!;
	const at = await page.evaluate((n) => (window as CyWindow).__vnet_cy!.$id(n).renderedPosition(), id);
	await page.mouse.click(box.x + at.x, box.y + at.y);
}

async function probe(page: Page, from: string, to: string, proto: 'icmp' | 'tcp' | 'udp' = 'icmp', port?: number) {
	const form = page.getByTestId('probe-form');
	await form.getByLabel('Source node').selectOption(from);
	await form.getByLabel('Destination node or address').fill(to);
	await form.getByRole('radio', { name: proto.toUpperCase() }).click();
	if (port !== undefined) await form.getByLabel('Destination port').fill(String(port));
	await form.getByTestId('send-probe').click();
}

/**
 * The animation plays by itself (it moves past the step it is on, or ends),
 * then goes to its last step: at a loaded machine's frame rate, waiting it out
 * would take minutes.
 */
async function played(page: Page) {
	const panel = page.getByTestId('simulate-panel');
	const from = Number(await panel.getAttribute('data-step'));
	const n = Number(await panel.getAttribute('data-steps'));
	await expect.poll(async () => (await panel.getAttribute('data-playing')) === 'false' || Number(await panel.getAttribute('data-step')) > from).toBe(true);
	await page.getByRole('button', { name: 'Last step' }).click();
	await expect(panel).toHaveAttribute('data-playing', 'false');
	await expect(panel).toHaveAttribute('data-step', String(n - 1));
	return n;
}

test('internet → web through the port forward: picked on the canvas, delivered, the NAT explained', async ({ page }) => {
	const problems = watchConsole(page);
	const panel = await openSim(page, 'three-tier-web');
	const form = page.getByTestId('probe-form');

	// choose TCP/443, then click the source and the destination on the canvas: the probe runs
	await form.getByRole('radio', { name: 'TCP' }).click();
	await form.getByLabel('Destination port').fill('443');
	await clickNode(page, 'isp');
	await expect(form.getByLabel('Source node')).toHaveValue('isp');
	await clickNode(page, 'edge'); // the edge's first address is 198.51.100.2, where 443 is forwarded
	await expect(form.getByLabel('Destination node or address')).toHaveValue('edge');

	const verdict = page.getByTestId('sim-verdict');
	await expect(verdict).toHaveAttribute('data-disposition', 'DELIVERED');
	await expect(panel).toHaveAttribute('data-playing', 'true'); // it animates by itself
	await expect(page.locator('canvas.vnet-packets')).toHaveCount(1);
	await played(page);
	await expect(verdict).toContainText('Delivered');
	await expect(verdict).toContainText('198.51.100.1');

	// the NAT hop: the rewrite and the forward that made it
	const events = page.getByTestId('sim-events');
	await events.locator('tr[data-action="NAT"]').first().click();
	const inspector = page.getByTestId('sim-inspector');
	await expect(inspector).toContainText('10.18.1.10:443');
	await expect(inspector).toContainText('was 198.51.100.2:443');
	await expect(inspector.getByTestId('hop-ref')).toContainText('nodes.edge.nat.forwards[0]');
	// ARP exchanges are part of the story
	await expect(events.locator('tr[data-action="ARP"]')).toHaveCount(3);
	await page.screenshot({ path: 'test-results/sim-nat.png' });

	// "expect this" adds a check that pins the outcome down; it runs, and passes
	await expect(page.getByTestId('checks-badge')).toContainText('10');
	await page.getByTestId('expect-this').click();
	await expect(page.getByTestId('expect-this')).toContainText('In checks');
	await expect(page.getByTestId('checks-badge')).toContainText('11 ✓');
	await page.getByTestId('checks-tab').click();
	await expect(page.locator('[data-testid=check-row][data-index="10"]')).toContainText('isp → edge tcp/443 expect DELIVERED');
	expect(problems).toEqual([]);
});

test('internet → db: denied, the rule named, and the animation steps back and forth', async ({ page }) => {
	const problems = watchConsole(page);
	const panel = await openSim(page, 'three-tier-web');
	await probe(page, 'isp', '198.51.100.2', 'tcp', 5432);

	const verdict = page.getByTestId('sim-verdict');
	await expect(verdict).toHaveAttribute('data-disposition', 'DENIED');
	await expect(verdict).toContainText('rule 4');
	await expect(verdict).toContainText('fw');
	const n = await played(page);
	const count = page.getByTestId('step-count');
	await expect(count).toHaveText(`${n} / ${n}`);

	// step back and forth
	await page.getByRole('button', { name: 'First step' }).click();
	await expect(count).toHaveText(`1 / ${n}`);
	await expect(panel).toHaveAttribute('data-step', '0');
	await page.getByRole('button', { name: 'Step forward' }).click();
	await page.getByRole('button', { name: 'Step forward' }).click();
	await expect(count).toHaveText(`3 / ${n}`);
	await page.getByRole('button', { name: 'Step back' }).click();
	await expect(count).toHaveText(`2 / ${n}`);
	await expect(page.getByTestId('sim-events').locator('tr.sel')).toHaveAttribute('data-step', '1');
	// the keyboard steps too
	await page.getByTestId('sim-events').focus();
	await page.keyboard.press('ArrowRight');
	await expect(count).toHaveText(`3 / ${n}`);
	// play from here to the end, at 4×
	await page.getByLabel('Speed').selectOption('4');
	await page.getByRole('button', { name: 'Play' }).click();
	await played(page);

	// the denying hop names its rule; revealing it selects the firewall
	const denied = page.getByTestId('sim-events').locator('tr[data-action="DENIED"]');
	await denied.click();
	const ref = page.getByTestId('sim-inspector').getByTestId('hop-ref');
	await expect(ref).toContainText('nodes.fw.rules[3]');
	await expect(page.getByTestId('sim-inspector')).toContainText('reject any any → db1');
	await page.screenshot({ path: 'test-results/sim-denied.png' });
	await ref.click();
	await expect.poll(() => page.evaluate(() => (window as CyWindow).__vnet_cy!.$(':selected').map((e) => e.id()))).toEqual(['fw']);

	// coming back to the Simulate tab, the probe is still there
	await page.getByRole('tab', { name: 'Simulate' }).click();
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DENIED');
	expect(problems).toEqual([]);
});

test('traceroute mode lists the hop addresses', async ({ page }) => {
	await openSim(page, 'three-tier-web');
	const form = page.getByTestId('probe-form');
	await form.getByLabel('Source node').selectOption('web1');
	await form.getByLabel('Destination node or address').fill('db1');
	await form.getByTestId('send-traceroute').click();
	const tr = page.getByTestId('traceroute');
	await expect(tr).toContainText('traceroute to db1');
	await expect(tr.locator('li')).toHaveCount(2);
	await expect(tr.locator('li').first()).toContainText('10.18.1.1');
	await expect(tr.locator('li').first()).toContainText('Tier firewall');
});

test('the reachability matrix: progress and cancel on a large network, a cell animates, CSV export', async ({ page }) => {
	const problems = watchConsole(page);
	await openSim(page, 'three-tier-web');

	// the 340-node leaf-spine benchmark: 320 endpoints, 102,400 probes
	await page.getByTestId('file-input').setInputFiles({ name: 'leafspine.vnet.json', mimeType: 'application/json', buffer: readFileSync(LEAF_SPINE) });
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-topology', /leaf/);
	await page.getByRole('tab', { name: 'Simulate' }).click();
	const panel = page.getByTestId('simulate-panel');
	await expect(page.getByTestId('sim-status')).toContainText('340 nodes');
	await expect(panel).toHaveAttribute('data-worker', 'ready');
	await page.getByRole('tab', { name: 'Matrix' }).click();
	// the worker stops after its first slice of rows, however fast it is, until resumed
	await page.evaluate(() => (window as HookWindow).__vnetWorker!.pause());
	await page.getByTestId('matrix-run').click();
	const state = page.getByTestId('matrix-state');
	await expect(state).toHaveAttribute('data-state', 'running');
	await expect.poll(async () => Number(await state.getAttribute('data-done'))).toBeGreaterThan(0);
	// the page stays responsive while the worker computes
	await page.getByRole('tab', { name: 'Probe' }).click();
	await page.getByRole('tab', { name: 'Matrix' }).click();
	await page.getByTestId('matrix-cancel').click();
	await page.evaluate(() => (window as HookWindow).__vnetWorker!.resume());
	await expect(state).toHaveAttribute('data-state', 'cancelled');
	const done = Number(await state.getAttribute('data-done'));
	expect(done).toBeGreaterThan(0);
	expect(done).toBeLessThan(320 * 320);
	await expect(state).toContainText('Cancelled after');

	// a small network runs to the end; a cell runs its probe
	await page.getByRole('combobox', { name: 'Open an example topology' }).selectOption('three-tier-web');
	await page.getByRole('tab', { name: 'Simulate' }).click();
	await expect(page.getByTestId('sim-status')).toContainText('three-tier-web');
	await page.getByRole('tab', { name: 'Matrix' }).click();
	await page.getByRole('radio', { name: 'TCP' }).click();
	await page.getByLabel('Matrix port').fill('443');
	await page.getByTestId('matrix-run').click();
	await expect(state).toHaveAttribute('data-state', 'done');
	await expect(state).toHaveAttribute('data-total', '16');
	await expect(page.getByRole('list', { name: 'Legend' })).toContainText('Denied');
	await page.screenshot({ path: 'test-results/sim-matrix.png' });

	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('matrix-csv').click()]);
	expect(download.suggestedFilename()).toBe('three-tier-web-reachability-tcp-443.csv');
	const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
	expect(csv[0]).toBe('from \\ to,isp,web1,app1,db1');
	expect(csv[2]).toBe('web1,DENIED,,DENIED,DENIED');

	// the cell app1 → db1 (row 3, column 4) animates that probe
	const grid = page.getByTestId('matrix-canvas');
	const box = (await grid.boundingBox())!;
	const cell = (box.height - 2) / 4; // square cells; the column labels sit above them
	const head = box.height - 2 - 4 * cell;
	await grid.click({ position: { x: box.width - 4 - cell / 2, y: head + 2.5 * cell } });
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DENIED');
	await expect(page.getByTestId('probe-form').getByLabel('Source node')).toHaveValue('app1');
	await expect(page.getByTestId('probe-form').getByLabel('Destination node or address')).toHaveValue('db1');
	expect(problems).toEqual([]);
});

test('checks run live: breaking an MTU turns a check red, and it can be watched', async ({ page }) => {
	const problems = watchConsole(page);
	await openSim(page, 'jumbo-storage');
	await page.getByTestId('checks-tab').click();
	const summary = page.getByTestId('checks-summary');
	await expect(summary).toHaveAttribute('data-passed', '15');
	await expect(summary).toHaveAttribute('data-failed', '0');
	await expect(page.getByTestId('checks-badge')).toContainText('15');

	// compute1's storage NIC falls back to MTU 1500, typed in the YAML view: its jumbo checks fail
	await page.getByTestId('toggle-yaml').click(); // closed by default below 1600 px
	const editor = page.getByTestId('yaml-view');
	await expect(editor).toBeVisible();
	await editor.locator('.cm-content').click();
	await page.keyboard.press('Control+f');
	await editor.getByRole('textbox', { name: 'Find' }).fill('ip: 10.50.0.11/24, gateway: 10.50.0.1, mtu: 9000');
	await editor.getByRole('textbox', { name: 'Replace' }).fill('ip: 10.50.0.11/24, gateway: 10.50.0.1, mtu: 1500');
	await editor.getByRole('button', { name: 'replace all' }).click();
	await expect(page.getByTestId('checks-badge')).toContainText('✗');
	await page.getByTestId('checks-tab').click();
	// its two jumbo probes, and the goodput of its nightly backup
	await expect(summary).toHaveAttribute('data-failed', '3');
	await expect(page.locator('[data-testid=check-row][data-ok=false]')).toHaveCount(3);
	const red = page.locator('[data-testid=check-row][data-index="0"]');
	await expect(red).toHaveAttribute('data-ok', 'false');
	await expect(red).toContainText('compute1 → nas');
	await expect(red).toContainText('DELIVERED'); // expected
	await expect(red).toContainText('FRAGMENTATION_NEEDED'); // got
	// lint names the mismatch too
	await expect(page.getByTestId('lint-list')).toContainText('compute1');
	await page.screenshot({ path: 'test-results/sim-checks.png' });

	await red.getByTestId('animate-check').click();
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'FRAGMENTATION_NEEDED');
	await expect(page.getByTestId('sim-verdict')).toContainText('1500');
	expect(problems).toEqual([]);
});

test('home lab: a student can answer the three questions by watching', async ({ page }) => {
	const problems = watchConsole(page);
	await openSim(page, 'home-lab');
	const verdict = page.getByTestId('sim-verdict');
	const events = page.getByTestId('sim-events');

	// Can the LAN reach the NAT guest? No: the hypervisor drops it.
	await probe(page, 'laptop', '10.0.2.15', 'tcp', 22);
	await expect(verdict).toHaveAttribute('data-disposition', 'DROPPED');
	await played(page);
	await expect(page.getByTestId('sim-inspector')).toContainText('hv');
	await expect(page.getByTestId('sim-inspector')).toContainText('not a router');
	await page.screenshot({ path: 'test-results/sim-home-nat-guest.png' });

	// ...except through the hypervisor's port forward.
	await probe(page, 'laptop', '192.168.1.10', 'tcp', 2222);
	await expect(verdict).toHaveAttribute('data-disposition', 'DELIVERED');
	await expect(events.locator('tr[data-action="NAT"]').first()).toBeVisible();

	// The bridged guest? Yes, like any machine on the LAN, through the hypervisor's bridge.
	await probe(page, 'laptop', 'media', 'tcp', 8096);
	await expect(verdict).toHaveAttribute('data-disposition', 'DELIVERED');
	// the hypervisor's bridge by the hypervisor's label
	await expect(events).toContainText('Lab server (hypervisor) bridge eth0');

	// Can the guest reach the internet, and as whom? Yes, masqueraded twice: as 198.51.100.2.
	await probe(page, 'devbox', '203.0.113.10', 'tcp', 443);
	await expect(verdict).toHaveAttribute('data-disposition', 'EXITS_NETWORK');
	await expect(verdict).toContainText('198.51.100.2');
	// the address and the node that owns it, with a space between them
	await expect(page.getByTestId('seen-source')).toHaveText('arrives from 198.51.100.2 (Home router)');
	await expect(events.locator('tr[data-action="NAT"]')).toHaveCount(2);
	await played(page);
	await page.screenshot({ path: 'test-results/sim-home-guest-out.png' });
	expect(problems).toEqual([]);
});

test('playback does not scroll the hop table while the pointer is over it: a click lands on the row under the pointer', async ({ page }) => {
	test.setTimeout(90_000);
	await page.setViewportSize({ width: 1280, height: 800 });
	const panel = await openSim(page, 'home-lab');
	// the NAT guest to the internet: masqueraded twice, ARP on three segments; more rows than the table shows
	await probe(page, 'devbox', '203.0.113.10', 'tcp', 443);
	const table = page.getByTestId('sim-events');
	await expect(table.locator('tbody tr[data-step]').first()).toBeVisible();
	// it plays by itself from the moment it arrives, scrolling as it goes: stop it and start over at the top
	await page.getByRole('button', { name: 'First step' }).click();
	await expect(panel).toHaveAttribute('data-playing', 'false');
	await expect.poll(() => table.evaluate((el) => el.scrollTop)).toBe(0);
	await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '4×' });
	const n = Number(await panel.getAttribute('data-steps'));
	// the pointer goes over the table and stays there; Play is pressed from the keyboard, not clicked
	await table.hover();
	await page.getByRole('button', { name: 'Play' }).focus();
	await page.keyboard.press('Enter');
	await expect(panel).toHaveAttribute('data-step', String(n - 1));
	const state = await table.evaluate((el, last) => {
		const row = el.querySelector(`[data-step="${last}"]`)!.getBoundingClientRect();
		return { scrollTop: el.scrollTop, lastBelow: row.top > el.getBoundingClientRect().bottom, overflows: el.scrollHeight > el.clientHeight };
	}, n - 1);
	// the last row is out of view: without the pointer over the table, playback would have scrolled to it
	expect(state).toEqual({ scrollTop: 0, lastBelow: true, overflows: true });
	// a row under the pointer is where a click lands
	await table.locator('tr[data-step="2"]').click();
	await expect(panel).toHaveAttribute('data-step', '2');
	// keys pressed in the table do scroll it, the pointer still over it: the row stepped to comes into view
	await table.focus();
	for (let i = 2; i < n - 1; i++) await page.keyboard.press('ArrowDown');
	await expect(panel).toHaveAttribute('data-step', String(n - 1));
	await expect
		.poll(() => table.evaluate((el, last) => el.querySelector(`[data-step="${last}"]`)!.getBoundingClientRect().bottom <= el.getBoundingClientRect().bottom + 1, n - 1))
		.toBe(true);
	expect(await table.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
});
