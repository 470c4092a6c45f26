/**
 * Reads the Linux configuration that containerlab `exec` lines state
 * (iproute2, bridge, sysctl, iptables, tc, socat) into facts about a node.
 * Nothing is executed: each line is split like a shell would (no expansion)
 * and matched against the command shapes vnet understands; any other line is
 * returned as not understood so the importer can warn about it.
 */
import { shellSplit } from './safe';
import { isIpv4 } from '../model/net';

export interface ParsedRule {
	chain: string;
	proto?: 'tcp' | 'udp' | 'icmp';
	src?: string;
	dst?: string;
	sport?: { from: number; to: number };
	dport?: { from: number; to: number };
	in?: string;
	out?: string;
	target: 'ACCEPT' | 'DROP' | 'REJECT';
	rejectWith?: string;
	/** a conntrack/state match (ESTABLISHED,RELATED ...) */
	ctstate?: string;
	/** index of the exec line */
	line: number;
}

export interface PortVlans {
	tagged: Set<number>;
	pvid?: number;
	untagged: Set<number>;
	delVid1: boolean;
}

export interface NodeFacts {
	addrs: { dev: string; cidr: string; line: number }[];
	mtu: Map<string, number>;
	mac: Map<string, string>;
	down: { dev: string; line: number }[];
	vlanDevs: Map<string, { parent: string; vid: number }>;
	bridges: Map<string, { vlanFiltering: boolean; ports: string[] }>;
	bonds: Map<string, { miimonMs?: number; members: string[] }>;
	/** VXLAN devices (`ip link add NAME type vxlan id VNI local A dstport P [nolearning]`): a hypervisor's overlay segments */
	vxlans: Map<string, { vni: number; local?: string; dstport?: number; line: number }>;
	/** `bridge fdb append MAC dev DEV dst A`: a VXLAN device's remote VTEPs (all-zeros MAC: head-end replication) */
	fdb: { dev: string; mac: string; dst: string; line: number }[];
	portVlans: Map<string, PortVlans>;
	/** `defaultWord`: written as "default" (vnet exports an interface `gateway` that way, a 0.0.0.0/0 route as the prefix) */
	routes: { to: string; via?: string; dev?: string; metric?: number; blackhole?: boolean; defaultWord?: boolean; line: number }[];
	forward: boolean;
	rules: ParsedRule[];
	policy: Map<string, 'ACCEPT' | 'DROP'>;
	masquerade: { out?: string; src?: string; line: number }[];
	/** `local`: nat OUTPUT (connections from the node itself) */
	dnat: { in?: string; dst?: string; proto: 'tcp' | 'udp'; port: number; to: string; line: number; local?: boolean }[];
	netem: Map<string, { delay?: string; rate?: string; loss?: number }>;
	/** policy routing (`ip rule add fwmark M table T`, `ip route add ... table T`): a hypervisor's user-mode NAT engines */
	policyRouting: { fwmark: number; table: number; line: number }[];
	tableRoutes: { table: number; to: string; dev?: string; via?: string; line: number }[];
	/** mangle-table marks (MARK / CONNMARK) */
	marks: { chain: string; in?: string; dst?: string; proto?: string; dport?: number; action: 'set-mark' | 'connmark-set' | 'connmark-restore'; mark?: number; line: number }[];
	services: { proto: 'tcp' | 'udp'; port: number }[];
	/** lines not understood: index and text */
	unknown: { line: number; text: string; why: string }[];
}

export function emptyFacts(): NodeFacts {
	return {
		addrs: [],
		mtu: new Map(),
		mac: new Map(),
		down: [],
		vlanDevs: new Map(),
		bridges: new Map(),
		bonds: new Map(),
		vxlans: new Map(),
		fdb: [],
		portVlans: new Map(),
		routes: [],
		forward: false,
		rules: [],
		policy: new Map(),
		masquerade: [],
		dnat: [],
		netem: new Map(),
		policyRouting: [],
		tableRoutes: [],
		marks: [],
		services: [],
		unknown: []
	};
}

const CIDR_RE = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;

function isCidr(s: string): boolean {
	const m = CIDR_RE.exec(s);
	return !!m && isIpv4(m[1]) && +m[2] <= 32;
}

function portRange(s: string): { from: number; to: number } | undefined {
	const m = /^(\d{1,5})(?:[:-](\d{1,5}))?$/.exec(s);
	if (!m) return undefined;
	const from = +m[1];
	const to = m[2] === undefined ? from : +m[2];
	if (from < 1 || to > 65535 || from > to) return undefined;
	return { from, to };
}

function pv(f: NodeFacts, dev: string): PortVlans {
	let p = f.portVlans.get(dev);
	if (!p) {
		p = { tagged: new Set(), untagged: new Set(), delVid1: false };
		f.portVlans.set(dev, p);
	}
	return p;
}

/** Parses `ip ...` words (after "ip"); returns an error text when not understood. */
function parseIp(w: string[], f: NodeFacts, line: number): string | null {
	// Drop global options like -4 / -br.
	while (w[0]?.startsWith('-')) w = w.slice(1);
	const obj = w[0];
	const verb = w[1];
	if (obj && /^a(d(d(r(e(s(s)?)?)?)?)?)?$/.test(obj) && obj.length >= 1 && (verb === 'add' || verb === 'replace')) {
		const cidr = w[2];
		const devAt = w.indexOf('dev');
		if (!cidr || !isCidr(cidr) || devAt < 0 || !w[devAt + 1]) return 'expected `ip addr add A.B.C.D/N dev DEV`';
		f.addrs.push({ dev: w[devAt + 1], cidr, line });
		return null;
	}
	if (obj === 'link' && verb === 'set') {
		let i = 2;
		if (w[i] === 'dev') i++;
		const dev = w[i++];
		if (!dev) return 'expected a device';
		for (; i < w.length; i++) {
			const k = w[i];
			if (k === 'up') continue;
			if (k === 'down') f.down.push({ dev, line });
			else if (k === 'mtu') {
				const m = Number(w[++i]);
				if (!Number.isInteger(m)) return 'bad mtu';
				f.mtu.set(dev, m);
			} else if (k === 'address') {
				const mac = (w[++i] ?? '').toLowerCase();
				if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac)) return 'bad MAC address';
				f.mac.set(dev, mac);
			} else if (k === 'master') {
				const master = w[++i];
				if (!master) return 'expected a master';
				const br = f.bridges.get(master);
				const bond = f.bonds.get(master);
				if (br) br.ports.push(dev);
				else if (bond) bond.members.push(dev);
				else return `master ${master} was not created by an earlier line`;
			} else if (k === 'nomaster') continue;
			else return `unsupported \`ip link set\` option ${k}`;
		}
		return null;
	}
	if (obj === 'link' && verb === 'add') {
		// ip link add link PARENT name NAME type vlan id V
		// ip link add NAME type bridge [vlan_filtering 1] | type bond mode M [miimon N]
		let parent: string | undefined;
		let name: string | undefined;
		let i = 2;
		if (w[i] === 'link') {
			parent = w[i + 1];
			i += 2;
		}
		if (w[i] === 'name') {
			name = w[i + 1];
			i += 2;
		} else if (w[i] && w[i] !== 'type') name = w[i++];
		if (w[i] === 'link' && !parent) {
			parent = w[i + 1];
			i += 2;
		}
		if (w[i] !== 'type' || !name) return 'expected `ip link add NAME type ...`';
		const type = w[i + 1];
		const opts = w.slice(i + 2);
		if (type === 'vlan') {
			const idAt = opts.indexOf('id');
			const vid = Number(opts[idAt + 1]);
			if (!parent || idAt < 0 || !Number.isInteger(vid) || vid < 1 || vid > 4094) return 'expected `type vlan id N` with `link PARENT`';
			f.vlanDevs.set(name, { parent, vid });
			return null;
		}
		if (type === 'bridge') {
			const vf = opts.indexOf('vlan_filtering');
			f.bridges.set(name, { vlanFiltering: vf >= 0 && opts[vf + 1] === '1', ports: [] });
			return null;
		}
		if (type === 'bond') {
			const mode = opts[opts.indexOf('mode') + 1];
			if (opts.includes('mode') && mode !== 'active-backup' && mode !== '1') return `bond mode ${mode} (vnet bonds are active-backup)`;
			const mi = opts.indexOf('miimon');
			f.bonds.set(name, { miimonMs: mi >= 0 ? Number(opts[mi + 1]) : undefined, members: [] });
			return null;
		}
		if (type === 'vxlan') {
			const o: { vni?: number; local?: string; dstport?: number } = {};
			for (let k = 0; k < opts.length; k++) {
				const v = opts[k + 1];
				if (opts[k] === 'id' || opts[k] === 'vni') o.vni = Number(v);
				else if (opts[k] === 'local' && v && isIpv4(v)) o.local = v;
				else if (opts[k] === 'dstport') o.dstport = Number(v);
				else if (opts[k] === 'nolearning' || opts[k] === 'learning') continue;
				else return `unsupported vxlan option ${opts[k]}`;
				k++;
			}
			if (!Number.isInteger(o.vni) || o.vni! < 1 || o.vni! > 16777215) return 'expected `type vxlan id VNI`';
			f.vxlans.set(name, { vni: o.vni!, local: o.local, dstport: o.dstport, line });
			return null;
		}
		return `link type ${type ?? '?'}`;
	}
	if (obj === 'rule' && verb === 'add') {
		// ip rule add fwmark M table T
		const fm = w.indexOf('fwmark');
		const tb = w.indexOf('table');
		const mark = Number(w[fm + 1]);
		const table = Number(w[tb + 1]);
		if (fm < 0 || tb < 0 || w.length !== 6 || !Number.isInteger(mark) || !Number.isInteger(table) || table < 1) return 'expected `ip rule add fwmark M table T`';
		f.policyRouting.push({ fwmark: mark, table, line });
		return null;
	}
	if (obj === 'route' || obj === 'r' || obj === 'ro') {
		if (!['add', 'replace', 'append', 'change'].includes(verb)) return `ip route ${verb}`;
		let i = 2;
		let blackhole = false;
		if (w[i] === 'blackhole') {
			blackhole = true;
			i++;
		}
		let to = w[i++];
		const word = to === 'default';
		if (word) to = '0.0.0.0/0';
		else if (to && isIpv4(to)) to = `${to}/32`;
		if (!to || !isCidr(to)) return 'expected a destination';
		const r: NodeFacts['routes'][number] = { to, line };
		if (word) r.defaultWord = true;
		if (blackhole) r.blackhole = true;
		let table: number | undefined;
		for (; i < w.length; i++) {
			if (w[i] === 'table') {
				table = Number(w[++i]);
				if (!Number.isInteger(table) || table < 1) return 'bad table';
			} else if (w[i] === 'via') r.via = w[++i];
			else if (w[i] === 'dev') r.dev = w[++i];
			else if (w[i] === 'metric' || w[i] === 'preference' || w[i] === 'priority') r.metric = Number(w[++i]);
			else if (w[i] === 'onlink') continue;
			else return `unsupported route option ${w[i]}`;
		}
		if (r.via !== undefined && !isIpv4(r.via)) return 'bad next hop';
		if (r.metric !== undefined && !(Number.isInteger(r.metric) && r.metric >= 0)) return 'bad metric';
		if (table !== undefined && table !== 254) {
			// a policy-routing table, not the node's routes
			if (blackhole) return 'blackhole route in a table';
			f.tableRoutes.push({ table, to: r.to, dev: r.dev, via: r.via, line });
			return null;
		}
		f.routes.push(r);
		return null;
	}
	return `ip ${obj ?? ''} ${verb ?? ''}`.trim();
}

function parseBridge(w: string[], f: NodeFacts, line: number): string | null {
	// bridge fdb append|add MAC dev DEV dst A
	if (w[0] === 'fdb' && (w[1] === 'append' || w[1] === 'add')) {
		const mac = (w[2] ?? '').toLowerCase();
		const dev = w[w.indexOf('dev') + 1];
		const dst = w[w.indexOf('dst') + 1];
		if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) || !w.includes('dev') || !dev || !w.includes('dst') || !dst || !isIpv4(dst) || w.length !== 7)
			return 'expected `bridge fdb append MAC dev DEV dst A.B.C.D`';
		f.fdb.push({ dev, mac, dst, line });
		return null;
	}
	// bridge vlan add|del dev DEV vid V[-W] [pvid] [untagged] [self|master]
	if (w[0] !== 'vlan' || (w[1] !== 'add' && w[1] !== 'del')) return `bridge ${w[0] ?? ''} ${w[1] ?? ''}`.trim();
	const dev = w[w.indexOf('dev') + 1];
	const vidText = w[w.indexOf('vid') + 1];
	if (!w.includes('dev') || !w.includes('vid') || !dev || !vidText) return 'expected `bridge vlan add dev DEV vid N`';
	const m = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(vidText);
	if (!m) return 'bad vid';
	const lo = +m[1];
	const hi = m[2] ? +m[2] : lo;
	if (lo < 1 || hi > 4094 || lo > hi) return 'vid out of range';
	if (w.includes('self')) return null; // the bridge device itself
	const p = pv(f, dev);
	for (let v = lo; v <= hi; v++) {
		if (w[1] === 'del') {
			if (v === 1) p.delVid1 = true;
			p.tagged.delete(v);
			p.untagged.delete(v);
			if (p.pvid === v) p.pvid = undefined;
			continue;
		}
		if (w.includes('untagged')) p.untagged.add(v);
		else p.tagged.add(v);
		if (w.includes('pvid')) p.pvid = v;
	}
	return null;
}

function parseIptables(w: string[], f: NodeFacts, line: number): string | null {
	let table = 'filter';
	let op: string | undefined;
	let chain: string | undefined;
	const r: Partial<ParsedRule> & { toDestination?: string; mark?: number; restoreMark?: boolean } = {};
	let notDst = false;
	for (let i = 0; i < w.length; i++) {
		const k = w[i];
		const v = () => w[++i];
		if (k === '-t' || k === '--table') table = v();
		else if (k === '-A' || k === '--append' || k === '-I' || k === '--insert') {
			op = 'A';
			chain = v();
			if (k.startsWith('-I') || k === '--insert') {
				if (/^\d+$/.test(w[i + 1] ?? '')) i++;
			}
		} else if (k === '-P' || k === '--policy') {
			op = 'P';
			chain = v();
			const target = v();
			if (target !== 'ACCEPT' && target !== 'DROP') return `policy ${target}`;
			f.policy.set(chain, target);
			return null;
		} else if (k === '-p' || k === '--protocol') {
			const p = v();
			if (p !== 'tcp' && p !== 'udp' && p !== 'icmp' && p !== 'all') return `protocol ${p}`;
			if (p !== 'all') r.proto = p;
		} else if (k === '-s' || k === '--source') r.src = v();
		else if (k === '-d' || k === '--destination') r.dst = v();
		else if (k === '!') {
			if (w[i + 1] === '-d') notDst = true;
			else return 'negated match';
		} else if (k === '--dport' || k === '--destination-port') {
			const p = portRange(v() ?? '');
			if (!p) return 'bad --dport';
			r.dport = p;
		} else if (k === '--sport' || k === '--source-port') {
			const p = portRange(v() ?? '');
			if (!p) return 'bad --sport';
			r.sport = p;
		} else if (k === '-i' || k === '--in-interface') r.in = v();
		else if (k === '-o' || k === '--out-interface') r.out = v();
		else if (k === '-m' || k === '--match') {
			const m = v();
			if (!['conntrack', 'state', 'comment', 'tcp', 'udp', 'icmp', 'multiport'].includes(m)) return `match ${m}`;
			if (m === 'multiport') return 'multiport match';
		} else if (k === '--ctstate' || k === '--state') r.ctstate = v();
		else if (k === '--comment') v();
		else if (k === '-j' || k === '--jump') {
			const t = v();
			(r as { target?: string }).target = t;
		} else if (k === '--reject-with') r.rejectWith = v();
		else if (k === '--to-destination' || k === '--to') r.toDestination = v();
		else if (k === '--set-mark') {
			const m = Number(v());
			if (!Number.isInteger(m) || m < 0) return 'bad --set-mark';
			r.mark = m;
		} else if (k === '--restore-mark') r.restoreMark = true;
		else if (k === '-w' || k === '--wait') {
			if (/^\d+$/.test(w[i + 1] ?? '')) i++;
		} else return `option ${k}`;
	}
	if (op !== 'A' || !chain) return 'expected -A CHAIN';
	const target = (r as { target?: string }).target;
	if (table === 'mangle') {
		if (notDst) return 'negated destination';
		if ((chain !== 'PREROUTING' && chain !== 'OUTPUT') || r.sport || r.src || r.out || r.ctstate) return `mangle ${chain}: only marks by -i/-d/-p/--dport are read`;
		if (r.dport && r.dport.from !== r.dport.to) return 'mark with a port range';
		const m = { chain, in: r.in, dst: r.dst, proto: r.proto, dport: r.dport?.from, line };
		if (target === 'MARK' && r.mark !== undefined) f.marks.push({ ...m, action: 'set-mark', mark: r.mark });
		else if (target === 'CONNMARK' && r.mark !== undefined) f.marks.push({ ...m, action: 'connmark-set', mark: r.mark });
		else if (target === 'CONNMARK' && r.restoreMark) f.marks.push({ ...m, action: 'connmark-restore' });
		else return `mangle target ${target ?? '(none)'}`;
		return null;
	}
	if (r.mark !== undefined || r.restoreMark) return 'mark outside the mangle table';
	if (table === 'nat') {
		if (chain === 'POSTROUTING' && target === 'MASQUERADE') {
			// "-s NET ! -d NET" is a hypervisor NAT network's masquerade
			f.masquerade.push({ out: r.out, src: r.src, line });
			return null;
		}
		if (notDst) return 'negated destination';
		if ((chain === 'PREROUTING' || chain === 'OUTPUT') && target === 'DNAT') {
			if ((r.proto !== 'tcp' && r.proto !== 'udp') || !r.dport || r.dport.from !== r.dport.to || !r.toDestination)
				return 'DNAT needs -p tcp|udp, one --dport and --to-destination';
			f.dnat.push({ in: r.in, dst: r.dst, proto: r.proto, port: r.dport.from, to: r.toDestination, line, ...(chain === 'OUTPUT' ? { local: true } : {}) });
			return null;
		}
		return `nat ${chain} ${target ?? ''}`.trim();
	}
	if (table !== 'filter') return `table ${table}`;
	if (target !== 'ACCEPT' && target !== 'DROP' && target !== 'REJECT') return `target ${target ?? '(none)'}`;
	if (notDst) return 'negated destination';
	f.rules.push({ ...(r as ParsedRule), chain, target, line });
	return null;
}

function parseSocat(w: string[], f: NodeFacts): boolean {
	if (w[0] !== 'socat') return false;
	const addr = w[1] ?? '';
	const m = /^(TCP4?-LISTEN|TCP-L|UDP4?-RECVFROM|UDP4?-LISTEN|UDP-RECV):(\d{1,5})/i.exec(addr);
	if (!m) return false;
	f.services.push({ proto: /^TCP/i.test(m[1]) ? 'tcp' : 'udp', port: +m[2] });
	return true;
}

/** One command (already split into words). */
function parseCommand(w: string[], f: NodeFacts, line: number): string | null {
	const cmd = w[0];
	if (cmd === 'ip') return parseIp(w.slice(1), f, line);
	if (cmd === 'bridge') return parseBridge(w.slice(1), f, line);
	if (cmd === 'iptables' || cmd === 'iptables-legacy' || cmd === 'iptables-nft') return parseIptables(w.slice(1), f, line);
	if (cmd === 'sysctl') {
		for (const a of w.slice(1)) {
			const m = /^net\.ipv4\.(?:ip_forward|conf\.all\.forwarding)=(\d)$/.exec(a);
			if (m) {
				f.forward = m[1] === '1';
				return null;
			}
			// reverse-path filtering off (a hypervisor's user-mode NAT bridges that share a subnet)
			if (/^net\.ipv4\.conf\.[A-Za-z0-9_.-]+\.rp_filter=[012]$/.test(a)) return null;
		}
		return w.slice(1).some((a) => a.includes('=')) ? 'sysctl setting' : 'sysctl';
	}
	if (cmd === 'tc') {
		// tc qdisc add|replace dev DEV root netem [delay X] [rate Y] [loss Z%]
		if (w[1] !== 'qdisc' || !w.includes('netem') || !w.includes('dev')) return 'tc (only netem qdiscs are read)';
		const dev = w[w.indexOf('dev') + 1];
		const o: { delay?: string; rate?: string; loss?: number } = {};
		for (let i = w.indexOf('netem') + 1; i < w.length; i++) {
			if (w[i] === 'delay') o.delay = w[++i];
			else if (w[i] === 'rate') o.rate = w[++i];
			else if (w[i] === 'loss') o.loss = parseFloat(w[++i]) / 100;
			else return `netem option ${w[i]}`;
		}
		f.netem.set(dev, o);
		return null;
	}
	if (parseSocat(w, f)) return null;
	if (cmd === 'pkill' && w[1] === 'nginx') return null; // vnet's export stops the image's web server
	return `command ${cmd ?? ''}`.trim();
}

/** Parses a node's exec lines into facts; lines not understood are listed in `unknown`. */
export function parseExec(lines: string[]): NodeFacts {
	const f = emptyFacts();
	lines.forEach((text, line) => {
		const words = shellSplit(text);
		if (!words || words.length === 0) {
			f.unknown.push({ line, text, why: 'unbalanced quotes' });
			return;
		}
		// sh -c 'a; b &' / bash -c "..."
		if ((words[0] === 'sh' || words[0] === 'bash' || words[0] === '/bin/sh' || words[0] === '/bin/bash') && words[1] === '-c' && words.length === 3) {
			const script = words[2].replace(/\s*\d?>\s*\/dev\/null/g, '').replace(/\s*\d?>&\d/g, '');
			const parts = script.split(/;|&&|\|\||&/).map((s) => s.trim()).filter((s) => s && !/^(true|:)$/.test(s));
			for (const part of parts) {
				const ws = shellSplit(part);
				if (!ws || ws.length === 0) continue;
				const err = parseCommand(ws, f, line);
				if (err) f.unknown.push({ line, text: part, why: err });
			}
			return;
		}
		const err = parseCommand(words, f, line);
		if (err) f.unknown.push({ line, text, why: err });
	});
	return f;
}
