/**
 * The JSON Schema (what editors check) and the loader (what vnet reads) must
 * agree: every real file passes both, broken snippets fail both, and the
 * committed static/vnet.schema.json is the current generated schema.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import Ajv2020 from 'ajv/dist/2020';
import { loadTopology } from '../../src/lib/model/load';
import { topologyJsonSchema } from '../../src/lib/model/jsonschema';

const repo = path.resolve(import.meta.dirname, '../..');
const shared = path.resolve(import.meta.dirname, '../../../shared');

function filesIn(dir: string, suffixes: string[], recursive = false): string[] {
	if (!existsSync(dir)) return [];
	return (readdirSync(dir, { recursive }) as string[])
		.filter((name) => suffixes.some((s) => name.endsWith(s)))
		.map((name) => path.join(dir, name))
		.sort();
}

const files = [
	...filesIn(path.join(shared, 'conformance'), ['.vnet.yaml']),
	...filesIn(path.join(shared, 'bench'), ['.vnet.json']),
	...filesIn(path.join(repo, 'topologies'), ['.vnet.yaml', '.vnet.json'], true)
];

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(topologyJsonSchema());

/** The file as data, the way an editor's YAML/JSON plugin reads it. */
function data(text: string): unknown {
	return parse(text, { version: '1.2', schema: 'core' });
}

describe('JSON Schema and loader agree', () => {
	it('finds the shared files', () => {
		expect(files.filter((f) => f.includes('conformance')).length).toBeGreaterThanOrEqual(22);
		expect(files.filter((f) => f.endsWith('.vnet.json')).length).toBeGreaterThanOrEqual(4);
	});

	it.each(files.map((file) => [path.relative(path.dirname(repo), file), file]))('%s is valid for both', (_, file) => {
		const text = readFileSync(file, 'utf8');
		const valid = validate(data(text));
		expect(valid ? [] : validate.errors).toEqual([]);
		const result = loadTopology(text, file);
		expect(result.ok ? [] : result.errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`)).toEqual([]);
	});

	const BASE = { vnet: 1, name: 'bad', nodes: { h1: { kind: 'host', interfaces: { eth0: { ip: '10.0.0.1/24' } } }, sw1: { kind: 'switch' } } };
	const node = (n: object) => ({ ...BASE, nodes: { ...BASE.nodes, x: n } });
	const INVALID: [string, unknown][] = [
		['no version', { name: 'x', nodes: {} }],
		['version 2', { ...BASE, vnet: 2 }],
		['unknown top-level field', { ...BASE, node: {} }],
		['node id starting with a digit', { ...BASE, nodes: { '1x': { kind: 'host' } } }],
		['node id `any`', { ...BASE, nodes: { any: { kind: 'host' } } }],
		['unknown kind', node({ kind: 'server' })],
		['typo in an interface field', node({ kind: 'host', interfaces: { eth0: { gatway: '10.0.0.1' } } })],
		['bad interface name', node({ kind: 'host', interfaces: { Eth0: {} } })],
		['interface name over 15 characters', node({ kind: 'host', interfaces: { abcdefghijk: {}, 'abcdefghijk.1234': {} } })],
		['address out of range', node({ kind: 'host', interfaces: { eth0: { ip: '10.0.0.300/24' } } })],
		['address without prefix', node({ kind: 'host', interfaces: { eth0: { ip: '10.0.0.3' } } })],
		['mtu too large', node({ kind: 'host', interfaces: { eth0: { mtu: 9217 } } })],
		['vlan on a host', node({ kind: 'host', interfaces: { eth0: { vlan: 10 } } })],
		['rules on a switch', node({ kind: 'switch', rules: [] })],
		['direction on a firewall rule', node({ kind: 'firewall', rules: [{ action: 'deny', direction: 'out' }] })],
		['rule without action', node({ kind: 'host', rules: [{ proto: 'tcp' }] })],
		['duration without unit', { ...BASE, links: [{ a: 'h1.eth0', b: 'sw1.p1', latency: 5 }] }],
		['bandwidth in lower case', { ...BASE, links: [{ a: 'h1.eth0', b: 'sw1.p1', bandwidth: '1gbps' }] }],
		['link to a subinterface', { ...BASE, links: [{ a: 'h1.eth0.10', b: 'sw1.p1' }] }],
		['loss over 1', { ...BASE, links: [{ a: 'h1.eth0', b: 'sw1.p1', loss: 2 }] }],
		['VLAN 4095 on a trunk', node({ kind: 'switch', interfaces: { p1: { trunk: [4095] } } })],
		['service with icmp', node({ kind: 'host', services: ['icmp/1'] })],
		['unknown disposition', { ...BASE, checks: [{ from: 'h1', to: 'sw1', expect: 'OK' }] }],
		['check without expect', { ...BASE, checks: [{ from: 'h1', to: 'sw1' }] }],
		['size with a decimal unit', node({ kind: 'vm', memory: '4GB' })],
		['scenario without duration', { ...BASE, scenarios: { s: {} } }],
		['unknown product', node({ kind: 'hypervisor', product: 'xen' })]
	];

	it.each(INVALID)('%s is rejected by both', (_, doc) => {
		expect(validate(doc)).toBe(false);
		const result = loadTopology(JSON.stringify(doc), 'bad.vnet.json');
		expect(result.ok).toBe(false);
	});

	it('the committed static/vnet.schema.json is up to date (npm run build:schema)', () => {
		const committed = JSON.parse(readFileSync(path.join(repo, 'static/vnet.schema.json'), 'utf8'));
		expect(committed).toEqual(topologyJsonSchema());
	});
});
