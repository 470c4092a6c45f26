import { describe, expect, it } from 'vitest';
import { simulate, flow, topo } from './scenario-helpers';
import { readFileSync } from 'node:fs';
import { buildNet, ProbeEngine, runChecks } from '../../src/lib/engine/index';
import { buildStateNet, emptyState } from '../../src/lib/engine/scenario/state';

// kvm1's VTEP is a bond of two uplinks to one switch; kvm2 has one uplink.
const bonded = (extra = '') => `
vnet: 1
name: ov-bond
overlay:
  segments:
    web: { vni: 5001, subnet: 10.10.1.0/24 }
${extra}
nodes:
  kvm1:
    kind: hypervisor
    vtep: { interface: bond0 }
    interfaces:
      eth0: { mtu: 1600 }
      eth1: { mtu: 1600 }
      bond0: { ip: 172.16.0.10/24, mtu: 1600, bond: { members: [eth0, eth1], miimon: 100ms } }
  kvm2:
    kind: hypervisor
    vtep: { interface: eth0 }
    interfaces:
      eth0: { ip: 172.16.0.20/24, mtu: 1600 }
  sw: { kind: switch }
  web1: { kind: vm, on: kvm1, tags: [web], interfaces: { eth0: { ip: 10.10.1.11/24, segment: web } } }
  web2: { kind: vm, on: kvm2, tags: [web], interfaces: { eth0: { ip: 10.10.1.12/24, segment: web } } }
links:
  - { a: kvm1.eth0, b: sw.p1 }
  - { a: kvm1.eth1, b: sw.p2 }
  - { a: kvm2.eth0, b: sw.p3 }
scenarios:
  cut:
    duration: 3s
    seed: 1
    traffic:
      - { name: in, from: web2, to: web1, proto: udp, port: 9, rate: 1000pps }
      - { name: out, from: web1, to: web2, proto: udp, port: 9, rate: 1000pps }
    events:
      - { at: 1030ms, fail: { link: kvm1.eth0 } }
`;

describe('scenario: overlay flows over a bonded VTEP uplink', () => {
	it('the flow between two guests crosses the underlay encapsulated and fails over with the bond (next miimon tick)', () => {
		const r = simulate(bonded(), 'cut');
		for (const name of ['in', 'out']) {
			const f = flow(r, name);
			// the guest path includes the VTEP → VTEP hops over sw
			const fo = f.failovers[0].failoverMs!;
			expect(fo).toBeGreaterThan(70);
			expect(fo).toBeLessThan(71.5);
			expect(f.failovers[0].lost).toBeGreaterThanOrEqual(69);
			expect(f.lost).toBe(f.failovers[0].lost);
		}
		expect(r.events.map((e) => e.what)).toContain('kvm1.bond0: bond fails over to eth1 (miimon 100 ms)');
		// the loss reason follows the frame into the tunnel: the outer packet is what is lost
		expect(Object.keys(flow(r, 'out').drops)).toEqual([
			"DROPPED: sent to web2's MAC 02:dd:4d:d2:87:f4: web1's ARP entry for 10.10.1.12 is stale; kvm1 wraps it in VXLAN for kvm2's VTEP; the outer packet is lost in the underlay: kvm1.bond0 still sends on eth0, which has no carrier, until the bond's next miimon check"
		]);
		expect(Object.keys(flow(r, 'in').drops)).toEqual([
			"DROPPED: sent to web1's MAC 02:7d:14:2b:15:6b: web2's ARP entry for 10.10.1.11 is stale; kvm2 wraps it in VXLAN for kvm1's VTEP; the outer packet is lost in the underlay: sw.p1 has no carrier"
		]);
		// the outer packets (90 bytes: 40 + 50 of VXLAN) load the uplinks, not only the guests' links
		expect(r.links.some((l) => l.link.includes('kvm1.eth1') && l.utilisation[0] + l.utilisation[1] > 0)).toBe(true);
	});

	it('without a second member the overlay flow is lost from the fault on', () => {
		const single = bonded().replace('members: [eth0, eth1]', 'members: [eth0]').replace('  - { a: kvm1.eth1, b: sw.p2 }\n', '');
		const f = flow(simulate(single, 'cut'), 'out');
		expect(f.failovers[0].failoverMs).toBeNull();
		expect(f.delivered).toBeLessThan(1100);
	});
});

// Two underlay paths between the VTEPs: r1—r2 direct (cost 10) and through r3 (cost 50), OSPF with BFD.
const twoPaths = `
vnet: 1
name: ov-ospf
overlay:
  segments:
    web: { vni: 5001, subnet: 10.10.1.0/24 }
nodes:
  kvm1: { kind: hypervisor, vtep: { interface: eth0 }, interfaces: { eth0: { ip: 10.1.0.10/24, gateway: 10.1.0.1, mtu: 1600 } } }
  kvm2: { kind: hypervisor, vtep: { interface: eth0 }, interfaces: { eth0: { ip: 10.2.0.10/24, gateway: 10.2.0.1, mtu: 1600 } } }
  r1:
    kind: router
    ospf: { bfd: { interval: 50ms, multiplier: 3 }, spf-delay: 50ms, passive: [lan] }
    interfaces:
      lan: { ip: 10.1.0.1/24, mtu: 1600 }
      core: { ip: 10.0.12.1/24, mtu: 1600 }
      alt: { ip: 10.0.13.1/24, cost: 50, mtu: 1600 }
  r2:
    kind: router
    ospf: { bfd: { interval: 50ms, multiplier: 3 }, spf-delay: 50ms, passive: [lan] }
    interfaces:
      lan: { ip: 10.2.0.1/24, mtu: 1600 }
      core: { ip: 10.0.12.2/24, mtu: 1600 }
      alt: { ip: 10.0.23.2/24, cost: 50, mtu: 1600 }
  r3:
    kind: router
    ospf: { bfd: { interval: 50ms, multiplier: 3 } }
    interfaces:
      a: { ip: 10.0.13.3/24, mtu: 1600 }
      b: { ip: 10.0.23.3/24, mtu: 1600 }
  swA: { kind: switch }
  swB: { kind: switch }
  web1: { kind: vm, on: kvm1, interfaces: { eth0: { ip: 10.10.1.11/24, segment: web } } }
  web2: { kind: vm, on: kvm2, interfaces: { eth0: { ip: 10.10.1.12/24, segment: web } } }
links:
  - { a: kvm1.eth0, b: r1.lan }
  - { a: kvm2.eth0, b: r2.lan }
  - { a: r1.core, b: swA.p1 }
  - { a: swA.p2, b: swB.p1 }
  - { a: swB.p2, b: r2.core }
  - { a: r1.alt, b: r3.a }
  - { a: r3.b, b: r2.alt }
scenarios:
  cut:
    duration: 3s
    seed: 1
    traffic:
      - { name: f, from: web1, to: web2, proto: udp, port: 9, rate: 1000pps }
    events:
      - { at: 1001ms, fail: { link: swA.p2 } }
`;

describe('scenario: overlay flows over two underlay paths', () => {
	it('the outer path reconverges with OSPF (BFD 150 ms + spf-delay 50 ms) and the guests follow it through r3', () => {
		const r = simulate(twoPaths, 'cut');
		const f = flow(r, 'f');
		const fo = f.failovers[0].failoverMs!;
		expect(fo).toBeGreaterThan(199);
		expect(fo).toBeLessThan(199 + 1 + 0.6);
		expect(r.links.some((l) => l.link.startsWith('r1.alt') && l.utilisation[0] + l.utilisation[1] > 0)).toBe(true);
	});
});

const withCtl = (mode: string, fault = 'ctl') =>
	bonded(`  controller: ctl`)
		.replace('  sw: { kind: switch }', `  sw: { kind: switch }\n  ctl: { kind: sdn-controller${mode ? `, fail-mode: ${mode}` : ''} }`)
		.replace('fail: { link: kvm1.eth0 }', `fail: ${fault}`);

describe('scenario: the overlay controller fails', () => {
	const arpOf = (yaml: string, failed: boolean) => {
		const t = topo(yaml);
		const s = emptyState();
		if (failed) s.failed.add('ctl');
		const trace = new ProbeEngine(buildStateNet(t, s, null)).run({ from: 'web1', to: '10.10.1.12' }, { record: true });
		expect(trace.disposition).toBe('DELIVERED');
		return trace.request.find((h) => h.node === 'web1' && h.arp)!;
	};

	it('existing flows keep going: the data plane does not need the controller', () => {
		for (const mode of ['', 'standalone', 'secure']) {
			const r = simulate(withCtl(mode), 'cut');
			for (const name of ['in', 'out']) {
				expect(flow(r, name).lost).toBe(0);
				expect(flow(r, name).failovers.every((x) => x.lost === 0)).toBe(true);
			}
		}
	});

	it('standalone (the default): a new ARP is flooded head-end instead of answered by the local VTEP', () => {
		expect(arpOf(withCtl(''), false).arp?.suppressed).toBe(true);
		expect(arpOf(withCtl(''), true).arp?.suppressed).toBeUndefined();
		expect(arpOf(withCtl('standalone'), true).arp?.suppressed).toBeUndefined();
	});

	it('secure: the VTEPs keep the table the controller programmed and go on answering ARP locally', () => {
		expect(arpOf(withCtl('secure'), true).arp?.suppressed).toBe(true);
	});
});

describe('scenario: the distributed firewall', () => {
	it('a flow the DFW denies is lost with reason DENIED; an allowed one is delivered', () => {
		const fw = `  firewall:
    default: deny
    rules:
      - { action: allow, proto: udp, port: 9, to: 10.10.1.12, applied_to: [web] }`;
		const r = simulate(bonded(fw).replace('      - { at: 1030ms, fail: { link: kvm1.eth0 } }', '      - { at: 1030ms, fail: { link: kvm1.eth1 } }'), 'cut');
		expect(flow(r, 'out').lost).toBe(0);
		const denied = flow(r, 'in');
		expect(denied.delivered).toBe(0);
		expect(Object.keys(denied.drops).every((k) => k.startsWith('DENIED'))).toBe(true);
	});
});

describe('scenario: ARP on a segment', () => {
	const noFault = (yaml: string) => yaml.replace(/    events:\n.*\n$/, '');
	it("a guest's first packet waits for an ARP through the tunnel; with suppression only for the local VTEP's answer", () => {
		const flood = flow(simulate(noFault(bonded()), 'cut'), 'out').latencyMs!;
		const sup = flow(simulate(noFault(withCtl('')), 'cut'), 'out').latencyMs!;
		// both wait for kvm1's underlay ARP for kvm2; flooded, the guest's own ARP
		// also makes a round trip to web2 over the underlay (about 2 × one way)
		const extra = (flood.max - flood.min) - (sup.max - sup.min);
		expect(extra).toBeGreaterThan(flood.min);
		expect(extra).toBeLessThan(2 * flood.min);
	});
});

describe('topologies/vxlan-overlay.vnet.yaml: uplink-flap', () => {
	const t = topo(readFileSync('topologies/vxlan-overlay.vnet.yaml', 'utf8'));
	it('every check passes, the scenario check included', () => {
		const res = runChecks(t, buildNet(t));
		expect(res.filter((r) => !r.ok).map((r) => `#${r.index} ${r.message}`)).toEqual([]);
		expect(res.some((r) => 'scenario' in t.checks[r.index])).toBe(true);
	});
	it('the guests lose exactly the half second the VTEP uplink is out, and come back when it does', () => {
		const f = flow(simulate(readFileSync('topologies/vxlan-overlay.vnet.yaml', 'utf8'), 'uplink-flap'), 'web');
		expect(f.lost).toBe(500);
		expect(f.failovers[0].failoverMs!).toBeGreaterThan(500);
		expect(f.failovers[0].failoverMs!).toBeLessThan(501);
		expect(Object.keys(f.drops)).toEqual([
			"DROPPED: sent to web2's MAC 02:dd:4d:d2:87:f4: web1's ARP entry for 10.10.1.12 is stale; kvm1 wraps it in VXLAN for kvm2's VTEP; the outer packet is lost in the underlay: kvm1.eth0 has no carrier"
		]);
	});
});

describe('scenario: a new ARP after the controller failed', () => {
	// web1 restarts after the controller died: its ARP table is empty, it must ARP for web2 again
	const restart = (mode: string) =>
		withCtl(mode).replace('      - { at: 1030ms, fail: ctl }', '      - { at: 500ms, fail: ctl }\n      - { at: 1s, fail: web1 }\n      - { at: 1500ms, restore: web1 }');
	it('standalone floods it through the tunnel (slower first packet); secure still answers it locally', () => {
		const fo = (mode: string) => flow(simulate(restart(mode), 'cut'), 'out').failovers.map((x) => x.failoverMs);
		const [standalone, secure, dflt] = [fo('standalone'), fo('secure'), fo('')];
		// events: the controller (nothing lost), web1 down, web1 back
		expect(standalone[0]).toBe(secure[0]);
		expect(dflt).toEqual(standalone);
		// back at 1.5 s: secure costs one way plus a local answer, standalone a round trip through the tunnel more
		const oneWay = secure[2]!;
		expect(standalone[2]! - oneWay).toBeGreaterThan(oneWay);
		expect(standalone[2]! - oneWay).toBeLessThan(2 * oneWay);
		expect(oneWay).toBeLessThan(secure[0]! + 0.001);
	});
});
