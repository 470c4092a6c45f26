// The `vnet` bin as a user runs it: exit codes and messages (bin/vnet.cjs is built by npm test / test:unit).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/vnet.cjs');
const conformance = path.resolve(root, '../shared/conformance');
const vnet = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

function file(text: string): string {
	const f = path.join(mkdtempSync(path.join(tmpdir(), 'vnet-cli-')), 'x.vnet.yaml');
	writeFileSync(f, text);
	return f;
}

describe('vnet CLI', () => {
	it('check passes a conformance file with exit 0 and a pass/fail line', () => {
		const r = vnet('check', path.join(conformance, '01-two-hosts-one-switch.vnet.yaml'));
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/8 passed, 0 failed/);
	});

	it('trace --json has the shape of the spec', () => {
		const r = vnet('trace', path.join(conformance, '12-nat-gateway-masquerade.vnet.yaml'), '--from', 'laptop', '--to', '203.0.113.50', '--json');
		expect(r.status).toBe(0);
		const t = JSON.parse(r.stdout);
		expect(t.disposition).toBe('EXITS_NETWORK');
		expect(t.seenSource).toBe('198.51.100.2');
		expect(t.leg).toBeNull();
		expect(t.request[0]).toMatchObject({ node: 'laptop', in: null, out: 'eth0', action: 'SENT' });
		expect(t.request.find((h: { node: string }) => h.node === 'gw').detail).toContain('masquerade 10.0.1.10 -> 198.51.100.2');
	});

	it('a format error exits 2 with file:line:col path: message and no stack trace', () => {
		const f = file('vnet: 1\nname: x\nnodes:\n  r1:\n    kind: router\n    interfaces:\n      eth0: { ip: 10.0.0.300/24 }\n');
		const r = vnet('check', f);
		expect(r.status).toBe(2);
		expect(r.stderr).toContain(`${f}:7:19 nodes.r1.interfaces.eth0.ip: "10.0.0.300/24" is not an IPv4 prefix`);
		expect(r.stderr).not.toMatch(/at .*\.cjs:\d+/);
	});

	it('broken references stop check with exit 2 and located messages', () => {
		const f = file(
			'vnet: 1\nname: x\nnodes:\n  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }\nlinks:\n  - { a: zz.eth1, b: a.eth0 }\nchecks:\n  - { from: a, to: c, expect: DELIVERED }\n'
		);
		const r = vnet('check', f);
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/x\.vnet\.yaml:6:\d+ links\[0\]\.a: .*"zz"/);
		expect(r.stderr).toMatch(/x\.vnet\.yaml:8:\d+ checks\[0\]\.to: .*"c"/);
	});

	it('a failing check exits 1 and says expected vs got', () => {
		const f = file(
			'vnet: 1\nname: x\nnodes:\n  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }\n  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }\nlinks:\n  - { a: a.eth0, b: b.eth0 }\nchecks:\n  - { from: a, to: b, proto: tcp, port: 22, expect: DELIVERED }\n'
		);
		const r = vnet('check', f);
		expect(r.status).toBe(1);
		expect(r.stdout).toContain('REFUSED');
		expect(r.stdout).toContain('expected DELIVERED');
	});

	it('unknown commands and missing files are bad input (exit 2)', () => {
		expect(vnet('frobnicate').status).toBe(2);
		const r = vnet('check', '/nonexistent/file.vnet.yaml');
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('no such file');
	});
});
