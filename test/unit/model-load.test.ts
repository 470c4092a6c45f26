import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatDiagnostic, formatPath, loadTopology } from '../../src/lib/model/load';
import type { Diagnostic, LoadResult, Topology } from '../../src/lib/model/types';

const shared = path.resolve(import.meta.dirname, '../../../shared');

function ok(text: string, file = 'test.vnet.yaml'): Extract<LoadResult, { ok: true }> {
	const result = loadTopology(text, file);
	if (!result.ok) throw new Error(result.errors.map(formatDiagnostic).join('\n'));
	return result;
}

function errors(text: string, file = 'test.vnet.yaml'): Diagnostic[] {
	const result = loadTopology(text, file);
	if (result.ok) throw new Error('expected errors');
	return result.errors;
}

function lines(text: string, file = 'x.vnet.yaml'): string[] {
	return errors(text, file).map(formatDiagnostic);
}

const LAN = `vnet: 1
name: lan
nodes:
  h1:
    kind: host
    interfaces:
      eth0: { ip: 10.0.0.1/24, gateway: 10.0.0.254 }
  sw1:
    kind: switch
links:
  - { a: h1.eth0, b: sw1.p1 }
`;

describe('loadTopology: valid files', () => {
	it('returns the document with units parsed and defaults for the lists', () => {
		const { topology } = ok(LAN);
		expect(topology.vnet).toBe(1);
		expect(topology.nodes.h1.interfaces!.eth0).toEqual({ ip: '10.0.0.1/24', gateway: '10.0.0.254' });
		expect(topology.links).toEqual([{ a: 'h1.eth0', b: 'sw1.p1' }]);
		expect(topology.scenarios).toEqual({});
		expect(topology.checks).toEqual([]);
	});

	it('expands short forms into the types of types.ts', () => {
		const { topology } = ok(`vnet: 1
name: forms
nodes:
  sw1:
    kind: switch
    interfaces:
      p1: { trunk: [30, "10-12", 11] }
      p2: { trunk: 5, native: 99 }
      p3: { trunk: "100-101" }
  fw:
    kind: firewall
    rules:
      - { action: allow, proto: tcp, port: "8000-8100", sport: 40000 }
  lb:
    kind: load-balancer
    pool: [web1:80, 10.0.0.5:8080]
  web1:
    kind: host
    services: [tcp/80, udp/53]
    interfaces:
      eth0: { mac: 02:AA:BB:CC:DD:EE }
  vm1:
    kind: vm
    memory: 4GiB
    vcpu: 2
links:
  - { a: web1.eth0, b: sw1.p1, latency: 0.2ms, bandwidth: 10Gbps, loss: 0.01, queue: 50 }
scenarios:
  s1:
    duration: 10s
    traffic:
      - { name: video, from: web1, to: vm1, proto: udp, port: 5000, rate: 1000pps, size: 1200 }
      - { name: backup, kind: bulk, from: web1, to: vm1, port: 2049, window: 4MiB }
    events:
      - { at: 3s, fail: sw1.p1 }
      - { at: 8s, restore: { link: web1.eth0 } }
checks:
  - { scenario: s1, flow: video, max-failover: 200ms, max-loss: 250, min-goodput: 9.4Gbps }
`);
		const sw = topology.nodes.sw1.interfaces!;
		expect(sw.p1.trunk).toEqual([10, 11, 12, 30]);
		expect(sw.p2).toEqual({ trunk: [5], native: 99 });
		expect(sw.p3.trunk).toEqual([100, 101]);
		expect(topology.nodes.fw.rules![0]).toEqual({
			action: 'allow',
			proto: 'tcp',
			port: { from: 8000, to: 8100 },
			sport: { from: 40000, to: 40000 }
		});
		expect(topology.nodes.lb.pool).toEqual([
			{ node: 'web1', port: 80 },
			{ node: '10.0.0.5', port: 8080 }
		]);
		expect(topology.nodes.web1.services).toEqual([
			{ proto: 'tcp', port: 80 },
			{ proto: 'udp', port: 53 }
		]);
		expect(topology.nodes.web1.interfaces!.eth0.mac).toBe('02:aa:bb:cc:dd:ee');
		expect(topology.nodes.vm1.memory).toBe(4 * 2 ** 30);
		expect(topology.links[0]).toMatchObject({ latency: 200_000, bandwidth: 10e9, loss: 0.01, queue: 50 });
		const s1 = topology.scenarios.s1;
		expect(s1.duration).toBe(10e9);
		expect(s1.traffic![0]).toMatchObject({ rate: 1000, size: 1200 });
		expect(s1.traffic![1]).toMatchObject({ kind: 'bulk', window: 4 * 2 ** 20 });
		expect(s1.events).toEqual([
			{ at: 3e9, fail: 'sw1.p1' },
			{ at: 8e9, restore: { link: 'web1.eth0' } }
		]);
		expect(topology.checks[0]).toEqual({
			scenario: 's1',
			flow: 'video',
			'max-failover': 200_000_000,
			'max-loss': 250,
			'min-goodput': 9.4e9
		});
	});

	it('reads YAML 1.2: `on`, `yes` and `no` are strings', () => {
		const { topology } = ok(`vnet: 1
name: yes
nodes:
  hv1: { kind: hypervisor }
  vm1: { kind: vm, on: hv1 }
`);
		expect(topology.name).toBe('yes');
		expect(topology.nodes.vm1.on).toBe('hv1');
	});

	it('keeps maps in file order', () => {
		const { topology } = ok(`vnet: 1
name: order
nodes:
  zeta: { kind: host }
  alpha: { kind: host }
  mid: { kind: host, interfaces: { eth1: {}, eth0: {} } }
`);
		expect(Object.keys(topology.nodes)).toEqual(['zeta', 'alpha', 'mid']);
		expect(Object.keys(topology.nodes.mid.interfaces!)).toEqual(['eth1', 'eth0']);
	});

	it('reads JSON the same as YAML', () => {
		const yaml = ok(LAN).topology;
		const json = ok(JSON.stringify(yaml), 'lan.vnet.json').topology;
		// units are already numbers in `yaml`; compare the unit-free LAN document
		expect(json).toEqual(yaml);
	});

	it('loads every conformance and benchmark file', () => {
		const dir = path.join(shared, 'conformance');
		for (const name of ['01-two-hosts-one-switch.vnet.yaml', '14-hypervisor-nat-vs-bridged.vnet.yaml']) {
			const result = loadTopology(readFileSync(path.join(dir, name), 'utf8'), name);
			expect(result.ok, name).toBe(true);
		}
	});

	it('loads the 212 KB benchmark file (its load time is reported by npm run bench, not asserted here)', () => {
		const file = path.join(shared, 'bench/leafspine-4x16x20.vnet.json');
		const r = loadTopology(readFileSync(file, 'utf8'), file);
		expect(r.ok).toBe(true);
		if (r.ok) {
			expect(Object.keys(r.topology.nodes)).toHaveLength(340);
			expect(r.topology.links).toHaveLength(384);
		}
	});
});

describe('source positions', () => {
	it('locates values, collections (at their key), and missing paths (at the parent)', () => {
		const { source } = ok(LAN);
		expect(source!.locate(['nodes', 'h1', 'interfaces', 'eth0', 'ip'])).toEqual({ line: 7, col: 19 });
		expect(source!.locate(['nodes', 'h1'])).toEqual({ line: 4, col: 3 });
		expect(source!.locate(['links', 0, 'b'])).toEqual({ line: 11, col: 22 });
		expect(source!.locate(['nodes', 'sw1', 'interfaces', 'p9'])).toEqual({ line: 8, col: 3 });
		expect(source!.locate([])).toEqual({ line: 1, col: 1 });
	});

	it('locates in JSON files', () => {
		const text = JSON.stringify({ vnet: 1, name: 'j', nodes: { h1: { kind: 'host', interfaces: { eth0: { ip: '10.0.0.1/24' } } } }, links: [] }, null, 2);
		const { source } = ok(text, 'j.vnet.json');
		expect(source!.locate(['nodes', 'h1', 'interfaces', 'eth0', 'ip'])).toEqual({ line: 9, col: 17 });
		expect(source!.locate(['nodes', 'h1'])).toEqual({ line: 5, col: 5 });
		expect(source!.locate(['nodes', 'h1', 'routes'])).toEqual({ line: 5, col: 5 });
		expect(source!.locate(['links'])).toEqual({ line: 14, col: 3 });
	});

	it('follows YAML aliases', () => {
		const { source } = ok(`vnet: 1
name: alias
nodes:
  h1: &host
    kind: host
  h2: *host
`);
		expect(source!.locate(['nodes', 'h2', 'kind'])).toEqual({ line: 5, col: 11 });
	});
});

describe('format errors', () => {
	it('reports the example of the brief exactly', () => {
		const text = LAN.replace('10.0.0.1/24', '10.0.0.300/24');
		expect(lines(text)).toEqual(['x.vnet.yaml:7:19 nodes.h1.interfaces.eth0.ip: "10.0.0.300/24" is not an IPv4 prefix']);
	});

	it('reports every error of the file at once, in file order', () => {
		const found = lines(`vnet: 1
name: many
nodes:
  r1:
    kind: router
    interfaces:
      eth0: { ip: 10.0.0.1/24, gatway: 10.0.0.254 }
      Eth1: {}
    rules:
      - { action: alow }
  h1: { kind: hots }
links:
  - { a: r1.eth0, b: h1, latency: 5 }
checks:
  - { from: h1, to: r1, proto: tcp, expect: DELIVERED }
`);
		expect(found).toEqual([
			'x.vnet.yaml:7:32 nodes.r1.interfaces.eth0.gatway: unknown field `gatway` (did you mean `gateway`?)',
			'x.vnet.yaml:8:7 nodes.r1.interfaces.Eth1: "Eth1" is not a valid interface name (a lower-case letter, then up to 10 lower-case letters or digits, optionally ".N" for a VLAN subinterface)',
			'x.vnet.yaml:10:19 nodes.r1.rules[0].action: expected one of allow, deny, reject; got "alow" (did you mean `allow`?)',
			'x.vnet.yaml:11:15 nodes.h1.kind: unknown kind "hots" (did you mean `host`?); kinds: host, vm, container, hypervisor, switch, router, firewall, nat-gateway, load-balancer, sdn-controller, internet',
			'x.vnet.yaml:13:22 links[0].b: "h1" is not an interface as "node.interface", like "web1.eth0"',
			'x.vnet.yaml:13:35 links[0].latency: expected a duration with a unit (ns, us, ms, s), such as 50us, got 5',
			'x.vnet.yaml:15:5 checks[0]: missing required field `port` (a tcp probe needs one)'
		]);
	});

	it('gives each unknown key its own diagnostic at the key', () => {
		const found = errors(`vnet: 1
name: keys
nodes:
  h1: { kind: host, colour: red, lable: x }
`);
		expect(found.map((d) => [d.path, d.line, d.col, d.message])).toEqual([
			['nodes.h1.colour', 4, 21, 'unknown field `colour` (a host node has: kind, label, position, delay, containerlab, interfaces, routes, services, rules, policy, stateful)'],
			['nodes.h1.lable', 4, 34, 'unknown field `lable` (did you mean `label`?)']
		]);
	});

	it('says which kind has a field another kind lacks', () => {
		expect(errors(`vnet: 1\nname: k\nnodes:\n  h1: { kind: host, ospf: {} }\n  sw1: { kind: switch, rules: [] }\n`).map((d) => d.message)).toEqual([
			'unknown field `ospf`: a host has no `ospf` (router, firewall and nat-gateway nodes do)',
			'unknown field `rules`: switches take no rules'
		]);
	});

	it('names missing required fields on the object that lacks them', () => {
		const found = errors('name: x\nnodes:\n  h1: {}\n');
		expect(found.map((d) => [d.path, d.line, d.message])).toEqual([
			['', 1, 'missing required field `vnet` (the format version: `vnet: 1`)'],
			['nodes.h1', 3, 'missing required field `kind` (one of host, vm, container, hypervisor, switch, router, firewall, nat-gateway, load-balancer, sdn-controller, internet)']
		]);
	});

	it('rejects other format versions', () => {
		expect(errors('vnet: 2\nname: x\nnodes: {}\n')[0].message).toBe('unsupported format version 2: this vnet reads version 1 (`vnet: 1`)');
	});

	it('reports a probe check and a scenario check by what they are', () => {
		const found = errors(`vnet: 1
name: c
nodes: {}
checks:
  - { from: a, to: b, expect: DELIVERED, sise: 3 }
  - { scenario: s, flow: f, max-los: 3 }
`);
		expect(found.map((d) => `${d.path}: ${d.message}`)).toEqual([
			'checks[0].sise: unknown field `sise` (did you mean `size`?)',
			'checks[1].max-los: unknown field `max-los` (did you mean `max-loss`?)'
		]);
	});

	it('reports duplicate keys in YAML and JSON', () => {
		expect(lines('vnet: 1\nname: x\nnodes: {}\nname: y\n')).toEqual(['x.vnet.yaml:4:1: YAML: duplicate key `name`']);
		expect(lines('{"vnet": 1, "name": "x",\n "nodes": {"a": {"kind": "host", "kind": "vm"}}}', 'x.vnet.json')).toEqual([
			'x.vnet.json:2:34 nodes.a.kind: duplicate key `kind`'
		]);
	});

	it('explains JSON syntax errors with a position', () => {
		expect(lines('{"vnet": 1,\n "name": "x",\n}', 'x.vnet.json')).toEqual([
			'x.vnet.json:3:1: not valid JSON: Expected double-quoted property name'
		]);
		expect(lines('{"vnet": 1, "name": "x",\n "nodes": }', 'x.vnet.json')).toEqual(['x.vnet.json:2:11: not valid JSON: Unexpected token \'}\'']);
		expect(lines('{"vnet": 1', 'x.vnet.json')).toEqual(["x.vnet.json:1:11: not valid JSON: Expected ',' or '}' after property value"]);
	});

	it('reads a JSON-looking file that is YAML flow style as YAML', () => {
		expect(ok("{vnet: 1, name: x, nodes: {h1: {kind: host}}}", 'pasted').topology.nodes.h1.kind).toBe('host');
	});

	it('reports YAML syntax errors with their position', () => {
		const [e] = errors('vnet: 1\nname: [x\nnodes: {}\n');
		expect(e.line).toBeGreaterThan(0);
		expect(e.message).toMatch(/^YAML: /);
	});

	it('rejects YAML tags and multiple documents', () => {
		expect(errors('vnet: 1\nname: !secret x\nnodes: {}\n')[0].message).toMatch(/tags are not part of the vnet format/);
		expect(errors('vnet: 1\nname: x\nnodes: {}\n---\nvnet: 1\n')[0].message).toBe(
			'YAML: a topology file holds one YAML document: remove the second `---`'
		);
	});
});

describe('formatting', () => {
	it('formats paths with brackets for list indexes and odd keys', () => {
		expect(formatPath(['nodes', 'r1', 'interfaces', 'eth0.10', 'ip'])).toBe('nodes.r1.interfaces.eth0.10.ip');
		expect(formatPath(['links', 3, 'a'])).toBe('links[3].a');
		expect(formatPath(['nodes', 'my node'])).toBe('nodes["my node"]');
		expect(formatPath([])).toBe('');
	});

	it('formats errors and warnings on one line each', () => {
		const base = { file: 'a.vnet.yaml', path: 'links[0]', line: 3, col: 5, message: 'MTU mismatch' };
		expect(formatDiagnostic({ ...base, severity: 'error' })).toBe('a.vnet.yaml:3:5 links[0]: MTU mismatch');
		expect(formatDiagnostic({ ...base, severity: 'warning', rule: 'mtu-mismatch' })).toBe(
			'a.vnet.yaml:3:5 links[0]: warning: MTU mismatch [mtu-mismatch]'
		);
		expect(formatDiagnostic({ ...base, severity: 'error', path: '', line: 0, col: 0 })).toBe('a.vnet.yaml: MTU mismatch');
	});
});

// Type-level: the loaded document is the Topology of types.ts.
const _typed: (r: Extract<LoadResult, { ok: true }>) => Topology = (r) => r.topology;
void _typed;
