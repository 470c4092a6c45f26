import type { Command } from './types';
import { checkFlags, intFlag, loadFileOrReport, parseArgs, table, UsageError } from './common';
import { buildNet, codeDisposition, matrixCodes } from '../../lib/engine/index';
import type { Proto } from '../../lib/model/types';
import { groupByText, groupEndpoints, groupSummaries, parseGroupBy } from '../../lib/model/matrix-groups';

const SHORT: Record<string, string> = {
	DELIVERED: 'ok',
	EXITS_NETWORK: 'exit',
	REFUSED: 'refused',
	DENIED: 'DENIED',
	NO_ROUTE: 'no-route',
	NULL_ROUTED: 'null',
	HOST_UNREACHABLE: 'unreach',
	TTL_EXCEEDED: 'ttl',
	FRAGMENTATION_NEEDED: 'frag',
	DROPPED: 'dropped'
};

export const matrix: Command = (args) => {
	try {
		const p = parseArgs(args, ['json']);
		checkFlags(p, ['proto', 'port', 'json', 'group-by']);
		if (p.positional.length !== 1) throw new UsageError('usage: vnet matrix FILE [--proto icmp|tcp|udp] [--port N] [--group-by namespace|label:KEY] [--json]');
		const protoFlag = p.flags.get('proto') ?? 'icmp';
		if (protoFlag !== 'icmp' && protoFlag !== 'tcp' && protoFlag !== 'udp') throw new UsageError(`--proto expects icmp, tcp or udp, got ${JSON.stringify(protoFlag)}`);
		const port = intFlag(p, 'port', 1, 65535);
		if (protoFlag !== 'icmp' && port === undefined) throw new UsageError(`--port is required for ${protoFlag}`);
		const groupFlag = p.flags.get('group-by');
		const groupBy = groupFlag === undefined ? ({ kind: 'none' } as const) : parseGroupBy(typeof groupFlag === 'string' ? groupFlag : '?');
		if ('error' in groupBy) throw new UsageError(`--group-by ${groupBy.error}`);
		const topo = loadFileOrReport(p.positional[0]);
		if (!topo) return 2;
		// Progress on a terminal only (a large matrix runs for seconds); pipes and CI logs stay clean.
		const tty = !!process.stderr.isTTY;
		let shown = 0;
		const onProgress = tty
			? (done: number, total: number) => {
					const pct = Math.floor((done * 100) / total);
					if (pct > shown) process.stderr.write(`\r${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} probes (${(shown = pct)}%)`);
				}
			: undefined;
		// one byte a cell while probing (a 10,000-endpoint matrix is 100 M cells); strings only for the output
		const m = matrixCodes(buildNet(topo), { proto: protoFlag as Proto, port, onProgress });
		if (shown > 0) process.stderr.write('\r\x1b[K');
		const n = m.endpoints.length;
		const row = (i: number) => Array.from(m.codes.subarray(i * n, (i + 1) * n), codeDisposition);
		if (groupBy.kind !== 'none') {
			// rows and columns in group order; then one summary cell per pair of groups
			const groups = groupEndpoints(m.endpoints, topo, groupBy);
			const order = groups.flatMap((g) => g.members);
			const summary = groupSummaries(groups, (i, j) => codeDisposition(m.codes[i * n + j]));
			if (p.flags.get('json')) {
				const cells = order.map((i) => order.map((j) => codeDisposition(m.codes[i * n + j])));
				const out = { endpoints: order.map((i) => m.endpoints[i]), proto: m.proto, port: m.port, cells, groupBy: groupByText(groupBy), groups: groups.map((g) => ({ name: g.name, endpoints: g.members.map((i) => m.endpoints[i]) })), summary };
				process.stdout.write(JSON.stringify(out, null, 2) + '\n');
				return 0;
			}
			const rows = [['group', 'from \\ to', ...order.map((i) => m.endpoints[i])]];
			for (const g of groups)
				g.members.forEach((i, k) => rows.push([k === 0 ? g.name : '', m.endpoints[i], ...order.map((j) => { const c = codeDisposition(m.codes[i * n + j]); return c === null ? '·' : SHORT[c]; })]));
			process.stdout.write(table(rows));
			process.stdout.write(`\nby ${groupByText(groupBy)}: all / some / none of the pairs DELIVERED\n`);
			process.stdout.write(table([['from \\ to', ...groups.map((g) => g.name)], ...groups.map((g, a) => [g.name, ...summary[a].map((x) => (x === 'self' ? '·' : x))])]));
			process.stdout.write(`\n${m.proto}${m.port ? '/' + m.port : ''}; ok = DELIVERED, exit = EXITS_NETWORK, unreach = HOST_UNREACHABLE, frag = FRAGMENTATION_NEEDED\n`);
			return 0;
		}
		if (p.flags.get('json')) {
			const cells = m.endpoints.map((_, i) => row(i));
			process.stdout.write(JSON.stringify({ endpoints: m.endpoints, proto: m.proto, port: m.port, cells }, null, 2) + '\n');
			return 0;
		}
		const rows = [['from \\ to', ...m.endpoints]];
		m.endpoints.forEach((e, i) => rows.push([e, ...row(i).map((c) => (c === null ? '·' : SHORT[c]))]));
		process.stdout.write(table(rows));
		process.stdout.write(`\n${m.proto}${m.port ? '/' + m.port : ''}; ok = DELIVERED, exit = EXITS_NETWORK, unreach = HOST_UNREACHABLE, frag = FRAGMENTATION_NEEDED\n`);
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`vnet matrix: ${e.message}\n`);
			return 2;
		}
		throw e;
	}
};
