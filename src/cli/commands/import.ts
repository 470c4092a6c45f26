/**
 * `vnet import FILE [-o OUT]`: a containerlab lab, a GNS3 project or
 * Kubernetes manifests as a vnet file (src/lib/interchange). Warnings (what could not be read) go to stderr
 * and into the file's header comment.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Command } from './types';
import { checkFlags, intFlag, parseArgs, UsageError } from './common';
import { normalizeOutputFlag } from './export';
import { fromContainerlab } from '../../lib/interchange/containerlab-import';
import { fromGns3 } from '../../lib/interchange/gns3-import';
import { fromKubernetes } from '../../lib/interchange/kube-manifests-import';
import { looksLikeManifests } from '../../lib/interchange/kube-manifests-detect';
import { MAX_NODES } from '../../lib/interchange/kube-manifests-network';
import { MAX_INPUT_BYTES } from '../../lib/interchange/safe';
import { loadTopology } from '../../lib/model/load';

export const IMPORT_USAGE = `usage: vnet import FILE [-o OUT.vnet.yaml] [--from containerlab|gns3|kubernetes] [--annotations FILE] [--nodes N] [--service-cidr CIDR] [--json]
  FILE            a containerlab lab (.clab.yml; its .annotations.json beside it gives positions),
                  a GNS3 project (.gns3) or Kubernetes manifests (YAML documents, a List, or JSON);
                  the format is detected from the name and content
  --annotations   the containerlab annotations file, when it is not FILE.annotations.json
  --nodes N       Kubernetes: the cluster's node count when the file has no Node objects (default 3)
  --service-cidr CIDR  Kubernetes: the service CIDR ClusterIPs are given from (default 10.96.0.0/12)
  --json          print {ok, warnings, yaml} as JSON
Exit codes: 0 ok (warnings list what could not be read), 2 bad input.`;

function readText(file: string, what: string): string {
	let size: number;
	try {
		size = statSync(file).size;
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		throw new UsageError(`${file}: cannot read ${what}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
	}
	if (size > MAX_INPUT_BYTES) throw new UsageError(`${file}: ${size} bytes; the limit for import is ${MAX_INPUT_BYTES} bytes`);
	try {
		return readFileSync(file, 'utf8');
	} catch (e) {
		throw new UsageError(`${file}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
	}
}

type Format = 'containerlab' | 'gns3' | 'kubernetes';
const FORMATS: Format[] = ['containerlab', 'gns3', 'kubernetes'];

/** containerlab, GNS3 or Kubernetes manifests, from the file name, else from the content. */
export function detectFormat(file: string, text: string): Format | null {
	if (/\.gns3$/i.test(file)) return 'gns3';
	if (/\.clab\.ya?ml$/i.test(file)) return 'containerlab';
	if (looksLikeManifests(text)) return 'kubernetes';
	const head = text.trimStart();
	if (head.startsWith('{') && /"revision"\s*:/.test(text) && /"topology"\s*:/.test(text)) return 'gns3';
	if (/^\s*topology\s*:/m.test(text)) return 'containerlab';
	return null;
}

export const importCommand: Command = (args) => {
	try {
		if (args.includes('--help') || args.includes('-h')) {
			process.stdout.write(IMPORT_USAGE + '\n');
			return 0;
		}
		const p = parseArgs(normalizeOutputFlag(args), ['json']);
		checkFlags(p, ['output', 'from', 'annotations', 'json', 'nodes', 'service-cidr']);
		if (p.positional.length !== 1) throw new UsageError(IMPORT_USAGE);
		const file = p.positional[0];
		const out = p.flags.get('output');
		if (out === true) throw new UsageError('-o needs a file name');
		const json = p.flags.get('json') === true;
		const text = readText(file, 'file');
		const fromFlag = p.flags.get('from');
		if (fromFlag !== undefined && !(FORMATS as unknown[]).includes(fromFlag)) throw new UsageError(`--from expects containerlab, gns3 or kubernetes, got ${JSON.stringify(fromFlag)}`);
		const format = (fromFlag as Format | undefined) ?? detectFormat(file, text);
		if (!format) throw new UsageError(`${file}: not a containerlab lab (.clab.yml), Kubernetes manifests or a GNS3 project (.gns3); name the format with --from`);
		if (format !== 'kubernetes') for (const f of ['nodes', 'service-cidr']) if (p.flags.has(f)) throw new UsageError(`--${f} is for Kubernetes manifests`);
		let result;
		if (format === 'gns3') result = fromGns3(text, { file });
		else if (format === 'kubernetes') {
			const cidr = p.flags.get('service-cidr');
			if (cidr === true) throw new UsageError('--service-cidr needs a prefix (10.96.0.0/12)');
			result = fromKubernetes(text, { file, nodes: intFlag(p, 'nodes', 1, MAX_NODES), serviceCidr: cidr });
		}
		else {
			const annFlag = p.flags.get('annotations');
			if (annFlag === true) throw new UsageError('--annotations needs a file name');
			const annFile = annFlag ?? `${file}.annotations.json`;
			const annotations = annFlag !== undefined || existsSync(annFile) ? readText(annFile, 'annotations file') : undefined;
			result = fromContainerlab(text, { file, annotations });
		}
		if (!result.ok) {
			if (json) process.stdout.write(JSON.stringify({ ok: false, format: result.format, errors: result.errors }, null, 2) + '\n');
			for (const e of result.errors) process.stderr.write(`${file}: ${e}\n`);
			return 2;
		}
		// The result must load as a vnet file: the importer validated it; this is the loader's word.
		const check = loadTopology(result.yaml, out && typeof out === 'string' ? out : 'imported.vnet.yaml');
		if (!check.ok) {
			for (const d of check.errors) process.stderr.write(`${file}: imported design is not valid vnet: ${d.path}: ${d.message}\n`);
			return 2;
		}
		if (out) {
			try {
				writeFileSync(out, result.yaml);
			} catch (e) {
				throw new UsageError(`${out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
			}
		}
		if (json) process.stdout.write(JSON.stringify({ ok: true, format: result.format, file: out ?? null, warnings: result.warnings, ...(out ? {} : { yaml: result.yaml }) }, null, 2) + '\n');
		else {
			if (!out) process.stdout.write(result.yaml);
			for (const w of result.warnings) process.stderr.write(`${file}${w.line !== undefined ? `:${w.line}` : ''}: warning: ${w.path ? w.path + ': ' : ''}${w.message}\n`);
			if (out) process.stderr.write(`wrote ${out} (${Object.keys(result.topology.nodes).length} nodes, ${result.topology.links.length} links, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'})\n`);
		}
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`vnet import: ${e.message}\n`);
			return 2;
		}
		throw e;
	}
};
