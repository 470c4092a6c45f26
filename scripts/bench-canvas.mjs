#!/usr/bin/env node
/**
 * Canvas benchmark (run by hand, not part of npm test):
 *
 *   npm run build && node scripts/bench-canvas.mjs [--port 4181] [--nodes 2000]
 *
 * Serves the built app, opens the 340-node leaf-spine benchmark and a generated
 * N-node file (scripts/gen-large.mjs) in chromium, and reports: load time (file
 * chosen → drawing ready), pan and zoom frame times (requestAnimationFrame
 * intervals while the wheel zooms and the mouse pans), and the time an edit
 * takes to reach the canvas (delete one node, then undo).
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : fallback;
};
const PORT = Number(opt('port', 4181));
const N = Number(opt('nodes', 2000));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LEAFSPINE = opt('leafspine', '/work/shared/bench/leafspine-4x16x20.vnet.json');

if (!existsSync('build/index.html')) {
	console.error('build/ is missing: run `npm run build` first');
	process.exit(2);
}

const server = spawn(process.execPath, ['node_modules/.bin/vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], {
	stdio: ['ignore', 'pipe', 'pipe']
});
await new Promise((resolve, reject) => {
	server.stdout.on('data', (d) => String(d).includes(String(PORT)) && resolve());
	server.on('exit', (code) => reject(new Error(`preview exited ${code}`)));
	setTimeout(() => reject(new Error('preview did not start')), 20000);
});

const files = [
	{ name: 'leafspine-4x16x20.vnet.json', text: readFileSync(LEAFSPINE, 'utf8') },
	{ name: `generated-${N}.vnet.yaml`, text: execFileSync(process.execPath, ['scripts/gen-large.mjs', '--nodes', String(N), '--format', 'yaml'], { maxBuffer: 64 << 20 }).toString() },
	{ name: `generated-${N}.vnet.json`, text: execFileSync(process.execPath, ['scripts/gen-large.mjs', '--nodes', String(N), '--format', 'json'], { maxBuffer: 64 << 20 }).toString() }
];

const browser = await chromium.launch({
	executablePath: CHROMIUM,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
});

function stats(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
	const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
	return { frames: s.length, mean: +mean.toFixed(1), p50: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +(s.at(-1) ?? 0).toFixed(1) };
}

async function frameTimes(page, action) {
	await page.evaluate(() => {
		window.__frames = [];
		let last = performance.now();
		window.__frameStop = false;
		const tick = (t) => {
			window.__frames.push(t - last);
			last = t;
			if (!window.__frameStop) requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
	await action();
	return stats(await page.evaluate(() => ((window.__frameStop = true), window.__frames.slice(1))));
}

const results = [];
for (const f of files) {
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	await page.goto(`http://127.0.0.1:${PORT}/`);
	await page.waitForSelector('[data-testid=canvas][data-ready=true]');
	// the YAML view off: this measures the canvas
	await page.keyboard.press('y');
	const t0 = Date.now();
	await page.getByTestId('file-input').setInputFiles({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) });
	await page.waitForFunction((name) => {
		const c = document.querySelector('[data-testid=canvas]');
		return c && c.getAttribute('data-ready') === 'true' && c.getAttribute('data-topology') !== 'three-tier-web';
	}, f.name, { timeout: 120000 });
	const load = Date.now() - t0;
	const nodes = Number(await page.getByTestId('canvas').getAttribute('data-nodes'));
	const box = await page.getByTestId('canvas').boundingBox();
	const cx = box.x + box.width / 2;
	const cy = box.y + box.height / 2;
	await page.mouse.move(cx, cy);
	const zoom = await frameTimes(page, async () => {
		for (let i = 0; i < 30; i++) {
			await page.mouse.wheel(0, i < 15 ? -120 : 120);
			await page.waitForTimeout(16);
		}
	});
	const pan = await frameTimes(page, async () => {
		// drag on empty background pans (a few starting points until one is empty)
		await page.mouse.move(box.x + 20, box.y + box.height - 20);
		await page.mouse.down();
		for (let i = 0; i < 40; i++) await page.mouse.move(box.x + 20 + i * 12, box.y + box.height - 20 - i * 6);
		await page.mouse.up();
	});
	// an edit: delete one node, then undo (diffed into the drawing)
	const victim = await page.evaluate(() => window.__vnet_cy.nodes(':childless').filter((n) => !n.id().startsWith('seg:'))[5].id());
	await page.evaluate((id) => void window.__vnet_cy.getElementById(id).select(), victim);
	await page.waitForTimeout(100);
	let t = Date.now();
	await page.keyboard.press('Delete');
	await page.waitForFunction((n) => Number(document.querySelector('[data-testid=canvas]').getAttribute('data-nodes')) === n - 1, nodes);
	const del = Date.now() - t;
	t = Date.now();
	await page.keyboard.press('Control+z');
	await page.waitForFunction((n) => Number(document.querySelector('[data-testid=canvas]').getAttribute('data-nodes')) === n, nodes);
	const undo = Date.now() - t;
	results.push({ file: f.name, nodes, loadMs: load, deleteMs: del, undoMs: undo, zoom, pan });
	await page.close();
}

await browser.close();
server.kill();
for (const r of results) {
	console.log(`\n${r.file}: ${r.nodes} nodes`);
	console.log(`  load (file chosen → drawn): ${r.loadMs} ms`);
	console.log(`  edit (delete a node → drawn): ${r.deleteMs} ms; undo: ${r.undoMs} ms`);
	console.log(`  zoom frames: mean ${r.zoom.mean} ms, p50 ${r.zoom.p50}, p95 ${r.zoom.p95}, max ${r.zoom.max} (${r.zoom.frames} frames)`);
	console.log(`  pan frames:  mean ${r.pan.mean} ms, p50 ${r.pan.p50}, p95 ${r.pan.p95}, max ${r.pan.max} (${r.pan.frames} frames)`);
}
