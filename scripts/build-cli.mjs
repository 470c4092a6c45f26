// Bundles the CLI (src/cli/main.ts and the same src/lib code the app uses)
// for node, without a TypeScript runtime. ES modules split per command:
// `vnet --help` loads only main's chunk, `vnet lint` the model but not the
// engine or the importers. bin/vnet.cjs (the package's bin) is a shim that
// imports bin/cli/main.mjs.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

rmSync('bin/cli', { recursive: true, force: true });
mkdirSync('bin/cli', { recursive: true });
await build({
	entryPoints: ['src/cli/main.ts'],
	outdir: 'bin/cli',
	outExtension: { '.js': '.mjs' },
	bundle: true,
	splitting: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	chunkNames: 'chunks/[name]-[hash]',
	// ES module builds of the dependencies where they ship one; `require` for the rest (CommonJS inside ESM)
	mainFields: ['module', 'main'],
	banner: { js: "import { createRequire as __vnetRequire } from 'node:module'; const require = __vnetRequire(import.meta.url);" },
	logLevel: 'warning',
	sourcemap: false
});
writeFileSync('bin/vnet.cjs', "#!/usr/bin/env node\n'use strict';\nimport('./cli/main.mjs');\n");
chmodSync('bin/vnet.cjs', 0o755);
