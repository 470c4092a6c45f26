// `vnet simulate` on hostile scenarios (issue: unbounded runs): a rate or
// duration outside the format is a format error; work above the budget is
// refused by estimation before any packet (exit 2, located, naming the number);
// --max-packets raises the budget; Ctrl-C stops a long run with a partial result.
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/vnet.cjs');
const vnet = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

function file(text: string): string {
	const f = path.join(mkdtempSync(path.join(tmpdir(), 'vnet-sim-')), 'x.vnet.yaml');
	writeFileSync(f, text);
	return f;
}

const scenario = (duration: string, rate: string) => `vnet: 1
name: bounds
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  sw: { kind: switch }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } }, services: [udp/9] }
links:
  - { a: a.eth0, b: sw.p1 }
  - { a: sw.p2, b: b.eth0 }
scenarios:
  s:
    duration: ${duration}
    traffic:
      - { name: f, from: a, to: b, port: 9, rate: ${rate} }
`;

describe('vnet simulate bounds', () => {
	it('a rate above one packet per ns is a format error, located', () => {
		const r = vnet('simulate', file(scenario('1s', '100000000000000000000pps')));
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/x\.vnet\.yaml:14:\d+ scenarios\.s\.traffic\[0\]\.rate: must be at most 1000000000pps/);
		expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
	});

	it('a duration beyond the format (integer ns) is a format error, located', () => {
		const r = vnet('simulate', file(scenario('10000000s', '1000pps')));
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/x\.vnet\.yaml:12:15 scenarios\.s\.duration: "10000000s" is too long a duration/);
	});

	it('1e9 pps for 1 s is refused before it runs: exit 2 at the flow, naming the packet-hops', () => {
		const r = vnet('simulate', file(scenario('1s', '1000000000pps')));
		expect(r.status).toBe(2);
		expect(r.stdout).toBe('');
		expect(r.stderr).toMatch(/x\.vnet\.yaml:14:9 scenarios\.s\.traffic\[0\]: scenario s is about 2,000,000,000 packet-hops \(~\d+ (s|min) of work\); flow f sends 1,000,000,000 packets over 2 hops: above the budget of 100,000,000 packet-hops; --max-packets N raises the budget/);
	});

	it('104 days at 1000 pps is refused by estimation too', () => {
		const r = vnet('simulate', file(scenario('9000000s', '1000pps')));
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/about 18,000,000,000 packet-hops \(~\d+ (min|h|days) of work\)/);
	});

	it('--max-packets and --max-events set the budget (lower here, so the refusal is quick)', () => {
		const f = file(scenario('1s', '1000pps'));
		expect(vnet('simulate', f).status).toBe(0);
		const low = vnet('simulate', f, '--max-packets', '1999');
		expect(low.status).toBe(2);
		expect(low.stderr).toMatch(/about 2,000 packet-hops .* above the budget of 1,999 packet-hops; --max-packets N raises/);
		expect(vnet('simulate', f, '--max-packets', '2000', '--json').status).toBe(0);
		const events = vnet('simulate', f, '--max-events', '100');
		expect(events.status).toBe(2);
		expect(events.stderr).toMatch(/about 3,000 events .* above the budget of 100 events; --max-events N raises/);
		expect(vnet('simulate', f, '--max-packets', 'lots').stderr).toMatch(/--max-packets expects an integer/);
	});

	it('Ctrl-C (SIGINT) stops a long run and prints what was measured, marked partial', async () => {
		const f = file(scenario('100s', '1000000pps'));
		const child = spawn(process.execPath, [bin, 'simulate', f, '--max-packets', '1000000000', '--max-events', '1000000000', '--json', '--progress']);
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		// signal once the run says it is under way (its first progress line)
		let signalled = false;
		child.stderr.on('data', (d) => {
			err += d;
			if (!signalled && /% of simulated time/.test(err)) {
				signalled = true;
				child.kill('SIGINT');
			}
		});
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
		expect(code).toBe(0);
		const r = JSON.parse(out);
		expect(r.partial.reason).toMatch(/interrupted/);
		expect(r.partial.atS).toBeGreaterThan(0);
		expect(r.partial.atS).toBeLessThan(100);
		expect(r.flows[0].sent).toBeGreaterThan(0);
		expect(r.flows[0].sent).toBeLessThan(100_000_000);
		expect(err).toMatch(/^\s*\d+% of simulated time, \d+ s \(Ctrl-C stops and prints what was measured\)\n/);
	}, 60_000);
});
