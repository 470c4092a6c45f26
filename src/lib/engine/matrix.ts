/** Reachability between every pair of endpoints (`vnet matrix`). */
import type { Disposition, Proto } from '../model/types';
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

export function matrixEndpoints(net: Net): string[] {
	return net.nodes.filter((n) => n.endpoint && n.hasFirstAddr).map((n) => n.id);
}

export function reachabilityMatrix(
	net: Net,
	/** share: false probes every pair instead of one per pair of twin classes (matrix-classes.ts) */
	opts: { proto?: Proto; port?: number; share?: boolean; onProgress?: (done: number, total: number) => boolean | void } = {}
): Matrix {
	const proto = opts.proto ?? 'icmp';
	const endpoints = matrixEndpoints(net);
	const engine = new ProbeEngine(net);
	const shared = new MatrixCells(net, endpoints, (from, to) => engine.run({ from, to, proto, port: opts.port }, { record: false }).disposition, { share: opts.share });
	const cells: (Disposition | null)[][] = [];
	const n = endpoints.length;
	const total = n * n;
	let done = 0;
	for (let i = 0; i < n; i++) {
		const row: (Disposition | null)[] = [];
		for (let j = 0; j < n; j++) row.push(shared.cell(i, j));
		done += n;
		cells.push(row);
		if (opts.onProgress && opts.onProgress(done, total) === false) break;
	}
	return { endpoints, proto, port: opts.port ?? null, cells };
}
