/**
 * A node's tables (engine/tables.ts) as the Linux tools print them: `ip route`,
 * `ip neigh`, `bridge fdb show`, `conntrack -L` and its NAT view
 * (`conntrack -L --src-nat` / `--dst-nat`). Device names go through `names`
 * so they match the Build commands (node-config.ts). Pure.
 */
import type { ConnEnd, ConnRow, FdbRow, NeighRow, NodeTables, RouteRow } from '../engine/tables';

export interface DeviceNames {
	device(name: string): string;
	bridge(id: string): string;
}

const SAME: DeviceNames = { device: (n) => n, bridge: (id) => id };

export function routeLine(r: RouteRow, names: DeviceNames = SAME): string {
	const metric = (r.metric ? ` metric ${r.metric}` : '') + (r.linkdown ? ' linkdown' : '');
	if (r.blackhole) return `blackhole ${r.dst}${metric}`;
	const dev = r.dev ? ` dev ${names.device(r.dev)}` : '';
	if (r.proto === 'kernel') return `${r.dst}${dev} proto kernel scope link src ${r.src}${metric}`;
	return `${r.dst}${r.via ? ` via ${r.via}` : ''}${dev}${r.proto === 'ospf' ? ' proto ospf' : ''}${metric}`;
}

export function neighLine(n: NeighRow, names: DeviceNames = SAME): string {
	return `${n.ip}${n.dev ? ` dev ${names.device(n.dev)}` : ''} lladdr ${n.mac} REACHABLE`;
}

export function fdbLine(f: FdbRow, names: DeviceNames = SAME): string {
	return `${f.mac} dev ${names.device(f.dev)}${f.vlan !== null ? ` vlan ${f.vlan}` : ''} master ${names.bridge(f.bridge)}`;
}

function tuple(c: ConnRow, e: ConnEnd, request: boolean): string {
	const ends = `src=${e.src} dst=${e.dst}`;
	// ICMP echo: the engine keeps the identifier in both port fields
	if (c.proto === 'icmp') return `${ends} type=${request ? 8 : 0} code=0 id=${e.sport}`;
	return `${ends} sport=${e.sport} dport=${e.dport}`;
}

/** One `conntrack -L` line, with the timeout a fresh entry has in that state. */
export function conntrackLine(c: ConnRow, refused = false): string {
	let head: string;
	if (c.proto === 'tcp') head = refused ? '9 CLOSE' : c.replied ? '431999 ESTABLISHED' : '119 SYN_SENT';
	else head = '29';
	const unreplied = c.replied ? '' : ' [UNREPLIED]';
	const assured = c.replied && c.proto === 'tcp' && !refused ? ' [ASSURED]' : '';
	return `${c.proto.padEnd(8)} ${c.protoNum} ${head} ${tuple(c, c.orig, true)}${unreplied} ${tuple(c, c.reply, false)}${assured} mark=0 use=1`;
}

/** The text of the "Tables" section: one block per command, `$ command` first. */
export function formatTables(t: NodeTables, names: DeviceNames = SAME): string {
	const out: string[] = [];
	const block = (cmd: string, lines: string[]) => {
		out.push(`$ ${cmd}`, ...(lines.length ? lines : ['(empty)']), '');
	};
	const switchOnly = t.kind === 'switch';
	if (!switchOnly) block('ip route', t.routes.map((r) => routeLine(r, names)));
	const l = t.learned;
	if (!l) {
		out.push('# neighbours, MAC tables and connections: run a probe first');
		return out.join('\n') + '\n';
	}
	const p = l.probe;
	out.unshift(`# after the probe ${p.from} → ${p.to} ${p.proto ?? 'icmp'}${p.port ? `/${p.port}` : ''}: ${l.disposition}`, '');
	if (!switchOnly) block('ip neigh', l.neigh.map((n) => neighLine(n, names)));
	if (switchOnly || l.fdb.length) block('bridge fdb show', l.fdb.map((f) => fdbLine(f, names)));
	if (!switchOnly) {
		const refused = l.disposition === 'REFUSED';
		block('conntrack -L', l.conntrack.map((c) => conntrackLine(c, refused)));
		const snat = l.conntrack.filter((c) => c.snat);
		const dnat = l.conntrack.filter((c) => c.dnat);
		if (snat.length) block('conntrack -L --src-nat', snat.map((c) => conntrackLine(c, refused)));
		if (dnat.length) block('conntrack -L --dst-nat', dnat.map((c) => conntrackLine(c, refused)));
	}
	return out.join('\n');
}
