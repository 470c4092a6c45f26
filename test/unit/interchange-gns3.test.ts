import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { toGns3 } from '../../src/lib/interchange/gns3';
import { fromGns3 } from '../../src/lib/interchange/gns3-import';
import { resolveTopology } from '../../src/lib/model/resolve';
import type { Topology } from '../../src/lib/model/types';
import { allVnetFiles, FIXTURES, loadVnet } from './interchange-helpers';

const schema = JSON.parse(readFileSync(path.join(FIXTURES, 'gns3/gns3.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

export function designFacts(t: Topology) {
	const nodes = Object.keys(t.nodes).sort();
	const links = t.links.map((l) => [l.a, l.b].sort().join(' ')).sort();
	const addrs: string[] = [];
	const routes: string[] = [];
	for (const [id, n] of Object.entries(t.nodes)) {
		for (const [name, i] of Object.entries(n.interfaces ?? {})) {
			if (i.ip) addrs.push(`${id}.${name}=${i.ip}`);
			if (i.dhcp) addrs.push(`${id}.${name}=dhcp`);
			if (i.gateway) routes.push(`${id} default via ${i.gateway}`);
		}
		for (const r of n.routes ?? []) routes.push(`${id} ${r.to} ${r.blackhole ? 'blackhole' : `via ${r.via}`} ${r.metric ?? 0}`);
	}
	return { nodes, links, addrs: addrs.sort(), routes: routes.sort() };
}

describe('GNS3 export', async () => {
	const files = await allVnetFiles();
	for (const { file, topology } of files) {
		it(`${file}: a valid GNS3 2.2 project, stable across runs`, () => {
			const out = toGns3(topology);
			const project = JSON.parse(out.json);
			expect(validate(project), JSON.stringify(validate.errors, null, 1)).toBe(true);
			expect(project.revision).toBe(9);
			expect(project.topology.nodes.length).toBe(Object.keys(topology.nodes).length);
			expect(toGns3(topology).json).toBe(out.json);
			for (const n of project.topology.nodes) expect(n.node_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		});
		it(`${file}: round trip vnet → GNS3 → vnet keeps nodes, links, addresses, routes`, async () => {
			const out = toGns3(topology);
			const back = fromGns3(out.json, { file: 'x.gns3' });
			if (!back.ok) throw new Error(back.errors.join('\n'));
			const again = await loadVnet(back.yaml, 'back.vnet.yaml');
			expect(designFacts(again)).toEqual(designFacts(topology));
			for (const [id, n] of Object.entries(topology.nodes)) expect(again.nodes[id].kind).toBe(n.kind);
			expect(again.checks.length).toBe(topology.checks.length);
			expect(() => resolveTopology(again)).not.toThrow();
		});
	}
});
