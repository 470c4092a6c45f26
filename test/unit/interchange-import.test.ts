/** Importing real-looking containerlab labs and GNS3 projects, and hostile files. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromContainerlab } from '../../src/lib/interchange/containerlab-import';
import { fromGns3 } from '../../src/lib/interchange/gns3-import';
import { fromKubernetes } from '../../src/lib/interchange/kube-manifests-import';
import { sanitizeIfaceName, sanitizeNodeId, IdAllocator, uuidV5, sha1, utf8 } from '../../src/lib/interchange/ids';
import { shellSplit } from '../../src/lib/interchange/safe';
import type { ImportResult } from '../../src/lib/interchange/import-common';
import type { Topology } from '../../src/lib/model/types';
import { FIXTURES, loadVnet } from './interchange-helpers';
import { loadTopology } from '../../src/lib/model/load';
import { lintTopology } from '../../src/lib/model/lint';

const fixture = (p: string) => readFileSync(path.join(FIXTURES, p), 'utf8');

async function ok(r: ImportResult): Promise<{ t: Topology; warnings: string[]; yaml: string }> {
	if (!r.ok) throw new Error(r.errors.join('\n'));
	// the output is a valid vnet file for the real loader
	const t = await loadVnet(r.yaml, 'imported.vnet.yaml');
	return { t, warnings: r.warnings.map((w) => `${w.path}: ${w.message}`), yaml: r.yaml };
}

describe('containerlab fixtures', () => {
	it('SR Linux + FRR + linux clients + a bridge, with annotations', async () => {
		const { t, warnings, yaml } = await ok(fromContainerlab(fixture('containerlab/srl-frr.clab.yml'), { file: 'srl-frr.clab.yml', annotations: fixture('containerlab/srl-frr.clab.yml.annotations.json') }));
		expect(Object.fromEntries(Object.entries(t.nodes).map(([id, n]) => [id, n.kind]))).toEqual({
			leaf1: 'router',
			leaf2: 'router',
			edge: 'nat-gateway',
			client1: 'host',
			client2: 'host',
			oob: 'switch',
			isp: 'host'
		});
		expect(t.nodes.edge.interfaces).toEqual({ eth1: { ip: '10.0.1.0/31' }, eth2: { ip: '10.0.2.0/31' }, eth3: { ip: '203.0.113.2/30', gateway: '203.0.113.1' } });
		expect(t.nodes.edge.routes).toEqual([
			{ to: '192.168.10.0/24', via: '10.0.1.1' },
			{ to: '192.168.20.0/24', via: '10.0.2.1' }
		]);
		expect(t.nodes.edge.nat).toEqual({ masquerade: ['eth3'] });
		expect(t.nodes.client1.interfaces!.eth1).toEqual({ ip: '192.168.10.10/24', gateway: '192.168.10.1', mtu: 9000 });
		expect(t.nodes.client2.services).toEqual([{ proto: 'tcp', port: 8080 }]);
		expect(t.nodes.leaf1.position).toEqual({ x: 100, y: 200 });
		expect(t.nodes.isp.position).toEqual({ x: 200, y: -40 });
		expect(t.links).toHaveLength(7);
		expect(t.links[0]).toEqual({ a: 'leaf1.e1x1', b: 'client1.eth1' });
		// what was not read is listed, in the result and in the file's header
		expect(warnings.some((w) => /links\[7\].*host endpoint/.test(w))).toBe(true);
		expect(warnings.some((w) => /leaf1.*nokia_srlinux.*startup-config/.test(w))).toBe(true);
		expect(warnings.some((w) => /client2\.exec\[3\].*echo ready/.test(w))).toBe(true);
		expect(warnings.some((w) => /"e1-1 \(ethernet-1\/1\) → e1x1"/.test(w))).toBe(true);
		expect(yaml).toMatch(/^# Imported by `vnet import` from containerlab file "srl-frr.clab.yml"\.\n# \d+ warnings/);
	});

	it('linux VLAN bridge, 802.1Q subinterfaces, iptables policy and rules', async () => {
		const { t, warnings } = await ok(fromContainerlab(fixture('containerlab/linux-vlans.clab.yml')));
		expect(t.nodes.sw1).toEqual({ kind: 'switch', interfaces: { eth1: { vlan: 10 }, eth2: { vlan: 20 }, eth3: { trunk: [10, 20] } } });
		const r1 = t.nodes.r1;
		expect(r1.kind).toBe('firewall');
		expect(r1.interfaces).toEqual({ eth1: {}, 'eth1.10': { ip: '192.168.10.1/24' }, 'eth1.20': { ip: '192.168.20.1/24' } });
		expect(r1.policy).toBe('deny');
		expect(r1.stateful).toBe(true);
		expect(r1.rules).toEqual([
			{ action: 'allow', proto: 'tcp', from: '192.168.10.0/24', port: { from: 22, to: 22 } },
			{ action: 'reject', proto: 'tcp', port: { from: 23, to: 23 } },
			{ action: 'allow', proto: 'icmp' }
		]);
		expect(r1.routes).toEqual([{ to: '10.66.0.0/16', blackhole: true }]);
		expect(t.nodes.pc10.position).toEqual({ x: 50, y: 300 });
		expect(warnings.some((w) => /pc20\.exec\[2\].*without a next hop/.test(w))).toBe(true);
	});
});

describe('GNS3 fixtures', () => {
	it('VPCS, an Ethernet switch with access and dot1q ports, a router, cloud and NAT', async () => {
		const { t, warnings } = await ok(fromGns3(fixture('gns3/basic-lab.gns3'), { file: 'basic-lab.gns3' }));
		const kinds = Object.fromEntries(Object.entries(t.nodes).map(([id, n]) => [id, n.kind]));
		expect(kinds).toEqual({ PC1: 'host', PC2: 'host', 'PC-3-lab-b-guest-b': 'host', Switch1: 'switch', R1: 'router', Cloud1: 'internet', NAT1: 'internet' });
		expect(t.nodes.Switch1.interfaces).toEqual({ eth0: {}, eth1: { vlan: 10 }, eth2: { vlan: 20 }, eth7: { trunk: Array.from({ length: 4094 }, (_, i) => i + 1), native: 1 } });
		expect(t.nodes.PC1.position).toEqual({ x: -300, y: -100 });
		expect(t.links).toContainEqual({ a: 'Switch1.eth7', b: 'R1.e0p0', latency: 5e6, loss: 0.02 });
		expect(t.links).toContainEqual({ a: 'R1.e1p1', b: 'NAT1.nat0', down: true });
		expect(t.links).toHaveLength(6);
		// the label keeps the GNS3 name as plain text
		expect(t.nodes['PC-3-lab-b-guest-b'].label).toBe('PC-3 (lab <b>guest</b>)');
		expect(warnings.some((w) => /frame_relay_switch/.test(w))).toBe(true);
		expect(warnings.some((w) => /not a valid vnet id: imported as PC-3-lab-b-guest-b/.test(w))).toBe(true);
		expect(warnings.some((w) => /PC1.*outside the \.gns3 project/.test(w))).toBe(true);
		expect(warnings.some((w) => /filters\.corrupt/.test(w))).toBe(true);
	});

	it('docker, qemu and IOU nodes: kinds from names and symbols, ports from adapters', async () => {
		const { t } = await ok(fromGns3(fixture('gns3/docker-qemu.gns3')));
		expect(Object.fromEntries(Object.entries(t.nodes).map(([id, n]) => [id, n.kind]))).toEqual({
			'frr-r1': 'router',
			web: 'host',
			'vyos-edge': 'router',
			'pfsense-fw': 'firewall',
			'ubuntu-desktop': 'vm',
			'IOU-L2': 'switch'
		});
		expect(t.links[0]).toEqual({ a: 'frr-r1.eth0', b: 'web.lan' });
	});
});

describe('hostile and malformed input', () => {
	const clab = (text: string) => fromContainerlab(text, { file: 'evil.clab.yml' });
	it('rejects what is not a lab, with a message and no exception', () => {
		for (const text of ['', 'just a string', '[1, 2]', 'name: x', 'topology: 5', 'topology:\n  nodes: []', 'topology: {nodes: {}}', '{{{']) {
			const r = clab(text);
			expect(r.ok, text).toBe(false);
			if (!r.ok) expect(r.errors[0]).toMatch(/not a containerlab topology|not valid YAML|not usable YAML/);
		}
		for (const text of ['', '{}', '[]', 'null', '{"topology": {"nodes": 5}}', '{"revision": 1, "topology": {"nodes": []}}', '{']) {
			const r = fromGns3(text);
			expect(r.ok, text).toBe(false);
		}
	});
	it('rejects huge files and deep nesting', () => {
		const huge = 'name: x\ntopology:\n  nodes:\n' + '    n: {}\n'.repeat(1) + '#'.repeat(5 * 1024 * 1024);
		const r = clab(huge);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0]).toMatch(/limit for import/);
		const deepYaml = 'topology: {nodes: {a: ' + '['.repeat(100000) + ']'.repeat(100000) + '}}';
		const y = clab(deepYaml);
		expect(y.ok).toBe(false);
		if (!y.ok) expect(y.errors[0]).toMatch(/nested too deeply|nested more than/);
		const deep = '{"topology": {"nodes": [' + '['.repeat(5000) + ']'.repeat(5000) + ']}}';
		const g = fromGns3(deep);
		expect(g.ok).toBe(false);
		if (!g.ok) expect(g.errors[0]).toMatch(/nested more than/);
	});
	it('deep nesting in a YAML lab or manifest is an error at the line and column of the 65th level; 64 levels import', () => {
		const nest = (n: number) => '['.repeat(n) + '1' + ']'.repeat(n);
		// a's value (column 8) is level 3, labels' 4, x's first `[` (column 21) 5: column 81 is level 65
		const r = fromContainerlab(`topology:\n  nodes:\n    a: {labels: {x: ${nest(70)}}}\n`, { file: 'deep.clab.yml' });
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0]).toMatch(/^line 3, column 81: nested more than 64 levels deep/);
		const k = fromKubernetes(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {x: ${nest(70)}}\n`, { file: 'deep.yaml' });
		expect(k.ok).toBe(false);
		if (!k.ok) expect(k.errors[0]).toMatch(/^line 4, column 74: nested more than 64 levels deep/);
		const ok = fromKubernetes(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {x: ${nest(62)}}\n`, { file: 'ok.yaml' });
		expect(ok.ok).toBe(true);
	});
	it('rejects YAML alias bombs', () => {
		const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]', 'topology: {nodes: {n: {labels: {x: *e}}}}'].join('\n');
		const r = clab(bomb);
		expect(r.ok).toBe(false);
	});
	it('wrong types become warnings; __proto__ and friends are dropped, never merged', async () => {
		const text = [
			'name: evil',
			'topology:',
			'  nodes:',
			'    __proto__: { kind: linux, exec: ["ip addr add 10.0.0.1/24 dev eth1"] }',
			'    constructor: { kind: linux }',
			'    "bad name!": { kind: linux, exec: 5, labels: [1] }',
			'    n1: { kind: linux, exec: [7, "ip addr add 300.1.1.1/24 dev eth1", "rm -rf / ; reboot", "ip addr add 10.0.0.2/24 dev eth1"], labels: { vnet.kind: "<script>", vnet.label: "<img src=x onerror=alert(1)>" } }',
			'    n2: 42',
			'  links:',
			'    - endpoints: ["n1:eth1", "bad name!:eth1"]',
			'    - endpoints: "n1:eth2"',
			'    - endpoints: ["n1:eth3", "ghost:eth1"]',
			'    - 17'
		].join('\n');
		const r = clab(text);
		const { t, warnings } = await ok(r);
		expect(Object.prototype.hasOwnProperty.call(t.nodes, '__proto__')).toBe(false);
		expect(({} as Record<string, unknown>).kind).toBeUndefined(); // no prototype pollution
		expect(warnings.some((w) => /__proto__: dangerous key dropped/.test(w))).toBe(true);
		expect(t.nodes['bad-name']).toBeTruthy();
		expect(warnings.some((w) => /"bad name!" is not a valid vnet id: imported as bad-name/.test(w))).toBe(true);
		expect(warnings.some((w) => /exec is not a list/.test(w))).toBe(true);
		expect(warnings.some((w) => /rm -rf/.test(w))).toBe(true);
		expect(t.nodes.n1.interfaces!.eth1.ip).toBe('10.0.0.2/24');
		expect(t.nodes.n1.kind).toBe('host'); // "<script>" is no kind
		expect(t.nodes.n1.label).toBe('<img src=x onerror=alert(1)>'); // kept as text, never markup
		expect(t.links).toEqual([{ a: 'n1.eth1', b: 'bad-name.eth1' }]);
		expect(warnings.some((w) => /ghost/.test(w))).toBe(true);
	});
	it('GNS3: a hostile vnet variable cannot inject fields the format does not have', async () => {
		const project = JSON.parse(fixture('gns3/basic-lab.gns3'));
		const pc1 = project.topology.nodes[0];
		project.variables = [
			{
				name: 'vnet',
				value: JSON.stringify({ format: 'vnet', version: 1, name: 'x', nodes: { [pc1.node_id]: { id: 'PC1', kind: 'host', interfaces: { eth0: { ip: '10.1.1.1/24', evil: true } }, onload: 'alert(1)', __proto__: { polluted: 1 } } }, links: {} })
			}
		];
		const { t, warnings } = await ok(fromGns3(JSON.stringify(project)));
		expect(t.nodes.PC1.interfaces!.eth0).toEqual({ ip: '10.1.1.1/24' });
		expect(warnings.some((w) => /evil/.test(w))).toBe(true);
		expect(warnings.some((w) => /onload/.test(w))).toBe(true);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
	it('control characters never reach warnings or the YAML header', () => {
		const r = clab('name: x\ntopology:\n  nodes:\n    "a\\u001b[31mred": {kind: linux}\n');
		expect(r.ok).toBe(true);
		if (r.ok) {
			expect(r.yaml).not.toMatch(/\u001b/);
			for (const w of r.warnings) expect(w.message + w.path).not.toMatch(/[\u0000-\u001f]/);
		}
	});
});

describe('ids and helpers', () => {
	it('sanitizes names into vnet ids deterministically', () => {
		expect(sanitizeNodeId('R1')).toBe('R1');
		expect(sanitizeNodeId('leaf.1')).toBe('leaf-1');
		expect(sanitizeNodeId('1st-router')).toBe('n1st-router');
		expect(sanitizeNodeId('any')).toBe('any-node');
		expect(sanitizeNodeId('__proto__')).toBe('proto');
		expect(sanitizeNodeId('')).toBe('n');
		const a = new IdAllocator();
		expect([a.take('x y').id, a.take('x-y').id, a.take('x_y').id]).toEqual(['x-y', 'x-y-2', 'x_y']);
		expect(sanitizeIfaceName('GigabitEthernet0/1')).toBe('gi01');
		expect(sanitizeIfaceName('Ethernet1')).toBe('eth1');
		expect(sanitizeIfaceName('e1-1')).toBe('e11');
		expect(sanitizeIfaceName('ethernet-1/49.10')).toBe('eth149.10');
		expect(sanitizeIfaceName('0')).toBe('e0');
	});
	it('name-based UUIDs are RFC 4122 version 5 (SHA-1)', () => {
		expect([...sha1(utf8('abc'))].map((b) => b.toString(16).padStart(2, '0')).join('')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
		// RFC 4122 appendix B style check against a known v5 UUID (DNS namespace, "www.example.com")
		expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
		expect(uuidV5('a')).toBe(uuidV5('a'));
		expect(uuidV5('a')).not.toBe(uuidV5('b'));
	});
	it('splits exec lines like a shell, without expanding anything', () => {
		expect(shellSplit(`sh -c 'a "b" c' "d e" f\\ g $HOME`)).toEqual(['sh', '-c', 'a "b" c', 'd e', 'f g', '$HOME']);
		expect(shellSplit(`unbalanced 'quote`)).toBeNull();
	});
});

/** Imports, loads the output with the real loader and lints it: no errors, every change a warning. */
async function importsClean(r: ImportResult): Promise<{ t: Topology; warnings: string[] }> {
	const { t, warnings, yaml } = await ok(r);
	const loaded = loadTopology(yaml, 'imported.vnet.yaml');
	if (!loaded.ok) throw new Error('not loadable');
	const errors = lintTopology(loaded.topology, { file: 'imported.vnet.yaml', locate: loaded.source!.locate }).filter((d) => d.severity === 'error');
	expect(errors).toEqual([]);
	return { t, warnings };
}

describe('real labs that did not import (#17)', () => {
	it('an f5_bigip-ve with ports 1.1, 1.2 and 1.10: plain port names, each rename a warning', async () => {
		const { t, warnings } = await importsClean(fromContainerlab(fixture('containerlab/f5-bigip.clab.yml'), { file: 'f5-bigip.clab.yml' }));
		expect(t.links.map((l) => `${l.a}-${l.b}`)).toEqual(['client.eth1-bigip.e11', 'bigip.e12-server.eth1', 'bigip.e110-server.eth2']);
		expect(warnings).toContain('topology.nodes.bigip: interface names that are not valid vnet names were renamed: "1.1 → e11", "1.2 → e12", "1.10 → e110"');
	});

	it('a GNS3 project with a duplicated node_id: both nodes kept, the self-link dropped with a warning', async () => {
		const { t, warnings } = await importsClean(fromGns3(fixture('gns3/duplicate-node-id.gns3'), { file: 'duplicate-node-id.gns3' }));
		expect(Object.keys(t.nodes)).toEqual(['R1', 'R2', 'PC1']);
		expect(t.links.map((l) => `${l.a}-${l.b}`)).toEqual(['R1.e1p0-PC1.eth0']);
		expect(warnings.some((w) => /^topology\.nodes\[1\]: duplicate node_id .* imported as its own node R2/.test(w))).toBe(true);
		expect(warnings).toContain('links[0]: dropped: this link joins R1.e0p0 to itself. A cable needs two different interfaces.');
	});

	it('a containerlab link endpoint named like a subinterface is a plain port (a veth of that name)', async () => {
		const lab = 'name: sub\ntopology:\n  nodes:\n    a: { kind: linux, exec: ["ip link add link eth1 name eth1.10 type vlan id 10"] }\n    b: { kind: linux }\n  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n    - endpoints: ["a:eth1.10", "b:eth2"]\n';
		const { t, warnings } = await importsClean(fromContainerlab(lab));
		expect(t.links.map((l) => `${l.a}-${l.b}`)).toEqual(['a.eth1-b.eth1', 'a.eth110-b.eth2']);
		expect(warnings.some((w) => w.includes('"eth1.10 → eth110"'))).toBe(true);
	});
});
