import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTopology } from '../../src/lib/model/load';
import type { Topology } from '../../src/lib/model/types';
import { formatIssues } from '../../src/lib/model/edit-rules';
import { neighbours, proposeGatewayForward, proposeHypervisorForward, proposeRoute, proposeRule, proposeVrrp } from '../../src/lib/model/proposals';
import { parse } from 'yaml';

function load(text: string): Topology {
	const r = loadTopology(text, 't.vnet.yaml');
	if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
	return r.topology;
}

const EDGE = `vnet: 1
name: edge
nodes:
  gw:
    kind: nat-gateway
    interfaces:
      eth0: { ip: 10.0.1.1/24 }
      wan: { ip: 203.0.113.2/24 }
    nat: { masquerade: [wan] }
  web: { kind: host, interfaces: { eth0: { ip: 10.0.1.20/24, gateway: 10.0.1.1 } }, services: [tcp/80] }
  isp: { kind: internet, interfaces: { eth0: { ip: 203.0.113.1/24 } } }
  lonely: { kind: host }
links: []
`;

/** The proposal added to the node's list keeps the file valid. */
function staysValid(text: string, path: (string | number)[], item: Record<string, unknown>) {
	const doc = parse(text) as Record<string, unknown>;
	let cur = doc as Record<string, unknown>;
	for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
	const last = path[path.length - 1];
	cur[last] = [...((cur[last] as unknown[]) ?? []), item];
	expect(formatIssues(doc)).toEqual([]);
}

describe('Add rows propose values from the design', () => {
	test('a gateway forward comes in on the outside interface and goes to an existing inside address and its service', () => {
		const t = load(EDGE);
		const p = proposeGatewayForward(t, 'gw');
		expect(p.value).toEqual({ in: 'wan', proto: 'tcp', port: 80, to: '10.0.1.20:80' });
		staysValid(EDGE, ['nodes', 'gw', 'nat', 'forwards'], p.value!);
		// a second one does not reuse the outside port
		t.nodes.gw.nat!.forwards = [{ in: 'wan', proto: 'tcp', port: 80, to: '10.0.1.20:80' }];
		expect(proposeGatewayForward(t, 'gw').value).toMatchObject({ port: 8080, to: '10.0.1.20:80' });
	});

	test('a gateway with nothing inside proposes nothing and says why', () => {
		const t = load(EDGE.replace('web: { kind: host, interfaces: { eth0: { ip: 10.0.1.20/24, gateway: 10.0.1.1 } }, services: [tcp/80] }', 'web: { kind: host }'));
		expect(proposeGatewayForward(t, 'gw')).toEqual({ value: null, hint: 'no address behind the inside interfaces to forward to yet' });
		const noMasq = load(EDGE.replace('nat: { masquerade: [wan] }', 'nat: {}'));
		expect(proposeGatewayForward(noMasq, 'gw').value).toBeNull();
	});

	test('three-tier-web: a forward reaches servers behind the core router (routed inside networks)', () => {
		const t = load(readFileSync('topologies/three-tier-web.vnet.yaml', 'utf8'));
		const p = proposeGatewayForward(t, Object.keys(t.nodes).find((id) => t.nodes[id].kind === 'nat-gateway')!);
		expect(p.value).not.toBeNull();
		expect(String(p.value!.to)).toMatch(/^10\.18\./);
		expect(p.value!.in).toBe('wan');
	});

	test('a route goes via an existing neighbour router: the default first', () => {
		const t = load(EDGE);
		expect(neighbours(t, 'web').map((n) => n.address)).toEqual(['10.0.1.1']);
		expect(proposeRoute(t, 'web').value).toEqual({ to: '0.0.0.0/0', via: '10.0.1.1' });
		expect(proposeRoute(t, 'gw').value).toEqual({ to: '0.0.0.0/0', via: '203.0.113.1' });
		staysValid(EDGE, ['nodes', 'web', 'routes'], proposeRoute(t, 'web').value!);
		expect(proposeRoute(t, 'lonely')).toEqual({ value: null, hint: 'give an interface an address first (a route goes via a neighbour)' });
	});

	test('a rule uses the node’s own interfaces and services', () => {
		const t = load(EDGE);
		expect(proposeRule(t, 'web').value).toEqual({ action: 'allow', proto: 'tcp', port: 80 });
		expect(proposeRule(t, 'gw').value).toEqual({ action: 'allow', proto: 'tcp', port: 80, in: 'eth0' });
		staysValid(EDGE, ['nodes', 'gw', 'rules'], proposeRule(t, 'gw').value!);
	});

	test('a hypervisor forward goes to a guest’s service; none without guests', () => {
		const text = `vnet: 1
name: hv
nodes:
  hv: { kind: hypervisor, interfaces: { eth0: { ip: 192.168.1.5/24 } } }
  vm1: { kind: vm, on: hv, interfaces: { eth0: { attach: nat, dhcp: true } }, services: [tcp/22] }
links: []
`;
		const t = load(text);
		expect(proposeHypervisorForward(t, 'hv').value).toEqual({ proto: 'tcp', port: 2222, to: 'vm1:22' });
		staysValid(text, ['nodes', 'hv', 'nat', 'forwards'], proposeHypervisorForward(t, 'hv').value!);
		delete t.nodes.vm1;
		expect(proposeHypervisorForward(t, 'hv').value).toBeNull();
	});

	test('VRRP takes a free address of the interface’s subnet, or joins the group already there', () => {
		const t = load(EDGE);
		expect(proposeVrrp(t, 'gw', 'eth0', t).value).toEqual({ group: 1, vip: '10.0.1.254' });
		t.nodes.r2 = { kind: 'router', interfaces: { eth0: { ip: '10.0.1.2/24', vrrp: { group: 7, vip: '10.0.1.100' } } } } as Topology['nodes'][string];
		expect(proposeVrrp(t, 'gw', 'eth0', t).value).toEqual({ group: 7, vip: '10.0.1.100' });
	});
});
