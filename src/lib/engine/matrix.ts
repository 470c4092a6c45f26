/** Reachability between every pair of endpoints (`vnet matrix`). */
import type { Disposition, Proto } from '../model/types';
import type { Net } from './compile';
import { ProbeEngine } from './probe';

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
	opts: { proto?: Proto; port?: number; onProgress?: (done: number, total: number) => boolean | void } = {}
): Matrix {
	const proto = opts.proto ?? 'icmp';
	const endpoints = matrixEndpoints(net);
	const engine = new ProbeEngine(net);
	const cells: (Disposition | null)[][] = [];
	const total = endpoints.length * endpoints.length;
	let done = 0;
	for (const from of endpoints) {
		const row: (Disposition | null)[] = [];
		for (const to of endpoints) {
			if (from === to) row.push(null);
			else row.push(engine.run({ from, to, proto, port: opts.port }, { record: false }).disposition);
			done++;
		}
		cells.push(row);
		if (opts.onProgress && opts.onProgress(done, total) === false) break;
	}
	return { endpoints, proto, port: opts.port ?? null, cells };
}
