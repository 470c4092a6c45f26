// The matrix shares one probe per pair of twin classes (engine/matrix-classes.ts).
// Sharing must give exactly the matrix of probing every pair: compared here
// cell by cell on the gallery, the lessons, both conformance suites, the
// benchmark files and generated large designs, and on designs built to
// tell twins apart.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../../src/lib/model/load';
import { buildNet, reachabilityMatrix, matrixEndpoints } from '../../src/lib/engine/index';
import { endpointClasses, MatrixCells } from '../../src/lib/engine/matrix-classes';
import type { Net } from '../../src/lib/engine/index';
import type { Proto } from '../../src/lib/model/types';
import { generate, serialize } from '../../scripts/gen-large.mjs';
import { parse, stringify } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const dirs = ['topologies', 'topologies/lessons', 'test/conformance-extra', '../shared/conformance', '../shared/bench'];
const files = dirs
	.map((d) => path.join(root, d))
	.filter((d) => existsSync(d))
	.flatMap((d) => readdirSync(d).filter((f) => /\.vnet\.(yaml|json)$/.test(f)).map((f) => path.join(d, f)));

function netOf(text: string, file: string): Net {
	const r = loadTopology(text, file);
	if (!r.ok) throw new Error(`${file}: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
	return buildNet(r.topology);
}

const yaml = (s: string) => s.replace(/^\t+/gm, (t) => '  '.repeat(t.length));

/** Shared and every-pair matrices agree cell by cell; returns the class count. */
function same(net: Net, proto: Proto = 'icmp', port?: number): number {
	const shared = reachabilityMatrix(net, { proto, port });
	const full = reachabilityMatrix(net, { proto, port, share: false });
	expect(shared.endpoints).toEqual(full.endpoints);
	const diff: string[] = [];
	full.cells.forEach((row, i) =>
		row.forEach((c, j) => {
			if (shared.cells[i][j] !== c) diff.push(`${full.endpoints[i]} → ${full.endpoints[j]}: shared ${shared.cells[i][j]}, probed ${c}`);
		})
	);
	expect(diff.slice(0, 5)).toEqual([]);
	return endpointClasses(net, shared.endpoints, { proto, port }).members.length;
}

const u32 = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/**
 * The file with a twin beside every host-like node cabled to a switch: the
 * same settings and link, a free address of its subnet, a copy of its port.
 * Most gallery designs have no twins of their own; these give every feature
 * a class to share (or to split).
 */
function withTwins(text: string): string | null {
	const doc = parse(text);
	const used = new Set(text.match(/\d+\.\d+\.\d+\.\d+/g) ?? []);
	let added = 0;
	for (const [id, node] of Object.entries<any>({ ...doc.nodes })) {
		if (!['host', 'vm', 'container'].includes(node.kind)) continue;
		const names = Object.keys(node.interfaces ?? {});
		const ip = names.length === 1 ? node.interfaces[names[0]].ip : undefined;
		if (typeof ip !== 'string' || !ip.includes('/')) continue;
		const link = (doc.links ?? []).find((l: any) => l.a === `${id}.${names[0]}` || l.b === `${id}.${names[0]}`);
		// a guest on a hypervisor's network needs no link; anything else is cabled to a switch
		const guest = !link && node.on && node.interfaces[names[0]].attach;
		const far = link ? (link.a === `${id}.${names[0]}` ? link.b : link.a) : '';
		const [sw, port] = far.split('.');
		if (!guest && doc.nodes[sw]?.kind !== 'switch') continue;
		const [addr, len] = ip.split('/');
		const size = 2 ** (32 - Number(len));
		const base = u32(addr) - (u32(addr) % size);
		let free: string | undefined;
		for (let k = 1; k < size - 1 && !free; k++) if (!used.has(dotted(base + ((u32(addr) - base + k) % size)))) free = dotted(base + ((u32(addr) - base + k) % size));
		if (!free || free === dotted(base) || free === dotted(base + size - 1)) continue;
		used.add(free);
		const twin = `${id}-twin`;
		doc.nodes[twin] = { ...structuredClone(node), interfaces: { [names[0]]: { ...node.interfaces[names[0]], ip: `${free}/${len}` } } };
		delete doc.nodes[twin].position;
		if (!guest) {
			const swIfs = doc.nodes[sw].interfaces;
			if (swIfs?.[port]) swIfs[`${port}t`] = structuredClone(swIfs[port]);
			doc.links.push({ ...link, a: `${twin}.${names[0]}`, b: `${sw}.${port}t` });
		}
		added++;
	}
	return added ? stringify(doc) : null;
}

const probes: [Proto, number | undefined][] = [
	['icmp', undefined],
	['tcp', 22],
	['udp', 53]
];

describe('matrix twin classes', () => {
	it('finds the files', () => expect(files.length).toBeGreaterThan(40));

	for (const file of files) {
		it(`shared = probed: ${path.relative(root, file)}`, () => {
			const net = netOf(readFileSync(file, 'utf8'), file);
			const eps = matrixEndpoints(net);
			// a large design where nothing is shared probes every pair either way (leafspine: a /24 per host)
			if (eps.length > 60 && endpointClasses(net, eps).members.length === eps.length) return;
			const big = eps.length > 60;
			for (const [proto, port] of big ? probes.slice(0, 1) : probes) same(net, proto, port);
		});
	}

	let sharing = 0;
	for (const file of files) {
		const twins = withTwins(readFileSync(file, 'utf8'));
		if (!twins || matrixEndpoints(netOf(readFileSync(file, 'utf8'), file)).length > 60) continue;
		it(`shared = probed, with a twin beside every host: ${path.relative(root, file)}`, () => {
			const net = netOf(twins, file);
			for (const [proto, port] of probes) if (same(net, proto, port) < matrixEndpoints(net).length) sharing++;
		});
	}
	// guards the guard: most twinned designs do share (NAT, overlays and kube-proxy turn it off)
	it('twins share in most designs without NAT', () => expect(sharing / 3).toBeGreaterThan(20));

	for (const [shape, nodes] of [
		['racks', 160],
		['lan', 80],
		['flat', 60]
	] as const) {
		it(`shared = probed, with few classes: generated ${shape}-${nodes}`, async () => {
			const net = netOf(await serialize(generate({ nodes, shape }), 'json'), `${shape}.vnet.json`);
			const n = matrixEndpoints(net).length;
			for (const [proto, port] of probes) {
				const classes = same(net, proto, port);
				expect(classes).toBeLessThan(n / 4);
			}
		});
	}

	it('probes once per pair of classes, and progress counts every cell', async () => {
		const net = netOf(await serialize(generate({ nodes: 110, shape: 'racks' }), 'json'), 'racks.vnet.json');
		const endpoints = matrixEndpoints(net);
		let probed = 0;
		const cells = new MatrixCells(net, endpoints, () => {
			probed++;
			return 'DELIVERED';
		});
		const n = endpoints.length;
		for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cells.cell(i, j);
		const sizes = cells.classes.members.map((m) => m.length);
		// one probe per ordered pair of classes, plus one inside each class of two or more
		expect(probed).toBe(sizes.length * (sizes.length - 1) + sizes.filter((s) => s > 1).length);
		const seen: number[] = [];
		reachabilityMatrix(net, { onProgress: (done, total) => void seen.push(done, total) });
		expect(seen.slice(-2)).toEqual([n * n, n * n]);
	});

	// Three hosts on one switch behind a router, a server beyond it; `extra` adds what tells some apart.
	const lanWith = (extra: { router?: string; hosts?: Record<string, string> } = {}) =>
		yaml(`vnet: 1
name: twins
nodes:
	r1:
		kind: router
		interfaces:
			lan: { ip: 10.1.0.1/24 }
			srv: { ip: 10.2.0.1/24 }
${extra.router ?? ''}
	sw:
		kind: switch
	s1:
		kind: host
		services: [tcp/22]
		interfaces:
			eth0: { ip: 10.2.0.10/24, gateway: 10.2.0.1 }
${['a', 'b', 'c']
	.map(
		(h, k) => `	${h}:
		kind: host
		interfaces:
			eth0: { ip: 10.1.0.${11 + k}/24, gateway: 10.1.0.1 }
${extra.hosts?.[h] ?? ''}`
	)
	.join('\n')}
links:
	- { a: r1.lan, b: sw.p0 }
	- { a: r1.srv, b: s1.eth0 }
	- { a: a.eth0, b: sw.p1 }
	- { a: b.eth0, b: sw.p2 }
	- { a: c.eth0, b: sw.p3 }
`);
	const classesOf = (text: string) => {
		const net = netOf(text, 'twins.vnet.yaml');
		const eps = matrixEndpoints(net);
		for (const [proto, port] of probes) same(net, proto, port);
		return endpointClasses(net, eps)
			.members.map((m) => m.map((e) => eps[e]).join('+'))
			.sort();
	};

	it('hosts that nothing tells apart are one class', () => {
		expect(classesOf(lanWith())).toEqual(['a+b+c', 's1']);
	});

	it('a rule naming one host, by address or by id, takes it out of its class', () => {
		const byAddr = classesOf(lanWith({ router: '\t\trules:\n\t\t\t- { action: reject, from: 10.1.0.12/32 }' }));
		expect(byAddr).toEqual(['a+c', 'b', 's1']);
		expect(classesOf(lanWith({ router: '\t\trules:\n\t\t\t- { action: deny, to: c }' }))).toEqual(['a+b', 'c', 's1']);
		// a prefix holding two of the three splits them from the third
		expect(classesOf(lanWith({ router: '\t\trules:\n\t\t\t- { action: deny, proto: icmp, from: 10.1.0.12/31 }' }))).toEqual(['a', 'b+c', 's1']);
	});

	it('a host route, a service or a rule of its own makes a host different', () => {
		expect(classesOf(lanWith({ router: '\t\troutes:\n\t\t\t- { to: 10.1.0.13/32, via: 10.2.0.10 }' }))).toEqual(['a+b', 'c', 's1']);
		expect(classesOf(lanWith({ hosts: { a: '\t\tservices: [tcp/22]' } }))).toEqual(['a', 'b+c', 's1']);
		expect(classesOf(lanWith({ hosts: { b: '\t\tpolicy: deny' } }))).toEqual(['a+c', 'b', 's1']);
	});

	it("services only count for the matrix's own protocol and port", () => {
		const net = netOf(lanWith({ hosts: { a: '\t\tservices: [tcp/22, udp/40000]' } }), 'twins.vnet.yaml');
		const eps = matrixEndpoints(net);
		const count = (proto: Proto, port?: number) => endpointClasses(net, eps, { proto, port }).members.length;
		expect([count('icmp'), count('tcp', 80), count('tcp', 22), count('udp', 53)]).toEqual([2, 2, 3, 3]);
		for (const [proto, port] of [['icmp'], ['tcp', 80], ['tcp', 22], ['udp', 53], ['udp', 40000]] as [Proto, number?][]) same(net, proto, port);
	});

	it('NAT anywhere turns sharing off', () => {
		const nat = lanWith({ router: '\t\tnat: { masquerade: [srv] }' }).replace('kind: router', 'kind: nat-gateway');
		expect(classesOf(nat)).toEqual(['a', 'b', 'c', 's1']);
	});
});
