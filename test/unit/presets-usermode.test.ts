/**
 * User-mode NAT (presets.md "Two kinds of NAT"): VirtualBox nat / nat-network
 * and QEMU nat open their own sockets on the hypervisor.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { probe, topo } from './engine-helpers';
import { allocPort, FIRST_PORT } from '../../src/lib/engine/probe/usermode-nat';
import { ProbeContext } from '../../src/lib/engine/probe/context';
import { buildNet } from '../../src/lib/engine/index';
import type { CNode } from '../../src/lib/engine/compile';

const lab = topo(readFileSync(path.resolve(import.meta.dirname, '../../topologies/virtualbox-lab.vnet.yaml'), 'utf8'));

const QEMU = `vnet: 1
name: q
nodes:
  hv: { kind: hypervisor, product: qemu, interfaces: { eth0: { ip: 192.168.1.10/24, gateway: 192.168.1.1 } }, nat: { forwards: [{ proto: tcp, port: 2222, to: "vm:22" }] } }
  vm: { kind: vm, on: hv, interfaces: { eth0: { attach: nat, dhcp: true } }, services: [tcp/22] }
  r: { kind: router, interfaces: { eth0: { ip: 192.168.1.1/24 }, eth1: { ip: 10.9.0.1/24 } } }
  srv: { kind: host, interfaces: { eth0: { ip: 10.9.0.5/24, gateway: 10.9.0.1 } }, services: [tcp/80] }
links:
  - { a: hv.eth0, b: r.eth0 }
  - { a: srv.eth0, b: r.eth1 }
`;

describe('user-mode NAT', () => {
	it('the remote sees the hypervisor and a new source port; the trace says so at that hop', () => {
		const t = probe(lab, { from: 'web1', to: 'nas', proto: 'tcp', port: 445 });
		expect(t.disposition).toBe('DELIVERED');
		expect(t.seenSource).toBe('192.168.1.10');
		const nat = t.request.find((h) => h.action === 'NAT')!;
		expect(nat.node).toBe('vbox');
		expect(nat.detail).toBe('VirtualBox NAT engine opened a new connection from 192.168.1.10:49152 on behalf of 10.0.2.15:40000');
		expect(t.request.find((h) => h.node === 'nas' && h.action === 'DELIVERED')!.src).toBe('192.168.1.10:49152');
	});

	it('allocates source ports from 49152 upward in order of use, per hypervisor', () => {
		const ctx = new ProbeContext(buildNet(lab));
		const hv = { idx: 3 } as CNode;
		const other = { idx: 4 } as CNode;
		expect([allocPort(ctx, hv), allocPort(ctx, hv), allocPort(ctx, other), allocPort(ctx, hv)]).toEqual([FIRST_PORT, 49153, 49152, 49154]);
		// each probe starts at rest: the first connection of a probe is 49152 again
		expect(probe(lab, { from: 'web1', to: 'isp', proto: 'tcp', port: 443 }).request.find((h) => h.action === 'NAT')!.src).toBe('192.168.1.10:49152');
	});

	it('delivers every packet to the guest with TTL 64, and the guest’s TTL is not carried', () => {
		const t = probe(lab, { from: 'web1', to: 'isp', proto: 'tcp', port: 443 });
		expect(t.disposition).toBe('DELIVERED');
		expect(t.reply[t.reply.length - 1]).toMatchObject({ node: 'web1', action: 'DELIVERED', ttl: 64 });
		// a bridged VM gets the answer with the router's decrement
		const b = probe(lab, { from: 'nas', to: 'isp', proto: 'tcp', port: 443 });
		expect(b.reply[b.reply.length - 1].ttl).toBe(63);
		// TTL 1 from the guest still gets there: the engine is not a routed hop
		expect(probe(lab, { from: 'web1', to: 'isp', proto: 'tcp', port: 443, ttl: 1 }).disposition).toBe('DELIVERED');
	});

	it('a traceroute from the guest shows only the destination', () => {
		expect(probe(lab, { from: 'web1', to: 'isp', proto: 'tcp', port: 443 }, true).hops).toEqual(['198.51.100.1']);
		expect(probe(lab, { from: 'k8s1', to: 'nas' }, true).hops).toEqual(['192.168.1.40']);
		// a bridged VM sees the routers
		expect(probe(lab, { from: 'nas', to: 'isp', proto: 'tcp', port: 443 }, true).hops).toEqual(['192.168.1.1', '198.51.100.1']);
	});

	it('passes no ICMP error back: time-outs, and a RST when the hypervisor’s connection was refused', () => {
		const udp = probe(lab, { from: 'web1', to: 'isp', proto: 'udp', port: 5000 });
		expect(udp.disposition).toBe('DROPPED');
		expect(udp.icmp).toBeNull();
		expect(udp.reason).toMatch(/does not pass ICMP errors/);
		const arp = probe(lab, { from: 'web1', to: '192.168.1.99' });
		expect(arp.disposition).toBe('DROPPED');
		expect(arp.icmp).toBeNull();
		const rst = probe(lab, { from: 'web1', to: 'nas', proto: 'tcp', port: 80 });
		expect(rst.disposition).toBe('REFUSED');
		expect(rst.reply[rst.reply.length - 1]).toMatchObject({ node: 'web1', ttl: 64, detail: 'RST received: connection refused' });
	});

	it('answers echo to the NAT gateway in the engine itself', () => {
		const t = probe(lab, { from: 'web1', to: '10.0.2.2' });
		expect(t.disposition).toBe('DELIVERED');
		expect(t.request[t.request.length - 1].node).toBe('vbox:nat-engine:web1.eth0');
		expect(t.request.some((h) => h.node === 'vbox')).toBe(false);
	});

	it('port forwards: every hypervisor address, the client’s own address, and .2 for the hypervisor itself', () => {
		expect(probe(lab, { from: 'phone', to: '192.168.1.10', proto: 'tcp', port: 2222 }).seenSource).toBe('192.168.1.20');
		expect(probe(lab, { from: 'dev', to: '192.168.56.1', proto: 'tcp', port: 2222 }).seenSource).toBe('192.168.56.101');
		expect(probe(lab, { from: 'vbox', to: '192.168.1.10', proto: 'tcp', port: 2222 }).seenSource).toBe('10.0.2.2');
		const closed = probe(lab, { from: 'phone', to: '192.168.1.10', proto: 'tcp', port: 2223 });
		expect(closed.disposition).toBe('REFUSED'); // no forward: the laptop itself answers RST
	});

	it('two VirtualBox NAT guests cannot reach each other (each is 10.0.2.15 on its own network)', () => {
		const t = probe(lab, { from: 'web1', to: 'web2', proto: 'tcp', port: 443 });
		expect(t.disposition).toBe('REFUSED');
		expect(t.reason).toMatch(/closed on web1/);
		expect(probe(lab, { from: 'web1', to: '10.0.2.4' }).disposition).toBe('HOST_UNREACHABLE');
	});

	it('qemu: ICMP echo only to the gateway; forwards as virtualbox', () => {
		const t = topo(QEMU);
		expect(probe(t, { from: 'vm', to: '10.0.2.2' }).disposition).toBe('DELIVERED');
		expect(probe(t, { from: 'vm', to: 'srv' }).disposition).toBe('DROPPED');
		const tcp = probe(t, { from: 'vm', to: 'srv', proto: 'tcp', port: 80 }, true);
		expect(tcp).toMatchObject({ disposition: 'DELIVERED', seenSource: '192.168.1.10', hops: ['10.9.0.5'] });
		expect(tcp.request.find((h) => h.action === 'NAT')!.detail).toMatch(/^QEMU user-mode network \(slirp\) opened a new connection from 192\.168\.1\.10:49152/);
		expect(probe(t, { from: 'r', to: '192.168.1.10', proto: 'tcp', port: 2222 }).seenSource).toBe('192.168.1.1');
	});
});
