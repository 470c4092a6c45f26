import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintYaml } from './lint-helpers';

const shared = path.resolve(import.meta.dirname, '../../../shared');
const root = path.resolve(import.meta.dirname, '../..');

function vnetFiles(dir: string): string[] {
	if (!existsSync(dir)) throw new Error(`${dir} is missing`);
	const out: string[] = [];
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...vnetFiles(p));
		else if (e.name.endsWith('.vnet.yaml')) out.push(p);
	}
	return out.sort();
}

const files = [...vnetFiles(path.join(shared, 'conformance')), ...vnetFiles(path.join(root, 'topologies'))];

describe('lint on the conformance files and the gallery', () => {
	it('finds the files', () => {
		expect(files.length).toBeGreaterThanOrEqual(22);
	});
	for (const f of files) {
		it(`${path.relative(path.dirname(root), f)} has no lint errors`, async () => {
			const d = await lintYaml(readFileSync(f, 'utf8'), f);
			expect(d.filter((x) => x.severity === 'error')).toEqual([]);
			for (const x of d) {
				expect(x.line).toBeGreaterThan(0);
				expect(x.rule).toBeTruthy();
			}
		});
	}
});

describe('lint on the product gallery: only the faults the files describe', () => {
	// Each file's header comment describes its deliberate faults; everything else must lint clean.
	const expected: Record<string, string[]> = {
		'docker-host.vnet.yaml': [],
		'hyperv-lab.vnet.yaml': [],
		'kvm-libvirt.vnet.yaml': [],
		'virtualbox-lab.vnet.yaml': [],
		'vmware-lab.vnet.yaml': [],
		'vxlan-overlay.vnet.yaml': [],
		'nsx-three-tier.vnet.yaml': [],
		// "VLAN 30 (port group "Lab") is NOT on the trunk, so the lab VM is cut off"
		'esxi-host.vnet.yaml': ['gateway-not-found nodes.lab1.interfaces.eth0.gateway', 'vlan-not-carried links[0]']
	};
	for (const [name, want] of Object.entries(expected)) {
		const f = path.join(root, 'topologies', name);
		it(name, async () => {
			// a missing gallery file fails here (it used to skip silently)
			expect(existsSync(f), `${f} is missing`).toBe(true);
			const d = await lintYaml(readFileSync(f, 'utf8'), f);
			expect(d.map((x) => `${x.rule} ${x.path}`)).toEqual(want);
		});
	}
});
