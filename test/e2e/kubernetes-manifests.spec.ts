// Kubernetes manifests in the app (issue #19 part 4): a manifest file picked in
// the Open dialog is imported as a cluster with every warning listed (with its
// line; the frontend's NodePort brings the outside `client`), and the Export
// menu writes the cluster back as manifests.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.resolve(root, 'test/fixtures/kubernetes');

type CyWindow = Window & { __vnet_cy?: { nodes(sel?: string): { map<T>(f: (n: { id(): string }) => T): T[] } } };

function watchConsole(page: Page): string[] {
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));
	return problems;
}

async function nodeIds(page: Page): Promise<string[]> {
	return page.evaluate(() => (window as CyWindow).__vnet_cy!.nodes('[kind]').map((n) => n.id()).sort());
}

test('Open: manifests become a cluster, warnings listed with their lines; Export: Kubernetes manifests', async ({ page }) => {
	const problems = watchConsole(page);
	await page.goto('/?example=three-tier-web');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	// a plain design has no cluster to export
	await page.getByTestId('export-menu').click();
	await expect(page.getByTestId('export-kubernetes')).toBeDisabled();
	await page.getByTestId('export-menu').click();

	await page.getByTestId('file-input').setInputFiles(path.join(FIXTURES, 'guestbook-all-in-one.yaml'));
	const report = page.getByTestId('import-report');
	await expect(report).toContainText('Imported guestbook-all-in-one.yaml as guestbook-all-in-one.vnet.yaml');
	await expect(report.getByTestId('import-warning')).toHaveCount(8);
	await expect(report).toContainText('line 39: doc[2].spec.template.spec.containers[0].resources: not modelled; ignored');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true');
	await expect.poll(() => nodeIds(page)).toEqual(expect.arrayContaining(['n1', 'n2', 'n3', 'frontend-1', 'redis-master-1', 'client']));
	await page.screenshot({ path: 'test-results/kubernetes-import.png' });

	await page.getByTestId('export-menu').click();
	const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-kubernetes').click()]);
	expect(d.suggestedFilename()).toBe('guestbook-all-in-one.k8s.yaml');
	const yaml = readFileSync((await d.path())!, 'utf8');
	expect(yaml.match(/^kind: Pod$/gm)).toHaveLength(6);
	expect(yaml).toMatch(/^kind: Service$/m);
	expect(yaml).toMatch(/nodeName: n3/);
	// the frontend stays a NodePort, with the node port the import gave it
	expect(yaml).toMatch(/type: NodePort\n/);
	expect(yaml).toMatch(/nodePort: 30000\n/);
	expect(problems).toEqual([]);
});
