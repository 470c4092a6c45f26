/**
 * The fuzzer's cases and its oracle (issue #17). A case is a seeded mutation
 * of a real design (wrong types, absurd numbers, deep nesting, huge names,
 * `__proto__` keys, alias bombs, switch and routing loops, absurd scenarios,
 * broken bytes) or of an exported lab. `runCase` feeds it to lint, check,
 * trace, matrix, export and import, and to the worker API, and returns the
 * findings: an exception (a crash), or an error without a place in the file.
 *
 * Scenarios are not run here: a scenario can still run unbounded until the
 * scenario budgets land, so scripts/fuzz.mjs runs `vnet simulate` in a child
 * process with a hard timeout instead. Pure and synchronous but for the
 * worker API's async jobs, so the same code runs in a vitest slice and in the
 * fuzz script's worker thread.
 */
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadTopology } from '../../src/lib/model/load';
import { lintTopology } from '../../src/lib/model/lint';
import { buildNet, ProbeEngine, runChecks, reachabilityMatrix, matrixEndpoints } from '../../src/lib/engine/index';
import { toContainerlab, fromContainerlab, toGns3, fromGns3, toDot, toMermaid, toKubernetes, fromKubernetes } from '../../src/lib/interchange/index';
import { createSimApi, countSlices } from '../../src/lib/worker/api';
import type { Topology } from '../../src/lib/model/types';

export interface Finding {
	seed: number;
	mutation: string;
	stage: string;
	message: string;
}

export interface FuzzCase {
	seed: number;
	mutation: string;
	/** a topology file, or a foreign lab for `import` */
	kind: 'vnet' | 'clab' | 'gns3' | 'kubernetes';
	text: string;
	file: string;
}

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const HOSTILE_VALUES: unknown[] = [null, 0, -1, 1e308, -1e308, 4294967296, 65536, 1.5, '', 'x', '999999999999s', '-5ms', '1e9Gbps', [], {}, true, '<script>alert(1)</script>', '__proto__', '0.0.0.0/0', '300.1.1.1/24'];
const NUMERIC_KEYS = ['mtu', 'port', 'vlan', 'metric', 'ttl', 'queue', 'native', 'size', 'seed', 'loss', 'vcpu', 'multiplier', 'group', 'priority'];

/** Every [path, container] in a parsed document, for random edits. */
function slots(root: unknown): { parent: Record<string, unknown> | unknown[]; key: string | number }[] {
	const out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
	const stack: unknown[] = [root];
	while (stack.length > 0 && out.length < 5000) {
		const v = stack.pop();
		if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), stack.push(x)));
		else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push({ parent: v as Record<string, unknown>, key: k }), stack.push((v as Record<string, unknown>)[k]);
	}
	return out;
}

function set(parent: Record<string, unknown> | unknown[], key: string | number, value: unknown) {
	(parent as Record<string | number, unknown>)[key] = value;
}

const MUTATIONS: Record<string, (doc: Record<string, unknown>, r: Rand) => void> = {
	'wrong-type'(doc, r) {
		const s = slots(doc);
		for (let i = 0; i < 1 + Math.floor(r() * 4) && s.length; i++) {
			const { parent, key } = pick(r, s);
			set(parent, key, pick(r, HOSTILE_VALUES));
		}
	},
	'absurd-number'(doc, r) {
		const s = slots(doc).filter((x) => NUMERIC_KEYS.includes(String(x.key)));
		for (const { parent, key } of s) if (r() < 0.5) set(parent, key, pick(r, [0, -1, 1e308, 2 ** 53, 4096, 65536, 1e-9, '9'.repeat(400)]));
	},
	'deep-nesting'(doc, r) {
		const s = slots(doc);
		if (!s.length) return;
		const { parent, key } = pick(r, s);
		let v: unknown = 'x';
		for (let i = 0; i < 200 + Math.floor(r() * 800); i++) v = r() < 0.5 ? [v] : { k: v };
		set(parent, key, v);
	},
	'huge-name'(doc, r) {
		const nodes = doc.nodes as Record<string, unknown> | undefined;
		if (!nodes || typeof nodes !== 'object') return;
		const ids = Object.keys(nodes);
		if (!ids.length) return;
		const id = pick(r, ids);
		const huge = pick(r, ['n', 'é', '\u0000', '.', 'a-']).repeat(1000 + Math.floor(r() * 20000));
		nodes[huge] = nodes[id];
		delete nodes[id];
		(doc.links as { a: string }[] | undefined)?.forEach?.((l) => l && typeof l.a === 'string' && l.a.startsWith(id + '.') && (l.a = huge + l.a.slice(id.length)));
	},
	'proto-key'(doc, r) {
		const s = slots(doc).filter((x) => !Array.isArray(x.parent));
		const target = s.length && r() < 0.7 ? (pick(r, s).parent as Record<string, unknown>) : doc;
		Object.defineProperty(target, pick(r, ['__proto__', 'constructor', 'prototype']), { value: { kind: 'host', polluted: true }, enumerable: true, configurable: true, writable: true });
	},
	'switch-loop'(doc, r) {
		const nodes = (doc.nodes ??= {}) as Record<string, unknown>;
		const links = (Array.isArray(doc.links) ? doc.links : (doc.links = [])) as unknown[];
		const n = 2 + Math.floor(r() * 4);
		for (let i = 0; i < n; i++) nodes[`fz-sw${i}`] = { kind: 'switch' };
		for (let i = 0; i < n; i++) links.push({ a: `fz-sw${i}.p1`, b: `fz-sw${(i + 1) % n}.p2` });
		const hosts = Object.keys(nodes).filter((id) => (nodes[id] as { kind?: string })?.kind === 'host');
		if (hosts.length) {
			const h = pick(r, hosts);
			const ifs = Object.keys(((nodes[h] as { interfaces?: object }).interfaces ?? {}) as object);
			links.push({ a: `${h}.${ifs[0] ?? 'eth9'}`, b: 'fz-sw0.p3' });
		}
	},
	'routing-loop'(doc) {
		const nodes = (doc.nodes ?? {}) as Record<string, { kind?: string; interfaces?: Record<string, { ip?: string }>; routes?: unknown[] }>;
		const routers = Object.keys(nodes).filter((id) => nodes[id]?.kind === 'router' || nodes[id]?.kind === 'nat-gateway' || nodes[id]?.kind === 'firewall');
		for (let i = 0; i < routers.length; i++) {
			const other = nodes[routers[(i + 1) % routers.length]];
			const ip = Object.values(other?.interfaces ?? {}).find((x) => typeof x?.ip === 'string')?.ip?.split('/')[0];
			if (!ip || !nodes[routers[i]]) continue;
			nodes[routers[i]].routes = [{ to: '0.0.0.0/0', via: ip }, { to: '198.18.0.0/15', via: ip }];
		}
	},
	'absurd-scenario'(doc, r) {
		const ids = Object.keys((doc.nodes ?? {}) as object);
		if (ids.length < 2) return;
		(doc as Record<string, unknown>).scenarios = {
			fz: {
				duration: pick(r, ['1000000s', '1ns', '0s', '86400s', '-1s']),
				seed: pick(r, [1, -1, 2 ** 53]),
				traffic: [{ name: 'f', from: ids[0], to: ids[1], proto: 'udp', port: 9, rate: pick(r, ['1000000000pps', '1pps', '0pps', '100Gbps']), size: pick(r, [1, 1500, 65507, 10 ** 9]) }],
				events: [{ at: pick(r, ['0s', '999999s', '-1s']), fail: ids[0] }]
			}
		};
	}
};

const TEXT_MUTATIONS: Record<string, (text: string, r: Rand) => string> = {
	'alias-recursive': (t, r) => t.replace(/^name: .*$/m, pick(r, ['name: &n [*n]', 'name: &n { a: [*n] }', 'description: &d [1, { x: *d }]\nname: x'])),
	'alias-bomb': (t) => {
		const levels = ['fz0: &fz0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
		for (let i = 1; i < 9; i++) levels.push(`fz${i}: &fz${i} [${Array(9).fill(`*fz${i - 1}`).join(', ')}]`);
		return `${levels.join('\n')}\n${t}`;
	},
	'bytes'(t, r) {
		const chars = t.split('');
		for (let i = 0; i < 1 + Math.floor(r() * 10); i++) {
			const at = Math.floor(r() * chars.length);
			const op = r();
			if (op < 0.4) chars.splice(at, 1);
			else if (op < 0.8) chars.splice(at, 0, pick(r, [':', '-', '{', '[', '"', '&', '*', '\t', '\n', '#', '!', '%', '\u0000', '\ufeff']));
			else chars[at] = pick(r, [' ', '0', 'x']);
		}
		return chars.join('');
	}
};

export const MUTATION_NAMES = [...Object.keys(MUTATIONS), ...Object.keys(TEXT_MUTATIONS), 'clab', 'gns3', 'kubernetes', 'real-lab'];

/**
 * The Kubernetes manifests of a design with a cluster (`vnet export --to
 * kubernetes`), one document mutated in its structure, or the text in its bytes.
 */
function kubernetesCase(seed: number, r: () => number, designs: { file: string; text: string }[]): FuzzCase {
	const withCluster = designs.filter((d) => /^kubernetes:/m.test(d.text));
	const base = pick(r, withCluster.length ? withCluster : designs);
	const loaded = loadTopology(base.text, base.file);
	if (!loaded.ok) throw new Error(`corpus file ${base.file} does not load`);
	const manifests = toKubernetes(loaded.topology).yaml;
	if (r() < 0.4) return { seed, mutation: 'kubernetes', kind: 'kubernetes', text: TEXT_MUTATIONS[pick(r, Object.keys(TEXT_MUTATIONS))](manifests, r), file: 'manifests.yaml' };
	const docs = parseAllDocuments(manifests) as unknown as { toJS(): unknown }[];
	const objects = docs.map((d) => d.toJS() as Record<string, unknown>);
	if (objects.length) MUTATIONS[pick(r, ['wrong-type', 'absurd-number', 'deep-nesting', 'proto-key'])](pick(r, objects), r);
	const text = objects.map((o) => '---\n' + stringify(o, { aliasDuplicateObjects: false })).join('');
	return { seed, mutation: 'kubernetes', kind: 'kubernetes', text, file: 'manifests.yaml' };
}

const isLabFile = (file: string) => /\.clab\.ya?ml$|\.gns3$/.test(file);

/**
 * A lab in the shape of a real one (test/fixtures/real-labs), mutated in its
 * structure or its bytes: what `vnet import` meets beyond vnet's own exports.
 */
function realLabCase(seed: number, r: () => number, labs: { file: string; text: string }[]): FuzzCase {
	if (!labs.length) throw new Error('the corpus has no containerlab or GNS3 lab for the real-lab mutation');
	const lab = pick(r, labs);
	const kind = lab.file.endsWith('.gns3') ? 'gns3' : 'clab';
	if (r() < 0.4) return { seed, mutation: 'real-lab', kind, text: TEXT_MUTATIONS[pick(r, Object.keys(TEXT_MUTATIONS))](lab.text, r), file: lab.file };
	const doc = kind === 'gns3' ? JSON.parse(lab.text) : parse(lab.text);
	MUTATIONS[pick(r, ['wrong-type', 'absurd-number', 'deep-nesting', 'proto-key'])](doc, r);
	const text = kind === 'gns3' ? JSON.stringify(doc) : stringify(doc, { aliasDuplicateObjects: false });
	return { seed, mutation: 'real-lab', kind, text, file: lab.file };
}

/** The case of `seed` over the corpus: design texts, and labs (by file name) for the real-lab mutation. */
export function makeCase(seed: number, corpus: { file: string; text: string }[]): FuzzCase {
	const r = rng(seed);
	const designs = corpus.filter((c) => !isLabFile(c.file));
	const base = pick(r, designs);
	const mutation = pick(r, MUTATION_NAMES);
	if (mutation === 'real-lab') return realLabCase(seed, r, corpus.filter((c) => isLabFile(c.file)));
	if (mutation === 'kubernetes') return kubernetesCase(seed, r, designs);
	if (mutation in TEXT_MUTATIONS) return { seed, mutation, kind: 'vnet', text: TEXT_MUTATIONS[mutation](base.text, r), file: base.file };
	const doc = parse(base.text, { maxAliasCount: 100 }) as Record<string, unknown>;
	if (mutation === 'clab' || mutation === 'gns3') {
		const loaded = loadTopology(base.text, base.file);
		if (!loaded.ok) throw new Error(`corpus file ${base.file} does not load`);
		const exported = mutation === 'clab' ? parse(toContainerlab(loaded.topology).yaml) : JSON.parse(toGns3(loaded.topology).json);
		MUTATIONS[pick(r, ['wrong-type', 'absurd-number', 'deep-nesting', 'proto-key'])](exported, r);
		const text = mutation === 'clab' ? stringify(exported, { aliasDuplicateObjects: false }) : JSON.stringify(exported);
		return { seed, mutation, kind: mutation, text, file: mutation === 'clab' ? 'lab.clab.yml' : 'project.gns3' };
	}
	MUTATIONS[mutation](doc, r);
	const asJson = r() < 0.3;
	let text: string;
	try {
		text = asJson ? JSON.stringify(doc) : stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
	} catch {
		text = JSON.stringify(doc) ?? 'null';
	}
	return { seed, mutation, kind: 'vnet', text, file: asJson ? base.file.replace(/\.yaml$/, '.json') : base.file };
}

const located = (e: { line: number; col: number }) => Number.isInteger(e.line) && e.line >= 1 && Number.isInteger(e.col) && e.col >= 1;

/** Runs every command on the case; the findings (empty: it behaved). */
export async function runCase(c: FuzzCase): Promise<Finding[]> {
	const findings: Finding[] = [];
	const found = (stage: string, message: string) => findings.push({ seed: c.seed, mutation: c.mutation, stage, message: message.slice(0, 300) });
	const guard = async (stage: string, f: () => unknown) => {
		try {
			await f();
		} catch (e) {
			found(stage, `threw: ${e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n')[1] ?? ''}` : String(e)}`);
		}
	};

	if (c.kind !== 'vnet') {
		await guard('import', () => {
			const r = c.kind === 'clab' ? fromContainerlab(c.text, { file: c.file }) : c.kind === 'kubernetes' ? fromKubernetes(c.text, { file: c.file }) : fromGns3(c.text, { file: c.file });
			if (!r.ok) return;
			const back = loadTopology(r.yaml, 'imported.vnet.yaml');
			if (!back.ok) return found('import', `the imported file does not load: ${back.errors[0].message}`);
			const errors = lintTopology(back.topology, { file: 'imported.vnet.yaml', locate: back.source!.locate }).filter((d) => d.severity === 'error');
			if (errors.length) found('import', `the imported file has lint errors: ${errors[0].rule} ${errors[0].message}`);
		});
		return findings;
	}

	let topology: Topology | null = null;
	let locate: ((p: (string | number)[]) => { line: number; col: number }) | undefined;
	await guard('load', () => {
		const r = loadTopology(c.text, c.file);
		if (r.ok) {
			topology = r.topology;
			locate = r.source?.locate;
		} else for (const e of r.errors) if (!located(e) || e.file !== c.file) found('load', `error without file:line:col: ${e.path} ${e.message}`);
	});
	await guard('worker-api', async () => {
		const api = createSimApi({ slices: countSlices(50) });
		const s = api.open(c.text, c.file, 1);
		for (const e of s.errors) if (!located(e)) found('worker-api', `error without line:col: ${e.message}`);
		// matrix endpoints include product engines ("vbox:natnet-engine:lab") that trace does not take by name
		const named = s.endpoints.filter((e) => !e.includes(':'));
		if (s.ok && named.length >= 2) {
			api.trace({ from: named[0], to: named[named.length - 1] });
			await api.checks(1);
		}
	});
	const t = topology as Topology | null;
	if (!t) return findings;
	await guard('lint', () => lintTopology(t, { file: c.file, locate: locate ?? (() => ({ line: 0, col: 0 })) }));
	await guard('engine', () => {
		const net = buildNet(t);
		const endpoints = matrixEndpoints(net);
		const engine = new ProbeEngine(net);
		const named = endpoints.filter((e) => !e.includes(':'));
		for (let i = 0; i + 1 < named.length && i < 6; i++) engine.run({ from: named[i], to: named[named.length - 1 - i], proto: 'tcp', port: 22 }, { hops: true });
		runChecks({ ...t, checks: t.checks.filter((x) => !('scenario' in x)) }, net);
		if (endpoints.length <= 40) reachabilityMatrix(net, { proto: 'icmp' });
	});
	await guard('export', () => {
		const clab = toContainerlab(t);
		toGns3(t);
		toDot(t);
		toMermaid(t);
		const back = fromContainerlab(clab.yaml, { annotations: clab.annotations });
		if (!back.ok) found('export', `its own containerlab export does not import: ${back.errors[0]}`);
	});
	return findings;
}

/** The scenario names of a case that loads (for `vnet simulate`, run out of process). */
export function scenariosOf(c: FuzzCase): string[] {
	if (c.kind !== 'vnet') return [];
	const r = loadTopology(c.text, c.file);
	return r.ok ? Object.keys(r.topology.scenarios) : [];
}
