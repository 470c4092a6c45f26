// `vnet import` of Kubernetes manifests and `vnet export --to kubernetes` as a
// user runs them: detection, flags, located warnings, exit codes.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/vnet.cjs');
const fixtures = path.join(root, 'test/fixtures/kubernetes');
const dir = mkdtempSync(path.join(tmpdir(), 'vnet-k8s-'));

function vnet(...args: string[]) {
	const r = spawnSync('node', [cli, ...args], { encoding: 'utf8', timeout: 60000 });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
	execFileSync('node', ['scripts/build-cli.mjs'], { cwd: root, stdio: 'ignore' });
});

describe('vnet import of manifests', () => {
	it('detects manifests, writes a design that checks and traces, warnings name file:line', () => {
		const out = path.join(dir, 'guestbook.vnet.yaml');
		const r = vnet('import', path.join(fixtures, 'guestbook-all-in-one.yaml'), '-o', out, '--nodes', '2');
		expect(r.code).toBe(0);
		expect(r.stderr).toMatch(/guestbook-all-in-one\.yaml:39: warning: doc\[2\]\.spec\.template\.spec\.containers\[0\]\.resources: not modelled; ignored/);
		// the frontend's NodePort brings the outside `client` host
		expect(r.stderr).toMatch(/wrote .* \(10 nodes, 9 links, 8 warnings\)/);
		expect(readFileSync(out, 'utf8')).toMatch(/^# Imported by `vnet import` from Kubernetes manifests/);
		expect(vnet('check', out).code).toBe(0);
		const t = vnet('trace', out, '--from', 'frontend-1', '--to', '10.96.0.10', '--proto', 'tcp', '--port', '6379', '--json');
		const trace = JSON.parse(t.stdout);
		expect(trace.disposition).toBe('DELIVERED');
		const np = JSON.parse(vnet('trace', out, '--from', 'client', '--to', '192.168.60.11', '--proto', 'tcp', '--port', '30000', '--json').stdout);
		expect(np.disposition).toBe('DELIVERED');
	});

	it('--from kubernetes, --service-cidr, --json', () => {
		const r = vnet('import', path.join(fixtures, 'online-boutique.yaml'), '--from', 'kubernetes', '--service-cidr', '10.100.0.0/16', '--json');
		expect(r.code).toBe(0);
		const j = JSON.parse(r.stdout);
		expect(j.format).toBe('Kubernetes manifests');
		expect(j.yaml).toMatch(/service_cidr: 10\.100\.0\.0\/16/);
		expect(j.warnings[0]).toHaveProperty('line');
	});

	it('malformed YAML: exit 2 with line and column; bad flags: exit 2', () => {
		const bad = path.join(dir, 'bad.yaml');
		writeFileSync(bad, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n');
		const r = vnet('import', bad);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/bad\.yaml: not valid YAML \(line \d+, column \d+\)/);
		expect(vnet('import', path.join(fixtures, 'guestbook-go.yaml'), '--nodes', '0').code).toBe(2);
		expect(vnet('import', path.join(fixtures, 'guestbook-go.yaml'), '--service-cidr', 'nope').stderr).toMatch(/--service-cidr expects/);
	});
});

describe('vnet export --to kubernetes', () => {
	it('writes manifests that import back to the same cluster; a design without a cluster is exit 2', () => {
		const design = path.join(dir, 'boutique.vnet.yaml');
		expect(vnet('import', path.join(fixtures, 'online-boutique.yaml'), '-o', design).code).toBe(0);
		const manifests = path.join(dir, 'boutique.k8s.yaml');
		expect(vnet('export', design, '--to', 'kubernetes', '-o', manifests).code).toBe(0);
		const again = path.join(dir, 'again.vnet.yaml');
		const r = vnet('import', manifests, '-o', again);
		expect(r.stderr).toMatch(/0 warnings/);
		const body = (f: string) => readFileSync(f, 'utf8').replace(/^#.*\n/gm, '').replace(/^name: .*$/m, '');
		expect(body(again)).toBe(body(design));
		const none = vnet('export', path.join(root, 'topologies/home-lab.vnet.yaml'), '--to', 'kubernetes');
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(/no kubernetes section/);
	});
});
