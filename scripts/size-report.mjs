#!/usr/bin/env node
// JS the app loads before its first draw, gzipped: what build/index.html
// preloads (<link rel="modulepreload">) and imports from its inline start-up
// script, plus everything those modules import statically (also loaded
// before any of their code runs). Dynamic imports (lazy chunks) are not
// counted. Run after `npm run build`:
//
//   node scripts/size-report.mjs [--build DIR] [--budget KB] [--enforce] [--json]
//
// Prints the files and the total beside the budget (300 KB gzipped). With
// --enforce it exits 1 when the total is over the budget; without, it only
// reports.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : fallback;
};
const root = resolve(new URL('..', import.meta.url).pathname);
const buildDir = resolve(root, opt('build', 'build'));
const budgetKB = Number(opt('budget', 300));
const enforce = args.includes('--enforce');

export function initialJs(dir) {
	const html = readFileSync(join(dir, 'index.html'), 'utf8');
	const start = new Set();
	for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) start.add(m[1]);
	for (const m of html.matchAll(/<link[^>]+href="([^"]+)"[^>]+rel="modulepreload"/g)) start.add(m[1]);
	for (const script of html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)) {
		for (const m of script[1].matchAll(/import\(\s*["']([^"']+\.js)["']\s*\)/g)) start.add(m[1]);
		for (const m of script[1].matchAll(/from\s*["']([^"']+\.js)["']/g)) start.add(m[1]);
	}
	for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)) start.add(m[1]);
	const files = new Set();
	const queue = [...start].map((href) => resolve(dir, href.replace(/^\//, '')));
	while (queue.length) {
		const file = queue.pop();
		if (files.has(file) || !existsSync(file)) continue;
		files.add(file);
		const code = readFileSync(file, 'utf8');
		// static imports of minified ES modules: import"./x.js", import{a}from"./x.js", export*from"./x.js"
		for (const m of code.matchAll(/(?:\bimport|\bfrom)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) queue.push(resolve(dirname(file), m[1]));
	}
	return [...files].map((file) => {
		const bytes = readFileSync(file);
		return { file: relative(dir, file), bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
	}).sort((a, b) => b.gzip - a.gzip);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
	if (!existsSync(join(buildDir, 'index.html'))) {
		console.error(`no ${relative(root, buildDir) || buildDir}/index.html: run \`npm run build\` first`);
		process.exit(2);
	}
	const files = initialJs(buildDir);
	const total = files.reduce((n, f) => n + f.gzip, 0);
	const over = total > budgetKB * 1024;
	if (args.includes('--json')) console.log(JSON.stringify({ files, gzip: total, budget: budgetKB * 1024, over }, null, 2));
	else {
		for (const f of files) console.log(`${(f.gzip / 1024).toFixed(1).padStart(8)} KB gz ${(f.bytes / 1024).toFixed(0).padStart(6)} KB  ${f.file}`);
		console.log(`JS before first draw: ${(total / 1024).toFixed(0)} KB gzipped in ${files.length} files; goal ≤ ${budgetKB} KB${over ? ` (over by ${((total - budgetKB * 1024) / 1024).toFixed(0)} KB)` : ' (ok)'}`);
	}
	if (enforce && over) process.exit(1);
}
