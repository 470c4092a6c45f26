/**
 * Captures of probe traces, read back with the real tshark (Debian package
 * tshark): the fields Wireshark decodes must be the trace's, and every
 * checksum must verify.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildNet, ProbeEngine, type Hop, type ProbeSpec, type Trace } from '../../src/lib/engine/index';
import { resolveTopology } from '../../src/lib/model/resolve';
import { traceToPcap } from '../../src/lib/interchange/pcap';
import { fragmentSizes } from '../../src/lib/model/net';
import { VXLAN_OVERHEAD } from '../../src/lib/model/overlay';
import { inetChecksum, ipv4Header } from '../../src/lib/interchange/packets';
import { allVnetFiles, requireTool } from './interchange-helpers';

const TSHARK = requireTool('tshark', 'tshark');
const FIELDS = ['frame.time_relative', 'eth.src', 'eth.dst', 'vlan.id', 'ip.src', 'ip.dst', 'ip.ttl', 'ip.len', 'ip.flags.df', 'ip.flags.mf', 'ip.checksum.status', 'icmp.type', 'icmp.code', 'icmp.mtu', 'icmp.checksum.status', 'tcp.flags', 'tcp.srcport', 'tcp.dstport', 'tcp.checksum.status', 'udp.srcport', 'udp.dstport', 'udp.checksum.status', 'arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4', '_ws.malformed', '_ws.expert.severity'] as const;
type Row = Record<(typeof FIELDS)[number], string>;

const dir = mkdtempSync(path.join(tmpdir(), 'vnet-pcap-'));
let n = 0;
function tshark(bytes: Uint8Array, extra: string[] = []): Row[] {
	const file = path.join(dir, `t${n++}.pcap`);
	writeFileSync(file, bytes);
	const args = ['-r', file, '-n', '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,'];
	const fields = [...FIELDS, ...extra];
	for (const f of fields) args.push('-e', f);
	const out = execFileSync(TSHARK, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000, maxBuffer: 256 << 20 });
	return out
		.split('\n')
		.filter((l) => l.length)
		.map((l) => {
			const parts = l.split('|');
			return Object.fromEntries(fields.map((f, i) => [f, parts[i] ?? ''])) as Row;
		});
}

const first = (s: string) => s.split(',')[0];

const files = await allVnetFiles();
function topo(prefix: string) {
	const f = files.find((x) => x.file.startsWith(prefix));
	if (!f) throw new Error(`no conformance file ${prefix}`);
	return f.topology;
}
function probe(prefix: string, spec: ProbeSpec): { trace: Trace; pcap: Uint8Array; rows: Row[]; ip: Row[] } {
	const t = topo(prefix);
	const trace = new ProbeEngine(buildNet(t)).run(spec, { hops: true });
	const pcap = traceToPcap(trace, resolveTopology(t), { probe: spec });
	const rows = tshark(pcap);
	return { trace, pcap, rows, ip: rows.filter((r) => r['ip.src'] !== '') };
}

/** Frames a trace shows on wires, in order: [src ip, dst ip, ttl, vlan] per fragment. */
function expectedIpFrames(trace: Trace): string[] {
	const out: string[] = [];
	for (const hops of [trace.request, trace.reply]) {
		let l3: Hop | null = null;
		let guest: Hop | null = null;
		for (const h of hops) {
			const send = h.srcMac !== undefined && h.out !== null;
			if (send) l3 = h;
			if (send && h.underlay === undefined) guest = h;
			if (!send && !(h.action === 'SWITCHED' && h.out && l3)) continue;
			// past the far VTEP the frame is the guest's again: its fragments, not the outer packet's
			const fragments = h.fragments ?? (h.underlay === undefined && guest ? guest : l3!).fragments;
			// a VTEP wraps each guest fragment in its own datagram, then the underlay cuts each one
			const frags =
				h.underlay === undefined || !guest
					? (fragments?.length ?? 1)
					: (guest.fragments ?? [guest.size!]).reduce((n, inner) => n + fragmentSizes([inner + VXLAN_OVERHEAD], fragments && fragments.length > 1 ? fragments[0] : Infinity).length, 0);
			for (let k = 0; k < frags; k++) out.push([h.src!.split(':')[0], h.dst!.split(':')[0], h.ttl, h.vlan ?? ''].join(' '));
		}
	}
	return out;
}

function checkAll(rows: Row[]) {
	for (const r of rows) {
		// Our own layers must decode cleanly; an application dissector guessing from a port
		// (NTP on 123, SNMP on 161 ...) may call the probe's pattern payload malformed.
		if (r['_ws.malformed']) expect(r['_ws.malformed']).not.toMatch(/Malformed Packet: (ETH|VLAN|ARP|IPv4|IP|ICMP|TCP|UDP)\b/i);
		if (r['ip.checksum.status']) expect(first(r['ip.checksum.status'])).toBe('1'); // 1 = good
		if (r['icmp.checksum.status']) expect(first(r['icmp.checksum.status'])).toBe('1');
		// Inside an ICMP error the TCP/UDP header is the quote of the offending packet, cut to fit
		// 576 bytes: its checksum covers bytes that are not there, so tshark leaves it unverified (2).
		const quoted = ['3', '4', '5', '11', '12'].includes(first(r['icmp.type']));
		for (const k of ['tcp.checksum.status', 'udp.checksum.status'] as const) if (r[k]) expect(first(r[k]), k).toBe(quoted && first(r[k]) === '2' ? '2' : '1');
	}
}

describe('pcap of probe traces (read with tshark)', () => {
	it('router on a stick: VLAN tags, TTLs, MACs and ARP match the trace', () => {
		const { trace, rows, ip } = probe('04-', { from: 'pc10', to: 'pc20' });
		checkAll(rows);
		expect(ip.map((r) => [first(r['ip.src']), first(r['ip.dst']), first(r['ip.ttl']), r['vlan.id']].join(' '))).toEqual(expectedIpFrames(trace));
		const sent = trace.request[0];
		expect(ip[0]['eth.src']).toBe(sent.srcMac);
		expect(ip[0]['eth.dst']).toBe(sent.dstMac);
		expect(ip[0]['icmp.type']).toBe('8');
		expect(ip[ip.length - 1]['icmp.type']).toBe('0');
		expect(new Set(rows.map((r) => r['vlan.id']).filter(Boolean))).toEqual(new Set(['10', '20']));
		// the probe starts with empty ARP caches: requests and replies precede the first echo
		const arps = rows.filter((r) => r['arp.opcode']);
		expect(arps.some((r) => r['arp.opcode'] === '1' && r['arp.dst.proto_ipv4'] === '192.168.10.1')).toBe(true);
		expect(arps.some((r) => r['arp.opcode'] === '2' && r['arp.src.proto_ipv4'] === '192.168.10.1')).toBe(true);
		// timestamps are the simulated times of the hops
		const t0 = Number(ip[0]['frame.time_relative']) + Number(rows[0]['frame.time_relative']);
		expect(Math.round(t0 * 1e6)).toBe(Math.round(sent.tMs! * 1e3));
	});

	it('TTL exceeded: ICMP 11/0 from the router, quoting the request', () => {
		const { trace, rows, ip } = probe('06-', { from: 'h1', to: 'h2', ttl: 2 });
		checkAll(rows);
		expect(trace.disposition).toBe('TTL_EXCEEDED');
		expect(ip.map((r) => [first(r['ip.src']), first(r['ip.dst']), first(r['ip.ttl']), r['vlan.id']].join(' '))).toEqual(expectedIpFrames(trace));
		const err = ip.filter((r) => first(r['icmp.type']) === '11');
		expect(err.length).toBeGreaterThan(0);
		expect(first(err[0]['ip.src'])).toBe('10.6.12.2');
		expect(first(err[0]['icmp.code'])).toBe('0');
		// the quoted packet is the request (inner ip.src is the requester)
		expect(err[0]['ip.src'].split(',')[1]).toBe('10.6.1.10');
	});

	it('TCP: SYN and SYN-ACK when delivered, RST-ACK when refused or rejected', () => {
		const ok = probe('09-', { from: 'user', to: 'web', proto: 'tcp', port: 443 });
		checkAll(ok.rows);
		expect(ok.trace.disposition).toBe('DELIVERED');
		expect(ok.ip[0]['tcp.flags']).toBe('0x0002');
		expect(ok.ip[0]['tcp.srcport']).toBe('40000');
		expect(ok.ip[0]['tcp.dstport']).toBe('443');
		expect(ok.ip[ok.ip.length - 1]['tcp.flags']).toBe('0x0012');
		const refused = probe('09-', { from: 'user', to: 'web', proto: 'tcp', port: 25 });
		expect(refused.trace.disposition).toBe('REFUSED');
		expect(refused.ip[refused.ip.length - 1]['tcp.flags']).toBe('0x0014');
		const rejected = probe('09-', { from: 'user', to: 'web', proto: 'tcp', port: 22 });
		checkAll(rejected.rows);
		expect(rejected.trace.disposition).toBe('DENIED');
		expect(rejected.ip[rejected.ip.length - 1]['tcp.flags']).toBe('0x0014');
		expect(rejected.ip.map((r) => [first(r['ip.src']), first(r['ip.dst']), first(r['ip.ttl']), r['vlan.id']].join(' '))).toEqual(expectedIpFrames(rejected.trace));
	});

	it('UDP rejected by a firewall: ICMP 3/13 (admin prohibited)', () => {
		const { trace, rows, ip } = probe('09-', { from: 'user', to: 'web', proto: 'udp', port: 161 });
		checkAll(rows);
		expect(ip[0]['udp.dstport']).toBe('161');
		const err = ip[ip.length - 1];
		expect([first(err['icmp.type']), first(err['icmp.code'])]).toEqual(['3', '13']);
		expect(first(err['ip.src'])).toBe(trace.icmp!.from);
	});

	it('fragments when DF is clear, ICMP fragmentation-needed with the MTU when set', () => {
		const frag = probe('16-', { from: 'nas', to: 'dr', size: 8000 });
		checkAll(frag.rows);
		expect(frag.ip.map((r) => [first(r['ip.src']), first(r['ip.dst']), first(r['ip.ttl']), r['vlan.id']].join(' '))).toEqual(expectedIpFrames(frag.trace));
		expect(frag.ip.some((r) => r['ip.flags.mf'] === 'True' || r['ip.flags.mf'] === '1')).toBe(true);
		const df = probe('16-', { from: 'nas', to: 'dr', size: 8000, df: true });
		checkAll(df.rows);
		expect(df.trace.disposition).toBe('FRAGMENTATION_NEEDED');
		expect(df.ip[0]['ip.flags.df']).toMatch(/^(1|True)$/);
		const err = df.ip[df.ip.length - 1];
		expect([first(err['icmp.type']), first(err['icmp.code']), err['icmp.mtu']]).toEqual(['3', '4', '1500']);
	});

	it('NAT: the source is rewritten where the trace says', () => {
		const { trace, rows, ip } = probe('12-', { from: 'laptop', to: '203.0.113.50' });
		checkAll(rows);
		expect(trace.disposition).toBe('EXITS_NETWORK');
		expect(ip.map((r) => first(r['ip.src']))).toContain('198.51.100.2');
		expect(ip.map((r) => [first(r['ip.src']), first(r['ip.dst']), first(r['ip.ttl']), r['vlan.id']].join(' '))).toEqual(expectedIpFrames(trace));
	});

	it('unanswered ARP: three requests a second apart', () => {
		const t = topo('07-');
		const check = t.checks.find((c) => 'expect' in c && c.expect === 'HOST_UNREACHABLE') as ProbeSpec | undefined;
		expect(check).toBeTruthy();
		const { rows } = probe('07-', { from: check!.from, to: check!.to });
		checkAll(rows);
		const reqs = rows.filter((r) => r['arp.opcode'] === '1');
		expect(reqs.length).toBeGreaterThanOrEqual(3);
	});

	it('per link and per node: one capture each, all readable', () => {
		const t = topo('04-');
		const trace = new ProbeEngine(buildNet(t)).run({ from: 'pc10', to: 'pc20' }, { hops: true });
		const links = traceToPcap(trace, resolveTopology(t), { per: 'link', probe: { from: 'pc10', to: 'pc20' } });
		expect(Object.keys(links).sort()).toEqual(['pc10.eth0--sw1.p1', 'pc20.eth0--sw1.p3', 'r1.eth0--sw1.p24'].sort());
		for (const bytes of Object.values(links)) checkAll(tshark(bytes));
		expect(tshark(links['r1.eth0--sw1.p24']).every((r) => r['vlan.id'] !== '')).toBe(true);
		const nodes = traceToPcap(trace, resolveTopology(t), { per: 'node' });
		expect(Object.keys(nodes).sort()).toEqual(['pc10', 'pc20', 'r1', 'sw1']);
	});

	it('VXLAN: underlay frames carry UDP 4789, the VNI and the guest frame inside; the outer header has no DF', () => {
		const spec: ProbeSpec = { from: 'web1', to: 'web2', proto: 'tcp', port: 443 };
		const { trace, rows } = probe('vxlan-overlay', spec);
		checkAll(rows);
		const vx = tshark(traceToPcap(trace, resolveTopology(topo('vxlan-overlay')), { probe: spec }), ['vxlan.vni']);
		const outer = vx.filter((r) => (r as Record<string, string>)['vxlan.vni'] !== '');
		expect(outer.length).toBeGreaterThan(0);
		for (const r of outer) {
			expect((r as Record<string, string>)['vxlan.vni']).toBe('5001');
			expect(r['udp.dstport'].split(',')).toContain('4789');
			// outer then inner header, as Wireshark decodes them
			const [, innerSrc] = r['ip.src'].split(',');
			expect(['10.10.1.11', '10.10.1.12']).toContain(innerSrc);
			expect(['0', 'False']).toContain(first(r['ip.flags.df']));
			expect(r['tcp.srcport']).not.toBe('');
		}
		// the request is carried to the far VTEP and unwrapped onto web2's wire
		const plain = vx.filter((r) => r['ip.src'] === '10.10.1.11' && r['ip.dst'] === '10.10.1.12');
		expect(plain.length).toBeGreaterThanOrEqual(2);
	});

	it('every check of every conformance file gives a clean capture', () => {
		// One capture for all (one tshark run): check k starts at k × 10000 s.
		const parts: Uint8Array[] = [];
		const expected: string[][] = [];
		for (const { topology } of files) {
			const net = buildNet(topology);
			const r = resolveTopology(topology);
			for (const c of topology.checks) {
				if (!('expect' in c)) continue;
				const spec: ProbeSpec = { from: c.from, to: c.to, proto: c.proto, port: c.port, sport: c.sport, size: c.size, df: c.df, ttl: c.ttl };
				const trace = new ProbeEngine(net).run(spec, { hops: true });
				const bytes = traceToPcap(trace, r, { probe: spec, epochMs: expected.length * 1e7, sequence: expected.length });
				parts.push(parts.length === 0 ? bytes : bytes.subarray(24));
				expected.push(expectedIpFrames(trace));
			}
		}
		expect(expected.length).toBeGreaterThan(50);
		const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
		let off = 0;
		for (const p of parts) {
			all.set(p, off);
			off += p.length;
		}
		const rows = tshark(all, ['frame.time_epoch']);
		checkAll(rows);
		const got: string[][] = expected.map(() => []);
		for (const x of rows) {
			if (x['ip.src'] === '') continue;
			const k = Math.floor(Number((x as Record<string, string>)['frame.time_epoch']) / 1e4);
			got[k].push([first(x['ip.src']), first(x['ip.dst']), first(x['ip.ttl']), x['vlan.id']].join(' '));
		}
		expect(got).toEqual(expected);
	});

	it('checksums: RFC 1071 examples', () => {
		const h = ipv4Header({ src: '192.168.0.1', dst: '192.168.0.199', ttl: 64, proto: 17, id: 0, df: true }, 0x73);
		expect(inetChecksum(h)).toBe(0);
		expect(h[10] * 256 + h[11]).toBe(0xb861);
	});
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
