/**
 * YAML aliases are bounded before anything expands them (issue #17): a
 * recursive alias is a format error at its line:col, and the alias count and
 * the expanded size are capped, in the loader, the editor's store, the lesson
 * loader, the importers and share links alike.
 */
import { describe, it, expect } from 'vitest';
import { loadTopology } from '../../src/lib/model/load';
import { MAX_ALIASES, MAX_EXPANDED_SIZE } from '../../src/lib/model/aliases';
import { loadLesson } from '../../src/lib/lessons/load';
import { fromContainerlab } from '../../src/lib/interchange/containerlab-import';
import { parseYamlSafe } from '../../src/lib/interchange/safe';
import { encodeDoc, decodeDoc } from '../../src/lib/share/link';
import { createSimApi } from '../../src/lib/worker/api';
import { TopologyStore } from '../../src/lib/editor/store';

function firstError(text: string) {
	const r = loadTopology(text, 'a.vnet.yaml');
	expect(r.ok).toBe(false);
	if (r.ok) throw new Error('loaded');
	return r.errors[0];
}

const VALID_WITH_LOOP = `vnet: 1
name: &n [*n]
nodes:
  a: { kind: host }
`;

describe('recursive aliases', () => {
	it('the ten-byte file is an error at the alias', () => {
		const e = firstError('a: &a [*a]');
		expect(e).toMatchObject({ file: 'a.vnet.yaml', line: 1, col: 8 });
		expect(e.message).toMatch(/alias `\*a` is inside its own anchor `&a`/);
	});

	it('inside a valid design', () => {
		expect(firstError(VALID_WITH_LOOP)).toMatchObject({ line: 2, col: 11 });
	});

	it('through another anchor (a chain that closes on itself)', () => {
		const e = firstError('a: &a { b: &b [1, { c: *a }] }\n');
		expect(e).toMatchObject({ line: 1, col: 24 });
	});

	it('a mapping key that aliases its own pair', () => {
		expect(firstError('? &k [*k]\n: 1\n').message).toMatch(/inside its own anchor/);
	});

	it('reuse of an earlier anchor is fine', () => {
		const r = loadTopology('vnet: 1\nname: x\nnodes:\n  a: &h { kind: host }\n  b: *h\n', 'x.vnet.yaml');
		expect(r.ok).toBe(true);
	});
});

describe('expansion bounds', () => {
	it('more aliases than the limit', () => {
		const lines = ['vnet: 1', 'name: x', 'nodes: {}', 'description: &d x', 'labels:'];
		for (let i = 0; i <= MAX_ALIASES; i++) lines.push(`  - *d`);
		const e = firstError(lines.join('\n') + '\n');
		expect(e.message).toMatch(new RegExp(`more than ${MAX_ALIASES} aliases`));
		expect(e.line).toBe(6 + MAX_ALIASES);
	});

	it('a large anchor written out many times (expanded size, not count)', () => {
		const big = 'x'.repeat(Math.ceil(MAX_EXPANDED_SIZE / 50));
		const text = `vnet: 1\nname: x\nnodes: {}\ndescription: &d ${big}\nlabels: [${Array(60).fill('*d').join(', ')}]\n`;
		const e = firstError(text);
		expect(e.message).toMatch(/YAML aliases expand too much/);
		expect(e.line).toBe(5);
	});

	it('billion laughs stops at the alias that crosses the bound, without expanding', () => {
		const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
		for (let i = 1; i < 10; i++) {
			const prev = String.fromCharCode(96 + i);
			const name = String.fromCharCode(97 + i);
			levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
		}
		expect(firstError(levels.join('\n') + '\n').message).toMatch(/YAML aliases expand too much/);
	});
});

describe('every reader of YAML text', () => {
	it('the worker API answers with the located error', () => {
		const api = createSimApi();
		const s = api.open(VALID_WITH_LOOP, 'w.vnet.yaml', 1);
		expect(s.ok).toBe(false);
		expect(s.errors[0]).toMatchObject({ line: 2, col: 11 });
	});

	it('the editor store (the app) shows the error instead of walking the cycle', () => {
		const store = new TopologyStore(VALID_WITH_LOOP, 's.vnet.yaml');
		expect(store.errors[0]).toMatchObject({ line: 2, col: 11 });
	});

	it('the lesson loader', () => {
		const r = loadLesson('lesson: 1\ntitle: &t [*t]\nsteps: []\n', 'x.lesson.yaml');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0]).toMatchObject({ line: 2, col: 12 });
	});

	it('the importers', () => {
		expect(() => parseYamlSafe('a: &a [*a]')).toThrow(/line 1, column 8: YAML alias `\*a` is inside its own anchor/);
		const r = fromContainerlab('name: &n [*n]\ntopology: { nodes: { a: { kind: linux } } }\n');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors.join('\n')).toMatch(/inside its own anchor/);
	});

	it('a share link carrying the file', async () => {
		const text = await decodeDoc(await encodeDoc(VALID_WITH_LOOP));
		expect(firstError(text)).toMatchObject({ line: 2, col: 11 });
	});
});
