// The worker's API module (src/lib/worker/api.ts), called directly in Node:
// documents and versions, probe input errors, checks, the matrix's progress
// and cancel.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countSlices, createSimApi, describeCheck } from '../../src/lib/worker/api';
import { CELL_SELF, cellDisposition, toMatrixJson, type MatrixProgress } from '../../src/lib/worker/protocol';
import { loadTopology } from '../../src/lib/model/load';
import { buildNet, reachabilityMatrix } from '../../src/lib/engine/index';
import { runScenario } from '../../src/lib/engine/scenario/index';

const root = path.resolve(import.meta.dirname, '../..');
const threeTier = readFileSync(path.join(root, 'topologies/three-tier-web.vnet.yaml'), 'utf8');
const leafSpine = path.resolve(root, '../shared/bench/leafspine-4x16x20.vnet.json');

const TWO_HOSTS = (checks: string) => `vnet: 1
name: two
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } }, services: [tcp/22] }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }
  sw: { kind: switch }
links:
  - { a: a.eth0, b: sw.p1 }
  - { a: b.eth0, b: sw.p2 }
checks:
${checks}`;

describe('open', () => {
	it('loads, lints and compiles a document', () => {
		const api = createSimApi();
		const s = api.open(threeTier, 'three-tier-web.vnet.yaml', 1);
		expect(s.ok).toBe(true);
		expect(s.version).toBe(1);
		expect(s.name).toBe('three-tier-web');
		expect(s.nodes).toBe(6);
		expect(s.checks).toBe(10);
		expect(s.endpoints).toEqual(['isp', 'web1', 'app1', 'db1']);
		expect(s.errors).toEqual([]);
		expect(Array.isArray(s.lint)).toBe(true);
	});

	it('reports format errors with their place, and refuses probes until fixed', () => {
		const api = createSimApi();
		const s = api.open('vnet: 1\nname: x\nnodes:\n  r1: { kind: rooter }\n', 'bad.vnet.yaml', 1);
		expect(s.ok).toBe(false);
		expect(s.errors.length).toBeGreaterThan(0);
		expect(s.errors[0].line).toBe(4);
		expect(s.errors[0].path).toContain('nodes.r1');
		expect(() => api.trace({ from: 'r1', to: 'r1' })).toThrow(/document has errors/);
	});

	it('forgets the previous document when a broken one arrives', () => {
		const api = createSimApi();
		api.open(threeTier, 'f', 1);
		expect(api.trace({ from: 'web1', to: 'app1' }).disposition).toBeDefined();
		api.open('nodes: [', 'f', 2);
		expect(() => api.trace({ from: 'web1', to: 'app1' })).toThrow(/document has errors/);
	});

	it('lists lint findings of a valid document', () => {
		const api = createSimApi();
		const s = api.open(
			`vnet: 1
name: dup
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  sw: { kind: switch }
links:
  - { a: a.eth0, b: sw.p1 }
  - { a: b.eth0, b: sw.p2 }
`,
			'dup.vnet.yaml',
			1
		);
		expect(s.ok).toBe(true);
		expect(s.lint.some((d) => d.rule === 'duplicate-ip')).toBe(true);
		expect(s.lint.every((d) => d.line > 0)).toBe(true);
	});
});

describe('trace', () => {
	const api = createSimApi();
	api.open(threeTier, 'three-tier-web.vnet.yaml', 1);

	it('probes through the port forward: delivered, NAT shown, source seen', () => {
		const t = api.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 });
		expect(t.disposition).toBe('DELIVERED');
		expect(t.seenSource).toBe('198.51.100.1');
		const nat = t.request.find((h) => h.action === 'NAT');
		expect(nat?.ref).toBe('nodes.edge.nat.forwards[0]');
		expect(t.hops).not.toBeNull(); // traceroute hops come with every probe
		expect(t.verdict).toMatch(/^Delivered/);
	});

	it('names the rule that denied', () => {
		const t = api.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 5432 });
		expect(t.disposition).toBe('DENIED');
		const denied = t.request.find((h) => h.action === 'DENIED');
		expect(denied?.ref).toBe('nodes.fw.rules[3]');
		expect(t.verdict).toContain('rule 4');
		expect(t.verdict).toContain('fw');
	});

	it('rejects bad probes with a readable InputError', () => {
		const bad = (spec: Parameters<typeof api.trace>[0]) => {
			try {
				api.trace(spec);
			} catch (e) {
				return { name: (e as Error).name, message: (e as Error).message };
			}
			return null;
		};
		expect(bad({ from: 'nope', to: 'web1' })).toEqual({ name: 'InputError', message: 'no node "nope" in this network' });
		expect(bad({ from: 'isp', to: 'web9' })?.message).toBe('"web9" is neither a node nor an IPv4 address');
		expect(bad({ from: 'isp', to: 'web1', proto: 'tcp' })?.message).toBe('a tcp probe needs a port');
		expect(bad({ from: 'isp', to: 'web1', proto: 'udp', port: 70000 })?.message).toMatch(/^port must be an integer from 1 to 65535/);
		expect(bad({ from: 'isp', to: 'web1', ttl: 0 })?.message).toMatch(/^TTL must be/);
		expect(bad({ from: '', to: 'web1' })?.message).toBe('choose a source node');
		// an address that no node owns is a fine destination
		expect(api.trace({ from: 'app1', to: '203.0.113.9', proto: 'udp', port: 123 }).disposition).toBe('EXITS_NETWORK');
	});
});

describe('lesson', () => {
	const haText = readFileSync(path.join(root, 'topologies/ha-vrrp.vnet.yaml'), 'utf8');

	it('probes the text it is given, and the open document stays', async () => {
		const api = createSimApi();
		api.open(threeTier, 'three-tier-web.vnet.yaml', 1);
		const r = await api.lesson(TWO_HOSTS('  []'), 'two.vnet.yaml', { kind: 'probe', spec: { from: 'a', to: 'b' } });
		expect(r.kind).toBe('probe');
		if (r.kind === 'probe') expect(r.trace.disposition).toBe('DELIVERED');
		expect(api.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 5432 }).disposition).toBe('DENIED');
	});

	it('answers with the errors of a design that does not load', async () => {
		const r = await createSimApi().lesson('vnet: 1\nname: x\nnodes:\n  r1: { kind: rooter }\n', 'bad.vnet.yaml', { kind: 'probe', spec: { from: 'r1', to: 'r1' } });
		expect(r.kind).toBe('errors');
		if (r.kind === 'errors') expect(r.errors[0].line).toBe(4);
	});

	it('runs a task\'s checks in place of the design\'s own', async () => {
		const text = TWO_HOSTS('  - { from: a, to: b, expect: DENIED }');
		const r = await createSimApi().lesson(text, 'two.vnet.yaml', { kind: 'checks', checks: [{ from: 'b', to: 'a', proto: 'tcp', port: 22, expect: 'DELIVERED' }] });
		expect(r.kind).toBe('checks');
		if (r.kind === 'checks') expect(r.results.map((c) => c.ok)).toEqual([true]);
	});

	it('runs a scenario in slices to the same result as the engine in one go', async () => {
		const r = await createSimApi().lesson(haText, 'ha-vrrp.vnet.yaml', { kind: 'scenario', name: 'r1-failure' });
		expect(r.kind).toBe('scenario');
		const t = loadTopology(haText, 'ha-vrrp.vnet.yaml');
		if (!t.ok) throw new Error('load');
		if (r.kind === 'scenario') expect(r.result.flows).toEqual(runScenario(t.topology, 'r1-failure').flows);
	});

	it('rejects an unknown scenario or a bad probe with an InputError', async () => {
		const api = createSimApi();
		await expect(api.lesson(haText, 'ha.vnet.yaml', { kind: 'scenario', name: 'nope' })).rejects.toMatchObject({ name: 'InputError', message: 'this design has no scenario "nope"' });
		await expect(api.lesson(haText, 'ha.vnet.yaml', { kind: 'probe', spec: { from: 'ghost', to: 'server' } })).rejects.toMatchObject({ name: 'InputError' });
	});
});

describe('checks', () => {
	it('runs the checks of the current version, with labels and failing traces', async () => {
		const api = createSimApi();
		const broken = threeTier.replace('{ from: isp, to: 198.51.100.2, proto: tcp, port: 5432, expect: DENIED }', '{ from: isp, to: 198.51.100.2, proto: tcp, port: 5432, expect: DELIVERED }');
		api.open(broken, 'f', 7);
		const r = await api.checks(7);
		expect(r.superseded).toBe(false);
		expect([r.passed, r.failed, r.skipped]).toEqual([9, 1, 0]);
		const bad = r.results.find((x) => !x.ok)!;
		expect(bad.index).toBe(1);
		expect(bad.label).toBe('isp → 198.51.100.2 tcp/5432 expect DELIVERED');
		expect(bad.expected).toEqual({ expect: 'DELIVERED' });
		expect(bad.got).toEqual({ disposition: 'DENIED' });
		expect(bad.trace?.disposition).toBe('DENIED');
		expect(bad.check).toMatchObject({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 5432 });
		expect(r.results.find((x) => x.ok)?.trace).toBeUndefined();
	});

	it('answers superseded for a version that is not the latest', async () => {
		const api = createSimApi();
		api.open(threeTier, 'f', 1);
		api.open(threeTier, 'f', 2);
		expect((await api.checks(1)).superseded).toBe(true);
		expect((await api.checks(2)).superseded).toBe(false);
	});

	it('stops a long run when a newer document arrives', async () => {
		// slices of 100 checks, whatever the machine's speed
		const api = createSimApi({ slices: countSlices(100) });
		const many = Array.from({ length: 4000 }, (_, i) => `  - { from: a, to: b, proto: tcp, port: ${(i % 1000) + 1}, expect: REFUSED }`).join('\n');
		api.open(TWO_HOSTS(many), 'many.vnet.yaml', 1);
		const running = api.checks(1); // runs one slice, then gives the event loop a turn
		api.open(TWO_HOSTS(many), 'many.vnet.yaml', 2);
		const r = await running;
		expect(r.superseded).toBe(true);
		expect(r.results.length).toBe(100);
	});

	it('describes checks like the CLI', () => {
		expect(describeCheck({ from: 'a', to: 'b', proto: 'udp', port: 53, size: 100, df: true, ttl: 3, expect: 'DELIVERED' })).toBe('a → b udp/53 size 100 df ttl 3 expect DELIVERED');
		expect(describeCheck({ scenario: 's', flow: 'f' })).toBe('scenario s flow f');
	});
});

describe('matrix', () => {
	it('equals the engine matrix, diagonal marked', async () => {
		const api = createSimApi();
		api.open(threeTier, 'f', 1);
		const m = await api.matrix({ proto: 'tcp', port: 443 });
		expect(m.cancelled).toBe(false);
		expect(m.done).toBe(16);
		expect(m.cells[0]).toBe(CELL_SELF);
		const r = loadTopology(threeTier, 'f');
		if (!r.ok) throw new Error('load');
		expect(toMatrixJson(m)).toEqual(reachabilityMatrix(buildNet(r.topology), { proto: 'tcp', port: 443 }));
		expect(cellDisposition(m.cells[1])).toBe(toMatrixJson(m).cells[0][1]);
	});

	it('streams rows as progress and stops on cancel', async () => {
		// one row per slice, whatever the machine's speed
		const api = createSimApi({ slices: countSlices(1) });
		const s = api.open(readFileSync(leafSpine, 'utf8'), 'leafspine.vnet.json', 1);
		expect(s.endpoints.length).toBe(320);
		const seen: MatrixProgress[] = [];
		const m = await api.matrix({ proto: 'icmp' }, (p) => {
			seen.push(p);
			if (seen.length === 2) api.cancel();
		});
		expect(m.cancelled).toBe(true);
		expect(seen.length).toBe(2);
		expect(seen[0].row).toBe(0);
		expect(seen[0].cells.length).toBe(320);
		expect(seen[1].row).toBe(1);
		expect(m.done).toBe(2 * 320);
		expect(m.done).toBe(((seen[1].row * 320 + seen[1].cells.length) / 320) * 320);
		expect(m.done).toBeLessThan(m.total);
		expect(m.total).toBe(320 * 320);
		// computed rows are complete, the rest pending
		const rows = m.done / 320;
		expect(m.cells.subarray(0, rows * 320).every((c) => c !== 0)).toBe(true);
		expect(m.cells.subarray(rows * 320).every((c) => c === 0)).toBe(true);
		// a new matrix after a cancel runs to the end
		const full = await api.matrix({ proto: 'udp', port: 9 }, () => {});
		expect(full.cancelled).toBe(false);
		expect(full.done).toBe(full.total);
	});

	it('needs a port for tcp and udp', async () => {
		const api = createSimApi();
		api.open(threeTier, 'f', 1);
		await expect(api.matrix({ proto: 'udp' })).rejects.toThrow('a udp matrix needs a port');
	});
});
