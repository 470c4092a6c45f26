// `vnet matrix FILE | head`: a reader that closes the pipe early ends the
// command quietly (exit 0, nothing on stderr), not with an EPIPE stack trace.
// Each output here is far larger than a pipe's buffer, so the write surely
// meets the closed pipe.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/vnet.cjs');
const leafSpine = path.resolve(root, '../shared/bench/leafspine-4x16x20.vnet.json');

/** Runs `vnet ARGS | head -c 100` in bash; the status is vnet's own (pipefail). */
function headOf(...args: string[]) {
	const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
	return spawnSync('bash', ['-c', `set -o pipefail; ${quoted} | head -c 100 > /dev/null`], { encoding: 'utf8' });
}

describe('a closed output pipe', () => {
	for (const args of [
		['matrix', leafSpine], // about 700 KB of table
		['matrix', leafSpine, '--json'], // about 2 MB
		['export', leafSpine, '--to', 'containerlab'] // about 240 KB
	]) {
		it(`vnet ${args.join(' ').replace(leafSpine, 'leafspine.json')} | head: exit 0, no stack trace`, () => {
			const r = headOf(...args);
			expect(r.stderr).toBe('');
			expect(r.status).toBe(0);
		});
	}
});
