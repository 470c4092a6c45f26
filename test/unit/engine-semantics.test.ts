// Hand-written cases for the probe engine's semantics and edge cases.
import { describe, it, expect } from 'vitest';
import { probe, topo } from './engine-helpers';
import { buildNet, ProbeEngine } from '../../src/lib/engine/index';

const twoRouters = (routes: string) => `
vnet: 1
name: ties
nodes:
  h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1 } } }
  r1:
    kind: router
    interfaces:
      eth0: { ip: 10.0.0.1/24 }
      eth1: { ip: 10.1.0.1/24 }
      eth2: { ip: 10.2.0.1/24 }
    routes: ${routes}
  ra: { kind: router, interfaces: { eth0: { ip: 10.1.0.2/24 }, eth1: { ip: 10.9.0.1/24 } }, routes: [{ to: 0.0.0.0/0, via: 10.1.0.1 }] }
  rb: { kind: router, interfaces: { eth0: { ip: 10.2.0.2/24 }, eth1: { ip: 10.9.0.2/24 } }, routes: [{ to: 0.0.0.0/0, via: 10.2.0.1 }] }
  srv: { kind: host, interfaces: { eth0: { ip: 10.9.0.10/24, gateway: 10.9.0.1 } } }
links:
  - { a: h1.eth0, b: r1.eth0 }
  - { a: r1.eth1, b: ra.eth0 }
  - { a: r1.eth2, b: rb.eth0 }
  - { a: ra.eth1, b: srv.eth0 }
`;

function via(t: ReturnType<typeof probe>, node: string): string | null | undefined {
	return t.request.find((h) => h.node === node && (h.action === 'FORWARDED' || h.action === 'NAT'))?.out;
}

describe('routing', () => {
	it('ties on prefix go to the lower metric', () => {
		const t = probe(twoRouters('[{ to: 10.9.0.0/24, via: 10.1.0.2, metric: 20 }, { to: 10.9.0.0/24, via: 10.2.0.2, metric: 10 }]'), { from: 'h1', to: '10.9.0.10' });
		expect(via(t, 'r1')).toBe('eth2');
	});
	it('equal metrics go to the first route in file order', () => {
		const t = probe(twoRouters('[{ to: 10.9.0.0/24, via: 10.1.0.2 }, { to: 10.9.0.0/24, via: 10.2.0.2 }]'), { from: 'h1', to: '10.9.0.10' });
		expect(via(t, 'r1')).toBe('eth1');
		expect(t.disposition).toBe('DELIVERED');
	});
	it('the longest prefix wins over a lower metric', () => {
		const t = probe(twoRouters('[{ to: 10.9.0.0/16, via: 10.2.0.2 }, { to: 10.9.0.0/24, via: 10.1.0.2, metric: 100 }]'), { from: 'h1', to: '10.9.0.10' });
		expect(via(t, 'r1')).toBe('eth1');
	});
	it('a blackhole route drops silently and names the route', () => {
		const t = probe(twoRouters('[{ to: 10.9.0.0/24, blackhole: true }]'), { from: 'h1', to: '10.9.0.10' });
		expect(t.disposition).toBe('NULL_ROUTED');
		expect(t.icmp).toBeNull();
		const last = t.request[t.request.length - 1];
		expect(last.ref).toBe('nodes.r1.routes[0]');
	});
	it('a route via an address on no connected subnet is ignored', () => {
		const t = probe(twoRouters('[{ to: 10.9.0.0/24, via: 172.16.0.1 }]'), { from: 'h1', to: '10.9.0.10' });
		expect(t.disposition).toBe('NO_ROUTE');
		expect(t.icmp?.from).toBe('10.0.0.1');
	});
	it('every trace has a simulated round trip', () => {
		const t = probe(twoRouters('[{ to: 10.9.0.0/24, via: 10.1.0.2 }]'), { from: 'h1', to: '10.9.0.10' }, true);
		expect(t.rttMs).toBeGreaterThan(0.2); // four 50us links each way, plus ARP and node delays
		expect(t.hops).toEqual(['10.0.0.1', '10.1.0.2', '10.9.0.10']);
	});
});

const fw = (rules: string, extra = '') => `
vnet: 1
name: fw
nodes:
  c: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1 } } }
  fw:
    kind: firewall
    ${extra}
    interfaces: { inside: { ip: 10.0.0.1/24 }, outside: { ip: 10.1.0.1/24 } }
    rules: ${rules}
  s: { kind: host, interfaces: { eth0: { ip: 10.1.0.10/24, gateway: 10.1.0.1 } }, services: [tcp/8000, tcp/8100, tcp/8101, udp/53] }
links:
  - { a: c.eth0, b: fw.inside }
  - { a: fw.outside, b: s.eth0 }
`;

describe('rules', () => {
	it('port ranges include both ends', () => {
		const t = (port: number) => probe(fw('[{ action: allow, proto: tcp, port: "8000-8100" }]'), { from: 'c', to: 's', proto: 'tcp', port }).disposition;
		expect(t(8000)).toBe('DELIVERED');
		expect(t(8100)).toBe('DELIVERED');
		expect(t(8101)).toBe('DENIED');
	});
	it('sport matches the source port', () => {
		const rules = '[{ action: allow, proto: udp, sport: 5353 }]';
		expect(probe(fw(rules), { from: 'c', to: 's', proto: 'udp', port: 53, sport: 5353 }).disposition).toBe('DELIVERED');
		expect(probe(fw(rules), { from: 'c', to: 's', proto: 'udp', port: 53 }).disposition).toBe('DENIED');
	});
	it('the deciding rule is named with its index in the trace', () => {
		const t = probe(fw('[{ action: allow, proto: icmp }, { action: deny, proto: tcp, port: 8000 }]'), { from: 'c', to: 's', proto: 'tcp', port: 8000 });
		const denied = t.request.find((h) => h.action === 'DENIED');
		expect(denied?.node).toBe('fw');
		expect(denied?.rule).toBe(1);
		expect(denied?.ref).toBe('nodes.fw.rules[1]');
		expect(t.verdict).toContain('rule 2');
	});
	it('reject answers TCP with a reset and UDP with admin-prohibited from the inside interface', () => {
		const tcp = probe(fw('[{ action: reject }]'), { from: 'c', to: 's', proto: 'tcp', port: 8000 });
		expect(tcp.disposition).toBe('DENIED');
		expect(tcp.icmp).toBeNull();
		expect(tcp.rttMs).not.toBeNull();
		const udp = probe(fw('[{ action: reject }]'), { from: 'c', to: 's', proto: 'udp', port: 53 });
		expect(udp.icmp).toEqual({ from: '10.0.0.1', type: 3, code: 13, mtu: null });
	});
	it('a stateless firewall drops the reply leg unless a rule allows it', () => {
		const t = probe(fw('[{ action: allow, from: c }]', 'stateful: false'), { from: 'c', to: 's', proto: 'tcp', port: 8000 });
		expect(t.disposition).toBe('DENIED');
		expect(t.leg).toBe('reply');
		expect(t.seenSource).toBe('10.0.0.10');
	});
});

describe('layer 2 and MTU', () => {
	const vlan = (native: string) => `
vnet: 1
name: native
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }
  sw1: { kind: switch, interfaces: { p1: { vlan: 5 }, p2: { trunk: [7], ${native} } } }
  sw2: { kind: switch, interfaces: { p1: { vlan: 5 }, p2: { trunk: [7], native: 5 } } }
links:
  - { a: a.eth0, b: sw1.p1 }
  - { a: sw1.p2, b: sw2.p2 }
  - { a: sw2.p1, b: b.eth0 }
`;
	it('the native VLAN crosses a trunk untagged', () => {
		const t = probe(vlan('native: 5'), { from: 'a', to: 'b' });
		expect(t.disposition).toBe('DELIVERED');
		const trunkHop = t.request.find((h) => h.node === 'sw1' && h.out === 'p2');
		expect(trunkHop?.vlan).toBeNull();
	});
	it('a VLAN the trunk does not carry fails ARP', () => {
		expect(probe(vlan('native: 9'), { from: 'a', to: 'b' }).disposition).toBe('HOST_UNREACHABLE');
	});
	it('a switch loop is a storm, not a hang', () => {
		const t = probe(
			`
vnet: 1
name: loop
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }
  s1: { kind: switch }
  s2: { kind: switch }
  s3: { kind: switch }
links:
  - { a: a.eth0, b: s1.p1 }
  - { a: b.eth0, b: s3.p1 }
  - { a: s1.p2, b: s2.p1 }
  - { a: s2.p2, b: s3.p2 }
  - { a: s3.p3, b: s1.p3 }
`,
			{ from: 'a', to: 'b' }
		);
		expect(t.disposition).toBe('DROPPED');
		expect(t.reason).toBe('storm');
	});
	const jumbo = `
vnet: 1
name: frag
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1, mtu: 9000 } } }
  r: { kind: router, interfaces: { eth0: { ip: 10.0.0.1/24, mtu: 9000 }, eth1: { ip: 10.1.0.1/24, mtu: 1500 } } }
  b: { kind: host, interfaces: { eth0: { ip: 10.1.0.10/24, gateway: 10.1.0.1 } } }
links:
  - { a: a.eth0, b: r.eth0 }
  - { a: r.eth1, b: b.eth0 }
`;
	it('fragments without DF and shows the fragments', () => {
		const t = probe(jumbo, { from: 'a', to: 'b', size: 4000 });
		expect(t.disposition).toBe('DELIVERED');
		const frag = t.request.find((h) => h.action === 'FRAGMENTED');
		expect(frag?.node).toBe('r');
		expect(frag?.fragments).toEqual([1500, 1500, 1068]); // 4008 data bytes: 1480 + 1480 + 1048, each + 20 of header
	});
	it('with DF reports the next-hop MTU from the interface facing the sender', () => {
		const t = probe(jumbo, { from: 'a', to: 'b', size: 1473, df: true });
		expect(t.disposition).toBe('FRAGMENTATION_NEEDED');
		expect(t.icmp).toEqual({ from: '10.0.0.1', type: 3, code: 4, mtu: 1500 });
		expect(probe(jumbo, { from: 'a', to: 'b', size: 1472, df: true }).disposition).toBe('DELIVERED');
	});
	it('1501 to 1504-byte frames pass a 1500 receiver, 1505 does not', () => {
		const mismatch = (size: number) =>
			probe(
				`
vnet: 1
name: mm
nodes:
  a: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24, mtu: 9000 } } }
  b: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24, mtu: 1500 } } }
links:
  - { a: a.eth0, b: b.eth0 }
`,
				{ from: 'a', to: 'b', size, df: true }
			).disposition;
		// Linux leaves room for one 802.1Q tag: a 1504-byte packet is received, 1505 is not.
		expect(mismatch(1476)).toBe('DELIVERED');
		expect(mismatch(1477)).toBe('DROPPED');
	});
});

describe('determinism', () => {
	it('the same file gives byte-identical traces', () => {
		const doc = topo(fw('[{ action: allow }]'));
		const a = JSON.stringify(new ProbeEngine(buildNet(doc)).run({ from: 'c', to: 's', proto: 'tcp', port: 8000 }, { hops: true }));
		const b = JSON.stringify(new ProbeEngine(buildNet(doc)).run({ from: 'c', to: 's', proto: 'tcp', port: 8000 }, { hops: true }));
		expect(a).toBe(b);
	});
});

describe('load balancer', () => {
	const lb = (snat: boolean) => `
vnet: 1
name: lb
nodes:
  client: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1 } } }
  lb1:
    kind: load-balancer
    interfaces: { front: { ip: 10.0.0.1/24 }, back: { ip: 10.1.0.1/24 } }
    vip: 10.0.0.100
    port: 80
    snat: ${snat}
    pool: [web1:8080, web2:8080]
  web1: { kind: host, interfaces: { eth0: { ip: 10.1.0.11/24, gateway: 10.1.0.1 } }, services: [tcp/8080] }
  web2: { kind: host, interfaces: { eth0: { ip: 10.1.0.12/24, gateway: 10.1.0.1 } }, services: [tcp/8080] }
  sw: { kind: switch }
links:
  - { a: client.eth0, b: lb1.front }
  - { a: lb1.back, b: sw.p1 }
  - { a: web1.eth0, b: sw.p2 }
  - { a: web2.eth0, b: sw.p3 }
`;
	const backendOf = (t: ReturnType<typeof probe>) => t.request[t.request.length - 1].node;
	it('picks the backend by (client address + client port) mod pool size', () => {
		// 10.0.0.10 = 167772170; + 40000 is even → web1, + 40001 odd → web2
		expect(backendOf(probe(lb(true), { from: 'client', to: '10.0.0.100', proto: 'tcp', port: 80 }))).toBe('web1');
		expect(backendOf(probe(lb(true), { from: 'client', to: '10.0.0.100', proto: 'tcp', port: 80, sport: 40001 }))).toBe('web2');
	});
	it('with snat the backend sees the load balancer, without it the client', () => {
		expect(probe(lb(true), { from: 'client', to: '10.0.0.100', proto: 'tcp', port: 80 }).seenSource).toBe('10.1.0.1');
		const t = probe(lb(false), { from: 'client', to: '10.0.0.100', proto: 'tcp', port: 80 });
		expect(t.seenSource).toBe('10.0.0.10');
		expect(t.disposition).toBe('DELIVERED');
	});
	it('the vip answers other ports as a node with no services', () => {
		expect(probe(lb(true), { from: 'client', to: '10.0.0.100', proto: 'tcp', port: 81 }).disposition).toBe('REFUSED');
	});
});
