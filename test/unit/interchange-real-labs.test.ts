// Labs in the shape of real public containerlab labs and GNS3 projects
// (test/fixtures/real-labs/README.md names what each imitates): each imports to
// a file that loads and lints without errors, and every rename, merge and drop
// is listed as a warning.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fromContainerlab } from '../../src/lib/interchange/containerlab-import';
import { fromGns3 } from '../../src/lib/interchange/gns3-import';
import { loadTopology } from '../../src/lib/model/load';
import { lintTopology } from '../../src/lib/model/lint';

const dir = path.resolve(import.meta.dirname, '../fixtures/real-labs');
const labs = readdirSync(dir).filter((f) => /\.clab\.ya?ml$|\.gns3$/.test(f));

function imported(file: string) {
	const text = readFileSync(path.join(dir, file), 'utf8');
	const r = file.endsWith('.gns3') ? fromGns3(text, { file }) : fromContainerlab(text, { file });
	if (!r.ok) throw new Error(`${file}: ${r.errors.join('; ')}`);
	const loaded = loadTopology(r.yaml, 'imported.vnet.yaml');
	if (!loaded.ok) throw new Error(`${file}: the import does not load: ${loaded.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
	const lint = lintTopology(loaded.topology, { file: 'imported.vnet.yaml', locate: loaded.source!.locate });
	return { topology: loaded.topology, warnings: r.warnings.map((w) => `${w.path}: ${w.message}`), errors: lint.filter((d) => d.severity === 'error') };
}

/** What each lab's warnings must say: the renames, merges and drops. */
const EXPECTED: Record<string, RegExp[]> = {
	'srl-ceos-frr.clab.yml': [
		/leaf1: SR Linux port names .*"e1-49 \(ethernet-1\/49\) → e1x49", "e1-1 \(ethernet-1\/1\) → e1x1"/,
		/leaf2: SR Linux port names .*"ethernet-1\/49 → e1x49"/,
		/spine1: Arista EOS port names .*"eth1 \(Ethernet1\) → eth1", "Ethernet2 → eth2"/,
		/spine1: kind "ceos" imported as a router; its startup-config/
	],
	'srl-ceos-aliases.clab.yml': [
		/srl: SR Linux port names .*"e1-1 \(ethernet-1\/1\) → e1x1", "ethernet-1\/2 → e1x2", "e1-3-1 \(ethernet-1\/3\/1\) → e1x3x1"/,
		/ceos: Arista EOS port names .*"Ethernet2 → eth2", "eth3_1 \(Ethernet3\/1\) → eth3x1"/,
		/cvx1: kind "cumulus_cvx" imported as a router/
	],
	'sros-sim.clab.yaml': [/sr1: SR OS port names .*"1\/1\/c1\/1 → e1x1c1x1", "1\/1\/c2\/1 → e1x1c2x1"/, /sr2: kind "vr-sros" imported as a router/],
	'xrd-vjunos-cvx.clab.yml': [
		/xrd: IOS XR port names .*"Gi0-0-0-0 \(GigabitEthernet0\/0\/0\/0\) → gi0x0x0x0"/,
		/vjunos: Junos port names .*"ge-0\/0\/0 → ge0x0x0", "ge-0\/0\/1 → ge0x0x1"/,
		/cumulus: kind "cvx" imported as a router/,
		/links\[5\]: a "host" link \("server:eth2" to outside the lab\) has no vnet equivalent; ignored/,
		/links\[6\]: a "mgmt-net" link/,
		/links\[7\]: a "vxlan" link/
	],
	'f5-bigip-ixia.clab.yml': [/bigip: .*renamed: "1\.1 → e11", "1\.2 → e12"/, /bigip: kind "f5_bigip-ve" imported as a firewall/],
	'campus-vyos.gns3': [
		/nodes\[0\]: node name "R1\.core" is not a valid vnet id: imported as R1-core/,
		/nodes\[4\]: node name "Win10 \(VirtualBox\)" is not a valid vnet id: imported as Win10-VirtualBox/,
		/nodes\[2\]: port names .* renamed: "Ethernet0 → eth0"/,
		/nodes\[8\]: node type "atm_switch" has no vnet equivalent; node "ATM1" and its links ignored/
	],
	'isp-dynamips.gns3': [
		/nodes\[0\]: port names .* renamed: "FastEthernet0\/0 → fa00", "GigabitEthernet1\/0 → gi10"/,
		/nodes\[1\]: .*"Serial0\/0 → serial00"/,
		/nodes\[3\]: another node is already named "PC1": imported as PC1-2/,
		/links\[3\]: link end names no imported node/
	]
};

describe('labs in the shape of real ones', () => {
	it('every fixture has its expectations, and every expectation its fixture', () => {
		expect(labs.sort()).toEqual(Object.keys(EXPECTED).sort());
	});

	for (const file of labs)
		it(`${file}: imports, lints without errors, lists its renames and drops`, () => {
			const { warnings, errors } = imported(file);
			expect(errors).toEqual([]);
			for (const want of EXPECTED[file] ?? []) expect(warnings.some((w) => want.test(w)), `${want} in\n${warnings.join('\n')}`).toBe(true);
		});

	it('renamed ports are the ones the links use', () => {
		const srl = imported('srl-ceos-frr.clab.yml').topology;
		// e1-49 on leaf1 and ethernet-1/49 on leaf2 are the same SR Linux port name; eth1 and Ethernet2 the same cEOS style
		expect(srl.links.map((l) => `${l.a} ${l.b}`)).toEqual([
			'leaf1.e1x49 spine1.eth1',
			'leaf2.e1x49 spine1.eth2',
			'spine1.eth3 frr1.eth1',
			'leaf1.e1x1 client1.eth1',
			'leaf2.e1x1 client2.eth1'
		]);
		const isp = imported('isp-dynamips.gns3').topology;
		expect(isp.links.map((l) => `${l.a} ${l.b}`)).toEqual(['ISP-R1.gi10 CE-R2.fa00', 'ISP-R1.fa00 PC1.eth0', 'CE-R2.fa10 PC1-2.eth0']);
		const campus = imported('campus-vyos.gns3').topology;
		expect(campus.links.find((l) => l.b === 'PC-3.eth0')).toMatchObject({ a: 'Switch1.eth3', down: true });
	});

	it('an empty GNS3 project (GNS3 documents "topology": {} as the minimal file) is an empty design', () => {
		const r = fromGns3('{"name": "untitled", "project_id": null, "revision": 5, "topology": {}, "type": "topology", "version": "2.0.0"}');
		expect(r.ok).toBe(true);
		if (r.ok) expect(loadTopology(r.yaml, 'x.vnet.yaml').ok).toBe(true);
	});

	it('GNS3 1.x projects, with or without a revision, ask to be saved by GNS3 2.x first', () => {
		const v10 = fromGns3('{"name": "Downloads", "resources_type": "local", "topology": {"servers": []}, "type": "topology", "version": "1.0"}');
		expect(v10).toMatchObject({ ok: false, errors: ['GNS3 1.0 project: open and save it with GNS3 2.x first'] });
		const v15 = fromGns3('{"name": "d", "revision": 4, "topology": {"ellipses": []}, "type": "topology", "version": "1.5.0"}');
		expect(v15).toMatchObject({ ok: false, errors: ['GNS3 1.x project (revision 4): open and save it with GNS3 2.x first'] });
	});

	it('a YAML error names its line and column (a containerlab test lab that is a Go template)', () => {
		const r = fromContainerlab('name: apply\ntopology:\n  nodes:\n    l1:\n      kind: linux\n{{- if .drift }}\n      env: {}\n{{- end }}\n');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0]).toMatch(/^not valid YAML \(line \d+, column \d+\): /);
	});
});
