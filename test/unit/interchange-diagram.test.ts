import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { toDot, toMermaid, dotString, mermaidText } from '../../src/lib/interchange/diagram';
import type { Topology } from '../../src/lib/model/types';
import { allVnetFiles, requireTool } from './interchange-helpers';

// Needs Graphviz (Debian package graphviz): fails loudly when it is missing.
const DOT = requireTool('dot', 'graphviz');

function render(dot: string): string {
	return execFileSync(DOT, ['-Tsvg'], { input: dot, encoding: 'utf8', timeout: 30000 });
}

/** Graphviz writes some characters of names as numeric entities (e.g. "-" as &#45;). */
const decode = (svg: string) => svg.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(+n));

const hostile: Topology = {
	vnet: 1,
	name: 'evil "lab" \\N',
	nodes: {
		h1: { kind: 'host', label: '<script>alert(1)</script> "quoted" \\N end', interfaces: { eth0: { ip: '10.0.0.1/24' } } },
		end: { kind: 'router', label: 'a]b[c{d}|e', interfaces: { eth0: { ip: '10.0.0.2/24' } } }
	},
	links: [{ a: 'h1.eth0', b: 'end.eth0' }],
	scenarios: {},
	checks: []
};

describe('Graphviz DOT', async () => {
	const files = await allVnetFiles();
	for (const { file, topology } of files)
		it(`${file}: dot -Tsvg renders every node`, () => {
			const svg = decode(render(toDot(topology)));
			expect(svg).toContain('<svg');
			for (const id of Object.keys(topology.nodes)) expect(svg).toContain(`<title>${id}</title>`);
			// every link is an edge
			expect((svg.match(/class="edge"/g) ?? []).length).toBeGreaterThanOrEqual(topology.links.length);
		});

	it('clusters a hypervisor with its guests and labels the attachment', () => {
		const t = files.find((f) => f.file.startsWith('14-'))!.topology;
		const dot = toDot(t);
		expect(dot).toMatch(/subgraph "cluster_hv1" \{[\s\S]*"vmnat"[\s\S]*\}/);
		expect(dot).toContain('label="nat"');
		const svg = render(dot);
		expect(svg).toContain('cluster_hv1');
	});

	it('colours VLAN access ports and draws trunks bold', () => {
		const t = files.find((f) => f.file.startsWith('03-'))!.topology;
		const dot = toDot(t);
		expect(dot).toContain('label="VLAN 10"');
		expect(dot).toMatch(/label="trunk 10,20 native 99".*penwidth=2.5/);
	});

	it('escapes labels: no injected DOT syntax or escape sequences', () => {
		expect(dotString('a"b\\N')).toBe('"a\\"b\\\\N"');
		const svg = render(toDot(hostile));
		expect(svg).not.toContain('<script>');
		expect(svg).toContain('&lt;script&gt;');
		expect(svg).toContain('<title>end</title>');
	});
});

describe('Mermaid', async () => {
	const files = await allVnetFiles();
	it('writes a flowchart with one node per vnet node and one edge per link', () => {
		for (const { topology } of files) {
			const m = toMermaid(topology);
			expect(m).toMatch(/^%%.*\nflowchart LR\n/);
			for (let i = 0; i < Object.keys(topology.nodes).length; i++) expect(m).toMatch(new RegExp(`^\\s+n${i}[\\[\\(\\{]`, 'm'));
			expect((m.match(/^\s+n\d+ (---|===|-\.-)\|/gm) ?? []).length).toBeGreaterThanOrEqual(topology.links.length);
		}
	});
	it('escapes labels into entity codes and never uses names as Mermaid ids', () => {
		const m = toMermaid(hostile);
		expect(m).not.toContain('<script>');
		expect(m).toContain('#lt;script#gt;');
		expect(m).not.toMatch(/^\s+end\[/m);
		expect(mermaidText('a"b<c>#')).toBe('a#quot;b#lt;c#gt;#35;');
	});
	it('puts guests in a hypervisor subgraph', () => {
		const t = files.find((f) => f.file.startsWith('14-'))!.topology;
		expect(toMermaid(t)).toMatch(/subgraph n\d+_cluster\["hv1 \(hypervisor\)"\]/);
	});
});
