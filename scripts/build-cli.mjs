// Bundles the CLI (src/cli/main.ts and the same src/lib code the app uses)
// into one CommonJS file: ~100 ms startup, no TypeScript runtime needed.
import { build } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';

mkdirSync('bin', { recursive: true });
await build({
	entryPoints: ['src/cli/main.ts'],
	outfile: 'bin/vnet.cjs',
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	banner: { js: '#!/usr/bin/env node' },
	logLevel: 'warning',
	sourcemap: false
});
chmodSync('bin/vnet.cjs', 0o755);
