/**
 * `vnet export FILE --to FORMAT [-o OUT]`: the design in another tool's format
 * (src/lib/interchange). Text formats go to stdout without -o; containerlab
 * also writes its annotations file next to -o; pcap captures one probe.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from './types';
import { checkFlags, intFlag, loadFileOrReport, parseArgs, UsageError } from './common';
import { toContainerlab } from '../../lib/interchange/containerlab';
import { toGns3 } from '../../lib/interchange/gns3';
import { toDot, toMermaid } from '../../lib/interchange/diagram';
import { toKubernetes } from '../../lib/interchange/kube-manifests-export';
import { traceToPcap } from '../../lib/interchange/pcap';
import { buildNet, ProbeEngine } from '../../lib/engine/index';
import { resolveTopology } from '../../lib/model/resolve';
import { isIpv4 } from '../../lib/model/net';
import type { Proto } from '../../lib/model/types';

export const EXPORT_USAGE = `usage: vnet export FILE --to FORMAT [-o OUT] [--json]
  FORMAT:
    containerlab  a .clab.yml lab (linux nodes configured by exec lines); with -o LAB.clab.yml
                  the annotations file LAB.clab.yml.annotations.json (positions) is written beside it
                  [--image IMAGE] container image of every node
    gns3          a GNS3 2.2 project (.gns3) [--image IMAGE] image of docker nodes
    dot           Graphviz DOT (render with: dot -Tsvg)
    mermaid       Mermaid flowchart
    kubernetes    Kubernetes manifests of the design's kubernetes section: Namespaces, Nodes,
                  one Pod per pod, Services (vnet import reads them back)
    pcap          capture of one probe, as \`vnet trace\` runs it (-o required):
                  --from NODE --to-node NODE|IP [--proto icmp|tcp|udp] [--port N] [--sport N]
                  [--size BYTES] [--df] [--ttl N] [--per all|link|node]
                  --per link|node writes one capture per cable / per node into the directory -o
  --json          print {format, files, notes} (and the content when there is no -o) as JSON
Exit codes: 0 ok, 2 bad input.`;

const FORMATS = ['containerlab', 'gns3', 'dot', 'mermaid', 'pcap', 'kubernetes'] as const;
type Format = (typeof FORMATS)[number];

/** `-o X` is the one short option: make it `--output X` for parseArgs. */
export function normalizeOutputFlag(args: string[]): string[] {
	return args.map((a) => (a === '-o' ? '--output' : a));
}

/** File names from capture keys ("r1.eth0--sw1.p24", "hv1:nat.host--...") that are safe on any file system. */
function safeFileName(key: string): string {
	return key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 200) || 'capture';
}

export const exportCommand: Command = (args) => {
	try {
		if (args.includes('--help') || args.includes('-h')) {
			process.stdout.write(EXPORT_USAGE + '\n');
			return 0;
		}
		const p = parseArgs(normalizeOutputFlag(args), ['json', 'df']);
		checkFlags(p, ['to', 'output', 'json', 'image', 'from', 'to-node', 'proto', 'port', 'sport', 'size', 'df', 'ttl', 'per']);
		if (p.positional.length !== 1) throw new UsageError(EXPORT_USAGE);
		const format = p.flags.get('to');
		if (typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format))
			throw new UsageError(`--to expects one of ${FORMATS.join(', ')}${typeof format === 'string' ? `, got ${JSON.stringify(format)}` : ''}`);
		const out = p.flags.get('output');
		if (out === true) throw new UsageError('-o needs a file name');
		const json = p.flags.get('json') === true;
		const image = p.flags.get('image');
		if (image === true) throw new UsageError('--image needs an image name');
		if (format !== 'pcap') for (const f of ['from', 'to-node', 'proto', 'port', 'sport', 'size', 'df', 'ttl', 'per']) if (p.flags.has(f)) throw new UsageError(`--${f} is for --to pcap`);
		const file = p.positional[0];
		const topo = loadFileOrReport(file);
		if (!topo) return 2;
		const written: string[] = [];
		const write = (target: string, data: string | Uint8Array) => {
			try {
				writeFileSync(target, data);
			} catch (e) {
				throw new UsageError(`${target}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
			}
			written.push(target);
		};

		switch (format as Format) {
			case 'containerlab': {
				const r = toContainerlab(topo, { image: image as string | undefined });
				if (out) {
					write(out, r.yaml);
					write(`${out}.annotations.json`, r.annotations);
				}
				if (json) process.stdout.write(JSON.stringify({ format, files: written, notes: r.notes, interfaceMap: r.interfaceMap, ...(out ? {} : { content: r.yaml, annotations: JSON.parse(r.annotations) }) }, null, 2) + '\n');
				else if (!out) process.stdout.write(r.yaml);
				break;
			}
			case 'gns3': {
				const r = toGns3(topo, { image: image as string | undefined });
				if (out) write(out, r.json);
				if (json) process.stdout.write(JSON.stringify({ format, files: written, notes: r.notes, ...(out ? {} : { content: JSON.parse(r.json) }) }, null, 2) + '\n');
				else if (!out) process.stdout.write(r.json);
				break;
			}
			case 'dot':
			case 'mermaid': {
				const text = format === 'dot' ? toDot(topo) : toMermaid(topo);
				if (out) write(out, text);
				if (json) process.stdout.write(JSON.stringify({ format, files: written, notes: [], ...(out ? {} : { content: text }) }, null, 2) + '\n');
				else if (!out) process.stdout.write(text);
				break;
			}
			case 'kubernetes': {
				if (!topo.kubernetes) throw new UsageError(`${file}: the design has no kubernetes section to export`);
				const r = toKubernetes(topo);
				if (out) write(out, r.yaml);
				if (json) process.stdout.write(JSON.stringify({ format, files: written, notes: r.notes, ...(out ? {} : { content: r.yaml }) }, null, 2) + '\n');
				else if (!out) process.stdout.write(r.yaml);
				break;
			}
			case 'pcap': {
				if (!out) throw new UsageError('--to pcap needs -o OUT (a .pcap file, or a directory with --per link|node)');
				const from = p.flags.get('from');
				const to = p.flags.get('to-node');
				if (typeof from !== 'string' || typeof to !== 'string') throw new UsageError('--to pcap needs --from NODE and --to-node NODE|IP');
				if (!(from in topo.nodes)) throw new UsageError(`${file}: --from: no node "${from}" (nodes: ${Object.keys(topo.nodes).join(', ')})`);
				if (!isIpv4(to) && !(to in topo.nodes)) throw new UsageError(`${file}: --to-node: "${to}" is neither a node nor an IPv4 address`);
				const protoFlag = p.flags.get('proto') ?? 'icmp';
				if (protoFlag !== 'icmp' && protoFlag !== 'tcp' && protoFlag !== 'udp') throw new UsageError(`--proto expects icmp, tcp or udp, got ${JSON.stringify(protoFlag)}`);
				const proto = protoFlag as Proto;
				const port = intFlag(p, 'port', 1, 65535);
				if (proto !== 'icmp' && port === undefined) throw new UsageError(`--port is required for ${proto}`);
				const per = p.flags.get('per') ?? 'all';
				if (per !== 'all' && per !== 'link' && per !== 'node') throw new UsageError(`--per expects all, link or node, got ${JSON.stringify(per)}`);
				const spec = { from, to, proto, port, sport: intFlag(p, 'sport', 1, 65535), size: intFlag(p, 'size', 0, 65507), df: p.flags.get('df') === true, ttl: intFlag(p, 'ttl', 1, 255) };
				const trace = new ProbeEngine(buildNet(topo)).run(spec, { hops: true });
				const resolved = resolveTopology(topo);
				if (per === 'all') write(out, traceToPcap(trace, resolved, { probe: spec }));
				else {
					try {
						mkdirSync(out, { recursive: true });
					} catch (e) {
						throw new UsageError(`${out}: cannot create directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
					}
					const files = traceToPcap(trace, resolved, { probe: spec, per });
					for (const [key, bytes] of Object.entries(files)) write(path.join(out, `${safeFileName(key)}.pcap`), bytes);
				}
				if (json) process.stdout.write(JSON.stringify({ format, files: written, disposition: trace.disposition, notes: [] }, null, 2) + '\n');
				else process.stderr.write(`${trace.disposition}: wrote ${written.length} capture${written.length === 1 ? '' : 's'} (${written.join(', ')})\n`);
				break;
			}
		}
		if (!json && out && format !== 'pcap') process.stderr.write(`wrote ${written.join(', ')}\n`);
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`vnet export: ${e.message}\n`);
			return 2;
		}
		throw e;
	}
};
