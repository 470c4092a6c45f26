// Every import in src/ (.ts and .svelte) must follow the rooms table of
// src/lib/rooms.ts; the few known exceptions are listed there and may only go.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_VIOLATIONS, ROOMS, roomsMarkdown } from '../../src/lib/rooms';

const src = path.resolve(import.meta.dirname, '../../src');

function walk(dir: string, out: string[] = []): string[] {
	for (const f of readdirSync(dir)) {
		const p = path.join(dir, f);
		if (statSync(p).isDirectory()) walk(p, out);
		else if (/\.(ts|svelte)$/.test(f)) out.push(p);
	}
	return out;
}

/** The room of a path relative to src/: the longest matching dir wins (lib/model before lib). */
function roomOf(rel: string): string | null {
	let best: string | null = null;
	for (const [name, r] of Object.entries(ROOMS)) {
		if ((rel === r.dir || rel.startsWith(r.dir + '/')) && (best === null || r.dir.length > ROOMS[best].dir.length)) best = name;
	}
	return best;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Arrow { from: string; to: string; typeOnly: boolean }

function arrows(): Arrow[] {
	const out: Arrow[] = [];
	for (const file of walk(src)) {
		const from = path.relative(src, file).split(path.sep).join('/');
		for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
			const spec = m[2] ?? m[3];
			let abs: string;
			if (spec.startsWith('$lib/')) abs = path.join(src, 'lib', spec.slice(5));
			else if (spec.startsWith('.')) abs = path.resolve(path.dirname(file), spec);
			else continue; // packages
			const to = path.relative(src, abs).split(path.sep).join('/').replace(/\.(ts|js)$/, '');
			out.push({ from, to, typeOnly: !!m[1] });
		}
	}
	return out;
}

function allowed(a: Arrow): boolean {
	const rf = roomOf(a.from);
	const rt = roomOf(a.to);
	if (rf === null || rt === null) return false;
	if (rf === rt) return true;
	const r = ROOMS[rf];
	return r.imports.includes(rt) || (a.typeOnly && (r.types ?? []).includes(rt));
}

describe('import boundaries', () => {
	const all = arrows();
	it('reads imports from every room', () => {
		const rooms = new Set(all.map((a) => roomOf(a.from)));
		for (const name of ['model', 'engine', 'worker', 'editor', 'canvas', 'ui', 'lessons', 'interchange', 'cli', 'routes']) expect(rooms.has(name), name).toBe(true);
	});
	it('every file is in a room', () => {
		expect(all.filter((a) => roomOf(a.from) === null || roomOf(a.to) === null)).toEqual([]);
	});
	it('no arrow outside the table (except the known ones)', () => {
		const bad = all.filter((a) => !allowed(a));
		const known = (a: Arrow) => KNOWN_VIOLATIONS.some((k) => k.from === a.from && k.to === a.to);
		const unknown = bad.filter((a) => !known(a)).map((a) => `${a.from} → ${a.to}${a.typeOnly ? ' (type)' : ''}`);
		if (bad.length) console.log(`known boundary violations (may only shrink):\n${KNOWN_VIOLATIONS.map((k) => `  ${k.from} → ${k.to}: ${k.why}`).join('\n')}`);
		expect(unknown).toEqual([]);
	});
	it('every known violation still exists (remove fixed ones from the list)', () => {
		const gone = KNOWN_VIOLATIONS.filter((k) => !all.some((a) => a.from === k.from && a.to === k.to && !allowed(a)));
		expect(gone).toEqual([]);
	});
	it('model imports nothing outside model', () => {
		expect(all.filter((a) => roomOf(a.from) === 'model' && roomOf(a.to) !== 'model')).toEqual([]);
	});
});

describe('README design map', () => {
	it('quotes the rooms table', () => {
		const readme = readFileSync(path.resolve(src, '../README.md'), 'utf8');
		const start = readme.indexOf('<!-- rooms -->\n');
		const end = readme.indexOf('\n<!-- /rooms -->');
		expect(start, 'README has <!-- rooms --> ... <!-- /rooms -->').toBeGreaterThan(0);
		expect(readme.slice(start + '<!-- rooms -->\n'.length, end)).toBe(roomsMarkdown());
	});
});

describe('import cycles', () => {
	it('no file imports itself through others (type imports included)', () => {
		const graph = new Map<string, Set<string>>();
		for (const a of arrows()) {
			const to = existsFile(a.to) ?? existsFile(`${a.to}/index`);
			expect(to, `${a.from} imports ${a.to}, which is no file`).toBeDefined();
			if (!graph.has(a.from)) graph.set(a.from, new Set());
			graph.get(a.from)!.add(to!);
		}
		const cycles: string[] = [];
		const state = new Map<string, 1 | 2>();
		const stack: string[] = [];
		const visit = (n: string) => {
			state.set(n, 1);
			stack.push(n);
			for (const m of graph.get(n) ?? []) {
				if (state.get(m) === 1) cycles.push([...stack.slice(stack.indexOf(m)), m].join(' → '));
				else if (!state.has(m)) visit(m);
			}
			stack.pop();
			state.set(n, 2);
		};
		for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
		expect(cycles).toEqual([]);
	});
});

function existsFile(rel: string): string | undefined {
	for (const ext of ['.ts', '']) {
		const p = path.join(src, rel + ext);
		try {
			if (statSync(p).isFile()) return rel + ext;
		} catch {
			// not this extension
		}
	}
	return undefined;
}
