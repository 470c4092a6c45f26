import type { Command } from './types';
import { checkFlags, checkProbeNodes, loadFileOrReport, parseArgs, probeFromFlags, UsageError } from './common';
import { buildNet, ProbeEngine } from '../../lib/engine/index';
import { nodeTables } from '../../lib/engine/tables';
import { formatBuild, nodeBuilds } from '../../lib/interchange/node-config';
import { formatTables } from '../../lib/interchange/node-tables';

const FLAGS = ['tables', 'from', 'to', 'proto', 'port', 'sport', 'size', 'df', 'ttl', 'json'];
const USAGE = 'usage: vnet config FILE NODE [--json] | vnet config FILE NODE --tables [--from NODE --to NODE|IP [--proto icmp|tcp|udp] [--port N] [--sport N] [--size BYTES] [--df] [--ttl N]] [--json]';

/** A node's config as Linux commands (the containerlab export's), or its tables after a probe: the app's Config view. */
export const config: Command = (args) => {
	try {
		const p = parseArgs(args, ['tables', 'df', 'json']);
		checkFlags(p, FLAGS);
		if (p.positional.length !== 2) throw new UsageError(USAGE);
		const [file, nodeId] = p.positional;
		const probing = p.flags.has('from') || p.flags.has('to');
		if (probing && !p.flags.get('tables')) throw new UsageError('--from/--to run a probe for --tables: add --tables');
		const spec = probing ? probeFromFlags(p) : undefined;
		const topo = loadFileOrReport(file);
		if (!topo) return 2;
		if (!(nodeId in topo.nodes)) throw new UsageError(`${file}: no node "${nodeId}" (nodes: ${Object.keys(topo.nodes).join(', ')})`);
		if (spec) checkProbeNodes(file, topo, spec);
		const build = nodeBuilds(topo).find((b) => b.node === nodeId)!;
		const json = p.flags.get('json') === true;
		if (p.flags.get('tables')) {
			const net = buildNet(topo);
			const tables = nodeTables(net, new ProbeEngine(net), nodeId, spec);
			process.stdout.write(json ? JSON.stringify(tables, null, 2) + '\n' : formatTables(tables, build));
			return 0;
		}
		if (json) {
			const { node, kind, commands, devices, guestPorts, notes } = build;
			process.stdout.write(JSON.stringify({ node, kind, commands, devices: Object.fromEntries(devices), guestPorts: Object.fromEntries(guestPorts), notes }, null, 2) + '\n');
		} else process.stdout.write(formatBuild(build));
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`vnet config: ${e.message}\n`);
			return 2;
		}
		throw e;
	}
};
