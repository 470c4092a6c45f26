/**
 * The format rules of topology-format.md that make a file "not valid version 1",
 * one case each: a snippet of nodes/links/checks, and the message expected at a path.
 */
import { describe, it, expect } from 'vitest';
import { stringify } from 'yaml';
import { loadTopology } from '../../src/lib/model/load';
import { PRODUCTS } from '../../src/lib/model/schema';

type Doc = Record<string, unknown>;

function load(doc: Doc) {
	return loadTopology(stringify({ vnet: 1, name: 't', nodes: {}, ...doc }), 't.vnet.yaml');
}

/** path -> message of every error */
function problems(doc: Doc): Record<string, string> {
	const result = load(doc);
	if (result.ok) return {};
	return Object.fromEntries(result.errors.map((e) => [e.path, e.message]));
}

function valid(doc: Doc) {
	const result = load(doc);
	expect(result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([]);
	return result.ok ? result.topology : undefined!;
}

const host = (extra: Doc = {}) => ({ kind: 'host', ...extra });

describe('ids and names', () => {
	it('takes node ids by the spec pattern, and `any` is reserved', () => {
		valid({ nodes: { a: host(), 'Web_1-x': host(), ['n' + 'x'.repeat(62)]: host() } });
		expect(problems({ nodes: { '1a': host() } })['nodes["1a"]']).toMatch(/is not a valid node id/);
		expect(problems({ nodes: { ['n' + 'x'.repeat(63)]: host() } })).not.toEqual({});
		expect(problems({ nodes: { any: host() } })['nodes.any']).toMatch(/`any` is reserved/);
		expect(problems({ nodes: { 'a.b': host() } })).not.toEqual({});
	});

	it('takes interface names of at most 15 characters with an optional VLAN suffix 1–4094', () => {
		valid({ nodes: { r: { kind: 'router', interfaces: { eth0: {}, 'eth0.10': {}, abcdefghijk: {}, 'abcdefghijk.123': {}, 'abcdefghi.4094': {} } } } });
		const p = problems({ nodes: { r: { kind: 'router', interfaces: { 'abcdefghijk.1234': {}, 'eth0.0': {}, 'eth0.4095': {}, 'eth-0': {} } } } });
		expect(p['nodes.r.interfaces.abcdefghijk.1234']).toMatch(/longer than 15 characters/);
		expect(p['nodes.r.interfaces.eth0.0']).toMatch(/VLAN must be 1–4094/);
		expect(p['nodes.r.interfaces.eth0.4095']).toMatch(/VLAN must be 1–4094/);
		expect(p['nodes.r.interfaces.eth-0']).toMatch(/not a valid interface name/);
	});
});

describe('interfaces', () => {
	it('validates addresses with ip-num', () => {
		const p = problems({
			nodes: {
				h: host({ interfaces: { eth0: { ip: '10.0.0.300/24' }, eth1: { ip: '10.0.0.1' }, eth2: { ip: '10.0.0.1/33' }, eth3: { gateway: '10.0.0.1/24' } } })
			}
		});
		expect(p['nodes.h.interfaces.eth0.ip']).toBe('"10.0.0.300/24" is not an IPv4 prefix');
		expect(p['nodes.h.interfaces.eth1.ip']).toBe('"10.0.0.1" is not an IPv4 prefix: add the prefix length, like 10.0.1.10/24');
		expect(p['nodes.h.interfaces.eth2.ip']).toBe('"10.0.0.1/33" is not an IPv4 prefix');
		expect(p['nodes.h.interfaces.eth3.gateway']).toBe('"10.0.0.1/24" is not an IPv4 address (no prefix length here)');
	});

	it('checks mtu range 68–9216 and MAC syntax', () => {
		const p = problems({ nodes: { h: host({ interfaces: { eth0: { mtu: 67 }, eth1: { mtu: 9217 }, eth2: { mac: '02:00:00:00:00' } } }) } });
		expect(p['nodes.h.interfaces.eth0.mtu']).toBe('mtu must be a whole number 68–9216, got 67');
		expect(p['nodes.h.interfaces.eth1.mtu']).toBe('mtu must be a whole number 68–9216, got 9217');
		expect(p['nodes.h.interfaces.eth2.mac']).toMatch(/is not a MAC address/);
	});

	it('allows dhcp: true only on a NAT-attached guest interface', () => {
		valid({ nodes: { hv: { kind: 'hypervisor' }, vm: { kind: 'vm', on: 'hv', interfaces: { eth0: { attach: 'nat', dhcp: true } } } } });
		const p = problems({
			nodes: {
				hv: { kind: 'hypervisor' },
				h: host({ interfaces: { eth0: { dhcp: true } } }),
				vm: { kind: 'vm', on: 'hv', interfaces: { eth0: { attach: 'bridged', dhcp: true }, eth1: { attach: 'nat', dhcp: true, ip: '10.0.2.9/24' } } }
			}
		});
		expect(p['nodes.h.interfaces.eth0.dhcp']).toMatch(/^`dhcp: true` is only for a vm or container interface with `attach: nat`/);
		expect(p['nodes.vm.interfaces.eth0.dhcp']).toMatch(/^`dhcp: true` is only for/);
		expect(p['nodes.vm.interfaces.eth1.dhcp']).toBe('an interface takes either `ip` or `dhcp: true`, not both');
	});

	it('needs `on:` for attach, `network` with internal, `uplink` with bridged', () => {
		const p = problems({
			nodes: {
				hv: { kind: 'hypervisor' },
				a: { kind: 'vm', interfaces: { eth0: { attach: 'nat' } } },
				b: { kind: 'container', on: 'hv', interfaces: { eth0: { attach: 'internal' }, eth1: { attach: 'nat', network: 'x' }, eth2: { attach: 'nat', uplink: 'eth0' } } }
			}
		});
		expect(p['nodes.a.interfaces.eth0.attach']).toBe('`attach` needs the node to run on a hypervisor: add `on: <hypervisor>`');
		expect(p['nodes.b.interfaces.eth0.attach']).toMatch(/`attach: internal` needs `network: <name>`/);
		expect(p['nodes.b.interfaces.eth1.network']).toMatch(/^`network` is only for `attach: internal`, /);
		expect(p['nodes.b.interfaces.eth2.uplink']).toMatch(/^`uplink` is only for `attach: bridged`, /);
	});

	it('keeps switch-port, guest and router fields on their kinds', () => {
		const p = problems({
			nodes: {
				h: host({ interfaces: { eth0: { vlan: 10, vrrp: { group: 1, vip: '10.0.0.1' } } } }),
				sw: { kind: 'switch', interfaces: { p1: { ip: '10.0.0.1/24' } } },
				r: { kind: 'router', interfaces: { eth0: { attach: 'nat' } } }
			}
		});
		expect(p['nodes.h.interfaces.eth0.vlan']).toMatch(/^unknown field `vlan`: only switch ports have it/);
		expect(p['nodes.h.interfaces.eth0.vrrp']).toMatch(/only router, firewall and nat-gateway interfaces have it/);
		expect(p['nodes.sw.interfaces.p1.ip']).toBe('unknown field `ip`: switch ports have no address');
		expect(p['nodes.r.interfaces.eth0.attach']).toMatch(/only vm and container interfaces have it/);
	});

	it('validates VLAN ports: ranges, access vs trunk, native needs trunk, no subinterfaces', () => {
		const p = problems({
			nodes: {
				sw: {
					kind: 'switch',
					interfaces: { p1: { vlan: 4095 }, p2: { trunk: [1, '30-20'] }, p3: { vlan: 10, trunk: [20] }, p4: { native: 5 }, p6: { trunk: true } }
				},
				sw2: { kind: 'switch', interfaces: { 'p5.10': {} } }
			}
		});
		expect(p['nodes.sw.interfaces.p1.vlan']).toBe('a VLAN id must be a whole number 1–4094, got 4095');
		expect(p['nodes.sw.interfaces.p2.trunk']).toBe('"30-20" is not a VLAN range from low to high within 1–4094');
		expect(p['nodes.sw.interfaces.p3.trunk']).toMatch(/either an access port/);
		expect(p['nodes.sw.interfaces.p4.native']).toBe('`native` is for trunk ports: add `trunk`');
		expect(p['nodes.sw2.interfaces.p5.10']).toBe('switch ports have no subinterfaces: carry VLANs with `trunk`');
		expect(p['nodes.sw.interfaces.p6.trunk']).toBe('expected a VLAN id, a range like "10-20", or a list of these, got true');
	});

	it("limits a subinterface's mtu to its parent's", () => {
		valid({ nodes: { r: { kind: 'router', interfaces: { eth0: { mtu: 9000 }, 'eth0.10': { mtu: 9000 } } } } });
		const p = problems({ nodes: { r: { kind: 'router', interfaces: { 'eth0.10': { mtu: 9000 } } } } });
		expect(p['nodes.r.interfaces.eth0.10.mtu']).toBe("a subinterface's mtu may not exceed its parent's (eth0: 1500)");
	});

	it('validates bond and vrrp blocks', () => {
		const t = valid({ nodes: { r: { kind: 'router', interfaces: { bond0: { bond: { members: ['eth0', 'eth1'] } }, eth2: { vrrp: { group: 1, vip: '10.0.0.1', advert: '1s' } } } } } });
		expect(t.nodes.r.interfaces!.bond0.bond).toEqual({ members: ['eth0', 'eth1'], mode: 'active-backup' });
		expect(t.nodes.r.interfaces!.eth2.vrrp).toEqual({ group: 1, vip: '10.0.0.1', advert: 1e9 });
		const p = problems({ nodes: { r: { kind: 'router', interfaces: { b: { bond: { members: [], mode: 'lacp' } }, v: { vrrp: { vip: '10.0.0.1', advert: '0s' } } } } } });
		expect(p['nodes.r.interfaces.b.bond.members']).toBe('a bond needs at least one member');
		expect(p['nodes.r.interfaces.b.bond.mode']).toBe('expected active-backup, got "lacp"');
		expect(p['nodes.r.interfaces.v.vrrp']).toBe('missing required field `group`');
		expect(p['nodes.r.interfaces.v.vrrp.advert']).toBe('must be longer than 0');
	});
});

describe('routes and rules', () => {
	it('needs via or blackhole, and a network prefix', () => {
		const p = problems({
			nodes: { r: { kind: 'router', routes: [{ to: '10.0.0.0/8' }, { to: '10.0.0.0/8', via: '1.1.1.1', blackhole: true }, { to: '10.0.0.1/8', via: '1.1.1.1' }] } }
		});
		expect(p['nodes.r.routes[0]']).toBe('a route needs `via: <next hop>` or `blackhole: true`');
		expect(p['nodes.r.routes[1].via']).toBe('a blackhole route has no `via`');
		expect(p['nodes.r.routes[2].to']).toBe('"10.0.0.1/8" has host bits set: the network is 10.0.0.0/8');
	});

	it('requires action; port and sport need tcp or udp; direction only on endpoints', () => {
		valid({ nodes: { h: host({ rules: [{ action: 'deny', direction: 'out', proto: 'tcp', port: 25 }] }) } });
		const p = problems({
			nodes: {
				h: host({ rules: [{ proto: 'tcp' }, { action: 'allow', port: 80 }, { action: 'deny', proto: 'icmp', sport: '1-2' }] }),
				fw: { kind: 'firewall', rules: [{ action: 'allow', direction: 'in' }], policy: 'reject' }
			}
		});
		expect(p['nodes.h.rules[0]']).toBe('missing required field `action`');
		expect(p['nodes.h.rules[1].port']).toBe('`port` needs `proto: tcp` or `proto: udp`');
		expect(p['nodes.h.rules[2].sport']).toBe('`sport` needs `proto: tcp` or `proto: udp`');
		expect(p['nodes.fw.rules[0].direction']).toMatch(/only endpoints .* have `direction`/);
		expect(p['nodes.fw.policy']).toBe('expected one of allow, deny; got "reject"');
	});

	it('takes any, node ids, addresses and prefixes in from/to, and port ranges', () => {
		const t = valid({
			nodes: { fw: { kind: 'firewall', rules: [{ action: 'allow', proto: 'udp', from: 'any', to: '10.0.0.0/24', port: '8000-8100' }, { action: 'deny', from: 'web1', to: '10.1.2.3' }] } }
		});
		expect(t.nodes.fw.rules![0].port).toEqual({ from: 8000, to: 8100 });
		const p = problems({ nodes: { fw: { kind: 'firewall', rules: [{ action: 'allow', from: '10.0.0.256', proto: 'tcp', port: '100-50' }] } } });
		expect(p['nodes.fw.rules[0].from']).toMatch(/is not `any`, a node id, an IPv4 address or an IPv4 prefix/);
		expect(p['nodes.fw.rules[0].port']).toBe('"100-50" is not a port range from low to high within 1–65535');
	});

	it('parses services', () => {
		const p = problems({ nodes: { h: host({ services: ['tcp/80', 'icmp/1', 'udp/70000', 80] }) } });
		expect(p['nodes.h.services[1]']).toBe('"icmp/1" is not a service like "tcp/80" or "udp/53"');
		expect(p['nodes.h.services[2]']).toBe('"udp/70000": a port must be 1–65535');
		expect(p['nodes.h.services[3]']).toBe('expected a service like "tcp/80", got 80');
	});
});

describe('kinds', () => {
	it('accepts every kind and rejects others with a suggestion', () => {
		const kinds = ['host', 'vm', 'container', 'hypervisor', 'switch', 'router', 'firewall', 'nat-gateway', 'load-balancer', 'sdn-controller', 'internet'];
		valid({ nodes: Object.fromEntries(kinds.map((kind, i) => [`n${i}`, { kind }])) });
		expect(problems({ nodes: { x: { kind: 'nat_gateway' } } })['nodes.x.kind']).toMatch(/did you mean `nat-gateway`/);
	});

	it('validates nat blocks per kind', () => {
		valid({
			nodes: {
				gw: { kind: 'nat-gateway', nat: { masquerade: ['wan'], forwards: [{ in: 'wan', proto: 'tcp', port: 8080, to: '10.0.1.10:80' }] } },
				hv: { kind: 'hypervisor', nat: { subnet: '10.0.2.0/24', forwards: [{ proto: 'tcp', port: 2222, to: 'web1:22' }] } }
			}
		});
		const p = problems({
			nodes: {
				gw: { kind: 'nat-gateway', nat: { subnet: '10.0.2.0/24', forwards: [{ proto: 'icmp', port: 1, to: 'web1' }] } },
				hv: { kind: 'hypervisor', nat: { masquerade: ['eth0'], forwards: [{ in: 'eth0', proto: 'tcp', port: 22, to: '10.0.2.300:22' }] } },
				r: { kind: 'router', nat: {} }
			}
		});
		expect(p['nodes.gw.nat.subnet']).toBe('unknown field `subnet`: only a hypervisor NAT network has a `subnet`');
		expect(p['nodes.gw.nat.forwards[0]']).toBe('missing required field `in`');
		expect(p['nodes.gw.nat.forwards[0].proto']).toBe('expected one of tcp, udp; got "icmp"');
		expect(p['nodes.gw.nat.forwards[0].to']).toMatch(/is not "<node or address>:<port>"/);
		expect(p['nodes.hv.nat.masquerade']).toMatch(/a hypervisor always masquerades/);
		expect(p['nodes.hv.nat.forwards[0].in']).toMatch(/applies to every address of the hypervisor/);
		expect(p['nodes.hv.nat.forwards[0].to']).toBe('"10.0.2.300" is not an IPv4 address');
		expect(p['nodes.r.nat']).toBe('unknown field `nat`: a router has no `nat` (hypervisor and nat-gateway nodes do)');
	});

	it('validates load-balancer, sdn-controller, ospf and hypervisor blocks', () => {
		const t = valid({
			nodes: {
				lb: { kind: 'load-balancer', vip: '10.0.1.100', pool: ['web1:80'], port: 80, health: { interval: '2s', fall: 3, rise: 2 }, snat: false },
				c: { kind: 'sdn-controller', manages: ['sw1'], mode: 'reactive', 'fail-mode': 'secure', 'fast-failover': true, channel: '1ms', delay: '50us' },
				r: { kind: 'router', ospf: { hello: '10s', dead: '40s', bfd: { interval: '50ms', multiplier: 3 }, 'spf-delay': '50ms', passive: ['eth0'] }, interfaces: { eth0: { cost: 5 } } },
				hv: { kind: 'hypervisor', vcpu: 16, memory: '64GiB', overcommit: { cpu: 4, memory: 1 }, ha: { restart: '30s', to: 'hv2' }, product: 'virtualbox' }
			}
		});
		expect(t.nodes.c.channel).toBe(1e6);
		expect(t.nodes.r.ospf!.bfd).toEqual({ interval: 50e6, multiplier: 3 });
		expect(t.nodes.hv.memory).toBe(64 * 2 ** 30);
		const p = problems({
			nodes: {
				lb: { kind: 'load-balancer', pool: ['web1'], health: { fall: 0 } },
				c: { kind: 'sdn-controller', mode: 'passive' },
				hv: { kind: 'hypervisor', product: 'virtualbx', ha: { restart: '30s' } }
			}
		});
		expect(p['nodes.lb.pool[0]']).toMatch(/is not "<node or address>:<port>"/);
		expect(p['nodes.lb.health.fall']).toBe('fall must be a whole number ≥ 1, got 0');
		expect(p['nodes.c.mode']).toBe('expected one of proactive, reactive; got "passive"');
		expect(p['nodes.hv.product']).toMatch(/got "virtualbx" \(did you mean `virtualbox`\?\)/);
		expect(p['nodes.hv.ha']).toBe('missing required field `to`');
	});

	it("checks guests' attach modes against their hypervisor's product", () => {
		valid({ nodes: { hv: { kind: 'hypervisor', product: 'libvirt' }, vm: { kind: 'vm', on: 'hv', interfaces: { eth0: { attach: 'nat' } } } } });
		const p = problems({ nodes: { hv: { kind: 'hypervisor', product: 'qemu' }, vm: { kind: 'vm', on: 'hv', interfaces: { eth0: { attach: 'host-only' } } } } });
		expect(p['nodes.vm.interfaces.eth0.attach']).toBe(`"host-only" is not a QEMU mode; QEMU has ${PRODUCTS.qemu.modes.map((m) => m.mode).join(', ')}`);
		const q = problems({ nodes: { vm: { kind: 'vm', on: 'hv', interfaces: { eth0: { attach: 'nat-network' } } } } });
		expect(q['nodes.vm.interfaces.eth0.attach']).toMatch(/^"nat-network" is not a mode of a generic hypervisor; a generic hypervisor has bridged, nat, host-only, internal \("nat-network" is a mode of virtualbox/);
	});
});

describe('links', () => {
	it('validates ends, units and ranges', () => {
		const t = valid({ links: [{ a: 'h1.eth0', b: 'sw1.p1', latency: '0.2ms', bandwidth: '10Gbps', loss: 0, down: false, queue: 1000 }] });
		expect(t.links[0]).toEqual({ a: 'h1.eth0', b: 'sw1.p1', latency: 200_000, bandwidth: 1e10, loss: 0, down: false, queue: 1000 });
		const p = problems({ links: [{ a: 'h1.eth0.10', b: 'sw1', latency: '-1ms', bandwidth: '0Gbps', loss: 1.5, queue: 0 }, { a: 'x.eth0' }] });
		expect(p['links[0].a']).toMatch(/links attach to the parent interface: write "h1.eth0"/);
		expect(p['links[0].b']).toMatch(/is not an interface as "node.interface"/);
		expect(p['links[0].latency']).toMatch(/expected a duration/);
		expect(p['links[0].bandwidth']).toBe('must be more than 0bps');
		expect(p['links[0].loss']).toBe('loss (a fraction) must be a number from 0 to 1, got 1.5');
		expect(p['links[0].queue']).toBe('a queue length in frames must be a whole number ≥ 1, got 0');
		expect(p['links[1]']).toBe('missing required field `b`');
	});
});

describe('scenarios and checks', () => {
	it('validates traffic: rate for cbr, window for bulk, port unless icmp, unique names', () => {
		const p = problems({
			scenarios: {
				s: {
					duration: '10s',
					traffic: [
						{ name: 'a', from: 'h1', to: 'h2', port: 1 },
						{ name: 'b', from: 'h1', to: 'h2', kind: 'bulk', rate: '10pps' },
						{ name: 'c', from: 'h1', to: '10.0.0.1', rate: '10pps', port: 5, window: '4MiB' }
					]
				},
				t: { duration: '1s', traffic: [{ name: 'a', from: 'h1', to: 'h2', port: 1, rate: '1pps' }, { name: 'a', from: 'h1', to: 'h2', port: 1, rate: '1pps' }] },
				u: { traffic: [] }
			}
		});
		expect(p['scenarios.s.traffic[0]']).toBe('a cbr flow needs `rate`, like 1000pps');
		expect(p['scenarios.s.traffic[1]']).toBe('missing required field `port`');
		expect(p['scenarios.s.traffic[1].rate']).toMatch(/^`rate` is for cbr flows/);
		expect(p['scenarios.s.traffic[2].window']).toBe('`window` is for bulk flows (`kind: bulk`)');
		expect(p['scenarios.t.traffic[1].name']).toBe('flow name "a" is used twice in this scenario');
		expect(p['scenarios.u']).toBe('missing required field `duration`');
	});

	it('validates events: exactly one of fail or restore, three kinds of target', () => {
		const t = valid({ scenarios: { s: { duration: '1s', events: [{ at: '0s', fail: 'r1' }, { at: '1ms', fail: 'r1.eth1' }, { at: '2s', restore: { link: 'r1.eth1' } }] } } });
		expect(t.scenarios.s.events!.map((e) => e.at)).toEqual([0, 1e6, 2e9]);
		const p = problems({ scenarios: { s: { duration: '1s', events: [{ at: '1s', fail: 'r1', restore: 'r1' }, { at: '1s', fail: { link: 'r1' } }, { at: '1s', fail: '1r' }] } } });
		expect(p['scenarios.s.events[0]']).toBe('an event takes exactly one of `fail` or `restore`');
		expect(p['scenarios.s.events[1].fail.link']).toMatch(/is not an interface as "node.interface"/);
		expect(p['scenarios.s.events[2].fail']).toMatch(/is not a node id or an interface/);
	});

	it('requires port for tcp and udp probes, and none for icmp', () => {
		valid({ checks: [{ from: 'a', to: 'b', expect: 'DELIVERED' }, { from: 'a', to: '8.8.8.8', proto: 'udp', port: 53, expect: 'EXITS_NETWORK', 'seen-source': '1.2.3.4', hops: ['10.0.0.1', null, '8.8.8.8'] }] });
		const p = problems({
			checks: [
				{ from: 'a', to: 'b', proto: 'udp', expect: 'DELIVERED' },
				{ from: 'a', to: 'b', port: 80, expect: 'DELIVERED' },
				{ from: 'a', to: 'b', expect: 'OK' },
				{ from: 'a', to: 'b', expect: 'DELIVERED', size: 70000, ttl: 0, hops: ['x'] }
			]
		});
		expect(p['checks[0]']).toBe('missing required field `port` (a udp probe needs one)');
		expect(p['checks[1].port']).toMatch(/^`port` is for tcp and udp probes/);
		expect(p['checks[2].expect']).toMatch(/^expected one of DELIVERED, EXITS_NETWORK/);
		expect(p['checks[3].size']).toBe('a payload size must be at most 65507 bytes');
		expect(p['checks[3].ttl']).toBe('ttl must be a whole number 1–255, got 0');
		expect(p['checks[3].hops[0]']).toBe('"x" is not an IPv4 address');
	});

	it('validates scenario checks', () => {
		const t = valid({ checks: [{ scenario: 's', flow: 'f', 'max-failover': '200ms', 'max-loss': 0, 'min-goodput': '9.4Gbps' }] });
		expect(t.checks[0]).toEqual({ scenario: 's', flow: 'f', 'max-failover': 2e8, 'max-loss': 0, 'min-goodput': 9.4e9 });
		const p = problems({ checks: [{ scenario: 's', flow: 'f', 'max-loss': -1 }, { scenario: 's' }] });
		expect(p['checks[0].max-loss']).toBe('max-loss (packets) must be a whole number ≥ 0, got -1');
		expect(p['checks[1]']).toBe('missing required field `flow`');
	});
});
