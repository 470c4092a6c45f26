import { describe, expect, it } from 'vitest';
import { layoutPlan, topologyToElements } from '../../src/lib/canvas/elements';
import { splitEndpoint } from '../../src/lib/model/net';
import type { Topology } from '../../src/lib/model/types';

function topo(partial: Partial<Topology>): Topology {
	return { vnet: 1, name: 't', nodes: {}, links: [], scenarios: {}, checks: [], ...partial };
}

const sample = topo({
	nodes: {
		hv1: { kind: 'hypervisor', interfaces: { eth0: { ip: '10.0.0.2/24' } }, position: { x: 0, y: 0 } },
		web1: { kind: 'vm', on: 'hv1', label: 'Web', interfaces: { eth0: { ip: '10.0.0.10/24', attach: 'bridged' } } },
		c1: { kind: 'container', on: 'hv1', interfaces: { eth0: { attach: 'nat' } } },
		r1: { kind: 'router', interfaces: { eth0: { ip: '10.0.0.1/24' }, eth1: { ip: '10.1.0.1/24', down: true } } },
		sw1: { kind: 'switch' },
		sw2: { kind: 'switch' },
		ctl: { kind: 'sdn-controller', manages: ['sw1', 'sw2'] },
		lone: { kind: 'vm', on: 'sw1' } // `on:` not a hypervisor: not nested
	},
	links: [
		{ a: 'hv1.eth0', b: 'sw1.p1' },
		{ a: 'r1.eth0', b: 'sw1.p2' },
		{ a: 'r1.eth1', b: 'sw2.p1' },
		{ a: 'sw1.p3', b: 'sw2.p2', down: true },
		{ a: 'r1.eth0.10', b: 'sw2.p3' }
	]
});

describe('topologyToElements', () => {
	const els = topologyToElements(sample);
	const nodes = els.filter((e) => e.group === 'nodes');
	const edges = els.filter((e) => e.group === 'edges');
	const byId = (id: string) => {
		const link = /^link:(\d+)$/.exec(id);
		return els.find((e) => (link ? e.data.link === Number(link[1]) && !e.data.manages : e.data.id === id))!;
	};

	it('makes one node per topology node, with kind, label and caption', () => {
		expect(nodes.map((n) => n.data.id)).toEqual(['hv1', 'web1', 'c1', 'r1', 'sw1', 'sw2', 'ctl', 'lone']);
		expect(byId('web1').data).toMatchObject({ kind: 'vm', label: 'Web', caption: 'Web\n10.0.0.10/24' });
		expect(byId('r1').data).toMatchObject({ kind: 'router', label: 'r1', caption: 'r1' });
		expect(byId('sw1').classes).toBe('switch');
	});

	it('nests vms and containers in their hypervisor only', () => {
		expect(byId('web1').data.parent).toBe('hv1');
		expect(byId('c1').data.parent).toBe('hv1');
		expect(byId('lone').data.parent).toBeUndefined();
		expect(byId('hv1').data.parent).toBeUndefined();
	});

	it('keeps file positions', () => {
		expect(byId('hv1').position).toEqual({ x: 0, y: 0 });
		expect(byId('hv1').data.fixed).toBe(true);
		expect(byId('r1').position).toBeUndefined();
		expect(byId('r1').data.fixed).toBe(false);
	});

	it('turns links into edges labelled with interface names', () => {
		expect(byId('link:0').data).toMatchObject({
			source: 'hv1',
			target: 'sw1',
			sourceLabel: 'eth0',
			targetLabel: 'p1',
			down: false,
			link: 0
		});
		expect(byId('link:4').data).toMatchObject({ source: 'r1', sourceLabel: 'eth0.10' });
	});

	it('marks down links and links on a down interface', () => {
		expect(byId('link:3').data.down).toBe(true);
		expect(byId('link:3').classes).toBe('link down');
		expect(byId('link:2').data.down).toBe(true);
		expect(byId('link:1').data.down).toBe(false);
	});

	it('draws sdn manages edges', () => {
		const manages = edges.filter((e) => e.classes === 'manages');
		expect(manages.map((e) => [e.data.source, e.data.target])).toEqual([
			['ctl', 'sw1'],
			['ctl', 'sw2']
		]);
		expect(edges).toHaveLength(5 + 2);
	});

	it('keys cables by their ends, so removing one does not renumber the others', () => {
		expect(byId('link:1').data.id).toBe('link:r1.eth0|sw1.p2');
		const fewer = topologyToElements({ ...sample, links: sample.links.slice(1) });
		expect(fewer.find((e) => e.data.id === 'link:r1.eth0|sw1.p2')!.data.link).toBe(0);
	});

	it('is pure: same input, same output, input untouched', () => {
		const before = JSON.stringify(sample);
		expect(topologyToElements(sample)).toEqual(topologyToElements(sample));
		expect(JSON.stringify(sample)).toBe(before);
	});

	it('skips links to unknown nodes instead of throwing', () => {
		const t = topo({ nodes: { a: { kind: 'host' } }, links: [{ a: 'a.eth0', b: 'ghost.eth0' }] });
		expect(topologyToElements(t).filter((e) => e.group === 'edges')).toEqual([]);
	});
});

describe('splitEndpoint', () => {
	it('splits at the first dot', () => {
		expect(splitEndpoint('web1.eth0')).toEqual({ node: 'web1', iface: 'eth0' });
		expect(splitEndpoint('r1.eth0.10')).toEqual({ node: 'r1', iface: 'eth0.10' });
	});
});

describe('layoutPlan', () => {
	it('uses preset when every leaf has a position (hypervisor parents follow children)', () => {
		const t = topo({
			nodes: {
				hv: { kind: 'hypervisor' },
				v: { kind: 'vm', on: 'hv', position: { x: 1, y: 2 } },
				h: { kind: 'host', position: { x: 3, y: 4 } }
			}
		});
		expect(layoutPlan(t)).toEqual({ name: 'preset' });
	});

	it('uses fcose with placed nodes pinned otherwise', () => {
		expect(layoutPlan(sample)).toEqual({ name: 'fcose', fixed: [] });
		const t = topo({ nodes: { a: { kind: 'host', position: { x: 5, y: 6 } }, b: { kind: 'host' } } });
		expect(layoutPlan(t)).toEqual({ name: 'fcose', fixed: [{ nodeId: 'a', position: { x: 5, y: 6 } }] });
	});
});
