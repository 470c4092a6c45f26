/** Reachability between every pair of endpoints (`vnet matrix`). */
import { DISPOSITIONS, type Disposition, type Proto } from '../model/types';
import type { Net } from './compile';
import { ProbeEngine } from './probe';
import { MatrixCells } from './matrix-classes';

export interface Matrix {
	endpoints: string[];
	proto: Proto;
	port: number | null;
	/** cells[i][j]: from endpoints[i] to endpoints[j]; null on the diagonal */
	cells: (Disposition | null)[][];
}

/** The same matrix one byte a cell (10,000 endpoints: 100 MB, not 800 MB of references). */
export interface MatrixCodes {
	endpoints: string[];
	proto: Proto;
	port: number | null;
	/** codes[i * n + j]: 1 + the index of the disposition in DISPOSITIONS, CODE_SELF on the diagonal, 0 not computed */
	codes: Uint8Array;
	/** rows computed (all of them unless onProgress stopped the run) */
	rows: number;
}

export const CODE_SELF = 255;

export function dispositionCode(d: Disposition | null): number {
	return d === null ? CODE_SELF : DISPOSITIONS.indexOf(d) + 1;
}

export function codeDisposition(c: number): Disposition | null {
	return c === CODE_SELF || c === 0 ? null : DISPOSITIONS[c - 1];
}

export function matrixEndpoints(net: Net): string[] {
	return net.nodes.filter((n) => n.endpoint && n.hasFirstAddr).map((n) => n.id);
}

export interface MatrixOpts {
	proto?: Proto;
	port?: number;
	/** false probes every pair instead of one per pair of twin classes (matrix-classes.ts) */
	share?: boolean;
	/** after each row; false stops the run */
	onProgress?: (done: number, total: number) => boolean | void;
}

export function matrixCodes(net: Net, opts: MatrixOpts = {}): MatrixCodes {
	const proto = opts.proto ?? 'icmp';
	const endpoints = matrixEndpoints(net);
	const engine = new ProbeEngine(net);
	const shared = new MatrixCells(net, endpoints, (from, to) => engine.run({ from, to, proto, port: opts.port }, { record: false }).disposition, { share: opts.share, probe: { proto, port: opts.port } });
	const n = endpoints.length;
	const codes = new Uint8Array(n * n);
	const total = n * n;
	let rows = 0;
	while (rows < n) {
		const i = rows++;
		for (let j = 0; j < n; j++) codes[i * n + j] = dispositionCode(shared.cell(i, j));
		if (opts.onProgress && opts.onProgress(rows * n, total) === false) break;
	}
	return { endpoints, proto, port: opts.port ?? null, codes, rows };
}

export function reachabilityMatrix(net: Net, opts: MatrixOpts = {}): Matrix {
	const m = matrixCodes(net, opts);
	const n = m.endpoints.length;
	const cells: (Disposition | null)[][] = [];
	for (let i = 0; i < m.rows; i++) cells.push(Array.from(m.codes.subarray(i * n, (i + 1) * n), codeDisposition));
	return { endpoints: m.endpoints, proto: m.proto, port: m.port, cells };
}
