/**
 * referenceErrors (what check/trace/matrix/simulate run before the engine) is
 * exactly lint's errors: the same diagnostics in the same order, on every
 * shipped file and on a file with every kind of broken reference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/lib/model/load';
import { lintTopology, referenceErrors } from '../../src/lib/model/lint';

function both(text: string, file: string) {
	const r = loadTopology(text, file);
	if (!r.ok) throw new Error(`${file}: ${r.errors[0].message}`);
	const ctx = { file, locate: (p: (string | number)[]) => r.source?.locate(p) ?? { line: 0, col: 0 } };
	return { lint: lintTopology(r.topology, ctx).filter((d) => d.severity === 'error'), refs: referenceErrors(r.topology, ctx) };
}

const dirs = ['topologies', 'topologies/lessons', 'test/conformance-extra', '../shared/conformance'];

describe('referenceErrors', () => {
	it('agrees with lint on every shipped file', () => {
		let files = 0;
		for (const dir of dirs) {
			let names: string[] = [];
			try {
				names = readdirSync(dir).filter((f) => /\.vnet\.(ya?ml|json)$/.test(f));
			} catch {
				continue; // ../shared is beside the repository only on developer machines
			}
			for (const f of names) {
				const file = join(dir, f);
				const { lint, refs } = both(readFileSync(file, 'utf8'), file);
				expect(refs, file).toEqual(lint);
				files++;
			}
		}
		expect(files).toBeGreaterThan(10);
	});

	it('finds every kind of broken reference, in lint order', () => {
		const text = `vnet: 1
name: broken
nodes:
  h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 }, bond0: { bond: { members: [eth1, eth2] } } } }
  r1: { kind: router, interfaces: { eth0: { ip: 10.0.0.254/24 }, eth0.10: { ip: 10.0.10.1/24 } } }
  ctl: { kind: sdn-controller }
links:
  - { a: h1.eth0, b: ghost.eth0 }
  - { a: h1.eth9, b: r1.eth1 }
  - { a: h1.bond0, b: ctl.eth0 }
  - { a: r1.eth0, b: r1.eth0 }
checks:
  - { from: h1, to: nobody, expect: DELIVERED }
  - { scenario: nope, flow: f, max-loss: 0 }
  - { scenario: s1, flow: missing, max-loss: 0 }
scenarios:
  s1:
    duration: 1s
    traffic: [{ name: f1, from: h1, to: ghost2, proto: udp, port: 9, rate: 10pps, size: 100 }]
    events:
      - { at: 100ms, fail: ghost3 }
      - { at: 200ms, fail: { link: h1.eth7 } }
      - { at: 300ms, restore: r1.eth5 }
`;
		const { lint, refs } = both(text, 'broken.vnet.yaml');
		expect(refs).toEqual(lint);
		expect(refs.map((d) => d.rule)).toEqual([
			'link-unknown-node',
			'link-unknown-interface',
			'link-unknown-interface',
			'link-to-bond',
			'link-unknown-interface',
			'link-self',
			'check-unknown-node',
			'check-unknown-scenario',
			'check-unknown-flow',
			'traffic-unknown-node',
			'event-unknown-target',
			'event-unknown-target',
			'event-unknown-target'
		]);
	});
});
