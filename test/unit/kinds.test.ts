// The kind table (model/kinds.ts) is the one source of kind facts and default
// segment subnets: the sets, the resolver's defaults and the products' texts
// all come from it.
import { describe, it, expect } from 'vitest';
import { DEFAULT_SUBNETS, ENDPOINT_KINDS, FORWARDING_KINDS, GUEST_KINDS, HOST_LIKE_KINDS, KINDS, KIND_TRAITS, LEAF_ENDPOINT_KINDS, ROUTING_KINDS, isGuestKind } from '../../src/lib/model/kinds';
import { DEFAULT_DELAY, DEFAULT_POLICY, DEFAULT_STATEFUL } from '../../src/lib/model/resolved';
import { PRODUCTS } from '../../src/lib/model/products';
import { resolveTopology } from '../../src/lib/model/resolve';
import { topo } from './engine-helpers';

const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe('kind table', () => {
	it('has every kind once', () => expect(Object.keys(KIND_TRAITS).sort()).toEqual([...KINDS].sort()));
	it('derives the kind sets of topology-format.md', () => {
		expect(sorted(FORWARDING_KINDS)).toEqual(['firewall', 'load-balancer', 'nat-gateway', 'router']);
		expect(sorted(ROUTING_KINDS)).toEqual(['firewall', 'nat-gateway', 'router']);
		expect(sorted(ENDPOINT_KINDS)).toEqual(['container', 'host', 'hypervisor', 'internet', 'vm']);
		expect(sorted(LEAF_ENDPOINT_KINDS)).toEqual(['container', 'host', 'internet', 'vm']);
		expect(sorted(GUEST_KINDS)).toEqual(['container', 'vm']);
		expect(sorted(HOST_LIKE_KINDS)).toEqual(['container', 'host', 'vm']);
		expect(isGuestKind('vm') && !isGuestKind('hypervisor') && !isGuestKind(undefined)).toBe(true);
	});
	it('gives the resolver its kind defaults', () => {
		expect(DEFAULT_POLICY.firewall).toBe('deny');
		expect(DEFAULT_POLICY.router).toBe('allow');
		expect(DEFAULT_STATEFUL['nat-gateway'] && !DEFAULT_STATEFUL.router).toBe(true);
		expect([DEFAULT_DELAY.host, DEFAULT_DELAY.switch, DEFAULT_DELAY.router, DEFAULT_DELAY.firewall]).toEqual([10e3, 5e3, 20e3, 50e3]);
	});
	it("puts the generic segments' defaults where the resolver reads them", () => {
		const r = resolveTopology(
			topo(`
vnet: 1
name: k
nodes:
  hv: { kind: hypervisor, interfaces: { eth0: { ip: 10.9.0.5/24 } } }
  a: { kind: vm, on: hv, interfaces: { eth0: { attach: nat, dhcp: true }, eth1: { attach: host-only, ip: 192.168.56.20/24 } } }
`)
		);
		const hv = r.nodes.get('hv')!;
		const nat = hv.interfaces.find((i) => i.implicit === 'nat-gateway')!;
		const ho = hv.interfaces.find((i) => i.implicit === 'host-only')!;
		expect(`${nat.ip}/${nat.prefixLen}`).toBe(DEFAULT_SUBNETS.genericNat.replace('.0/', '.1/'));
		expect(`${ho.ip}/${ho.prefixLen}`).toBe(DEFAULT_SUBNETS.genericHostOnly.replace('.0/', '.1/'));
		expect(r.nodes.get('a')!.interfaces.find((i) => i.name === 'eth0')!.ip).toBe('10.0.2.15');
	});
	it("writes the products' default subnets into their mode summaries", () => {
		const text = (p: keyof typeof PRODUCTS, mode: string) => PRODUCTS[p].modes.find((m) => m.mode === mode)!.summary;
		expect(text('virtualbox', 'host-only')).toContain(DEFAULT_SUBNETS.virtualboxHostOnly);
		expect(text('libvirt', 'nat')).toContain(DEFAULT_SUBNETS.libvirtNat);
		expect(text('docker', 'bridge')).toContain(DEFAULT_SUBNETS.dockerBridge);
		expect(text('generic', 'nat')).toContain(DEFAULT_SUBNETS.genericNatContainers);
	});
});
