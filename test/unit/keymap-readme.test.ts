/** The README's shortcut table is the keymap's: every action with keys is listed with its keys. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIONS, keysLabel } from '../../src/lib/editor/keymap';

describe('README keyboard shortcuts', () => {
	it('lists every action that has keys, with those keys', () => {
		const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
		const missing = ACTIONS.filter((a) => a.keys.length)
			.map((a) => `| ${keysLabel(a).replace(/ {2}\/ {2}/g, ' / ')} | ${a.label} |`)
			.filter((row) => !readme.includes(row));
		expect(missing).toEqual([]);
	});
});
