/**
 * vnet → diagrams for documentation: Graphviz DOT and Mermaid flowcharts.
 * Hypervisors are clusters holding their guests (attached guests get a dashed
 * edge labelled with the attachment); edges carry the interface names at each
 * end; switch access ports colour their edge by VLAN, trunks are drawn bold
 * with their VLAN list. Every piece of text from the design (ids, labels) is
 * escaped for the target syntax: a label is never markup. Pure.
 */
import type { Interface, Node, Topology } from '../model/types';
import { resolveTopology } from '../model/resolve';
import { guestAttachments } from './ports';
import { trunkText } from './vnet-yaml';
import { vlanColor } from '../model/vlan-colors';
import { HOST_LIKE_KINDS } from '../model/kinds';

/** The canvas's VLAN palette (model/vlan-colors.ts), so a diagram's VLANs match the app's. */
export { vlanColor };

const DOT_SHAPES: Record<string, string> = {
	host: 'box',
	vm: 'box',
	container: 'box',
	hypervisor: 'box3d',
	switch: 'box',
	router: 'ellipse',
	firewall: 'octagon',
	'nat-gateway': 'hexagon',
	'load-balancer': 'trapezium',
	'sdn-controller': 'component',
	internet: 'ellipse'
};

const FILL: Record<string, string> = {
	switch: '#eef3fb',
	router: '#fdf2e3',
	firewall: '#fde8e8',
	'nat-gateway': '#fdf2e3',
	'load-balancer': '#fdf2e3',
	internet: '#f0f0f0',
	'sdn-controller': '#f3ecfa'
};

/** A DOT double-quoted string: backslashes and quotes escaped (so `\N`, `\l` cannot be injected). */
export function dotString(s: string): string {
	return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, '\\n').replace(/[\u0000-\u001f\u007f]/g, ' ') + '"';
}

function addressLines(n: Node): string[] {
	return Object.entries(n.interfaces ?? {})
		.filter(([, i]) => i.ip || i.dhcp)
		.map(([name, i]) => `${name} ${i.ip ?? 'dhcp'}`);
}

interface EdgeStyle {
	label?: string;
	color?: string;
	bold?: boolean;
	dashed?: boolean;
}

function portStyle(p: Interface | undefined): EdgeStyle {
	if (!p) return { label: 'VLAN 1', color: vlanColor(1) };
	if (p.trunk) return { bold: true, label: `trunk ${trunkText(p.trunk).join(',')}${p.native !== undefined ? ` native ${p.native}` : ''}` };
	const v = p.vlan ?? 1;
	return { label: `VLAN ${v}`, color: vlanColor(v) };
}

interface Edge {
	a: string;
	b: string;
	aIf: string;
	bIf: string;
	style: EdgeStyle;
}

function edgesOf(t: Topology): Edge[] {
	const edges: Edge[] = [];
	for (const l of t.links) {
		const [a, aIf] = [l.a.slice(0, l.a.indexOf('.')), l.a.slice(l.a.indexOf('.') + 1)];
		const [b, bIf] = [l.b.slice(0, l.b.indexOf('.')), l.b.slice(l.b.indexOf('.') + 1)];
		let style: EdgeStyle = {};
		const na = t.nodes[a];
		const nb = t.nodes[b];
		if (na?.kind === 'switch' && nb?.kind === 'switch') style = portStyle(na.interfaces?.[aIf]);
		else if (na?.kind === 'switch') style = portStyle(na.interfaces?.[aIf]);
		else if (nb?.kind === 'switch') style = portStyle(nb.interfaces?.[bIf]);
		if (style.label === 'VLAN 1' && !hasVlans(t)) style = {};
		if (l.down) style = { ...style, dashed: true, label: `${style.label ? style.label + ' ' : ''}(down)` };
		edges.push({ a, b, aIf, bIf, style });
	}
	return edges;
}

function hasVlans(t: Topology): boolean {
	return Object.values(t.nodes).some((n) => n.kind === 'switch' && Object.values(n.interfaces ?? {}).some((p) => p.trunk || (p.vlan ?? 1) !== 1));
}

export interface DiagramOptions {
	/** DOT rankdir / Mermaid direction: LR (default) or TB */
	direction?: 'LR' | 'TB';
	/** show interface addresses in node labels (default true) */
	addresses?: boolean;
}

/** Graphviz DOT (undirected graph). Render with `dot -Tsvg`. */
export function toDot(t: Topology, opts: DiagramOptions = {}): string {
	const r = resolveTopology(t);
	const out: string[] = [];
	out.push(`graph ${dotString(t.name)} {`);
	out.push(`  graph [rankdir=${opts.direction ?? 'LR'}, fontname="Helvetica", fontsize=12, label=${dotString(t.name)}, labelloc=t, nodesep=0.5];`);
	out.push('  node [fontname="Helvetica", fontsize=10, style="filled", fillcolor="#ffffff"];');
	out.push('  edge [fontname="Helvetica", fontsize=8];');
	const nodeLine = (id: string, n: Node, indent: string) => {
		const lines = [id];
		if (n.label && n.label !== id) lines.push(n.label);
		lines.push(`(${n.kind})`);
		if (opts.addresses !== false) lines.push(...addressLines(n));
		const attrs = [`label=${dotString(lines.join('\n'))}`, `shape=${DOT_SHAPES[n.kind] ?? 'box'}`];
		const style = ['filled'];
		if (HOST_LIKE_KINDS.has(n.kind)) style.push('rounded');
		if (n.kind === 'internet') style.push('dashed');
		attrs.push(`style=${dotString(style.join(','))}`);
		attrs.push(`fillcolor=${dotString(FILL[n.kind] ?? '#ffffff')}`);
		if (n.kind === 'switch') attrs.push('penwidth=2');
		return `${indent}${dotString(id)} [${attrs.join(', ')}];`;
	};
	const inCluster = new Set<string>();
	for (const [hv, n] of Object.entries(t.nodes)) {
		if (n.kind !== 'hypervisor') continue;
		const guests = Object.keys(t.nodes).filter((g) => t.nodes[g].on === hv);
		out.push(`  subgraph ${dotString(`cluster_${hv}`)} {`);
		out.push(`    label=${dotString(`${hv} (hypervisor${n.product ? `, ${n.product}` : ''})`)}; style="rounded,dashed"; color="#888888";`);
		out.push(nodeLine(hv, n, '    '));
		inCluster.add(hv);
		for (const g of guests) {
			out.push(nodeLine(g, t.nodes[g], '    '));
			inCluster.add(g);
		}
		out.push('  }');
	}
	for (const [id, n] of Object.entries(t.nodes)) if (!inCluster.has(id)) out.push(nodeLine(id, n, '  '));
	for (const e of edgesOf(t)) {
		const attrs = [`taillabel=${dotString(e.aIf)}`, `headlabel=${dotString(e.bIf)}`];
		if (e.style.label) attrs.push(`label=${dotString(e.style.label)}`);
		if (e.style.color) attrs.push(`color=${dotString(e.style.color)}`, `fontcolor=${dotString(e.style.color)}`);
		if (e.style.bold) attrs.push('penwidth=2.5');
		if (e.style.dashed) attrs.push('style=dashed');
		out.push(`  ${dotString(e.a)} -- ${dotString(e.b)} [${attrs.join(', ')}];`);
	}
	for (const g of guestAttachments(r)) {
		const iface = t.nodes[g.guest]?.interfaces?.[g.iface];
		const how = g.segment === 'internal' ? `internal ${iface?.network ?? ''}`.trim() : g.segment === 'bridge' ? 'bridged' : g.segment;
		out.push(`  ${dotString(g.guest)} -- ${dotString(g.hypervisor)} [taillabel=${dotString(g.iface)}, label=${dotString(how)}, style=dashed, color="#888888"];`);
	}
	out.push('}');
	return out.join('\n') + '\n';
}

/** Mermaid-safe label text: entity codes for characters Mermaid or HTML would interpret. */
export function mermaidText(s: string): string {
	return s
		.replace(/[\u0000-\u001f\u007f]/g, ' ')
		.replace(/#/g, '#35;')
		.replace(/&/g, '#38;')
		.replace(/"/g, '#quot;')
		.replace(/</g, '#lt;')
		.replace(/>/g, '#gt;')
		.replace(/[[\]{}()|`]/g, (c) => `#${c.charCodeAt(0)};`);
}

const MERMAID_SHAPES: Record<string, [string, string]> = {
	host: ['["', '"]'],
	vm: ['("', '")'],
	container: ['("', '")'],
	hypervisor: ['[["', '"]]'],
	switch: ['["', '"]'],
	router: ['(["', '"])'],
	firewall: ['{{"', '"}}'],
	'nat-gateway': ['{{"', '"}}'],
	'load-balancer': ['[/"', '"\\]'],
	'sdn-controller': ['[("', '")]'],
	internet: ['(("', '"))']
};

/** Mermaid flowchart. Node ids are n0, n1, ... (so no name can clash with Mermaid keywords such as `end`). */
export function toMermaid(t: Topology, opts: DiagramOptions = {}): string {
	const r = resolveTopology(t);
	const ids = Object.keys(t.nodes);
	const mid = new Map(ids.map((id, i) => [id, `n${i}`]));
	const out: string[] = [`%% ${mermaidText(t.name)} (generated by vnet export --to mermaid)`, `flowchart ${opts.direction ?? 'LR'}`];
	const nodeLine = (id: string, indent: string) => {
		const n = t.nodes[id];
		const lines = [`<b>${mermaidText(id)}</b>`];
		if (n.label && n.label !== id) lines.push(mermaidText(n.label));
		if (opts.addresses !== false) lines.push(...addressLines(n).map(mermaidText));
		const [open, close] = MERMAID_SHAPES[n.kind] ?? ['["', '"]'];
		return `${indent}${mid.get(id)}${open}${lines.join('<br/>')}${close}`;
	};
	const inCluster = new Set<string>();
	for (const [hv, n] of Object.entries(t.nodes)) {
		if (n.kind !== 'hypervisor') continue;
		out.push(`  subgraph ${mid.get(hv)}_cluster["${mermaidText(hv)} (hypervisor)"]`);
		out.push(nodeLine(hv, '    '));
		inCluster.add(hv);
		for (const g of ids.filter((g) => t.nodes[g].on === hv)) {
			out.push(nodeLine(g, '    '));
			inCluster.add(g);
		}
		out.push('  end');
	}
	for (const id of ids) if (!inCluster.has(id)) out.push(nodeLine(id, '  '));
	const styles: string[] = [];
	let k = 0;
	for (const e of edgesOf(t)) {
		const text = [`${e.aIf} — ${e.bIf}`, e.style.label].filter(Boolean).map((x) => mermaidText(x!)).join('<br/>');
		out.push(`  ${mid.get(e.a)} ${e.style.dashed ? '-.-' : e.style.bold ? '===' : '---'}|"${text}"| ${mid.get(e.b)}`);
		if (e.style.color) styles.push(`  linkStyle ${k} stroke:${e.style.color},stroke-width:2px`);
		k++;
	}
	for (const g of guestAttachments(r)) {
		out.push(`  ${mid.get(g.guest)} -.-|"${mermaidText(`${g.iface} ${g.segment === 'bridge' ? 'bridged' : g.segment}`)}"| ${mid.get(g.hypervisor)}`);
		k++;
	}
	for (const [kind, fill] of Object.entries(FILL)) out.push(`  classDef ${kind.replace(/-/g, '_')} fill:${fill},stroke:#333`);
	for (const id of ids) if (FILL[t.nodes[id].kind]) out.push(`  class ${mid.get(id)} ${t.nodes[id].kind.replace(/-/g, '_')}`);
	out.push(...styles);
	return out.join('\n') + '\n';
}
