// Vite plugin for the app's browser build: zod's classic schemas import its
// JSON Schema generator (for `.toJSONSchema()` and `~standard.jsonSchema`),
// about 4 KB gzipped of the JS before the first draw. The app never writes
// JSON Schema (the CLI's `vnet schema` does, and the CLI, the worker, the SSR
// build and the tests keep the real generator), so in the browser build those
// two imports of zod/v4/classic/schemas.js resolve to stubs that throw if called.
// `aggregateChecks` (behind getters such as `.minLength`) stays real.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const PREFIX = '\0vnet-zod-no-json-schema:';
const CLASSIC = /[\\/]zod[\\/]v4[\\/]classic[\\/]schemas\.js$/;
const STUBBED = new Set(['../core/json-schema-processors.js', '../core/to-json-schema.js']);
const OFF = `() => { throw new Error('JSON Schema is not generated in the app (vnet schema writes it; scripts/zod-without-json-schema.mjs)'); }`;

/** The stub module for the real file `real` (an absolute path). */
export function stubFor(real) {
	if (real.endsWith('to-json-schema.js')) {
		return `const off = ${OFF};\nexport const createToJSONSchemaMethod = () => off;\nexport const createStandardJSONSchemaMethod = () => off;\n`;
	}
	const names = [...readFileSync(real, 'utf8').matchAll(/^export const (\w+Processor)\b/gm)].map((m) => m[1]);
	return [`export { aggregateChecks } from ${JSON.stringify(real)};`, `const off = ${OFF};`, ...names.map((n) => `export const ${n} = off;`)].join('\n') + '\n';
}

/** @returns {import('vite').Plugin} */
export function zodWithoutJsonSchema() {
	return {
		name: 'vnet:zod-without-json-schema',
		apply: 'build',
		enforce: 'pre',
		resolveId(source, importer, options) {
			if (options?.ssr || !importer || !STUBBED.has(source) || !CLASSIC.test(importer)) return null;
			return PREFIX + resolve(dirname(importer), source);
		},
		load(id) {
			return id.startsWith(PREFIX) ? stubFor(id.slice(PREFIX.length)) : null;
		}
	};
}
