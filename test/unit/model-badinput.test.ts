/**
 * Hostile and broken input: every case ends in clear diagnostics, never a
 * crash, a hang or a polluted prototype.
 */
import { describe, it, expect } from 'vitest';
import { stringify } from 'yaml';
import { loadTopology, MAX_FILE_CHARS } from '../../src/lib/model/load';
import type { Diagnostic } from '../../src/lib/model/types';

function errorsOf(text: string, file = 'bad.vnet.yaml'): Diagnostic[] {
	const result = loadTopology(text, file);
	expect(result.ok).toBe(false);
	return result.ok ? [] : result.errors;
}

/** A document using most of the format, for the wrong-type sweep. */
const RICH = {
	vnet: 1,
	name: 'rich',
	description: 'everything',
	nodes: {
		hv1: {
			kind: 'hypervisor',
			interfaces: { eth0: { ip: '192.168.1.10/24', gateway: '192.168.1.1' } },
			nat: { subnet: '10.0.2.0/24', forwards: [{ proto: 'tcp', port: 2222, to: 'vm1:22' }] },
			vcpu: 8,
			memory: '32GiB',
			ha: { restart: '30s', to: 'hv1' }
		},
		vm1: { kind: 'vm', on: 'hv1', interfaces: { eth0: { attach: 'nat', dhcp: true } }, services: ['tcp/22'] },
		sw1: { kind: 'switch', interfaces: { p1: { vlan: 10 }, p2: { trunk: [10, '20-22'], native: 99 } } },
		r1: {
			kind: 'router',
			position: { x: 1, y: 2 },
			interfaces: { eth0: { ip: '10.0.0.1/24', vrrp: { group: 1, vip: '10.0.0.254' } }, 'eth0.10': { ip: '10.10.0.1/24' } },
			routes: [{ to: '10.9.0.0/16', via: '10.0.0.2', metric: 1 }],
			rules: [{ action: 'allow', proto: 'tcp', from: 'any', to: '10.0.0.0/24', port: '80-81', in: 'eth0' }],
			ospf: { hello: '10s', bfd: { interval: '50ms', multiplier: 3 } }
		},
		lb: { kind: 'load-balancer', vip: '10.0.0.100', pool: ['vm1:80'], port: 80, health: { interval: '2s' } },
		ctl: { kind: 'sdn-controller', manages: ['sw1'], mode: 'reactive', channel: '1ms' }
	},
	links: [{ a: 'r1.eth0', b: 'sw1.p1', latency: '50us', bandwidth: '1Gbps', loss: 0, queue: 10 }],
	scenarios: {
		s1: {
			duration: '10s',
			seed: 1,
			traffic: [{ name: 'f', from: 'vm1', to: 'r1', proto: 'udp', port: 9, rate: '100pps', size: 100 }],
			events: [{ at: '1s', fail: 'r1.eth0' }, { at: '2s', restore: { link: 'r1.eth0' } }]
		}
	},
	checks: [
		{ from: 'vm1', to: 'r1', proto: 'tcp', port: 80, expect: 'DELIVERED', hops: ['10.0.0.1'] },
		{ scenario: 's1', flow: 'f', 'max-loss': 0 }
	]
};

/** Every path of a JSON value, containers included. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
	const out: (string | number)[][] = [prefix];
	if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
	else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
	return out;
}

function replaced(doc: unknown, path: (string | number)[], value: unknown): unknown {
	if (path.length === 0) return value;
	const copy: any = Array.isArray(doc) ? [...doc] : { ...(doc as object) };
	copy[path[0]] = replaced(copy[path[0]], path.slice(1), value);
	return copy;
}

describe('bad input', () => {
	it('the rich document itself is valid', () => {
		const result = loadTopology(stringify(RICH), 'rich.vnet.yaml');
		expect(result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([]);
	});

	it('an empty or comment-only file', () => {
		for (const text of ['', '   \n\n', '# only a comment\n', '---\n', '\uFEFF']) {
			expect(errorsOf(text)[0].message).toBe('the file is empty: a topology starts with `vnet: 1`, `name` and `nodes`');
		}
	});

	it('text that is not YAML or not a mapping', () => {
		expect(errorsOf('vnet: 1\n  name: [x\n\tnodes: {\n')[0].message).toMatch(/^YAML: /);
		expect(errorsOf('just some words')[0].message).toBe('expected a topology (a mapping with `vnet: 1`, `name` and `nodes`), got "just some words"');
		expect(errorsOf('- 1\n- 2\n')[0].message).toMatch(/got a list$/);
		expect(errorsOf('42')[0].message).toMatch(/got 42$/);
		expect(errorsOf('"\u0000\u0001\u0002binary"')[0].message).toBeTruthy();
		expect(errorsOf('[1, 2]', 'x.vnet.json')[0].message).toMatch(/got a list$/);
	});

	it('YAML features outside the format: merge keys, binary, sets, complex keys', () => {
		expect(errorsOf('vnet: 1\nname: x\nnodes:\n  b: &b { kind: host }\n  h: { <<: *b, kind: host }\n')[0].message).toBe(
			'YAML merge keys (`<<`) are not part of YAML 1.2: write the fields out'
		);
		expect(errorsOf('vnet: 1\nname: !!binary aGVsbG8=\nnodes: {}\n')[0].message).toBe('expected a name, got binary data');
		expect(errorsOf('vnet: 1\nname: x\nnodes: !!set { a }\n')[0].message).toBe('expected a mapping of node id to node, got a YAML set');
		expect(errorsOf('vnet: 1\nname: x\nnodes:\n  ? [a, b]\n  : { kind: host }\n')[0].message).toMatch(/is not a valid node id/);
	});

	it('a non-string argument', () => {
		expect(errorsOf(undefined as unknown as string)[0].message).toBe('expected the text of a topology file');
	});

	it('random bytes never throw', () => {
		let seed = 12345;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const alphabet = 'ab:{}[]-,"\'\n \t#&*!|>%@`0123456789.\\\u0000\u00e9';
		for (let n = 0; n < 300; n++) {
			const length = Math.floor(random() * 80);
			let text = '';
			for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
			for (const file of ['f.vnet.yaml', 'f.vnet.json']) {
				const result = loadTopology(text, file);
				if (!result.ok) for (const e of result.errors) expect(typeof e.message).toBe('string');
			}
		}
	});

	it('a billion-laughs alias bomb', () => {
		const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
		for (let i = 1; i < 9; i++) {
			const prev = String.fromCharCode(96 + i);
			const name = String.fromCharCode(97 + i);
			levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
		}
		// bounded by counting the expansion on the parsed tree, never by expanding it (model-aliases.test.ts)
		const value = errorsOf(levels.join('\n') + '\n');
		expect(value[0].message).toMatch(/YAML aliases expand too much/);
	});

	it('a few aliases for reuse are fine', () => {
		const result = loadTopology('vnet: 1\nname: x\nnodes:\n  a: &h { kind: host }\n  b: *h\n  c: *h\n', 'x.vnet.yaml');
		expect(result.ok && Object.keys(result.topology.nodes)).toEqual(['a', 'b', 'c']);
	});

	it('a file over the size limit is refused before parsing', () => {
		const big = 'vnet: 1\nname: big\nnodes:\n' + '  # padding padding padding padding padding padding\n'.repeat(Math.ceil(10e6 / 52));
		expect(big.length).toBeGreaterThan(MAX_FILE_CHARS);
		const value = errorsOf(big);
		expect(value[0].message).toMatch(/^the file is 10\.0 MB; vnet reads topology files up to 5 MB$/);
		expect(value[0]).toMatchObject({ line: 1, col: 1 });
	});

	it('deep nesting in YAML and JSON', () => {
		for (const depth of [1_000, 20_000]) {
			const flow = `vnet: 1\nname: deep\nnodes: {}\nlinks: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
			const value = errorsOf(flow);
			expect(value.length).toBeGreaterThan(0);
			const json = `{"vnet": 1, "name": "deep", "nodes": {}, "links": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
			expect(errorsOf(json, 'deep.vnet.json')[0].path).toBe('links[0]');
			const objects = `{"vnet": 1, "name": "deep", "nodes": {}, "checks": [${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}]}`;
			expect(errorsOf(objects, 'deep.vnet.json')[0].path).toMatch(/^checks\[0\]/);
		}
	});

	it('deep block nesting in YAML', () => {
		const lines = ['vnet: 1', 'name: deep', 'nodes: {}', 'description:'];
		for (let i = 1; i < 2000; i++) lines.push(`${' '.repeat(i)}k${i}:`);
		const errors = errorsOf(lines.join('\n') + '\n');
		expect(errors[0].message).toMatch(/the file nests too deeply|expected a string/);
	});
});

describe('prototype keys', () => {
	it('`__proto__` as a node id or key is an error, and nothing is polluted', () => {
		const yaml = 'vnet: 1\nname: p\nnodes:\n  __proto__: { kind: host, polluted: yes }\n';
		expect(errorsOf(yaml).map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`)).toEqual([
			'4:3 nodes.__proto__: `__proto__` is not allowed as a key'
		]);
		const json = '{"vnet": 1, "name": "p", "nodes": {"h": {"kind": "host", "__proto__": {"polluted": true}}}, "__proto__": {"polluted": true}}';
		expect(errorsOf(json, 'p.vnet.json').map((e) => e.path)).toEqual(['nodes.h.__proto__', '__proto__']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype).not.toHaveProperty('polluted');
	});

	it('`constructor`, `prototype`, `toString` and `hasOwnProperty` are ordinary node ids', () => {
		const ids = ['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
		const doc = {
			vnet: 1,
			name: 'p',
			nodes: Object.fromEntries(ids.map((id) => [id, { kind: 'host', interfaces: { eth0: {} } }])),
			links: [{ a: 'constructor.eth0', b: 'prototype.eth0' }]
		};
		for (const [text, file] of [
			[stringify(doc), 'p.vnet.yaml'],
			[JSON.stringify(doc), 'p.vnet.json']
		]) {
			const result = loadTopology(text, file);
			expect(result.ok).toBe(true);
			if (!result.ok) continue;
			const { nodes } = result.topology;
			const node = (id: string) => nodes[id]; // (TypeScript types nodes.constructor as Object's)
			expect(Object.keys(nodes)).toEqual(ids);
			expect(node('constructor').kind).toBe('host');
			expect(node('toString').kind).toBe('host');
			// maps have no prototype: a lookup of an absent id never finds an inherited member
			expect(Object.getPrototypeOf(nodes)).toBeNull();
			expect(Object.getPrototypeOf(node('constructor').interfaces)).toBeNull();
			expect((result.topology.scenarios as Record<string, unknown>).toString).toBeUndefined();
			expect(JSON.parse(JSON.stringify(nodes)).constructor).toEqual({ kind: 'host', interfaces: { eth0: {} } });
		}
	});

	it('`prototype` or `constructor` as field names are unknown fields', () => {
		const errors = errorsOf('vnet: 1\nname: p\nnodes:\n  h: { kind: host, constructor: 1, prototype: 2, interfaces: { eth0: { constructor: 1 } } }\n');
		expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
			'nodes.h.constructor: unknown field `constructor` (a host node has: kind, label, position, delay, containerlab, interfaces, routes, services, rules, policy, stateful)',
			'nodes.h.prototype: unknown field `prototype` (a host node has: kind, label, position, delay, containerlab, interfaces, routes, services, rules, policy, stateful)',
			'nodes.h.interfaces.eth0.constructor: unknown field `constructor` (an interface has: ip, gateway, dhcp, mac, mtu, down, bond)'
		]);
		expect(errorsOf('vnet: 1\nname: p\nnodes: {}\nlinks: [{ a: a.b, b: c.d, latency: 5constructor }]\n')[0].message).toBe(
			'unknown unit "constructor" for a duration (expected ns, us, ms, s)'
		);
	});
});

describe('wrong types everywhere', () => {
	const WRONG: unknown[] = [null, -1.5, 'text', true, [null], { x: 1 }];

	it('every field of a rich document, replaced by every wrong type, gives located errors and never throws', () => {
		let checked = 0;
		for (const path of paths(RICH)) {
			if (path.length === 0) continue;
			for (const wrong of WRONG) {
				const doc = replaced(RICH, path, wrong);
				// JSON for every case; YAML (10x slower to parse) for a third of them
				const texts: [string, string][] = [[JSON.stringify(doc), 'w.vnet.json']];
				if (checked % 3 === 0) texts.push([stringify(doc), 'w.vnet.yaml']);
				for (const [text, file] of texts) {
					const result = loadTopology(text, file);
					checked++;
					if (result.ok) continue; // e.g. a label "text" is still a label
					for (const e of result.errors) {
						expect(e.severity).toBe('error');
						expect(e.message.length).toBeGreaterThan(5);
						expect(e.message).not.toMatch(/Invalid input|undefined|\[object Object\]/);
						expect(e.line).toBeGreaterThan(0);
					}
				}
			}
		}
		expect(checked).toBeGreaterThan(600);
	});
});
