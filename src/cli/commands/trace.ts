import type { Command } from './types';
import { checkFlags, checkProbeNodes, loadFileOrReport, paint, parseArgs, probeFromFlags, table, UsageError } from './common';
import { buildNet, ProbeEngine, type Hop, type Trace } from '../../lib/engine/index';
import { traceToPcap } from '../../lib/interchange/pcap';
import { resolveTopology } from '../../lib/model/resolve';
import { writeFileSync } from 'node:fs';

const FLAGS = ['from', 'to', 'proto', 'port', 'sport', 'size', 'df', 'ttl', 'json', 'pcap'];

export const trace: Command = (args) => {
	try {
		const p = parseArgs(args, ['df', 'json']);
		checkFlags(p, FLAGS);
		if (p.positional.length !== 1) throw new UsageError('usage: vnet trace FILE --from NODE --to NODE|IP [--proto icmp|tcp|udp] [--port N] [--sport N] [--size BYTES] [--df] [--ttl N] [--json] [--pcap OUT.pcap]');
		const spec = probeFromFlags(p);
		const file = p.positional[0];
		const topo = loadFileOrReport(file);
		if (!topo) return 2;
		checkProbeNodes(file, topo, spec);
		const net = buildNet(topo);
		const t = new ProbeEngine(net).run(spec, { hops: true });
		const pcap = p.flags.get('pcap');
		if (pcap !== undefined) {
			if (pcap === true) throw new UsageError('--pcap needs a file name');
			writeFileSync(pcap, traceToPcap(t, resolveTopology(topo), { probe: spec }));
			process.stderr.write(`wrote ${pcap} (open it with Wireshark or tshark -r ${pcap})\n`);
		}
		if (p.flags.get('json')) process.stdout.write(JSON.stringify(t, null, 2) + '\n');
		else process.stdout.write(formatTrace(t));
		return 0;
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`vnet trace: ${e.message}\n`);
			return 2;
		}
		throw e;
	}
};

function hopRows(hops: Hop[]): string[][] {
	return hops.flatMap((h) => [
		// an unanswered ARP (mac null) is its own ARP row already
		...(h.arp && !h.arp.cached && h.arp.mac !== null
			? [['', h.node, '-', h.out ?? '-', 'ARP', `who-has ${h.arp.target}${h.arp.sender ? ` tell ${h.arp.sender}` : ''}`, '', `${h.arp.target} is-at ${h.arp.mac} (answered by ${h.arp.answeredBy}${h.arp.suppressed ? (h.arp.answeredBy?.startsWith(`${h.node}.`) ? ': a programmed neighbour entry' : ': ARP suppression, from the controller\'s table') : ''})`]]
			: []),
		[h.tMs !== undefined ? h.tMs.toFixed(3) : '', h.node, h.in ?? '-', h.out ?? '-', h.action, h.src && h.dst ? `${h.src} → ${h.dst}` : '', h.ttl !== undefined ? String(h.ttl) : '', h.detail ?? '']
	]);
}

export function formatTrace(t: Trace): string {
	const head = ['ms', 'node', 'in', 'out', 'action', 'packet', 'ttl', 'why'];
	let out = paint('request', 'bold') + '\n' + table([head, ...hopRows(t.request)]);
	if (t.reply.length) out += '\n' + paint('reply', 'bold') + '\n' + table([head, ...hopRows(t.reply)]);
	const color = t.disposition === 'DELIVERED' || t.disposition === 'EXITS_NETWORK' ? 'green' : 'red';
	out += '\n' + paint(t.disposition, color) + (t.leg ? ` (${t.leg} leg)` : '') + (t.verdict ? `  ${t.verdict}` : '') + '\n';
	const extra: string[] = [];
	if (t.seenSource) extra.push(`seen source ${t.seenSource}`);
	if (t.icmp) extra.push(`ICMP ${t.icmp.type}/${t.icmp.code} from ${t.icmp.from}${t.icmp.mtu !== null ? ` mtu ${t.icmp.mtu}` : ''}`);
	if (t.mtu !== null && !t.icmp) extra.push(`mtu ${t.mtu}`);
	if (t.rttMs !== null) extra.push(`rtt ${t.rttMs.toFixed(3)} ms`);
	if (t.hops) extra.push(`traceroute: ${t.hops.map((h) => h ?? '*').join(' → ')}`);
	if (extra.length) out += extra.join(' · ') + '\n';
	return out;
}
