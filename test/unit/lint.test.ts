import { describe, expect, it } from 'vitest';
import { HEADER, lintYaml, load, rules } from './lint-helpers';
import { resolveTopology } from '../../src/lib/model/resolve';

/** A clean LAN: two hosts and a router on a switch, the router to the internet. */
const LAN = `${HEADER}nodes:
  pc1:
    kind: host
    interfaces:
      eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1 }
  pc2:
    kind: host
    interfaces:
      eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1 }
    services: [tcp/22]
  sw1:
    kind: switch
  r1:
    kind: router
    interfaces:
      eth0: { ip: 10.0.1.1/24 }
      eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }
  isp:
    kind: internet
    interfaces:
      eth0: { ip: 198.51.100.1/24 }
links:
  - { a: pc1.eth0, b: sw1.p1 }
  - { a: pc2.eth0, b: sw1.p2 }
  - { a: r1.eth0, b: sw1.p3 }
  - { a: r1.eth1, b: isp.eth0 }
`;

/** Replace `from` by `to` in a base text (must occur). */
function edit(base: string, ...pairs: [string, string][]): string {
	let s = base;
	for (const [a, b] of pairs) {
		if (!s.includes(a)) throw new Error(`test setup: "${a}" not in base`);
		s = s.replace(a, b);
	}
	return s;
}

async function only(text: string, rule: string, opts: { raw?: boolean } = {}) {
	const d = await lintYaml(text, 'test.vnet.yaml', opts);
	return d.filter((x) => x.rule === rule);
}

describe('lint: baseline', () => {
	it('a clean LAN has no findings', async () => {
		expect(await lintYaml(LAN)).toEqual([]);
	});
	it('diagnostics carry file, path, line, col, rule, severity', async () => {
		const d = await lintYaml(edit(LAN, ['eth0: { ip: 10.0.1.11/24', 'eth0: { ip: 10.0.1.10/24']), 'lan.vnet.yaml');
		const dup = d.find((x) => x.rule === 'duplicate-ip')!;
		expect(dup).toMatchObject({ severity: 'warning', file: 'lan.vnet.yaml', path: 'nodes.pc2.interfaces.eth0.ip', line: 11 });
		expect(dup.col).toBeGreaterThan(0);
		expect(dup.message).toMatch(/10\.0\.1\.10.*pc1\.eth0.*pc2\.eth0/);
	});
});

describe('lint: links', () => {
	it('link-unknown-node (error)', async () => {
		const d = await only(edit(LAN, ['{ a: pc2.eth0, b: sw1.p2 }', '{ a: pc9.eth0, b: sw1.p2 }']), 'link-unknown-node');
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ severity: 'error', path: 'links[1].a' });
		expect(d[0].message).toMatch(/pc9/);
		expect(await only(LAN, 'link-unknown-node')).toEqual([]);
	});
	it('link-unknown-interface (error), but an undeclared switch port is fine', async () => {
		const d = await only(edit(LAN, ['{ a: pc2.eth0, b: sw1.p2 }', '{ a: pc2.eth1, b: sw1.p2 }']), 'link-unknown-interface');
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ severity: 'error', path: 'links[1].a' });
		expect(d[0].message).toMatch(/eth1.*has eth0/);
		expect(await only(LAN, 'link-unknown-interface')).toEqual([]); // sw1.p1..p3 undeclared
	});
	it('link-subinterface (error): links attach to the parent', async () => {
		const text = edit(
			LAN,
			['      eth0: { ip: 10.0.1.1/24 }\n', '      eth0.10: { ip: 10.0.1.1/24 }\n'],
			['{ a: r1.eth0, b: sw1.p3 }', '{ a: r1.eth0.10, b: sw1.p3 }']
		);
		// The loader rejects this file too; lint guards documents built in memory.
		const d = await only(text, 'link-subinterface', { raw: true });
		expect(d).toHaveLength(1);
		expect(d[0].severity).toBe('error');
		expect(d[0].message).toMatch(/r1\.eth0"/);
		const ok = edit(LAN, ['      eth0: { ip: 10.0.1.1/24 }\n', '      eth0.10: { ip: 10.0.1.1/24 }\n']);
		expect(await only(ok, 'link-subinterface')).toEqual([]);
	});
	it('link-to-bond (error)', async () => {
		const text = `${HEADER}nodes:
  h1:
    kind: host
    interfaces:
      bond0: { ip: 10.0.0.1/24, bond: { members: [eth0, eth1] } }
  h2:
    kind: host
    interfaces:
      eth0: { ip: 10.0.0.2/24 }
links:
  - { a: h1.bond0, b: h2.eth0 }
`;
		expect((await only(text, 'link-to-bond'))[0]?.severity).toBe('error');
		expect(await only(text.replace('h1.bond0', 'h1.eth0'), 'link-to-bond')).toEqual([]);
	});
	it('link-self (error)', async () => {
		const text = edit(LAN, ['{ a: pc2.eth0, b: sw1.p2 }', '{ a: sw1.p7, b: sw1.p7 }']);
		expect((await only(text, 'link-self'))[0]?.severity).toBe('error');
	});
	it('interface-multiple-links', async () => {
		const text = edit(LAN, ['  - { a: r1.eth1, b: isp.eth0 }\n', '  - { a: r1.eth1, b: isp.eth0 }\n  - { a: pc1.eth0, b: sw1.p9 }\n']);
		const d = await only(text, 'interface-multiple-links');
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ path: 'links[4]', severity: 'warning' });
		expect(await only(LAN, 'interface-multiple-links')).toEqual([]);
	});
	it('mtu-mismatch', async () => {
		const text = edit(LAN, ['eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }', 'eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1, mtu: 9000 }']);
		const d = await only(text, 'mtu-mismatch');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('links[3]');
		expect(d[0].message).toMatch(/9000.*1500/);
		const ok = edit(text, ['eth0: { ip: 198.51.100.1/24 }', 'eth0: { ip: 198.51.100.1/24, mtu: 9000 }']);
		expect(await only(ok, 'mtu-mismatch')).toEqual([]);
	});
	it('segment-mtu-mismatch: a 9000 and a 1500 host on one switch VLAN', async () => {
		const text = edit(
			LAN,
			['eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1, mtu: 9000 }'],
			['  sw1:\n    kind: switch\n', '  sw1:\n    kind: switch\n    interfaces:\n      p1: { mtu: 9000 }\n']
		);
		const d = await only(text, 'segment-mtu-mismatch');
		expect(d).toHaveLength(1);
		expect(await only(text, 'mtu-mismatch')).toEqual([]);
		expect(await only(LAN, 'segment-mtu-mismatch')).toEqual([]);
	});
});

describe('lint: addresses', () => {
	it('duplicate-ip on one segment, not across segments', async () => {
		const dup = edit(LAN, ['eth0: { ip: 10.0.1.11/24', 'eth0: { ip: 10.0.1.10/24']);
		expect(await only(dup, 'duplicate-ip')).toHaveLength(1);
		// Same address on two VLANs of one switch: separate segments.
		const vl = edit(dup, ['  sw1:\n    kind: switch\n', '  sw1:\n    kind: switch\n    interfaces:\n      p2: { vlan: 20 }\n']);
		expect(await only(vl, 'duplicate-ip')).toEqual([]);
	});
	it('duplicate-ip: bridged guest joins the uplink LAN; NAT guests are private', async () => {
		const text = `${HEADER}nodes:
  pc:
    kind: host
    interfaces:
      eth0: { ip: 192.168.1.30/24 }
  hv1:
    kind: hypervisor
    interfaces:
      eth0: { ip: 192.168.1.10/24 }
  vm1:
    kind: vm
    on: hv1
    interfaces:
      eth0: { attach: bridged, ip: 192.168.1.30/24 }
  hv2:
    kind: hypervisor
    interfaces:
      eth0: { ip: 192.168.1.11/24 }
  a:
    kind: vm
    on: hv1
    interfaces:
      eth0: { attach: nat, ip: 10.0.2.20/24 }
  b:
    kind: vm
    on: hv2
    interfaces:
      eth0: { attach: nat, ip: 10.0.2.20/24 }
  sw:
    kind: switch
links:
  - { a: pc.eth0, b: sw.p1 }
  - { a: hv1.eth0, b: sw.p2 }
  - { a: hv2.eth0, b: sw.p3 }
`;
		const d = await only(text, 'duplicate-ip');
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/192\.168\.1\.30.*pc\.eth0.*vm1\.eth0/);
		// A static NAT-guest address equal to the hypervisor's NAT gateway.
		const gw = text.replace('eth0: { attach: nat, ip: 10.0.2.20/24 }\n  b:', 'eth0: { attach: nat, ip: 10.0.2.1/24 }\n  b:');
		expect((await only(gw, 'duplicate-ip')).map((x) => x.message).join()).toMatch(/NAT gateway/);
	});
	it('duplicate-ip: VRRP routers share their vip', async () => {
		const text = `${HEADER}nodes:
  r1:
    kind: router
    interfaces:
      eth0: { ip: 10.0.0.2/24, vrrp: { group: 1, vip: 10.0.0.1, priority: 200 } }
  r2:
    kind: router
    interfaces:
      eth0: { ip: 10.0.0.3/24, vrrp: { group: 1, vip: 10.0.0.1 } }
  h:
    kind: host
    interfaces:
      eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1 }
  sw:
    kind: switch
links:
  - { a: r1.eth0, b: sw.p1 }
  - { a: r2.eth0, b: sw.p2 }
  - { a: h.eth0, b: sw.p3 }
`;
		expect(await lintYaml(text)).toEqual([]);
		const clash = text.replace('eth0: { ip: 10.0.0.10/24, gateway', 'eth0: { ip: 10.0.0.1/24, gateway');
		expect(await only(clash, 'duplicate-ip')).toHaveLength(1);
	});
	it('duplicate-mac', async () => {
		const text = edit(
			LAN,
			['eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1, mac: "02:00:00:00:00:01" }'],
			['eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1, mac: "02:00:00:00:00:01" }']
		);
		const d = await only(text, 'duplicate-mac');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('nodes.pc2.interfaces.eth0.mac');
		expect(d[0].message).toMatch(/same segment/);
		const ok = text.replace('02:00:00:00:00:01" }\n    services', '02:00:00:00:00:02" }\n    services');
		expect(await only(ok, 'duplicate-mac')).toEqual([]);
	});
	it('multicast-mac', async () => {
		const text = edit(LAN, ['eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1, mac: "01:00:5e:00:00:01" }']);
		expect(await only(text, 'multicast-mac')).toHaveLength(1);
	});
	it('ip-network-address / ip-broadcast-address', async () => {
		expect(await only(edit(LAN, ['eth0: { ip: 10.0.1.11/24', 'eth0: { ip: 10.0.1.0/24']), 'ip-network-address')).toHaveLength(1);
		expect(await only(edit(LAN, ['eth0: { ip: 10.0.1.11/24', 'eth0: { ip: 10.0.1.255/24']), 'ip-broadcast-address')).toHaveLength(1);
		const p2p = `${HEADER}nodes:
  a: { kind: router, interfaces: { eth0: { ip: 10.0.0.0/31 } } }
  b: { kind: router, interfaces: { eth0: { ip: 10.0.0.1/31 } } }
links:
  - { a: a.eth0, b: b.eth0 }
`;
		expect(await lintYaml(p2p)).toEqual([]);
	});
	it('segment-subnet-mismatch', async () => {
		const text = edit(LAN, ['eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.2.11/24 }']);
		const d = await only(text, 'segment-subnet-mismatch');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('nodes.pc2.interfaces.eth0.ip');
		expect(d[0].message).toMatch(/10\.0\.1\.0\/24/);
	});
	it('overlapping-subnets on one router', async () => {
		const text = edit(LAN, ['eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }', 'eth1: { ip: 10.0.0.2/16 }'], ['eth0: { ip: 198.51.100.1/24 }', 'eth0: { ip: 10.0.0.1/16 }']);
		const d = await only(text, 'overlapping-subnets');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('nodes.r1.interfaces.eth1.ip');
		expect(await only(LAN, 'overlapping-subnets')).toEqual([]);
	});
	it('overlapping-subnets: hypervisor NAT network overlapping its LAN', async () => {
		const text = `${HEADER}nodes:
  hv:
    kind: hypervisor
    interfaces:
      eth0: { ip: 10.0.2.5/24 }
  vm:
    kind: vm
    on: hv
    interfaces:
      eth0: { attach: nat, dhcp: true }
  pc:
    kind: host
    interfaces:
      eth0: { ip: 10.0.2.6/24 }
links:
  - { a: hv.eth0, b: pc.eth0 }
`;
		const d = await only(text, 'overlapping-subnets');
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/nat\.subnet/);
		const ok = text.replace('kind: hypervisor\n', 'kind: hypervisor\n    nat: { subnet: 10.0.9.0/24 }\n');
		expect(await only(ok, 'overlapping-subnets')).toEqual([]);
	});
});

describe('lint: routing', () => {
	it('gateway-outside-subnet', async () => {
		const d = await only(edit(LAN, ['eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.11/24, gateway: 10.0.9.1 }']), 'gateway-outside-subnet');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('nodes.pc2.interfaces.eth0.gateway');
	});
	it('gateway-is-self', async () => {
		expect(await only(edit(LAN, ['eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.11 }']), 'gateway-is-self')).toHaveLength(1);
	});
	it('gateway-not-found: in the subnet but nobody holds it', async () => {
		const d = await only(edit(LAN, ['eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.254 }']), 'gateway-not-found');
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/HOST_UNREACHABLE/);
	});
	it('next-hop-outside-subnet / next-hop-is-self / next-hop-not-found', async () => {
		const r = (via: string) => edit(LAN, ['eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }\n', `eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }\n    routes:\n      - { to: 172.16.0.0/12, via: ${via} }\n`]);
		expect((await only(r('172.16.0.1'), 'next-hop-outside-subnet'))[0]?.path).toBe('nodes.r1.routes[0].via');
		expect(await only(r('10.0.1.1'), 'next-hop-is-self')).toHaveLength(1);
		expect(await only(r('10.0.1.77'), 'next-hop-not-found')).toHaveLength(1);
		expect(await lintYaml(r('10.0.1.11'))).toEqual([]);
	});
	it('missing-gateway: an endpoint with a router on its LAN but no default route', async () => {
		const d = await only(edit(LAN, ['eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.11/24 }']), 'missing-gateway');
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/gateway: 10\.0\.1\.1/);
	});
	it('duplicate-route (gateway counts as 0.0.0.0/0 metric 0)', async () => {
		const text = edit(LAN, ['eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }\n', 'eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }\n    routes:\n      - { to: 0.0.0.0/0, via: 10.0.1.11 }\n      - { to: 0.0.0.0/0, via: 10.0.1.10, metric: 10 }\n']);
		const d = await only(text, 'duplicate-route');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('nodes.r1.routes[0]');
	});
	it('route-host-bits and route-shadowed-by-connected', async () => {
		const text = edit(LAN, ['eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }\n', 'eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }\n    routes:\n      - { to: 172.16.5.1/16, via: 10.0.1.11 }\n      - { to: 10.0.1.0/24, via: 10.0.1.11 }\n']);
		expect(await only(text, 'route-host-bits', { raw: true })).toHaveLength(1); // the loader rejects it too
		expect(await only(text.replace('172.16.5.1/16', '172.16.0.0/16'), 'route-shadowed-by-connected')).toHaveLength(1);
	});
});

const TRUNK = `${HEADER}nodes:
  a10: { kind: host, interfaces: { eth0: { ip: 10.3.10.1/24 } } }
  b10: { kind: host, interfaces: { eth0: { ip: 10.3.10.2/24 } } }
  a30: { kind: host, interfaces: { eth0: { ip: 10.3.30.1/24 } } }
  b30: { kind: host, interfaces: { eth0: { ip: 10.3.30.2/24 } } }
  sw1:
    kind: switch
    interfaces:
      p1: { vlan: 10 }
      p4: { vlan: 30 }
      p24: { trunk: [10, 20], native: 99 }
  sw2:
    kind: switch
    interfaces:
      p1: { vlan: 10 }
      p4: { vlan: 30 }
      p24: { trunk: "10-20", native: 99 }
links:
  - { a: a10.eth0, b: sw1.p1 }
  - { a: a30.eth0, b: sw1.p4 }
  - { a: b10.eth0, b: sw2.p1 }
  - { a: b30.eth0, b: sw2.p4 }
  - { a: sw1.p24, b: sw2.p24 }
`;

describe('lint: VLANs and loops', () => {
	it('vlan-not-carried between two switches', async () => {
		const d = await only(TRUNK, 'vlan-not-carried');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('links[4]');
		expect(d[0].message).toMatch(/VLAN 30/);
		const ok = TRUNK.replace('trunk: [10, 20]', 'trunk: [10, 20, 30]').replace('trunk: "10-20"', 'trunk: "10-30"');
		expect(await lintYaml(ok)).toEqual([]);
	});
	it('vlan-not-carried across an intermediate switch', async () => {
		const text = TRUNK.replace('  - { a: sw1.p24, b: sw2.p24 }\n', '  - { a: sw1.p24, b: sw3.p1 }\n  - { a: sw3.p2, b: sw2.p24 }\n').replace(
			'links:',
			'  sw3:\n    kind: switch\n    interfaces:\n      p1: { trunk: [10, 20, 30], native: 99 }\n      p2: { trunk: [10, 20], native: 99 }\nlinks:'
		).replace('trunk: [10, 20], native: 99 }\n  sw2', 'trunk: [10, 20, 30], native: 99 }\n  sw2');
		const d = await only(text, 'vlan-not-carried');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('links[5]');
	});
	it('vlan-not-carried: a router subinterface on a trunk without its VLAN', async () => {
		const text = `${HEADER}nodes:
  r1:
    kind: router
    interfaces:
      eth0.10: { ip: 10.0.10.1/24 }
      eth0.30: { ip: 10.0.30.1/24 }
  h: { kind: host, interfaces: { eth0: { ip: 10.0.10.5/24, gateway: 10.0.10.1 } } }
  sw1:
    kind: switch
    interfaces:
      p1: { vlan: 10 }
      p24: { trunk: [10, 20] }
links:
  - { a: h.eth0, b: sw1.p1 }
  - { a: r1.eth0, b: sw1.p24 }
`;
		const d = await only(text, 'vlan-not-carried');
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/VLAN 30/);
		expect(await only(text.replace('trunk: [10, 20]', 'trunk: [10, 20, 30]'), 'vlan-not-carried')).toEqual([]);
	});
	it('untagged-on-trunk', async () => {
		const text = TRUNK.replace('  - { a: a10.eth0, b: sw1.p1 }', '  - { a: a10.eth0, b: sw1.p1 }\n  - { a: x.eth0, b: sw1.p9 }').replace(
			'  sw1:',
			'  x: { kind: host, interfaces: { eth0: { ip: 10.3.10.9/24 } } }\n  sw1:'
		).replace('      p4: { vlan: 30 }\n      p24: { trunk: [10, 20], native: 99 }', '      p4: { vlan: 30 }\n      p9: { trunk: [10] }\n      p24: { trunk: [10, 20], native: 99 }');
		expect(await only(text, 'untagged-on-trunk')).toHaveLength(1);
	});
	it('native-vlan-mismatch', async () => {
		const text = TRUNK.replace('trunk: "10-20", native: 99', 'trunk: "10-20", native: 1');
		const d = await only(text, 'native-vlan-mismatch');
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/VLAN 99.*VLAN 1/);
	});
	it('l2-loop: a triangle of switches', async () => {
		const tri = `${HEADER}nodes:
  h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  h2: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }
  s1: { kind: switch }
  s2: { kind: switch }
  s3: { kind: switch }
links:
  - { a: h1.eth0, b: s1.p1 }
  - { a: h2.eth0, b: s2.p1 }
  - { a: s1.p2, b: s2.p2 }
  - { a: s2.p3, b: s3.p1 }
  - { a: s3.p2, b: s1.p3 }
`;
		const d = await only(tri, 'l2-loop');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('links[4]');
		expect(d[0].message).toMatch(/s1.*s2.*s3|s3.*s2.*s1/);
		// An admin-down link breaks the loop.
		expect(await only(tri.replace('{ a: s3.p2, b: s1.p3 }', '{ a: s3.p2, b: s1.p3, down: true }'), 'l2-loop')).toEqual([]);
		// Managed by a secure SDN controller: not a storm.
		const sdn = tri.replace('links:', '  c1: { kind: sdn-controller, manages: [s1, s2, s3], fail-mode: secure }\nlinks:');
		expect(await lintYaml(sdn)).toEqual([]);
		const standalone = tri.replace('links:', '  c1: { kind: sdn-controller, manages: [s1, s2, s3] }\nlinks:');
		expect(await rules(standalone)).toEqual(['sdn-standalone-loop']);
	});
	it('l2-loop: two parallel links in different VLANs are no loop; an active-backup bond is none either', async () => {
		const two = `${HEADER}nodes:
  s1:
    kind: switch
    interfaces:
      p1: { vlan: 10 }
      p2: { vlan: 20 }
      p3: { vlan: 10 }
  s2:
    kind: switch
    interfaces:
      p1: { vlan: 10 }
      p2: { vlan: 20 }
      p3: { vlan: 20 }
  h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
links:
  - { a: s1.p1, b: s2.p1 }
  - { a: s1.p2, b: s2.p2 }
  - { a: h1.eth0, b: s1.p3 }
`;
		expect(await only(two, 'l2-loop')).toEqual([]);
		const loop = two.replace('p2: { vlan: 20 }\n      p3: { vlan: 10 }', 'p2: { vlan: 10 }\n      p3: { vlan: 10 }').replace('p2: { vlan: 20 }\n      p3: { vlan: 20 }', 'p2: { vlan: 10 }\n      p3: { vlan: 20 }');
		expect(await only(loop, 'l2-loop')).toHaveLength(1);
		// Switch ports do not bond in version 1 (the loader rejects it); lint treats such a bond as one port.
		const bond = `${HEADER}nodes:
  s1:
    kind: switch
    interfaces:
      po1: { bond: { members: [p1, p2] }, trunk: [10] }
  s2:
    kind: switch
    interfaces:
      po1: { bond: { members: [p1, p2] }, trunk: [10] }
links:
  - { a: s1.p1, b: s2.p1 }
  - { a: s1.p2, b: s2.p2 }
`;
		expect(await only(bond, 'l2-loop', { raw: true })).toEqual([]);
	});
});

describe('lint: hypervisors', () => {
	const HV = `${HEADER}nodes:
  hv1:
    kind: hypervisor
    vcpu: 4
    memory: 16GiB
    interfaces:
      eth0: { ip: 192.168.1.10/24 }
  vm1:
    kind: vm
    on: hv1
    vcpu: 8
    memory: 8GiB
    interfaces:
      eth0: { attach: nat, dhcp: true }
  vm2:
    kind: vm
    on: hv1
    vcpu: 8
    memory: 8GiB
    interfaces:
      eth0: { attach: nat, dhcp: true }
  pc: { kind: host, interfaces: { eth0: { ip: 192.168.1.20/24 } } }
links:
  - { a: hv1.eth0, b: pc.eth0 }
`;
	it('a fitting hypervisor is clean', async () => {
		expect(await lintYaml(HV)).toEqual([]);
	});
	it('hypervisor-overcommit: cpu beyond 4x, memory beyond 1x', async () => {
		const cpu = HV.replace('vcpu: 8\n    memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  vm2', 'vcpu: 9\n    memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  vm2');
		const d = await only(cpu, 'hypervisor-overcommit');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('nodes.hv1.vcpu');
		expect(d[0].message).toMatch(/17 vCPUs.*4 CPUs x overcommit 4 = 16/);
		const mem = HV.replace('memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  pc', 'memory: 9GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  pc');
		const m = await only(mem, 'hypervisor-overcommit');
		expect(m).toHaveLength(1);
		expect(m[0].path).toBe('nodes.hv1.memory');
		const ratio = mem.replace('memory: 16GiB\n', 'memory: 16GiB\n    overcommit: { memory: 1.5 }\n');
		expect(await only(ratio, 'hypervisor-overcommit')).toEqual([]);
	});
	it('on-unknown-node / on-not-hypervisor / attach-without-on', async () => {
		expect(await only(HV.replace('on: hv1\n    vcpu: 8\n    memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  vm2', 'on: hv9\n    vcpu: 8\n    memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  vm2'), 'on-unknown-node')).toHaveLength(1);
		expect(await only(HV.replace('on: hv1\n    vcpu: 8\n    memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  vm2', 'on: pc\n    vcpu: 8\n    memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  vm2'), 'on-not-hypervisor')).toHaveLength(1);
		const noOn = HV.replace('    on: hv1\n    vcpu: 8\n    memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, dhcp: true }\n  vm2', '    vcpu: 8\n    memory: 8GiB\n    interfaces:\n      eth0: { attach: nat, ip: 10.0.2.99/24 }\n  vm2');
		const d = await only(noOn, 'attach-without-on', { raw: true }); // the loader rejects it too
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('nodes.vm1.interfaces.eth0.attach');
	});
	it('attach-and-link', async () => {
		const text = HV.replace('  - { a: hv1.eth0, b: pc.eth0 }\n', '  - { a: hv1.eth0, b: pc.eth0 }\n  - { a: vm1.eth0, b: sw.p1 }\n').replace('  pc:', '  sw: { kind: switch }\n  pc:');
		expect(await only(text, 'attach-and-link')).toHaveLength(1);
	});
	it('uplink-unknown-interface', async () => {
		const text = HV.replace('eth0: { attach: nat, dhcp: true }\n  pc', 'eth0: { attach: bridged, uplink: eth5, ip: 192.168.1.40/24 }\n  pc');
		expect(await only(text, 'uplink-unknown-interface')).toHaveLength(1);
		expect(await only(text.replace('uplink: eth5, ', ''), 'uplink-unknown-interface')).toEqual([]);
	});
	it('ha-unknown-target and ha-capacity', async () => {
		const bad = HV.replace('    memory: 16GiB\n', '    memory: 16GiB\n    ha: { restart: 30s, to: pc }\n');
		expect(await only(bad, 'ha-unknown-target')).toHaveLength(1);
		const small = HV.replace('    memory: 16GiB\n', '    memory: 16GiB\n    ha: { restart: 30s, to: hv2 }\n').replace('  pc:', '  hv2:\n    kind: hypervisor\n    vcpu: 4\n    memory: 8GiB\n    interfaces:\n      eth0: { ip: 192.168.1.11/24 }\n  pc:').replace('  - { a: hv1.eth0, b: pc.eth0 }\n', '  - { a: hv1.eth0, b: sw.p1 }\n  - { a: hv2.eth0, b: sw.p2 }\n  - { a: pc.eth0, b: sw.p3 }\n').replace('links:', '  sw: { kind: switch }\nlinks:');
		const d = await only(small, 'ha-capacity');
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/16GiB > 8GiB/);
		expect(await only(small.replace('memory: 8GiB\n    interfaces:\n      eth0: { ip: 192.168.1.11/24 }', 'memory: 32GiB\n    interfaces:\n      eth0: { ip: 192.168.1.11/24 }'), 'ha-capacity')).toEqual([]);
	});
	it('interface-unconnected and node-isolated', async () => {
		const text = edit(LAN, ['  sw1:\n', '  lonely: { kind: host, interfaces: { eth0: { ip: 10.9.9.9/24 } } }\n  sw1:\n'], ['eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }\n', 'eth1: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }\n      eth2: { ip: 10.7.0.1/24 }\n']);
		const d = await lintYaml(text);
		expect(d.filter((x) => x.rule === 'node-isolated').map((x) => x.path)).toEqual(['nodes.lonely']);
		expect(d.filter((x) => x.rule === 'interface-unconnected').map((x) => x.path)).toEqual(['nodes.r1.interfaces.eth2']);
	});
});

describe('lint: rules, NAT, VRRP, load balancers, SDN', () => {
	const FW = `${HEADER}nodes:
  c: { kind: host, interfaces: { eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1 } } }
  s: { kind: host, interfaces: { eth0: { ip: 10.0.1.10/24, gateway: 10.0.1.1 } }, services: [tcp/80] }
  fw:
    kind: firewall
    interfaces:
      eth0: { ip: 10.0.0.1/24 }
      eth1: { ip: 10.0.1.1/24 }
    rules:
      - { action: allow, proto: tcp, to: s, port: 80, in: eth0 }
links:
  - { a: c.eth0, b: fw.eth0 }
  - { a: fw.eth1, b: s.eth0 }
`;
	it('a firewall with a rule is clean', async () => {
		expect(await lintYaml(FW)).toEqual([]);
	});
	it('firewall-no-rules', async () => {
		const d = await only(FW.replace('    rules:\n      - { action: allow, proto: tcp, to: s, port: 80, in: eth0 }\n', ''), 'firewall-no-rules');
		expect(d).toHaveLength(1);
		expect(d[0].message).toMatch(/forwards nothing/);
	});
	it('rule-unknown-interface and rule-unknown-node', async () => {
		const d = await lintYaml(FW.replace('in: eth0 }', 'in: eth9 }\n      - { action: allow, from: nosuch }'));
		expect(d.filter((x) => x.rule === 'rule-unknown-interface').map((x) => x.path)).toEqual(['nodes.fw.rules[0].in']);
		expect(d.filter((x) => x.rule === 'rule-unknown-node').map((x) => x.path)).toEqual(['nodes.fw.rules[1].from']);
	});
	it('rule-shadowed', async () => {
		const text = FW.replace(
			"      - { action: allow, proto: tcp, to: s, port: 80, in: eth0 }\n",
			'      - { action: deny, proto: tcp, from: 10.0.0.0/24, port: "1-1024" }\n      - { action: allow, proto: tcp, from: c, to: s, port: 80, in: eth0 }\n      - { action: allow, proto: udp, port: 53 }\n'
		);
		const d = await only(text, 'rule-shadowed');
		expect(d).toHaveLength(1);
		expect(d[0].path).toBe('nodes.fw.rules[1]');
		expect(await only(FW, 'rule-shadowed')).toEqual([]);
	});
	it('services-ignored on a router', async () => {
		// The loader rejects services on a firewall; lint guards documents built in memory.
		expect(await only(FW.replace('    rules:', '    services: [tcp/22]\n    rules:'), 'services-ignored', { raw: true })).toHaveLength(1);
	});
	const NAT = `${HEADER}nodes:
  web: { kind: host, interfaces: { eth0: { ip: 10.0.1.20/24, gateway: 10.0.1.1 } }, services: [tcp/80] }
  gw:
    kind: nat-gateway
    interfaces:
      lan: { ip: 10.0.1.1/24 }
      wan: { ip: 198.51.100.2/24, gateway: 198.51.100.1 }
    nat:
      masquerade: [wan]
      forwards:
        - { in: wan, proto: tcp, port: 8080, to: "10.0.1.20:80" }
        - { in: wan, proto: tcp, port: 8081, to: "web:80" }
  isp: { kind: internet, interfaces: { eth0: { ip: 198.51.100.1/24 } } }
links:
  - { a: web.eth0, b: gw.lan }
  - { a: gw.wan, b: isp.eth0 }
`;
	it('NAT: clean, then unknown interface, forward target and missing service', async () => {
		expect(await lintYaml(NAT)).toEqual([]);
		expect(await only(NAT.replace('masquerade: [wan]', 'masquerade: [wan0]'), 'nat-unknown-interface')).toHaveLength(1);
		expect(await only(NAT.replace('"10.0.1.20:80"', '"10.0.1.99:80"'), 'nat-forward-target')).toHaveLength(1);
		expect(await only(NAT.replace('"web:80"', '"www:80"'), 'nat-forward-target')).toHaveLength(1);
		expect(await only(NAT.replace('"web:80"', '"web:81"'), 'nat-forward-no-service')).toHaveLength(1);
		expect(await only(NAT.replace('      masquerade: [wan]\n', ''), 'nat-gateway-no-masquerade')).toHaveLength(1);
	});
	const VRRP = `${HEADER}nodes:
  r1:
    kind: router
    interfaces:
      eth0: { ip: 10.0.0.2/24, vrrp: { group: 1, vip: 10.0.0.1, priority: 200 } }
  r2:
    kind: router
    interfaces:
      eth0: { ip: 10.0.0.3/24, vrrp: { group: 1, vip: 10.0.0.1 } }
  sw: { kind: switch }
links:
  - { a: r1.eth0, b: sw.p1 }
  - { a: r2.eth0, b: sw.p2 }
`;
	it('vrrp-vip-outside-subnet, vrrp-no-peer, vrrp-group-conflict', async () => {
		expect(await lintYaml(VRRP)).toEqual([]);
		expect(await only(VRRP.replace('vip: 10.0.0.1, priority', 'vip: 10.0.5.1, priority'), 'vrrp-vip-outside-subnet')).toHaveLength(1);
		expect(await only(VRRP.replace('eth0: { ip: 10.0.0.3/24, vrrp: { group: 1, vip: 10.0.0.1 } }', 'eth0: { ip: 10.0.0.3/24 }'), 'vrrp-no-peer')).toHaveLength(1);
		expect(await only(VRRP.replace('vrrp: { group: 1, vip: 10.0.0.1 } }', 'vrrp: { group: 1, vip: 10.0.0.254 } }'), 'vrrp-group-conflict')).toHaveLength(1);
	});
	const LB = `${HEADER}nodes:
  lb:
    kind: load-balancer
    vip: 10.0.0.100
    port: 80
    pool: [w1:80, w2:80]
    interfaces:
      eth0: { ip: 10.0.0.2/24 }
  w1: { kind: host, interfaces: { eth0: { ip: 10.0.0.11/24 } }, services: [tcp/80] }
  w2: { kind: host, interfaces: { eth0: { ip: 10.0.0.12/24 } }, services: [tcp/80] }
  sw: { kind: switch }
links:
  - { a: lb.eth0, b: sw.p1 }
  - { a: w1.eth0, b: sw.p2 }
  - { a: w2.eth0, b: sw.p3 }
`;
	it('load-balancer: vip outside, unknown pool member, backend without the port', async () => {
		expect(await lintYaml(LB)).toEqual([]);
		expect(await only(LB.replace('vip: 10.0.0.100', 'vip: 10.9.0.100'), 'lb-vip-outside-subnet')).toHaveLength(1);
		// a vip the callers route to the load balancer's address needs no ARP: no warning
		const routed = LB.replace('vip: 10.0.0.100', 'vip: 10.9.0.100').replace('services: [tcp/80] }\n  w2', 'services: [tcp/80], routes: [ { to: 10.9.0.100/32, via: 10.0.0.2 } ] }\n  w2');
		expect(routed).toMatch(/via: 10.0.0.2/);
		expect(await only(routed, 'lb-vip-outside-subnet')).toHaveLength(0);
		expect(await only(LB.replace('pool: [w1:80, w2:80]', 'pool: [w1:80, w3:80]'), 'lb-pool-unknown-node')).toHaveLength(1);
		expect(await only(LB.replace('pool: [w1:80, w2:80]', 'pool: [w1:80, w2:8080]'), 'lb-pool-no-service')).toHaveLength(1);
		// A duplicate of the vip on the segment.
		expect(await only(LB.replace('eth0: { ip: 10.0.0.12/24 }', 'eth0: { ip: 10.0.0.100/24 }'), 'duplicate-ip')).toHaveLength(1);
	});
	it('sdn: manages a missing node, a non-switch, a switch with two controllers', async () => {
		const text = edit(LAN, ['  r1:\n', '  c1: { kind: sdn-controller, manages: [sw1, r1, swX] }\n  c2: { kind: sdn-controller, manages: [sw1] }\n  r1:\n']);
		const d = await lintYaml(text);
		expect(d.filter((x) => x.rule === 'sdn-manages-non-switch').map((x) => x.path)).toEqual(['nodes.c1.manages[1]']);
		expect(d.filter((x) => x.rule === 'sdn-unknown-node').map((x) => x.path)).toEqual(['nodes.c1.manages[2]']);
		expect(d.filter((x) => x.rule === 'sdn-multiple-controllers').map((x) => x.path)).toEqual(['nodes.c2.manages[0]']);
	});
	it('ospf-unknown-interface and bond-member-conflict', async () => {
		const text = edit(LAN, ['      eth0: { ip: 10.0.1.1/24 }\n', '      eth0: { ip: 10.0.1.1/24 }\n      eth3: { ip: 10.0.3.1/24 }\n      bond0: { bond: { members: [eth3, eth4] } }\n'], ['    kind: router\n', '    kind: router\n    ospf: { passive: [eth7] }\n']);
		const d = await lintYaml(text);
		expect(d.filter((x) => x.rule === 'ospf-unknown-interface')).toHaveLength(1);
		expect(d.filter((x) => x.rule === 'bond-member-conflict')).toHaveLength(1);
	});
});

describe('lint: checks and scenarios', () => {
	const S = `${LAN}scenarios:
  s1:
    duration: 10s
    traffic:
      - { name: v, from: pc1, to: pc2, port: 5000, rate: 100pps }
    events:
      - { at: 3s, fail: r1.eth0 }
      - { at: 5s, restore: r1.eth0 }
checks:
  - { from: pc1, to: pc2, expect: DELIVERED }
  - { from: pc1, to: 203.0.113.9, expect: EXITS_NETWORK }
  - { scenario: s1, flow: v, max-failover: 1s }
`;
	it('clean checks and scenarios', async () => {
		expect(await lintYaml(S)).toEqual([]);
	});
	it('check-unknown-node (error)', async () => {
		const d = await only(S.replace('{ from: pc1, to: pc2, expect', '{ from: nosuchnode, to: pc2, expect'), 'check-unknown-node');
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ severity: 'error', path: 'checks[0].from' });
		expect((await only(S.replace('to: 203.0.113.9', 'to: pc9'), 'check-unknown-node'))[0]?.path).toBe('checks[1].to');
	});
	it('check-unknown-scenario / check-unknown-flow (errors)', async () => {
		expect((await only(S.replace('{ scenario: s1, flow: v', '{ scenario: s2, flow: v'), 'check-unknown-scenario'))[0]?.severity).toBe('error');
		expect((await only(S.replace('{ scenario: s1, flow: v', '{ scenario: s1, flow: w'), 'check-unknown-flow'))[0]?.severity).toBe('error');
	});
	it('check-unaddressed-node', async () => {
		expect(await only(S.replace('{ from: pc1, to: pc2, expect', '{ from: sw1, to: pc2, expect'), 'check-unaddressed-node')).toHaveLength(1);
	});
	it('check-no-internet', async () => {
		const noNet = S.replace('  isp:\n    kind: internet\n', '  isp:\n    kind: host\n');
		expect(await only(noNet, 'check-no-internet')).toHaveLength(1);
	});
	it('check-goodput-cbr and check-failover-no-fault', async () => {
		expect(await only(S.replace('max-failover: 1s', 'min-goodput: 1Gbps'), 'check-goodput-cbr')).toHaveLength(1);
		const noFault = S.replace('      - { at: 3s, fail: r1.eth0 }\n      - { at: 5s, restore: r1.eth0 }\n', '      - { at: 3s, restore: r1.eth0 }\n');
		expect(await only(noFault, 'check-failover-no-fault')).toHaveLength(1);
		expect(await only(noFault, 'restore-without-fail')).toHaveLength(1);
	});
	it('traffic-unknown-node and event-unknown-target (errors)', async () => {
		expect((await only(S.replace('from: pc1, to: pc2, port: 5000', 'from: pc1, to: pc7, port: 5000'), 'traffic-unknown-node'))[0]?.path).toBe('scenarios.s1.traffic[0].to');
		const ev = await only(S.replace('fail: r1.eth0 }', 'fail: r1.eth9 }\n      - { at: 4s, fail: r7 }\n      - { at: 4s, fail: { link: pc1.eth5 } }'), 'event-unknown-target');
		expect(ev.map((x) => x.path)).toEqual(['scenarios.s1.events[0].fail', 'scenarios.s1.events[1].fail', 'scenarios.s1.events[2].fail.link']);
		expect(ev.every((x) => x.severity === 'error')).toBe(true);
		// A link named by one of its ends, and a switch port, are fine.
		expect(await lintYaml(S.replace('fail: r1.eth0 }', 'fail: { link: sw1.p3 } }\n      - { at: 4s, fail: sw1.p1 }').replace('restore: r1.eth0', 'restore: { link: r1.eth0 }'))).toEqual([]);
	});
	it('event-after-end', async () => {
		expect(await only(S.replace('{ at: 5s, restore', '{ at: 15s, restore'), 'event-after-end')).toHaveLength(1);
	});
});

describe('lint: hypervisor products (segments from the resolver)', () => {
	/** One LAN with a router, an ESXi host, a Hyper-V laptop and a Docker host on it. */
	const PRODUCTS = `${HEADER}nodes:
  esx1:
    kind: hypervisor
    product: esxi
    interfaces:
      vmnic0: { ip: 10.0.1.5/24, gateway: 10.0.1.1 }
    portgroups:
      VM-Network: { vlan: 0 }
      Web: { vlan: 10 }
      Trunk: { vlan: 4095 }
  mgmt-vm:
    kind: vm
    on: esx1
    interfaces:
      eth0: { attach: portgroup, network: VM-Network, ip: 10.0.1.50/24, gateway: 10.0.1.1 }
  web1:
    kind: vm
    on: esx1
    interfaces:
      eth0: { attach: portgroup, network: Web, ip: 10.0.10.11/24, gateway: 10.0.10.1 }
    services: [tcp/443]
  fw-vm:
    kind: vm
    on: esx1
    interfaces:
      eth0: { attach: portgroup, network: Trunk }
      eth0.10: { ip: 10.0.10.250/24 }
      eth0.20: { ip: 10.0.20.250/24 }
  win:
    kind: hypervisor
    product: hyper-v
    interfaces:
      eth0: { ip: 10.0.1.30/24, gateway: 10.0.1.1 }
    networks:
      LabNAT: { subnet: 192.168.50.0/24 }
    nat: { subnet: 192.168.50.0/24 }
  sql1:
    kind: vm
    on: win
    interfaces:
      eth0: { attach: internal, network: LabNAT, ip: 192.168.50.10/24, gateway: 192.168.50.1 }
  dock:
    kind: hypervisor
    product: docker
    interfaces:
      eth0: { ip: 10.0.1.40/24, gateway: 10.0.1.1 }
    services: [tcp/22]
  metrics:
    kind: container
    on: dock
    interfaces:
      eth0: { attach: host }
    services: [tcp/9100]
  api:
    kind: container
    on: dock
    interfaces:
      eth0: { attach: network, network: frontend }
  sw1:
    kind: switch
    interfaces:
      p1: { trunk: [10, 20], native: 1 }
      p2: { trunk: [10, 20], native: 1 }
  core:
    kind: router
    interfaces:
      eth0: { ip: 10.0.1.1/24 }
      eth0.10: { ip: 10.0.10.1/24 }
      eth0.20: { ip: 10.0.20.1/24 }
links:
  - { a: esx1.vmnic0, b: sw1.p1 }
  - { a: core.eth0, b: sw1.p2 }
  - { a: win.eth0, b: sw1.p3 }
  - { a: dock.eth0, b: sw1.p4 }
checks:
  - { from: core, to: metrics, proto: tcp, port: 9100, expect: DELIVERED }
  - { from: api, to: core, expect: DELIVERED }
`;
	it('port groups on VLANs, a VGT guest, a Hyper-V internal switch and docker host/network containers are clean', async () => {
		expect(await lintYaml(PRODUCTS)).toEqual([]);
	});
	it('the segments are the resolver’s: gateways on vSwitch VLANs and on the internal switch are found', async () => {
		// the same gateways, one address off: nobody answers
		const d = await lintYaml(edit(PRODUCTS, ['gateway: 10.0.10.1 }', 'gateway: 10.0.10.2 }'], ['gateway: 192.168.50.1 }', 'gateway: 192.168.50.2 }']));
		expect(d.filter((x) => x.rule === 'gateway-not-found').map((x) => x.path)).toEqual(['nodes.web1.interfaces.eth0.gateway', 'nodes.sql1.interfaces.eth0.gateway']);
	});
	it('a port group VLAN the physical trunk does not carry: vlan-not-carried on the uplink cable, and the gateway is not found', async () => {
		const text = edit(PRODUCTS, ['      p1: { trunk: [10, 20], native: 1 }', '      p1: { trunk: [20], native: 1 }']);
		const d = await lintYaml(text);
		const v = d.filter((x) => x.rule === 'vlan-not-carried');
		expect(v).toHaveLength(1);
		expect(v[0].path).toBe('links[0]');
		expect(v[0].message).toMatch(/port groups Trunk, Web tag VLAN 10 on esx1\.vmnic0, but sw1\.p1 does not carry VLAN 10.*fw-vm\.eth0\.10, web1\.eth0 are cut off/);
		expect(d.filter((x) => x.rule === 'gateway-not-found').map((x) => x.path)).toEqual(['nodes.web1.interfaces.eth0.gateway']);
	});
	it('a VGT guest subinterface whose VLAN reaches nothing is unconnected', async () => {
		const text = edit(PRODUCTS, ['      eth0.20: { ip: 10.0.20.250/24 }\n', '      eth0.20: { ip: 10.0.20.250/24 }\n      eth0.30: { ip: 10.0.30.250/24 }\n']);
		expect((await only(text, 'interface-unconnected')).map((x) => x.path)).toEqual(['nodes.fw-vm.interfaces.eth0.30']);
	});
	it('a probe to a container without any address still warns', async () => {
		const text = edit(PRODUCTS, ['      eth0: { attach: host }', '      eth0: { attach: none }']);
		expect((await only(text, 'check-unaddressed-node')).map((x) => x.path)).toEqual(['checks[0].to']);
	});
	it('user-mode NAT: each VirtualBox NAT adapter has its own engine; a static address outside it is a subnet mismatch', async () => {
		const VB = `${HEADER}nodes:
  vbox:
    kind: hypervisor
    product: virtualbox
    interfaces:
      eth0: { ip: 192.168.1.10/24 }
  web1:
    kind: vm
    on: vbox
    interfaces:
      eth0: { attach: nat, dhcp: true }
  web2:
    kind: vm
    on: vbox
    interfaces:
      eth0: { attach: nat, ip: 10.0.2.15/24, gateway: 10.0.2.2 }
  pc: { kind: host, interfaces: { eth0: { ip: 192.168.1.20/24 } } }
links:
  - { a: vbox.eth0, b: pc.eth0 }
`;
		// two guests at 10.0.2.15 on separate NAT engines: no duplicate, no overlap on vbox
		expect(await lintYaml(VB)).toEqual([]);
		const d = await lintYaml(edit(VB, ['ip: 10.0.2.15/24, gateway: 10.0.2.2', 'ip: 10.0.3.15/24, gateway: 10.0.3.2']));
		const m = d.filter((x) => x.rule === 'segment-subnet-mismatch');
		expect(m).toHaveLength(1);
		expect(m[0].path).toBe('nodes.web2.interfaces.eth0.ip');
		expect(m[0].message).toMatch(/VirtualBox NAT engine \(vbox\)/);
		expect(d.some((x) => x.rule === 'gateway-not-found' && x.path === 'nodes.web2.interfaces.eth0.gateway')).toBe(true);
	});
	it('a product document the resolver cannot take still lints (errors, no crash)', async () => {
		const text = edit(PRODUCTS, ['  - { a: dock.eth0, b: sw1.p4 }\n', '  - { a: dock.eth0, b: sw1.p4 }\n  - { a: ghost.eth0, b: sw1.p9 }\n  - { b: sw1.p10 }\n']);
		const { topology } = await load(text, 'test.vnet.yaml', { raw: true });
		expect(() => resolveTopology(topology)).toThrow(); // so lint falls back to its own attachment rules
		const d = await lintYaml(text, 'test.vnet.yaml', { raw: true });
		expect(d.filter((x) => x.severity === 'error').map((x) => x.rule)).toEqual(['link-unknown-node']);
	});
});

describe('lint: missing-gateway on multi-homed endpoints', () => {
	it('an endpoint with addresses in two subnets sits in both on purpose: not flagged', async () => {
		const text = edit(LAN, ['eth0: { ip: 10.0.1.11/24, gateway: 10.0.1.1 }', 'eth0: { ip: 10.0.1.11/24 }\n      eth1: { ip: 10.0.9.11/24 }'], ['  - { a: r1.eth1, b: isp.eth0 }\n', '  - { a: r1.eth1, b: isp.eth0 }\n  - { a: pc2.eth1, b: sw1.p9 }\n']);
		expect(await only(text, 'missing-gateway')).toEqual([]);
	});
});
