#!/usr/bin/env node
// Large designs for the benchmarks (lint, canvas, matrix):
//
//   node scripts/gen-large.mjs [--nodes N] [--shape racks|flat|lan] [--format yaml|json] [-o FILE]
//
// racks (default): a routed campus. An edge router on a transit switch, core
//   routers on it, each core serving racks of one switch + 24 hosts (one /24
//   per rack, hosts use the core as gateway); the edge has a route per rack,
//   the cores default to the edge. Every node is linked and every host can
//   reach every other, so lint, trace and matrix do real work.
// flat: N hosts in one /8, none linked (each its own segment).
// lan: N hosts in one /8 on one switch with one router and no gateways: one
//   segment of N addresses, the worst case for rules that compare addresses.
//
// The output is deterministic (same arguments, same bytes). Also importable:
//   import { generate } from './gen-large.mjs'  →  the document object.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PER_RACK = 24;

/** 10.a.b.c for the n-th address of 10.0.0.0/8 counted from 10.0.0.1. */
function ipIn8(n) {
	const x = n + 1;
	return `10.${(x >> 16) & 255}.${(x >> 8) & 255}.${x & 255}`;
}

function flat(total) {
	const nodes = {};
	for (let i = 0; i < total; i++) {
		// no positions: the file stays small (the app lays the nodes out)
		nodes[`h${i}`] = { kind: 'host', interfaces: { eth0: { ip: `${ipIn8(i)}/8` } } };
	}
	return { vnet: 1, name: `flat-${total}`, description: `${total} unlinked hosts in 10.0.0.0/8`, nodes, links: [] };
}

function lan(total) {
	const nodes = { r1: { kind: 'router', interfaces: { eth0: { ip: '10.255.255.254/8' } } }, sw: { kind: 'switch' } };
	const links = [{ a: 'r1.eth0', b: 'sw.p0' }];
	for (let i = 0; i < total - 2; i++) {
		nodes[`h${i}`] = { kind: 'host', interfaces: { eth0: { ip: `${ipIn8(i)}/8` } } };
		links.push({ a: `h${i}.eth0`, b: `sw.p${i + 1}` });
	}
	return { vnet: 1, name: `lan-${total}`, description: `${total - 2} hosts on one switch in 10.0.0.0/8`, nodes, links };
}

function racks(total) {
	const nodes = {};
	const links = [];
	const racksN = Math.max(1, Math.ceil((total - 2) / (PER_RACK + 1 + 1 / 8)));
	const cores = Math.max(1, Math.ceil(racksN / 8));
	let count = 0;
	const add = (id, node) => {
		nodes[id] = node;
		count++;
	};
	add('edge', { kind: 'router', position: { x: 0, y: -600 }, interfaces: { eth0: { ip: '172.16.0.1/16' } }, routes: [] });
	add('transit', { kind: 'switch', position: { x: 0, y: -300 } });
	links.push({ a: 'edge.eth0', b: 'transit.p0' });
	for (let c = 0; c < cores; c++) {
		const ip = `172.16.${(c + 2) >> 8}.${(c + 2) & 255}`;
		add(`core${c}`, {
			kind: 'router',
			position: { x: c * 400, y: 0 },
			interfaces: { up: { ip: `${ip}/16` } },
			routes: [{ to: '0.0.0.0/0', via: '172.16.0.1' }]
		});
		links.push({ a: `core${c}.up`, b: `transit.p${c + 1}` });
	}
	for (let r = 0; r < racksN && count < total; r++) {
		const sw = `sw${r}`;
		const c = r % cores;
		const core = nodes[`core${c}`];
		const rx = (r % 20) * 700;
		const ry = 300 + Math.floor(r / 20) * 500;
		add(sw, { kind: 'switch', position: { x: rx + 300, y: ry } });
		const net = `10.${r >> 8}.${r & 255}`;
		const cif = `eth${Object.keys(core.interfaces).length - 1}`;
		core.interfaces[cif] = { ip: `${net}.1/24` };
		links.push({ a: `core${c}.${cif}`, b: `${sw}.p0` });
		nodes.edge.routes.push({ to: `${net}.0/24`, via: core.interfaces.up.ip.split('/')[0] });
		for (let h = 0; h < PER_RACK && count < total; h++) {
			const id = `h${r}-${h}`;
			add(id, {
				kind: 'host',
				position: { x: rx + (h % 8) * 80, y: ry + 120 + Math.floor(h / 8) * 100 },
				interfaces: { eth0: { ip: `${net}.${10 + h}/24`, gateway: `${net}.1` } },
				...(h === 0 ? { services: ['tcp/22', 'tcp/443'] } : {})
			});
			links.push({ a: `${id}.eth0`, b: `${sw}.p${h + 1}` });
		}
	}
	return { vnet: 1, name: `racks-${count}`, description: `${count} nodes: an edge router, ${cores} core routers, racks of 24 hosts`, nodes, links };
}

export function generate({ nodes = 2000, shape = 'racks' } = {}) {
	if (shape === 'flat') return flat(nodes);
	if (shape === 'racks') return racks(nodes);
	if (shape === 'lan') return lan(nodes);
	throw new Error(`unknown shape ${shape} (racks, flat or lan)`);
}

export async function serialize(doc, format = 'yaml') {
	// one node / link per line: small (no indentation) yet every entry has its own line for positions
	if (format === 'json') {
		const entries = (obj) => Object.entries(obj).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
		const head = Object.entries(doc).filter(([k]) => k !== 'nodes' && k !== 'links').map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
		return `{${head.join(',')},\n"nodes":{\n${entries(doc.nodes).join(',\n')}\n},\n"links":[\n${doc.links.map((l) => JSON.stringify(l)).join(',\n')}\n]}\n`;
	}
	const { stringify } = await import('yaml');
	return stringify(doc, { lineWidth: 0 });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const args = process.argv.slice(2);
	const opt = (name, fallback) => {
		const i = args.findIndex((a) => a === `--${name}` || (name === 'out' && a === '-o'));
		return i >= 0 ? args[i + 1] : fallback;
	};
	// `gen-large.mjs 2000 json` (positional, as the old gen-big.mjs took) still works
	const positional = args.filter((a, i) => !a.startsWith('-') && !(i > 0 && args[i - 1].startsWith('-')));
	const nodes = Number(opt('nodes', positional[0] ?? 2000));
	const format = opt('format', positional[1] ?? 'yaml');
	const shape = opt('shape', 'racks');
	if (!Number.isInteger(nodes) || nodes < 1) {
		console.error('usage: gen-large.mjs [--nodes N] [--shape racks|flat|lan] [--format yaml|json] [-o FILE]');
		process.exit(2);
	}
	const text = await serialize(generate({ nodes, shape }), format);
	const out = opt('out');
	if (out) writeFileSync(out, text);
	else process.stdout.write(text);
}
