// The containerlab export's VXLAN build on the real kernel (issue #18 part 6): every node of the
// overlay example is a network namespace cabled as the export cables it (veth pairs named as its
// endpoints), each node runs the exec lines the export writes (ip, bridge, sysctl, iptables), and a
// ping crosses the segment from one hypervisor to the other, with the MTU outcome the engine and the
// kernel oracle (test/tools/oracle_vxlan.py) give. Needs root and iproute2 (CI runs as root).
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { toContainerlab } from '../../src/lib/interchange/containerlab';
import { fromContainerlab } from '../../src/lib/interchange/containerlab-import';
import { probe } from './engine-helpers';
import { loadVnet, TOPOLOGIES_DIR } from './interchange-helpers';
import type { Topology } from '../../src/lib/model/types';

const ORACLE = path.resolve(import.meta.dirname, '../tools/kernel-oracle.py');
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const made: string[] = [];

afterAll(() => {
	for (const ns of made)
		try {
			run('ip', ['netns', 'del', ns]);
		} catch {
			// already gone
		}
});

/** Builds the exported lab in namespaces; returns node → namespace. */
function deploy(t: Topology, tag: string): Map<string, string> {
	const lab = parse(toContainerlab(t).yaml).topology;
	const ns = new Map<string, string>();
	Object.keys(lab.nodes).forEach((id, i) => {
		const name = `vx${process.pid % 10000}${tag}${i}`;
		try {
			run('ip', ['netns', 'del', name]);
		} catch {
			// not there
		}
		run('ip', ['netns', 'add', name]);
		made.push(name);
		ns.set(id, name);
		run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
	});
	for (const l of lab.links ?? []) {
		const [[a, ai], [b, bi]] = l.endpoints.map((e: string) => e.split(':'));
		run('ip', ['link', 'add', ai, 'netns', ns.get(a)!, 'type', 'veth', 'peer', 'name', bi, 'netns', ns.get(b)!]);
		run('ip', ['-n', ns.get(a)!, 'link', 'set', ai, 'up']);
		run('ip', ['-n', ns.get(b)!, 'link', 'set', bi, 'up']);
	}
	for (const [id, node] of Object.entries<{ exec?: string[] }>(lab.nodes))
		for (const c of node.exec ?? []) {
			if (c.startsWith('sh -c')) continue; // the image's nginx, socat listeners: not needed for a ping
			run('ip', ['netns', 'exec', ns.get(id)!, ...c.split(' ')]);
		}
	return ns;
}

/** A ping from inside a namespace by the kernel oracle's probe (raw ICMP socket). */
function ping(ns: string, src: string, dst: string, size?: number, df = false): { status: string; icmp: { type: number; code: number; from: string; mtu: number | null } | null } {
	const spec = JSON.stringify({ src, dst, size, df, timeout: 2 });
	return JSON.parse(run('ip', ['netns', 'exec', ns, 'python3', ORACLE, '--probe', spec]));
}

const underlay = (t: Topology, mtu: number): Topology => {
	const c = structuredClone(t);
	for (const [id, n] of Object.entries(c.nodes)) if (n.kind === 'hypervisor' || id === 'spine') for (const i of Object.values(n.interfaces ?? {})) i.mtu = mtu;
	return c;
};

describe('containerlab VXLAN build on the kernel', async () => {
	const t = await loadVnet(readFileSync(path.join(TOPOLOGIES_DIR, 'vxlan-overlay.vnet.yaml'), 'utf8'), 'vxlan-overlay.vnet.yaml');
	const web1 = '10.10.1.11';
	const web2 = '10.10.1.12';

	it('runs as root with iproute2', () => {
		expect(process.getuid?.(), 'this test builds network namespaces: run it as root').toBe(0);
		expect(run('ip', ['-V'])).toMatch(/iproute2/);
	});

	it('each hypervisor gets a bridge and a VXLAN device per segment, with head-end replication to the other VTEP', () => {
		const kvm1 = parse(toContainerlab(t).yaml).topology.nodes.kvm1.exec as string[];
		expect(kvm1).toEqual(
			expect.arrayContaining([
				'ip link add br-web type bridge',
				'ip link add vx5001 type vxlan id 5001 local 172.16.1.10 dstport 4789 nolearning',
				'ip link set vx5001 master br-web',
				'bridge fdb append 00:00:00:00:00:00 dev vx5001 dst 172.16.2.10',
				'ip link add vx5002 type vxlan id 5002 local 172.16.1.10 dstport 4789 nolearning'
			])
		);
		// db has guests on kvm2 only: kvm1 has no bridge for it, and kvm2's has no one to replicate to
		expect(kvm1.some((c) => c.includes('5003'))).toBe(false);
		const kvm2 = parse(toContainerlab(t).yaml).topology.nodes.kvm2.exec as string[];
		expect(kvm2).toContain('ip link add vx5003 type vxlan id 5003 local 172.16.2.10 dstport 4789 nolearning');
		expect(kvm2.some((c) => c.startsWith('bridge fdb append') && c.includes('vx5003'))).toBe(false);
	});

	it('a round trip through containerlab keeps the segments, the VTEPs and every guest on its segment', () => {
		const out = toContainerlab(t);
		const back = fromContainerlab(out.yaml, { file: 'x.clab.yml' });
		if (!back.ok) throw new Error(back.errors.join('\n'));
		expect(back.warnings ?? []).toEqual([]);
		const again = parse(back.yaml);
		expect(again.overlay).toEqual(t.overlay);
		expect(again.nodes.kvm1.vtep).toEqual({ interface: 'eth0' });
		expect(again.nodes.web2.interfaces.eth0.segment).toBe('web');
		expect(again.nodes.kvm2.interfaces.eth2).toBeUndefined();
	});

	it('MTU 1600 underlay: a full-size ping with DF crosses the segment between the hosts', () => {
		const ns = deploy(t, 'a');
		expect(ping(ns.get('web1')!, web1, web2).status).toBe('reply');
		expect(ping(ns.get('app1')!, '10.10.2.21', '10.10.2.22').status).toBe('reply');
		expect(ping(ns.get('web1')!, web1, web2, 1472, true).status).toBe('reply');
		expect(probe(t, { from: 'web1', to: 'web2', size: 1472, df: true }).disposition).toBe('DELIVERED');
		// another segment is another broadcast domain, even on the same host
		expect(ping(ns.get('web1')!, web1, '10.10.2.22').status).not.toBe('reply');
	});

	it('MTU 1500 underlay: without DF the ping is delivered (fragmented outside); with DF the VTEP answers frag-needed 1450 from the destination', () => {
		const u = underlay(t, 1500);
		const ns = deploy(u, 'b');
		expect(ping(ns.get('web1')!, web1, web2, 1472).status).toBe('reply');
		expect(probe(u, { from: 'web1', to: 'web2', size: 1472 }).disposition).toBe('DELIVERED');
		const k = ping(ns.get('web1')!, web1, web2, 1472, true);
		expect(k.status).toBe('icmp');
		expect(k.icmp).toMatchObject({ type: 3, code: 4, mtu: 1450, from: web2 });
		const e = probe(u, { from: 'web1', to: 'web2', size: 1472, df: true });
		expect(e.disposition).toBe('FRAGMENTATION_NEEDED');
		expect(e.mtu).toBe(1450);
		expect(e.icmp?.from).toBe(web2);
	});
});
