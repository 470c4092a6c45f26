// Overlays and clusters in the app at 1280 px: a Kubernetes cluster drawn as
// nodes holding their pods with Services as their own symbol (and a card on
// pick), VXLAN segments as bands with their legend, tunnels on demand, and the
// inspector showing both headers of an encapsulated packet and kube-proxy's
// DNAT. Waits are on what the page shows, never on time.
import { expect as baseExpect, test, type Page } from '@playwright/test';
import { nodePoint, watchConsole } from './editor-helpers';

const expect = baseExpect.configure({ timeout: 60_000 });
test.describe.configure({ timeout: 240_000 });
test.use({ viewport: { width: 1280, height: 800 } });

type Ele = { id(): string; length: number; visible(): boolean; data(k: string): unknown; parent(): { id(): string } };
type CyWindow = Window & { __vnet_cy?: { $(sel: string): { length: number; map<T>(f: (e: Ele) => T): T[] }; $id(id: string): Ele } };

const cyQuery = (page: Page, sel: string) => page.evaluate((s) => (window as CyWindow).__vnet_cy!.$(s).map((e) => e.id()), sel);
const parentId = (page: Page, id: string) => page.evaluate((n) => (window as CyWindow).__vnet_cy!.$id(n).parent().id() ?? null, id);

async function open(page: Page, example: string) {
	await page.goto(`/?example=${example}`);
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
}

async function probe(page: Page, from: string, to: string, port: number) {
	await page.getByRole('tab', { name: 'Simulate' }).click();
	const panel = page.getByTestId('simulate-panel');
	await expect(panel).toHaveAttribute('data-worker', 'ready');
	const form = page.getByTestId('probe-form');
	await form.getByLabel('Source node').selectOption(from);
	await form.getByLabel('Destination node or address').fill(to);
	await form.getByRole('radio', { name: 'TCP' }).click();
	await form.getByLabel('Destination port').fill(String(port));
	await form.getByTestId('send-probe').click();
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DELIVERED');
	await page.getByRole('button', { name: 'Last step' }).click();
	await expect(panel).toHaveAttribute('data-playing', 'false');
}

test('a Kubernetes cluster: nodes hold their pods, Services are their own symbol with a card, the DNAT shows before and after', async ({ page }) => {
	const problems = watchConsole(page);
	await open(page, 'k8s-three-tier');
	// the drawing's own boxes and Services are not counted as the design's nodes
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-nodes', '9');
	expect(await parentId(page, 'n1')).toBe('k8s:cluster');
	expect(await parentId(page, 'frontend-1')).toBe('n1');
	expect(await parentId(page, 'db-0')).toBe('n2');
	// a pod's cable to its own node is not drawn out of the node's corner; the nodes' uplinks are
	const hidden = await page.evaluate(() => (window as CyWindow).__vnet_cy!.$('edge.inner').map((e) => e.visible()));
	expect(hidden).toHaveLength(5);
	expect(hidden.every((v) => !v)).toBe(true);
	expect(await cyQuery(page, 'edge.link:visible')).toHaveLength(3);
	// Services, dashed to the pods they select
	expect((await cyQuery(page, 'node.kube-service')).sort()).toEqual(['svc:api', 'svc:cache', 'svc:db', 'svc:frontend']);
	expect((await cyQuery(page, 'edge.kube-endpoint[source = "svc:api"]')).sort()).toEqual(['svcep:api:api-1', 'svcep:api:api-2']);

	const svc = await nodePoint(page, 'svc:api');
	await page.mouse.click(svc.x, svc.y);
	const card = page.getByTestId('service-card');
	await expect(card).toContainText('shop/api');
	await expect(card.getByTestId('service-ip')).toHaveText('10.96.0.90');
	await expect(card.getByTestId('service-ready')).toHaveText('2 of 2 ready');
	await expect(card).toContainText('80/tcp → 9000');
	await page.screenshot({ path: '/tmp/overlay-canvas-k8s.png' });
	const cache = await nodePoint(page, 'svc:cache');
	await page.mouse.click(cache.x, cache.y);
	await expect(card).toContainText('shop/cache');
	await expect(card).toContainText('No pod matches');
	await card.getByRole('button', { name: 'Close' }).click();
	await expect(card).toHaveCount(0);

	await probe(page, 'frontend-1', '10.96.0.90', 80);
	await page.getByTestId('sim-events').locator('tr[data-action="NAT"]').first().click();
	const dnat = page.getByTestId('sim-inspector').getByTestId('kube-dnat');
	await expect(dnat).toContainText('10.96.0.90:80');
	await expect(dnat).toContainText('10.244.1.6:9000');
	await expect(dnat).toContainText('pod api-1, endpoint 1 of 2');
	expect(problems).toEqual([]);
});

test('VXLAN segments: bands and a legend, tunnels on demand, both headers of an underlay hop', async ({ page }) => {
	const problems = watchConsole(page);
	await open(page, 'vxlan-overlay');
	await expect(page.locator('canvas.vnet-overlay-bands')).toHaveAttribute('data-segments', 'web app db');
	const legend = page.getByTestId('overlay-legend');
	await expect(legend.locator('li')).toHaveCount(3);
	await expect(legend.locator('li[data-segment="web"]')).toContainText('VNI 5001');
	await expect(legend.locator('li[data-segment="db"]')).toContainText('KVM host 2');

	expect(await cyQuery(page, 'edge.tunnel')).toEqual([]);
	await page.getByTestId('view-menu').click();
	await page.getByTestId('toggle-tunnels').click();
	await expect.poll(() => cyQuery(page, 'edge.tunnel')).toEqual(['tunnel:kvm1|kvm2']);
	expect(await page.evaluate(() => (window as CyWindow).__vnet_cy!.$id('tunnel:kvm1|kvm2').data('label'))).toBe('VXLAN 5001, 5002');
	await expect(legend).toContainText('tunnels shown');
	await page.screenshot({ path: '/tmp/overlay-canvas-vxlan.png' });

	await probe(page, 'web1', '10.10.1.12', 443);
	await page.getByTestId('sim-events').locator('tr[data-action="FORWARDED"]').first().click();
	const inspector = page.getByTestId('sim-inspector');
	await expect(inspector.getByTestId('outer-header')).toContainText('172.16.1.10 → 172.16.2.10');
	await expect(inspector.getByTestId('outer-header')).toContainText('4789');
	await expect(inspector.getByTestId('outer-header')).toContainText('VNI 5001');
	await expect(inspector.getByTestId('inner-header')).toContainText('10.10.1.11:40000 → 10.10.1.12:443');
	await page.screenshot({ path: '/tmp/overlay-canvas-probe.png' });

	await page.getByTestId('view-menu').click();
	await page.getByTestId('toggle-tunnels').click();
	await expect.poll(() => cyQuery(page, 'edge.tunnel')).toEqual([]);
	expect(problems).toEqual([]);
});
