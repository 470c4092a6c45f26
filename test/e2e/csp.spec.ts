// Issue #17: the static build carries a Content-Security-Policy meta tag (scripts and
// workers from 'self' only, SvelteKit's bootstrap by hash, no remote origins), and the
// app, its worker, every export, share links and lesson links work under it: any
// securitypolicyviolation event or CSP console error fails the test.
import { expect, test, type Page } from '@playwright/test';
import { sendWebProbe } from './editor-helpers';

// a shared, loaded machine: generous limits (nothing here asserts a duration)
test.describe.configure({ timeout: 180_000 });

function watchCsp(page: Page): string[] {
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));
	return problems;
}

test.beforeEach(async ({ context }) => {
	await context.addInitScript(() => {
		(window as unknown as { __csp: string[] }).__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
	});
});

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

test('the policy is in the page: self only, no inline script but the hashed bootstrap', async ({ page }) => {
	await page.goto('/');
	const csp = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
	expect(csp).toMatch(/default-src 'self'/);
	expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
	expect(csp).toMatch(/worker-src 'self'(;|$)/);
	expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
	// no inline event handlers anywhere in the served markup
	const html = await (await page.request.get('/')).text();
	expect(html).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
});

test('app, worker, probe, every export, share link and lesson link: no violation', async ({ page, context }) => {
	const problems = watchCsp(page);
	await page.goto('/?example=three-tier-web');
	await expect(page.getByTestId('canvas')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });

	// the worker (a module worker from 'self') answers a probe
	await page.getByRole('tab', { name: 'Simulate' }).click();
	await expect(page.getByTestId('simulate-panel')).toHaveAttribute('data-worker', 'ready', { timeout: 60_000 });
	await sendWebProbe(page);
	await expect(page.getByTestId('sim-verdict')).toHaveAttribute('data-disposition', 'DELIVERED', { timeout: 60_000 });

	for (const [id, files] of [
		['export-clab', 2],
		['export-gns3', 1],
		['export-dot', 1],
		['export-mermaid', 1],
		['export-svg', 1],
		['export-png', 1]
	] as const) {
		await page.getByTestId('export-menu').click();
		const got: unknown[] = [];
		const all = new Promise<void>((resolve) => {
			page.on('download', function on(d) {
				got.push(d);
				if (got.length === files) {
					page.off('download', on);
					resolve();
				}
			});
		});
		await page.getByTestId(id).click();
		await all;
		await page.keyboard.press('Escape');
	}

	await page.getByTestId('export-menu').click();
	await page.getByTestId('copy-link').click();
	const url = await page.getByTestId('share-url').inputValue();
	const other = await context.newPage();
	const otherProblems = watchCsp(other);
	await other.goto(url);
	await expect(other.getByTestId('doc-tab').filter({ hasText: 'shared.vnet.yaml' })).toHaveCount(1, { timeout: 60_000 });
	await expect(other.getByTestId('canvas')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
	expect(await violations(other)).toEqual([]);
	await other.close();

	const lesson = await context.newPage();
	const lessonProblems = watchCsp(lesson);
	await lesson.goto('/?lesson=02-nat-bridged-host-only');
	await expect(lesson.getByTestId('canvas')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
	expect(await violations(lesson)).toEqual([]);
	await lesson.close();

	expect(await violations(page)).toEqual([]);
	expect([...problems, ...otherProblems, ...lessonProblems]).toEqual([]);
});
