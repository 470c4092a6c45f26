// A hop's `detail` is wording (src/lib/engine/probe/wording.ts writes it):
// code that needs a fact reads the hop's typed fields (action, in, out,
// vlan, arp, rule, ref...), never the sentence, so a rewording can break no
// path tracking, pcap or verdict. This reads every module and fails on one
// that picks `detail` apart.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const src = path.resolve(import.meta.dirname, '../../src');

function walk(dir: string, out: string[] = []): string[] {
	for (const f of readdirSync(dir)) {
		const p = path.join(dir, f);
		if (statSync(p).isDirectory()) walk(p, out);
		else if (/\.(ts|svelte)$/.test(f)) out.push(p);
	}
	return out;
}

/** A string or regex operation applied to a detail, or a regex applied to one. */
const PARSES = /\bdetail\b[^;\n]*?\.(?:exec|match|matchAll|test|replace|replaceAll|split|startsWith|endsWith|includes|indexOf|lastIndexOf|search|slice|substring)\(|\.(?:exec|test|match|matchAll)\([^)\n]*\bdetail\b/;

/** Where reading a detail's text is the point, each with why. */
const ALLOWED: { file: string; line: RegExp; why: string }[] = [
	// a lesson step may ask for a phrase of a hop's text (lesson format `detail:`): a teacher's substring, no fact derived from it
	{ file: 'lib/lessons/run.ts', line: /\.includes\(m\.detail\)/, why: 'lesson matcher' }
];

describe('nothing parses a hop detail', () => {
	it('only the wording module touches the text of a detail', () => {
		const found: string[] = [];
		for (const file of walk(src)) {
			const rel = path.relative(src, file).split(path.sep).join('/');
			if (rel === 'lib/engine/probe/wording.ts') continue;
			readFileSync(file, 'utf8')
				.split('\n')
				.forEach((line, i) => {
					if (!PARSES.test(line)) return;
					if (ALLOWED.some((a) => a.file === rel && a.line.test(line))) return;
					found.push(`${rel}:${i + 1}: ${line.trim()}`);
				});
		}
		expect(found).toEqual([]);
	});

	it('the probe stages write no detail text themselves: it comes from the wording module', () => {
		const dir = path.join(src, 'lib/engine/probe');
		const found: string[] = [];
		for (const f of readdirSync(dir)) {
			if (f === 'wording.ts') continue;
			readFileSync(path.join(dir, f), 'utf8')
				.split('\n')
				.forEach((line, i) => {
					if (/\bdetail\s*[:=]\s*[`'"]/.test(line)) found.push(`${f}:${i + 1}: ${line.trim()}`);
				});
		}
		expect(found).toEqual([]);
	});

	it('the check catches the habit it forbids', () => {
		expect(PARSES.test(`const m = /^VLAN (\\d+)/.exec(h.detail ?? '');`)).toBe(true);
		expect(PARSES.test(`return h.action === 'ARP' && / no answer$/.test(h.detail ?? '');`)).toBe(true);
		expect(PARSES.test(`[...(hop.detail ?? '').matchAll(/route/g)]`)).toBe(true);
		expect(PARSES.test(`if ((h.detail ?? '').includes('no answer')) return;`)).toBe(true);
		expect(PARSES.test(`{#if h.detail}<p class="decision">{h.detail}</p>{/if}`)).toBe(false);
	});
});
