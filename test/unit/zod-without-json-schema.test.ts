// The app's browser build swaps zod's JSON Schema generator for stubs (scripts/zod-without-json-schema.mjs):
// every name zod's classic schemas take from it must be there, and only that importer is redirected.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { stubFor, zodWithoutJsonSchema } from '../../scripts/zod-without-json-schema.mjs';

const zodDir = resolve('node_modules/zod/v4');
const classic = join(zodDir, 'classic/schemas.js');
const processorsFile = join(zodDir, 'core/json-schema-processors.js');
const toJsonFile = join(zodDir, 'core/to-json-schema.js');

async function load(code: string) {
	const file = join(mkdtempSync(join(tmpdir(), 'vnet-zod-stub-')), 'stub.mjs');
	writeFileSync(file, code);
	return import(pathToFileURL(file).href);
}

describe('zod without its JSON Schema generator (app build)', () => {
	it('the processors stub has every name classic schemas use; aggregateChecks stays real, the others throw', async () => {
		const used = new Set([...readFileSync(classic, 'utf8').matchAll(/(?<![\w-])processors\.(\w+)/g)].map((m) => m[1]));
		expect(used.size).toBeGreaterThan(30);
		const stub = await load(stubFor(processorsFile));
		for (const name of used) expect(typeof stub[name], name).toBe('function');
		expect(stub.aggregateChecks(z.string().min(3).max(5))).toMatchObject({ minimum: 3, maximum: 5 });
		expect(() => stub.stringProcessor()).toThrow(/not generated in the app/);
	});

	it('the to-json-schema stub has the two methods classic schemas make, which throw when called', async () => {
		const imported = /import \{([^}]+)\} from "\.\.\/core\/to-json-schema\.js"/.exec(readFileSync(classic, 'utf8'))![1].split(',').map((s) => s.trim());
		const stub = await load(stubFor(toJsonFile));
		for (const name of imported) expect(() => stub[name]({}, 'input')()).toThrow(/not generated in the app/);
	});

	it('redirects only those two imports of classic/schemas.js, and not in the SSR build', () => {
		const plugin = zodWithoutJsonSchema() as unknown as { resolveId: (s: string, i?: string, o?: { ssr?: boolean }) => string | null };
		expect(plugin.resolveId('../core/json-schema-processors.js', classic, {})).toContain(processorsFile);
		expect(plugin.resolveId('../core/to-json-schema.js', classic, {})).toContain(toJsonFile);
		expect(plugin.resolveId('../core/json-schema-processors.js', classic, { ssr: true })).toBeNull();
		expect(plugin.resolveId('./json-schema-processors.js', join(zodDir, 'core/json-schema-generator.js'), {})).toBeNull();
		expect(plugin.resolveId('../core/util.js', classic, {})).toBeNull();
	});
});
