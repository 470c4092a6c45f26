/**
 * What every importer shares: the result shape, warnings, and the last step
 * that turns a built document into a valid vnet file. That step validates the
 * document with the format's own schema and, where a value cannot be
 * expressed in version 1, drops exactly that value with a warning, so an
 * import never silently loses anything and never yields an invalid file.
 */
import type { Topology } from '../model/types';
import { topologySchema } from '../model/schema';
import { lintTopology } from '../model/lint';
import { topologyToPlain, topologyToYaml } from './vnet-yaml';
import { InputError, quote } from './safe';

export interface ImportWarning {
	/** where in the source file ("nodes.r1.exec[3]", "topology.links[2]"), or "" for the whole file */
	path: string;
	message: string;
	/** line in the source file, where the importer knows it (Kubernetes manifests) */
	line?: number;
}

export type ImportResult =
	| { ok: true; topology: Topology; yaml: string; warnings: ImportWarning[]; format: string }
	| { ok: false; errors: string[]; format: string };

export class Warnings {
	readonly list: ImportWarning[] = [];
	add(path: string, message: string, line?: number): void {
		// Foreign text reaches terminals and YAML comments: no control characters.
		const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 500);
		path = clean(path);
		message = clean(message);
		if (this.list.length < 1000) this.list.push(line === undefined ? { path, message } : { path, message, line });
		else if (this.list.length === 1000) this.list.push({ path: '', message: 'more warnings omitted' });
	}
}

function deletePath(root: unknown, path: PropertyKey[]): boolean {
	if (path.length === 0) return false;
	let cur = root as Record<PropertyKey, unknown>;
	for (let i = 0; i < path.length - 1; i++) {
		const next = cur?.[path[i] as string];
		if (next === null || typeof next !== 'object') return false;
		cur = next as Record<PropertyKey, unknown>;
	}
	const last = path[path.length - 1];
	if (Array.isArray(cur) && typeof last === 'number') {
		cur.splice(last, 1);
		return true;
	}
	if (cur && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, last as string)) {
		delete cur[last as string];
		return true;
	}
	return false;
}

/**
 * Validates the built document; a value the format rejects is removed (the
 * smallest enclosing field or list item) and reported. Returns the parsed,
 * valid document.
 */
export function finalize(t: Topology, w: Warnings): Topology {
	return finalizePlain(topologyToPlain(t) as Record<string, unknown>, w);
}

/** As `finalize`, for a document in file form (units as text, as vnet YAML has them). */
export function finalizePlain(plain: Record<string, unknown>, w: Warnings): Topology {
	for (let round = 0; round < 200; round++) {
		const res = topologySchema.safeParse(plain);
		if (res.success) return res.data as Topology;
		let removed = false;
		for (const issue of res.error.issues) {
			let path = issue.path.slice();
			// "unknown field" issues point at the object; the key is in the message.
			if (issue.code === 'unrecognized_keys') {
				for (const key of issue.keys) if (deletePath(plain, [...path, key])) removed = true;
				w.add(path.join('.'), `dropped ${issue.keys.join(', ')}: not expressible in vnet (${issue.message.split('\n')[0]})`);
				continue;
			}
			// Never delete structural members; drop their innermost optional field instead.
			if (path.length <= 2 && (path[0] === 'nodes' || path[0] === 'name' || path[0] === 'vnet')) {
				if (path.length === 2 && path[0] === 'nodes') {
					const id = String(path[1]);
					const node = (plain.nodes as Record<string, unknown>)[id] as Record<string, unknown> | undefined;
					// Unknown kind: should not happen (importers map kinds); fall back to a host.
					if (node) {
						node.kind = 'host';
						w.add(`nodes.${id}`, `imported as a host: ${issue.message}`);
						removed = true;
					}
				}
				continue;
			}
			if (path.length > 0 && deletePath(plain, path)) {
				w.add(path.join('.'), `dropped: ${issue.message.split('\n')[0]}`);
				removed = true;
			} else {
				path = path.slice(0, -1);
				if (path.length > 2 && deletePath(plain, path)) {
					w.add(path.join('.'), `dropped: ${issue.message.split('\n')[0]}`);
					removed = true;
				}
			}
		}
		if (!removed) throw new InputError(`the imported design is not valid vnet: ${res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
	}
	throw new InputError('the imported design could not be made valid');
}

/**
 * The design must also lint without errors (a cable from an interface to
 * itself, a link to a subinterface or a bond, a check naming a dropped node):
 * each entry a lint error names is dropped with the lint message as a warning.
 */
export function dropLintErrors(t: Topology, w: Warnings): Topology {
	for (let round = 0; round < 50; round++) {
		const errors = lintTopology(t, { file: 'imported', locate: () => ({ line: 0, col: 0 }) }).filter((d) => d.severity === 'error');
		if (errors.length === 0) return t;
		const drops: { list: unknown[]; index: number; path: string; message: string }[] = [];
		for (const e of errors) {
			const top = /^(links|checks)\[(\d+)\]/.exec(e.path);
			const inScenario = /^scenarios\.([^.[]+)\.(traffic|events)\[(\d+)\]/.exec(e.path);
			if (top) drops.push({ list: t[top[1] as 'links' | 'checks'], index: +top[2], path: top[0], message: e.message });
			else if (inScenario && Array.isArray(t.scenarios[inScenario[1]]?.[inScenario[2] as 'traffic' | 'events']))
				drops.push({ list: t.scenarios[inScenario[1]][inScenario[2] as 'traffic' | 'events']!, index: +inScenario[3], path: inScenario[0], message: e.message });
			else throw new InputError(`the imported design does not lint: ${e.path}: ${e.message}`);
		}
		const seen = new Set<string>();
		for (const d of drops.sort((a, b) => b.index - a.index)) {
			if (seen.has(d.path)) continue;
			seen.add(d.path);
			d.list.splice(d.index, 1);
			w.add(d.path, `dropped: ${d.message}`);
		}
	}
	throw new InputError('the imported design could not be made to lint');
}

/** Header comment lines of an imported file: its origin and every warning. */
export function importHeader(format: string, file: string, w: Warnings): string[] {
	const lines = [`Imported by \`vnet import\` from ${format} file ${quote(file, 200)}.`];
	if (w.list.length === 0) lines.push('Nothing was left out.');
	else {
		lines.push(`${w.list.length} warning${w.list.length === 1 ? '' : 's'} (what could not be read or was changed):`);
		for (const x of w.list) lines.push(`  - ${x.line !== undefined ? `line ${x.line}: ` : ''}${x.path ? x.path + ': ' : ''}${x.message}`);
	}
	return lines;
}

/** Runs an importer body, turning InputError into a clean failure (no stack traces for bad input). */
export function runImport(format: string, file: string, body: (w: Warnings) => Topology | { plain: Record<string, unknown> }): ImportResult {
	const w = new Warnings();
	try {
		const built = body(w);
		const topology = dropLintErrors('plain' in built ? finalizePlain(built.plain, w) : finalize(built, w), w);
		const yaml = topologyToYaml(topology, importHeader(format, file, w));
		return { ok: true, topology, yaml, warnings: w.list, format };
	} catch (e) {
		if (e instanceof InputError) return { ok: false, errors: [e.message], format };
		throw e;
	}
}
