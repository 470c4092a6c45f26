// The Config view's build commands on the real kernel: each routed node of the gallery is built in a
// network namespace (its ip link / ip addr / ip route lines, over veth devices named as in the build),
// and the kernel's `ip route` must print exactly what the view's "Tables" section says. Needs root
// (CI runs as root) and iproute2: without them this test fails, it does not skip.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeBuilds } from '../../src/lib/interchange/node-config';
import { routeLine } from '../../src/lib/interchange/node-tables';
import { buildNet, ProbeEngine } from '../../src/lib/engine/index';
import { nodeTables } from '../../src/lib/engine/tables';
import { loadVnet, TOPOLOGIES_DIR } from './interchange-helpers';

const NS = `vnetcfg${process.pid}`;
const PEER = `${NS}p`;
const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Kinds whose build is interfaces, addresses and routes (hypervisors' networks are bridges the engine does not name). */
const ROUTED = new Set(['router', 'firewall', 'nat-gateway', 'host', 'vm', 'container', 'internet']);

function fresh() {
	for (const ns of [NS, PEER]) {
		try {
			ip('netns', 'del', ns);
		} catch {
			// not there yet
		}
		ip('netns', 'add', ns);
	}
}

afterAll(() => {
	for (const ns of [NS, PEER])
		try {
			ip('netns', 'del', ns);
		} catch {
			// already gone
		}
});

describe('build commands on the kernel', async () => {
	it('runs as root with iproute2', () => {
		expect(process.getuid?.(), 'this test builds network namespaces: run it as root').toBe(0);
		expect(ip('-V')).toMatch(/iproute2/);
	});
	const conformance = path.resolve(import.meta.dirname, '../../../shared/conformance');
	const files = [
		...readdirSync(TOPOLOGIES_DIR).filter((f) => f.endsWith('.vnet.yaml')).map((f) => path.join(TOPOLOGIES_DIR, f)),
		...readdirSync(conformance).filter((f) => f.endsWith('.vnet.yaml')).map((f) => path.join(conformance, f))
	];
	for (const file of files) {
		const f = path.basename(file);
		const t = await loadVnet(readFileSync(file, 'utf8'), f);
		// bonds and 802.1Q subinterfaces need kernel modules a CI container may not have (bonding, 8021q)
		const builds = nodeBuilds(t).filter((b) => ROUTED.has(b.kind) && !t.nodes[b.node].on && b.commands.every((c) => !/ type (bond|vlan) /.test(c)));
		if (!builds.length) continue;
		it(`${f}: ip route of ${builds.map((b) => b.node).join(', ')}`, () => {
			const net = buildNet(t);
			const engine = new ProbeEngine(net);
			for (const b of builds) {
				fresh();
				// the cables: veth devices ethN, their peers in another namespace, up (carrier) unless the
				// cable is pulled (`down: true`), missing, or the other end is down, as the kernel oracle builds them
				const pulled = new Set<string>();
				for (const l of t.links)
					for (const [x, y] of [
						[l.a, l.b],
						[l.b, l.a]
					]) {
						const [node, iface] = [x.slice(0, x.indexOf('.')), x.slice(x.indexOf('.') + 1)];
						const [other, otherIf] = [y.slice(0, y.indexOf('.')), y.slice(y.indexOf('.') + 1)];
						if (node === b.node && (l.down || t.nodes[other].interfaces?.[otherIf]?.down)) pulled.add(b.device(iface));
					}
				const cabled = new Set(t.links.flatMap((l) => [l.a, l.b]).filter((e) => e.startsWith(`${b.node}.`)).map((e) => b.device(e.slice(b.node.length + 1))));
				for (const [, dev] of b.devices) if (!cabled.has(dev)) pulled.add(dev);
				for (const [, dev] of b.devices) {
					ip('link', 'add', dev, 'netns', NS, 'type', 'veth', 'peer', 'name', dev, 'netns', PEER);
					ip('-n', NS, 'link', 'set', dev, 'up');
					if (!pulled.has(dev)) ip('-n', PEER, 'link', 'set', dev, 'up');
				}
				const declaredDown = new Set(Object.entries(t.nodes[b.node].interfaces ?? {}).filter(([, i]) => i.down).map(([name]) => b.device(name)));
				for (const c of b.commands) {
					if (!c.startsWith('ip ')) continue;
					// the containerlab export pulls a cable by setting both ends down (it has no carrier switch): here the peer stays down instead
					const down = /^ip link set (\S+) down$/.exec(c);
					if (down && pulled.has(down[1]) && !declaredDown.has(down[1])) continue;
					ip('-n', NS, ...c.slice(3).split(' '));
				}
				const kernel = ip('-n', NS, 'route', 'show')
					.split('\n')
					.map((l) => l.trimEnd())
					.filter(Boolean);
				const view = nodeTables(net, engine, b.node).routes.map((r) => routeLine(r, b));
				expect(view, `${f} ${b.node}`).toEqual(kernel);
			}
		});
	}
});
