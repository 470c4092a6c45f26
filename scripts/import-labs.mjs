#!/usr/bin/env node
// Imports every containerlab lab (*.clab.yml, *.clab.yaml) and GNS3 project
// (*.gns3) under the folders given, with the built CLI, and lints each result:
//   node scripts/import-labs.mjs path/to/containerlab/lab-examples path/to/gns3-projects
// Prints one line per lab that fails to import or lints with errors, then a
// summary; exits 1 if any did. Run `npm run build:cli` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin/vnet.cjs');
const out = mkdtempSync(path.join(tmpdir(), 'vnet-labs-'));
const isLab = (f) => /\.clab\.ya?ml$|\.gns3$/i.test(f);

function* walk(dir) {
	for (const name of readdirSync(dir)) {
		const p = path.join(dir, name);
		if (statSync(p).isDirectory()) yield* walk(p);
		else if (isLab(name)) yield p;
	}
}

const dirs = process.argv.slice(2);
if (!dirs.length) {
	process.stderr.write('usage: node scripts/import-labs.mjs DIR...\n');
	process.exit(2);
}
let labs = 0;
let failed = 0;
let warnings = 0;
for (const dir of dirs)
	for (const file of walk(dir)) {
		labs++;
		const target = path.join(out, `${labs}.vnet.yaml`);
		const imp = spawnSync(process.execPath, [bin, 'import', file, '-o', target], { encoding: 'utf8' });
		warnings += (imp.stderr.match(/: warning: /g) ?? []).length;
		if (imp.status !== 0) {
			failed++;
			process.stdout.write(`import failed (exit ${imp.status}): ${imp.stderr.split('\n').find((l) => !l.includes(': warning: ')) ?? ''}\n`);
			continue;
		}
		const lint = spawnSync(process.execPath, [bin, 'lint', target], { encoding: 'utf8' });
		if (lint.status !== 0) {
			failed++;
			process.stdout.write(`${file}: the import lints with errors:\n${lint.stdout}${lint.stderr}`);
		}
	}
process.stdout.write(`${labs} labs, ${labs - failed} imported and linted without errors, ${failed} failed; ${warnings} warnings\n`);
process.exit(failed ? 1 : 0);
