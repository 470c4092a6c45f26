// The matrix grouped by namespace or a label (model/matrix-groups.ts), on the
// k8s-policies example: rows and columns ordered by group, collapsed groups
// summed up as all / some / none allowed.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../../src/lib/model/load';
import { buildNet, codeDisposition, matrixCodes } from '../../src/lib/engine/index';
import { blockSummary, groupEndpoints, groupedAxis, groupSummaries, NOT_A_POD, parseGroupBy, podLabelKeys, type CellReader } from '../../src/lib/model/matrix-groups';
import type { Topology } from '../../src/lib/model/types';

const file = path.resolve(import.meta.dirname, '../../topologies/k8s-policies.vnet.yaml');
const r = loadTopology(readFileSync(file, 'utf8'), 'k8s-policies.vnet.yaml');
if (!r.ok) throw new Error('k8s-policies does not load');
const topo: Topology = r.topology;

describe('parseGroupBy', () => {
	it('reads none, namespace and label:KEY, and rejects anything else', () => {
		expect(parseGroupBy('none')).toEqual({ kind: 'none' });
		expect(parseGroupBy('namespace')).toEqual({ kind: 'namespace' });
		expect(parseGroupBy('label:tier')).toEqual({ kind: 'label', key: 'tier' });
		expect(parseGroupBy('label:')).toHaveProperty('error');
		expect(parseGroupBy('zone')).toHaveProperty('error');
	});
});

describe('groupEndpoints', () => {
	const eps = ['client', 'n1', 'n2', 'api-1', 'api-2', 'db-0', 'frontend-1', 'frontend-2', 'gw'];
	it('groups by label value in name order, pods without the label next, non-pods last', () => {
		const g = groupEndpoints(eps, topo, { kind: 'label', key: 'tier' });
		expect(g.map((x) => x.name)).toEqual(['tier=backend', 'tier=data', 'tier=web', NOT_A_POD]);
		expect(g[0].members.map((i) => eps[i])).toEqual(['api-1', 'api-2']);
		expect(g[3].members.map((i) => eps[i])).toEqual(['client', 'n1', 'n2', 'gw']);
		const byZone = groupEndpoints(eps, topo, { kind: 'label', key: 'zone' });
		expect(byZone.map((x) => x.name)).toEqual(['(no zone)', NOT_A_POD]);
	});
	it('groups by namespace', () => {
		const g = groupEndpoints(eps, topo, { kind: 'namespace' });
		expect(g.map((x) => [x.name, x.members.length])).toEqual([['shop', 5], [NOT_A_POD, 4]]);
	});
	it('offers the label keys the pods carry', () => {
		expect(podLabelKeys(topo)).toEqual(['app', 'tier']);
	});
});

describe('groupedAxis and summaries', () => {
	it('collapses a group to one line standing for all its members', () => {
		const groups = [{ name: 'a', members: [0, 1] }, { name: 'b', members: [2] }];
		const axis = groupedAxis(groups, new Set(['a']));
		expect(axis).toEqual([
			{ group: 'a', members: [0, 1], collapsed: true, first: true },
			{ group: 'b', members: [2], collapsed: false, first: true }
		]);
		expect(groupedAxis(groups).map((e) => e.first)).toEqual([true, false, true]);
	});
	it('sums a block up ignoring the diagonal', () => {
		const cells: Record<string, string | null | undefined> = { '0,0': null, '0,1': 'DELIVERED', '1,0': 'DENIED', '1,1': null };
		const read: CellReader = (i, j) => cells[`${i},${j}`] as never;
		expect(blockSummary(read, [0, 1], [0, 1])).toBe('some');
		expect(blockSummary(read, [0], [1])).toBe('all');
		expect(blockSummary(read, [1], [0])).toBe('none');
		expect(blockSummary(read, [0], [0])).toBe('self');
		expect(blockSummary(() => undefined, [0], [1])).toBe('pending');
	});
	it('on k8s-policies tcp/9000: only the web tier reaches the backend tier', () => {
		const m = matrixCodes(buildNet(topo), { proto: 'tcp', port: 9000 });
		const n = m.endpoints.length;
		const read: CellReader = (i, j) => codeDisposition(m.codes[i * n + j]);
		const groups = groupEndpoints(m.endpoints, topo, { kind: 'label', key: 'tier' });
		const s = groupSummaries(groups, read);
		const at = (a: string, b: string) => s[groups.findIndex((g) => g.name === a)][groups.findIndex((g) => g.name === b)];
		expect(at('tier=web', 'tier=backend')).toBe('all');
		expect(at('tier=data', 'tier=backend')).toBe('none');
		expect(at('tier=backend', 'tier=backend')).toBe('none');
		// the nodes reach their own pods (kubelet), the client and the other node do not
		expect(at(NOT_A_POD, 'tier=backend')).toBe('some');
	});
});

describe('vnet matrix --group-by', () => {
	const root = path.resolve(import.meta.dirname, '../..');
	const cli = path.join(root, 'bin/vnet.cjs');
	const vnet = (args: string[]) => {
		if (!existsSync(cli)) execFileSync('node', ['scripts/build-cli.mjs'], { cwd: root, stdio: 'ignore' });
		return execFileSync('node', [cli, ...args], { encoding: 'utf8' });
	};
	it('orders the JSON by group and adds the group summaries', () => {
		const out = JSON.parse(vnet(['matrix', file, '--proto', 'tcp', '--port', '9000', '--group-by', 'label:tier', '--json']));
		expect(out.groupBy).toBe('label:tier');
		expect(out.groups.map((g: { name: string }) => g.name)).toEqual(['tier=backend', 'tier=data', 'tier=web', NOT_A_POD]);
		expect(out.endpoints.slice(0, 5)).toEqual(['api-1', 'api-2', 'db-0', 'frontend-1', 'frontend-2']);
		expect(out.cells[3][0]).toBe('DELIVERED'); // frontend-1 -> api-1
		expect(out.summary[2][0]).toBe('all');
	});
	it('prints group names and a summary table; a bad value is a usage error', () => {
		const text = vnet(['matrix', file, '--group-by', 'namespace']);
		expect(text).toMatch(/^shop\s+frontend-1/m);
		expect(text).toContain('by namespace: all / some / none');
		let err: { status?: number; stderr?: Buffer } = {};
		try {
			execFileSync('node', [cli, 'matrix', file, '--group-by', 'zone'], { stdio: 'pipe' });
		} catch (e) {
			err = e as typeof err;
		}
		expect(err.status).toBe(2);
		expect(String(err.stderr)).toContain('label:KEY');
	});
});
