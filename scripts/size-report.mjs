#!/usr/bin/env node
// JS the app loads before its first draw, gzipped: what build/index.html
// preloads (<link rel="modulepreload">) and imports from its inline start-up
// script, plus everything those modules import statically (also loaded
// before any of their code runs). Dynamic imports (lazy chunks) and workers
// are not counted. Run after `npm run build` (which runs it with --enforce):
//
//   node scripts/size-report.mjs [--build DIR] [--budget KB] [--enforce] [--update] [--json]
//
// The budget is kept in one place, scripts/size-budget.json: `budgetKB` and
// the size of each file when the budget was last set (`files`, by chunk name
// from the build manifest), so an over-budget build names the chunks that grew.
// With --enforce it exits 1 when the total is over the budget; --update writes
// today's file sizes into the budget file (the budget itself is changed by hand).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(new URL('..', import.meta.url).pathname);
export const BUDGET_FILE = join(root, 'scripts/size-budget.json');
/** The goal of issue #15; the enforced budget is in size-budget.json. */
export const GOAL_KB = 300;

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
	const names = chunkNames(dir);
	return [...files]
		.map((file) => {
			const bytes = readFileSync(file);
			const rel = relative(dir, file);
			return { file: rel, name: names.get(rel) ?? rel, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
		})
		.sort((a, b) => b.gzip - a.gzip);
}

/**
 * A readable, hash-free name per built file (the build manifest's chunk
 * name, plus its first module for shared chunks): "nodes/2", "yaml (browser)".
 */
function chunkNames(dir) {
	const names = new Map();
	const manifest = join(dir, '../.svelte-kit/output/client/.vite/manifest.json');
	if (!existsSync(manifest)) return names;
	const seen = new Map();
	for (const [key, c] of Object.entries(JSON.parse(readFileSync(manifest, 'utf8')))) {
		if (!c.file?.endsWith('.js')) continue;
		const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(key)?.[1];
		let name = c.name ?? key;
		if (pkg && !name.includes(pkg)) name = `${pkg} (${name})`;
		const n = (seen.get(name) ?? 0) + 1;
		seen.set(name, n);
		names.set(c.file, n > 1 ? `${name} #${n}` : name);
	}
	return names;
}

export function readBudget() {
	return JSON.parse(readFileSync(BUDGET_FILE, 'utf8'));
}

const kb = (bytes) => (bytes / 1024).toFixed(1);

/** What an over-budget build says: the total, then the files that grew (or are new) since the budget was set. */
export function overBudgetMessage(files, budget) {
	const total = files.reduce((n, f) => n + f.gzip, 0);
	const lines = [`JS before first draw is ${kb(total)} KB gzipped, over its budget of ${budget.budgetKB} KB by ${kb(total - budget.budgetKB * 1024)} KB (scripts/size-budget.json).`];
	const before = budget.files ?? {};
	const grew = files
		.map((f) => ({ ...f, was: before[f.name] === undefined ? null : before[f.name] * 1024 }))
		.filter((f) => f.was === null || f.gzip - f.was > 100)
		.sort((a, b) => b.gzip - (b.was ?? 0) - (a.gzip - (a.was ?? 0)));
	if (grew.length) {
		lines.push('Grew since the budget was set:');
		for (const f of grew) lines.push(`  ${f.name}: ${f.was === null ? `new, ${kb(f.gzip)} KB` : `${kb(f.was)} → ${kb(f.gzip)} KB (+${kb(f.gzip - f.was)})`}  ${f.file}`);
	}
	lines.push('Load what the first draw does not need with a dynamic import() (src/lib/ui/lazy.ts), or raise budgetKB in scripts/size-budget.json and say why in its note.');
	return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
	const args = process.argv.slice(2);
	const opt = (name, fallback) => {
		const i = args.indexOf(`--${name}`);
		return i >= 0 ? args[i + 1] : fallback;
	};
	const buildDir = resolve(root, opt('build', 'build'));
	if (!existsSync(join(buildDir, 'index.html'))) {
		console.error(`no ${relative(root, buildDir) || buildDir}/index.html: run \`npm run build\` first`);
		process.exit(2);
	}
	const budget = readBudget();
	if (opt('budget')) budget.budgetKB = Number(opt('budget'));
	const files = initialJs(buildDir);
	const total = files.reduce((n, f) => n + f.gzip, 0);
	const over = total > budget.budgetKB * 1024;
	if (args.includes('--update')) {
		budget.files = Object.fromEntries(files.map((f) => [f.name, Number(kb(f.gzip))]));
		writeFileSync(BUDGET_FILE, JSON.stringify(budget, null, '\t') + '\n');
	}
	if (args.includes('--json')) console.log(JSON.stringify({ files, gzip: total, budget: budget.budgetKB * 1024, goal: GOAL_KB * 1024, over }, null, 2));
	else if (args.includes('--enforce') && !over) console.log(`JS before first draw: ${kb(total)} KB gzipped in ${files.length} files; budget ${budget.budgetKB} KB, goal ${GOAL_KB} KB`);
	else if (!(args.includes('--enforce') && over)) {
		for (const f of files) console.log(`${kb(f.gzip).padStart(8)} KB gz ${(f.bytes / 1024).toFixed(0).padStart(6)} KB  ${f.name.padEnd(34)} ${f.file}`);
		console.log(`JS before first draw: ${kb(total)} KB gzipped in ${files.length} files; budget ${budget.budgetKB} KB${over ? ` (over by ${kb(total - budget.budgetKB * 1024)} KB)` : ' (ok)'}, goal ≤ ${GOAL_KB} KB`);
	}
	if (args.includes('--enforce') && over) {
		console.error(overBudgetMessage(files, budget));
		process.exit(1);
	}
}
