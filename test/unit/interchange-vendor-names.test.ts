// Port names of network operating systems in containerlab labs
// (src/lib/interchange/vendor-names.ts): both names of one port give one vnet
// interface, the NOS's own name is in the warnings, Cumulus is a router, and a
// lab imported, exported and imported again keeps its interface names.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { vendorPort } from '../../src/lib/interchange/vendor-names';
import { fromContainerlab } from '../../src/lib/interchange/containerlab-import';
import { toContainerlab } from '../../src/lib/interchange/containerlab';
import { isIfaceName } from '../../src/lib/interchange/ids';
import { parse as parseYaml } from 'yaml';
import { loadTopology } from '../../src/lib/model/load';
import type { Topology } from '../../src/lib/model/types';

const FILE = 'srl-ceos-aliases.clab.yml';
const text = readFileSync(path.resolve(import.meta.dirname, '../fixtures/real-labs', FILE), 'utf8');

function importOk(yaml: string, file = FILE) {
	const r = fromContainerlab(yaml, { file });
	if (!r.ok) throw new Error(r.errors.join('; '));
	return r;
}

const interfacesOf = (t: Topology) => Object.fromEntries(Object.entries(t.nodes).map(([id, n]) => [id, Object.keys(n.interfaces ?? {})]));
const linksOf = (t: Topology) => t.links.map((l) => `${l.a} ${l.b}`);

describe('vendor port names', () => {
	it('the Linux name and the NOS name of one port give the same vnet name, and keep the NOS name', () => {
		const same: [string, string, string, string][] = [
			['nokia_srlinux', 'e1-1', 'ethernet-1/1', 'e1x1'],
			['srl', 'e1-3-1', 'ethernet-1/3/1', 'e1x3x1'],
			['arista_ceos', 'eth1', 'Ethernet1', 'eth1'],
			['ceos', 'eth3_1', 'Ethernet3/1', 'eth3x1'],
			['cisco_xrd', 'Gi0-0-0-2', 'GigabitEthernet0/0/0/2', 'gi0x0x0x2'],
			['cisco_xrv9k', 'eth1', 'Gi0/0/0/0', 'gi0x0x0x0'],
			['juniper_vjunosrouter', 'eth2', 'ge-0/0/1', 'ge0x0x1'],
			['vr-vmx', 'eth1', 'ge-0/0/0', 'ge0x0x0'],
			['sonic-vs', 'eth1', 'Ethernet0', 'eth1'],
			['sonic-vs', 'eth3', 'Ethernet8', 'eth3']
		];
		for (const [kind, linux, nos, vnet] of same) {
			expect(vendorPort(kind, linux)?.vnet, `${kind} ${linux}`).toBe(vnet);
			expect(vendorPort(kind, nos)?.vnet, `${kind} ${nos}`).toBe(vnet);
			expect(isIfaceName(vnet)).toBe(true);
		}
		expect(vendorPort('srl', 'e1-1')).toMatchObject({ vendor: 'ethernet-1/1', nos: 'SR Linux' });
		expect(vendorPort('ceos', 'eth3_1')?.vendor).toBe('Ethernet3/1');
		expect(vendorPort('juniper_vjunosswitch', 'eth1')?.vendor).toBe('ge-0/0/0');
		expect(vendorPort('nokia_sros', '1/1/c2/1')).toMatchObject({ vnet: 'e1x1c2x1', vendor: '1/1/c2/1' });
		expect(vendorPort('vr-sros', '1/2/3')?.vnet).toBe('e1x2x3');
		expect(vendorPort('juniper_crpd', 'eth1')).toMatchObject({ vnet: 'eth1', vendor: 'eth1' });
	});

	it('ports the plain digits would confuse stay apart', () => {
		const names = ['e1-11', 'e11-1', 'e1-1-1'].map((n) => vendorPort('srl', n)?.vnet);
		expect(new Set(names).size).toBe(3);
		expect(vendorPort('ceos', 'eth11')?.vnet).not.toBe(vendorPort('ceos', 'eth1_1')?.vnet);
	});

	it('names that are not the kind\'s ports, and kinds without a table, are left to the generic renaming', () => {
		expect(vendorPort('srl', 'mgmt0')).toBeUndefined();
		expect(vendorPort('ceos', 'Management0')).toBeUndefined();
		expect(vendorPort('linux', 'eth1')).toBeUndefined();
		expect(vendorPort('acme_nos9', 'Ethernet0')).toBeUndefined();
		// SONiC ports are every fourth lane: Ethernet1 is no port of a sonic-vs node
		expect(vendorPort('sonic-vs', 'Ethernet1')).toBeUndefined();
		expect(vendorPort('sonic-vs', 'eth0')).toBeUndefined();
	});
});

describe(`${FILE} (an imitation of srl-labs SR Linux + cEOS + Cumulus labs)`, () => {
	it('maps kinds, interface names and links, and lists the NOS names as warnings', () => {
		const r = importOk(text);
		const t = r.topology;
		expect(Object.fromEntries(Object.entries(t.nodes).map(([id, n]) => [id, n.kind]))).toEqual({ srl: 'router', ceos: 'router', cvx1: 'router', h1: 'host' });
		expect(interfacesOf(t)).toEqual({ srl: ['e1x1', 'e1x2', 'e1x3x1'], ceos: ['eth1', 'eth2', 'eth3x1'], cvx1: ['swp1'], h1: ['eth1'] });
		expect(linksOf(t)).toEqual(['srl.e1x1 ceos.eth1', 'srl.e1x2 ceos.eth2', 'ceos.eth3x1 cvx1.swp1', 'srl.e1x3x1 h1.eth1']);
		expect(t.nodes.h1.interfaces!.eth1.ip).toBe('10.10.10.2/24');
		const warnings = r.warnings.map((w) => `${w.path}: ${w.message}`);
		expect(warnings).toEqual([
			'topology.nodes.srl: kind "nokia_srlinux" imported as a router; its own configuration is not read',
			'topology.nodes.ceos: kind "arista_ceos" imported as a router; its own configuration is not read',
			'topology.nodes.cvx1: kind "cumulus_cvx" imported as a router; its own configuration is not read',
			'topology.nodes.srl: SR Linux port names (the export gives the lab\'s names back): "e1-1 (ethernet-1/1) → e1x1", "ethernet-1/2 → e1x2", "e1-3-1 (ethernet-1/3/1) → e1x3x1"',
			'topology.nodes.ceos: Arista EOS port names (the export gives the lab\'s names back): "eth1 (Ethernet1) → eth1", "Ethernet2 → eth2", "eth3_1 (Ethernet3/1) → eth3x1"'
		]);
		// the header of the imported file carries them too
		expect(r.yaml).toContain('"e1-1 (ethernet-1/1) → e1x1"');
	});

	it('round trip: imported, exported to containerlab and imported again, names, kinds and links are the same', () => {
		const first = importOk(text).topology;
		const out = toContainerlab(first);
		const again = importOk(out.yaml, 'again.clab.yml');
		expect(again.topology.nodes.srl.kind).toBe('router');
		expect(Object.fromEntries(Object.entries(again.topology.nodes).map(([id, n]) => [id, n.kind]))).toEqual({ srl: 'router', ceos: 'router', cvx1: 'router', h1: 'host' });
		expect(interfacesOf(again.topology)).toEqual(interfacesOf(first));
		expect(linksOf(again.topology).sort()).toEqual(linksOf(first).sort());
		expect(again.warnings).toEqual([]);
	});

	it('network OS nodes export back with their kind, image and the lab\'s port names', () => {
		const first = importOk(text).topology;
		expect(first.nodes.srl.containerlab).toMatchObject({ kind: 'nokia_srlinux', ports: { e1x1: 'e1-1', e1x2: 'ethernet-1/2', e1x3x1: 'e1-3-1' } });
		expect(first.nodes.h1.containerlab).toBeUndefined();
		const out = toContainerlab(first);
		const lab = parseYaml(out.yaml) as { topology: { nodes: Record<string, { kind: string; image?: string; exec?: string[] }>; links: { endpoints: string[] }[] } };
		expect(lab.topology.nodes.srl.kind).toBe('nokia_srlinux');
		expect(lab.topology.nodes.srl.image).toBe(first.nodes.srl.containerlab!.image);
		expect(lab.topology.nodes.srl.exec).toBeUndefined();
		expect(lab.topology.nodes.ceos.kind).toBe('arista_ceos');
		expect(lab.topology.nodes.h1.kind).toBe('linux');
		const eps = lab.topology.links.flatMap((l) => l.endpoints);
		expect(eps).toEqual(expect.arrayContaining(['srl:e1-1', 'srl:ethernet-1/2', 'srl:e1-3-1', 'ceos:eth1', 'ceos:Ethernet2', 'ceos:eth3_1', 'cvx1:swp1']));
		// and once more: the second export is the first
		expect(toContainerlab(importOk(out.yaml, 'again.clab.yml').topology).yaml).toBe(out.yaml);
	});

	it('an f5_bigip-ve and a sonic-vs keep their kinds and port names (1.1, eth1) through import and export', () => {
		const yaml =
			'name: f5\ntopology:\n  nodes:\n    f5: {kind: f5_bigip-ve, image: "vrnetlab/f5_bigip-ve:17.1"}\n    sw: {kind: sonic-vs, image: docker-sonic-vs:202405}\n    h: {kind: linux}\n' +
			'  links:\n    - endpoints: ["f5:1.1", "sw:eth1"]\n    - endpoints: ["f5:1.2", "h:eth1"]\n';
		const r = importOk(yaml, 'f5.clab.yml');
		expect(r.topology.nodes.f5.containerlab).toEqual({ kind: 'f5_bigip-ve', image: 'vrnetlab/f5_bigip-ve:17.1', ports: { e11: '1.1', e12: '1.2' } });
		expect(r.topology.nodes.sw.containerlab).toEqual({ kind: 'sonic-vs', image: 'docker-sonic-vs:202405' });
		expect(r.warnings.map((w) => w.message).join('\n')).toContain('SONiC port names');
		const lab = parseYaml(toContainerlab(r.topology).yaml) as { topology: { nodes: Record<string, { kind: string }>; links: { endpoints: string[] }[] } };
		expect(lab.topology.nodes.f5.kind).toBe('f5_bigip-ve');
		expect(lab.topology.nodes.sw.kind).toBe('sonic-vs');
		expect(lab.topology.links.map((l) => l.endpoints)).toEqual([['f5:1.1', 'sw:eth1'], ['f5:1.2', 'h:eth1']]);
	});

	it('a hostile `containerlab` block is a located format error', () => {
		const r = loadTopology('vnet: 1\nname: x\nnodes:\n  r: {kind: router, containerlab: {kind: "a b", ports: {eth1: 5}}}\n  s: {kind: host, containerlab: {kind: srl, image: "' + 'x'.repeat(500) + '", extra: 1}}\n', 'bad.vnet.yaml');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => `${e.line}:${e.col} ${e.path}`)).toEqual([
			'4:42 nodes.r.containerlab.kind',
			'4:63 nodes.r.containerlab.ports.eth1',
			'5:52 nodes.s.containerlab.image',
			'5:556 nodes.s.containerlab.extra'
		]);
	});

	it('an unknown kind is a warning and a host, never a failure', () => {
		const r = importOk('name: x\ntopology:\n  nodes:\n    a: {kind: acme_nos9}\n    b: {kind: linux}\n  links:\n    - endpoints: ["a:Port1/1", "b:eth1"]\n');
		expect(r.topology.nodes.a.kind).toBe('host');
		expect(r.warnings.map((w) => w.message)).toContain('kind "acme_nos9" imported as a host; its own configuration is not read');
		expect(linksOf(r.topology)).toEqual(['a.port11 b.eth1']);
	});
});
