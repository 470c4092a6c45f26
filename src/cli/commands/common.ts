/** Shared helpers of the engine commands: arguments, loading, output. */
import { readFileSync } from 'node:fs';
import { loadTopology, formatDiagnostic } from '../../lib/model/load';
import { referenceErrors } from '../../lib/model/references';
import type { Proto, Topology } from '../../lib/model/types';
import type { ProbeSpec } from '../../lib/engine/trace';
import { isIpv4 } from '../../lib/model/net';

export interface ParsedArgs {
	positional: string[];
	flags: Map<string, string | true>;
}

/** `--name value`, `--name=value` and boolean `--flag` (listed in `booleans`). */
export function parseArgs(args: string[], booleans: string[]): ParsedArgs {
	const positional: string[] = [];
	const flags = new Map<string, string | true>();
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (a.startsWith('--')) {
			const eq = a.indexOf('=');
			const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
			if (eq > 0) flags.set(name, a.slice(eq + 1));
			else if (booleans.includes(name)) flags.set(name, true);
			else if (i + 1 < args.length) flags.set(name, args[++i]);
			else throw new UsageError(`--${name} needs a value`);
		} else positional.push(a);
	}
	return { positional, flags };
}

export class UsageError extends Error {}

export function intFlag(p: ParsedArgs, name: string, min: number, max: number): number | undefined {
	const v = p.flags.get(name);
	if (v === undefined) return undefined;
	if (v === true || !/^\d+$/.test(v) || +v < min || +v > max) throw new UsageError(`--${name} expects an integer from ${min} to ${max}, got ${v === true ? 'nothing' : JSON.stringify(v)}`);
	return +v;
}

/** The probe of `--from --to --proto --port --sport --size --df --ttl` (vnet trace, vnet config --tables). */
export function probeFromFlags(p: ParsedArgs): ProbeSpec & { from: string; to: string; proto: Proto } {
	const from = p.flags.get('from');
	const to = p.flags.get('to');
	if (typeof from !== 'string' || typeof to !== 'string') throw new UsageError('--from NODE and --to NODE|IP are required');
	const protoFlag = p.flags.get('proto') ?? 'icmp';
	if (protoFlag !== 'icmp' && protoFlag !== 'tcp' && protoFlag !== 'udp') throw new UsageError(`--proto expects icmp, tcp or udp, got ${JSON.stringify(protoFlag)}`);
	const proto = protoFlag as Proto;
	const port = intFlag(p, 'port', 1, 65535);
	if (proto !== 'icmp' && port === undefined) throw new UsageError(`--port is required for ${proto}`);
	const spec = { from, to, proto, port, sport: intFlag(p, 'sport', 1, 65535), size: intFlag(p, 'size', 0, 65507), df: p.flags.get('df') === true, ttl: intFlag(p, 'ttl', 1, 255) };
	return spec;
}

/** A probe's --from names a node of the file, its --to a node or an address. */
export function checkProbeNodes(file: string, topo: Topology, spec: { from: string; to: string }): void {
	const { from, to } = spec;
	if (!(from in topo.nodes)) throw new UsageError(`${file}: --from: no node "${from}" (nodes: ${Object.keys(topo.nodes).join(', ')})`);
	if (!isIpv4(to) && !(to in topo.nodes)) throw new UsageError(`${file}: --to: "${to}" is neither a node nor an IPv4 address`);
}

export function checkFlags(p: ParsedArgs, known: string[]): void {
	for (const k of p.flags.keys()) if (!known.includes(k)) throw new UsageError(`unknown option --${k} (known: ${known.map((x) => '--' + x).join(', ')})`);
}

/** Reads and loads a topology; on failure prints the errors and returns null. */
export function loadFileOrReport(file: string): Topology | null {
	return loadLocatedOrReport(file)?.topology ?? null;
}

/** Like loadFileOrReport, with where each document path is in the file (to locate later errors). */
export function loadLocatedOrReport(file: string): { topology: Topology; locate: (path: (string | number)[]) => { line: number; col: number } } | null {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		process.stderr.write(`${file}: cannot read file${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}\n`);
		return null;
	}
	const r = loadTopology(text, file);
	if (!r.ok) {
		for (const d of r.errors) process.stderr.write(formatDiagnostic(d) + '\n');
		process.stderr.write(`${file}: ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}; not a valid vnet file\n`);
		return null;
	}
	// References the engine cannot follow (a link or check naming a missing node...) are
	// errors, located like format errors; design warnings never stop a command, so their
	// rules are not run here (lint's errors alone).
	const locate = r.source?.locate ?? (() => ({ line: 0, col: 0 }));
	const errors = referenceErrors(r.topology, { file, locate });
	if (errors.length) {
		for (const d of errors) process.stderr.write(formatDiagnostic(d) + '\n');
		process.stderr.write(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}; fix the references above (vnet lint ${file})\n`);
		return null;
	}
	return { topology: r.topology, locate };
}

export function pad(s: string, n: number): string {
	return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Plain text table with a header row. */
export function table(rows: string[][]): string {
	const widths: number[] = [];
	for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
	return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]))).join('  ')).join('\n') + '\n';
}

export function useColor(): boolean {
	return !!process.stdout.isTTY && !process.env.NO_COLOR;
}

export function paint(text: string, color: 'red' | 'green' | 'yellow' | 'dim' | 'bold'): string {
	if (!useColor()) return text;
	const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 };
	return `\x1b[${codes[color]}m${text}\x1b[0m`;
}
