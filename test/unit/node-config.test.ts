// A node's config as Linux commands (the Config view, `vnet config`): the same lines as the
// containerlab export, and its tables after a probe as ip route / ip neigh / bridge fdb / conntrack print them.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { toContainerlab } from '../../src/lib/interchange/containerlab';
import { formatBuild, nodeBuilds } from '../../src/lib/interchange/node-config';
import { formatTables } from '../../src/lib/interchange/node-tables';
import { buildNet, ProbeEngine } from '../../src/lib/engine/index';
import { nodeTables } from '../../src/lib/engine/tables';
import { resolveTopology } from '../../src/lib/model/resolve';
import { createSimApi } from '../../src/lib/worker/api';
import { loadVnet, TOPOLOGIES_DIR } from './interchange-helpers';

const root = path.resolve(import.meta.dirname, '../..');
const vnet = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/vnet.cjs'), ...args], { encoding: 'utf8' });
const STOP_NGINX = "sh -c 'pkill nginx || true'";

describe('Config view commands = containerlab export exec lines', async () => {
	const files = readdirSync(TOPOLOGIES_DIR).filter((f) => f.endsWith('.vnet.yaml'));
	it('covers the gallery', () => expect(files.length).toBeGreaterThanOrEqual(10));
	for (const f of files) {
		const t = await loadVnet(readFileSync(path.join(TOPOLOGIES_DIR, f), 'utf8'), f);
		it(`${f}: every node's commands are its exec lines`, () => {
			const builds = nodeBuilds(t);
			expect(builds.map((b) => b.node)).toEqual(Object.keys(t.nodes));
			const other = parse(toContainerlab(t, { image: 'example.org/linux' }).yaml).topology.nodes;
			const multitool = parse(toContainerlab(t).yaml).topology.nodes;
			let lines = 0;
			for (const b of builds) {
				expect(other[b.node].exec ?? [], b.node).toEqual(b.commands);
				// the default image: its nginx is stopped first on every node that runs commands
				const prelude = b.kind === 'switch' || b.kind === 'sdn-controller' ? [] : [STOP_NGINX];
				expect(multitool[b.node].exec ?? [], b.node).toEqual([...prelude, ...b.commands]);
				// the header names every device; the commands follow as they are
				const text = formatBuild(b);
				expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(b.commands);
				for (const [v, e] of b.devices) expect(text).toContain(`${v} → ${e}`);
				lines += b.commands.length;
			}
			expect(lines).toBeGreaterThan(0);
		});
	}
});

// pc1 - sw1 - r1 (masquerades out of wan) - srv
const SMALL = `
vnet: 1
name: small
nodes:
  pc1: { kind: host, interfaces: { eth0: { ip: 192.168.10.11/24, gateway: 192.168.10.1 } } }
  pc2: { kind: host, interfaces: { eth0: { ip: 192.168.10.12/24, gateway: 192.168.10.1 } } }
  sw1: { kind: switch }
  r1:
    kind: nat-gateway
    interfaces:
      lan: { ip: 192.168.10.1/24 }
      wan: { ip: 203.0.113.1/24 }
    routes:
      - { to: 10.50.0.0/16, via: 203.0.113.254, metric: 20 }
      - { to: 10.99.0.0/16, blackhole: true }
    nat: { masquerade: [wan] }
  srv: { kind: host, interfaces: { eth0: { ip: 203.0.113.10/24 } }, services: [tcp/80] }
links:
  - { a: pc1.eth0, b: sw1.p1 }
  - { a: pc2.eth0, b: sw1.p2 }
  - { a: r1.lan, b: sw1.p3 }
  - { a: r1.wan, b: srv.eth0 }
`;

describe('node tables after a probe', async () => {
	const t = await loadVnet(SMALL, 'small.vnet.yaml');
	const net = buildNet(t);
	const engine = new ProbeEngine(net);
	const r = resolveTopology(t);
	const mac = (node: string, iface: string) => r.nodes.get(node)!.interfaces.find((i) => i.name === iface)!.mac;
	const probe = { from: 'pc1', to: 'srv', proto: 'tcp' as const, port: 80 };
	const builds = new Map(nodeBuilds(t).map((b) => [b.node, b]));

	it('ip route: connected, static with metric, blackhole, in the kernel order', () => {
		const text = formatTables(nodeTables(net, engine, 'r1'));
		expect(text).toContain(
			[
				'$ ip route',
				'10.50.0.0/16 via 203.0.113.254 dev wan metric 20',
				'blackhole 10.99.0.0/16',
				'192.168.10.0/24 dev lan proto kernel scope link src 192.168.10.1',
				'203.0.113.0/24 dev wan proto kernel scope link src 203.0.113.1'
			].join('\n')
		);
		expect(text).toContain('run a probe first');
		const pc = formatTables(nodeTables(net, engine, 'pc1'));
		expect(pc).toContain('$ ip route\ndefault via 192.168.10.1 dev eth0\n192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11\n');
	});

	it('ip neigh and conntrack with the masquerade on the router; device names as in the build', () => {
		const tables = nodeTables(net, engine, 'r1', probe);
		expect(tables.learned!.disposition).toBe('DELIVERED');
		expect(tables.learned!.neigh).toEqual(
			expect.arrayContaining([
				{ ip: '192.168.10.11', dev: 'lan', mac: mac('pc1', 'eth0') },
				{ ip: '203.0.113.10', dev: 'wan', mac: mac('srv', 'eth0') }
			])
		);
		const [ct] = tables.learned!.conntrack;
		expect(ct).toMatchObject({ proto: 'tcp', snat: true, dnat: false, replied: true });
		expect(ct.orig).toMatchObject({ src: '192.168.10.11', dst: '203.0.113.10', dport: 80 });
		expect(ct.reply).toMatchObject({ src: '203.0.113.10', dst: '203.0.113.1', sport: 80 });
		const b = builds.get('r1')!;
		const text = formatTables(tables, b);
		expect(text).toContain('# after the probe pc1 → srv tcp/80: DELIVERED');
		// lan is eth1 and wan eth2 in the build commands: the tables say the same
		expect(b.commands).toContain('ip addr add 192.168.10.1/24 dev eth1');
		expect(text).toContain(`192.168.10.11 dev eth1 lladdr ${mac('pc1', 'eth0')} REACHABLE`);
		expect(text).toContain(`203.0.113.10 dev eth2 lladdr ${mac('srv', 'eth0')} REACHABLE`);
		expect(text).toMatch(/\$ conntrack -L\ntcp {6}6 431999 ESTABLISHED src=192\.168\.10\.11 dst=203\.0\.113\.10 sport=\d+ dport=80 src=203\.0\.113\.10 dst=203\.0\.113\.1 sport=80 dport=\d+ \[ASSURED\] mark=0 use=1\n/);
		expect(text).toContain('$ conntrack -L --src-nat\ntcp ');
		expect(text).not.toContain('--dst-nat');
	});

	it('bridge fdb: the switch learned both ends on their ports', () => {
		const tables = nodeTables(net, engine, 'sw1', probe);
		expect(tables.routes).toEqual([]);
		expect(tables.learned!.fdb).toEqual(
			expect.arrayContaining([
				{ mac: mac('pc1', 'eth0'), dev: 'p1', bridge: 'sw1', vlan: null },
				{ mac: mac('r1', 'lan'), dev: 'p3', bridge: 'sw1', vlan: null }
			])
		);
		// pc2 sent nothing: not learned
		expect(tables.learned!.fdb.some((f) => f.mac === mac('pc2', 'eth0'))).toBe(false);
		const text = formatTables(tables, builds.get('sw1')!);
		expect(text).toContain(`$ bridge fdb show\n`);
		expect(text).toContain(`${mac('pc1', 'eth0')} dev eth1 master br0`);
		expect(text).toContain(`${mac('r1', 'lan')} dev eth3 master br0`);
		expect(text).not.toContain('ip route');
	});

	it('a probe answered by an ICMP error leaves an UNREPLIED connection', () => {
		const text = formatTables(nodeTables(net, engine, 'r1', { from: 'pc1', to: 'srv', proto: 'udp', port: 53 }));
		expect(text).toMatch(/udp {6}17 29 src=192\.168\.10\.11 dst=203\.0\.113\.10 sport=\d+ dport=53 \[UNREPLIED\] src=203\.0\.113\.10 dst=203\.0\.113\.1/);
	});

	it('the worker API answers the same plain data', () => {
		const api = createSimApi();
		expect(api.open(SMALL, 'small.vnet.yaml', 1).ok).toBe(true);
		expect(api.nodeTables('r1', probe)).toEqual(nodeTables(net, engine, 'r1', probe));
		expect(() => api.nodeTables('nope')).toThrow(/no node "nope"/);
	});

	it('vnet config prints the same text (build, tables, JSON) and exits 2 on an unknown node', () => {
		const file = path.join(TOPOLOGIES_DIR, 'three-tier-web.vnet.yaml');
		const build = vnet('config', file, 'fw');
		expect(build.status).toBe(0);
		expect(build.stdout).toContain('iptables -A FORWARD -j DROP');
		expect(build.stdout).toContain('# devices, vnet → Linux');
		const tables = vnet('config', file, 'edge', '--tables', '--from', 'isp', '--to', '198.51.100.2', '--proto', 'tcp', '--port', '443');
		expect(tables.status).toBe(0);
		expect(tables.stdout).toMatch(/\$ ip route\ndefault via 198\.51\.100\.1 dev eth1\n/);
		expect(tables.stdout).toContain('$ conntrack -L --dst-nat');
		const json = JSON.parse(vnet('config', file, 'fw', '--json').stdout);
		expect(json.devices).toMatchObject({ outside: 'eth1' });
		expect(json.commands).toContain('sysctl -w net.ipv4.ip_forward=1');
		const bad = vnet('config', file, 'nope');
		expect(bad.status).toBe(2);
		expect(bad.stderr).toMatch(/three-tier-web\.vnet\.yaml: no node "nope"/);
		expect(vnet('config', file, 'fw', '--from', 'isp', '--to', 'fw').status).toBe(2);
	});
});
