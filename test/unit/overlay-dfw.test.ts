// The distributed firewall of an overlay (docs/overlays.md): format errors for
// bad references at their line and column, rules per segment, guest, tag and
// group, enforcement at both vNICs (also between two guests of one host),
// state from the host's conntrack, deny vs reject, and the typed trace step.
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/lib/model/load';
import { resolveTopology } from '../../src/lib/model/resolve';
import { probe } from './engine-helpers';
import { lintYaml } from './lint-helpers';

function design(firewall: string, groups = ''): string {
	return `vnet: 1
name: dfw
overlay:
  segments:
    web: { vni: 5001 }
    db: { vni: 5003 }
${groups ? `  groups:\n${groups}\n` : ''}  firewall:
${firewall}
nodes:
  hv1:
    kind: hypervisor
    vtep: { interface: eth0 }
    interfaces: { eth0: { ip: 192.0.2.10/24, gateway: 192.0.2.1 } }
  hv2:
    kind: hypervisor
    vtep: { interface: eth0 }
    interfaces: { eth0: { ip: 198.51.100.20/24, gateway: 198.51.100.1 } }
  r1:
    kind: router
    interfaces:
      eth0: { ip: 192.0.2.1/24 }
      eth1: { ip: 198.51.100.1/24 }
  web1: { kind: vm, on: hv1, tags: [web], interfaces: { eth0: { ip: 10.1.1.11/24, segment: web } }, services: [tcp/80, tcp/22] }
  web2: { kind: vm, on: hv2, tags: [web], interfaces: { eth0: { ip: 10.1.1.12/24, segment: web } }, services: [tcp/80, tcp/22] }
  web3: { kind: vm, on: hv1, interfaces: { eth0: { ip: 10.1.1.13/24, segment: web } }, services: [tcp/80, tcp/22] }
  db1: { kind: vm, on: hv2, tags: [db], interfaces: { eth0: { ip: 10.1.3.31/24, segment: db } }, services: [tcp/5432] }
  db2: { kind: vm, on: hv2, interfaces: { eth0: { ip: 10.1.3.32/24, segment: db } }, services: [tcp/5432] }
links:
  - { a: hv1.eth0, b: r1.eth0 }
  - { a: hv2.eth0, b: r1.eth1 }
`;
}

const errorsOf = (text: string) => {
	const r = loadTopology(text, 'dfw.vnet.yaml');
	return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`);
};

describe('format', () => {
	it('accepts rules, groups and tags', () => {
		expect(errorsOf(design('    default: deny\n    rules:\n      - { action: allow, proto: tcp, from: web-tier, port: 80, applied_to: [web-tier, db, web3], direction: in }', '    web-tier: { tags: [web] }'))).toEqual([]);
	});

	it('reports unknown names in applied_to, from/to and group members at their line and column', () => {
		const errs = errorsOf(design('    rules:\n      - { action: allow, from: nobody, applied_to: [web, webb] }', '    g1: { members: [web1, r1] }'));
		expect(errs).toEqual([
			expect.stringMatching(/^8:27 overlay\.groups\.g1\.members\[1\]: r1 is a router: group members are vm or container ids$/),
			expect.stringMatching(/^11:32 overlay\.firewall\.rules\[0\]\.from: no node or group "nobody"/),
			expect.stringMatching(/^11:58 overlay\.firewall\.rules\[0\]\.applied_to\[1\]: no segment, guest or group "webb"/)
		]);
	});

	it('refuses interface matches, a group without selectors and a group named like a segment', () => {
		const errs = errorsOf(design('    rules:\n      - { action: deny, in: eth0 }', '    web: { tags: [x] }\n    empty: {}'));
		expect(errs.some((e) => /overlay\.firewall\.rules\[0\].*use `applied_to` and `direction`/.test(e))).toBe(true);
		expect(errs.some((e) => /overlay\.groups\.web: group "web" has a segment's name/.test(e))).toBe(true);
		expect(errs.some((e) => /overlay\.groups\.empty: a group needs `tags` or `members`/.test(e))).toBe(true);
	});

	it('compiles, per vNIC, only the rules applied to it', () => {
		const r = resolveTopology(loadOk(design('    rules:\n      - { action: deny, applied_to: [db] }\n      - { action: allow, applied_to: [web-tier] }', '    web-tier: { tags: [web] }')));
		const dfwOf = (n: string) => r.nodes.get(n)!.interfaces[0].dfw!;
		expect(dfwOf('db1').rules.map((x) => x.index)).toEqual([0]);
		expect(dfwOf('web1').rules.map((x) => x.index)).toEqual([1]);
		expect(dfwOf('web3').rules).toEqual([]);
		expect(dfwOf('web2').host).toBe('hv2');
	});
});

function loadOk(text: string) {
	const r = loadTopology(text, 'dfw.vnet.yaml');
	if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
	return r.topology;
}

describe('enforcement', () => {
	it('filters between two guests of one host and segment (micro-segmentation)', () => {
		const t = design('    rules:\n      - { action: deny, proto: tcp, port: 22, applied_to: [web3], direction: in }');
		expect(probe(t, { from: 'web1', to: 'web3', proto: 'tcp', port: 22 }).disposition).toBe('DENIED');
		expect(probe(t, { from: 'web1', to: 'web3', proto: 'tcp', port: 80 }).disposition).toBe('DELIVERED');
		expect(probe(t, { from: 'web3', to: 'web1', proto: 'tcp', port: 22 }).disposition).toBe('DELIVERED');
	});

	it('selects guests by tag through a group, and by id', () => {
		const t = design(
			'    default: deny\n    rules:\n      - { action: allow, applied_to: [web-tier], direction: out }\n      - { action: allow, proto: tcp, from: web-tier, port: 5432, applied_to: [db1], direction: in }',
			'    web-tier: { tags: [web] }'
		);
		expect(probe(t, { from: 'web2', to: 'db1', proto: 'tcp', port: 5432 }).disposition).toBe('NO_ROUTE'); // another segment: no router
		const same = design(
			'    default: deny\n    rules:\n      - { action: allow, applied_to: [web-tier], direction: out }\n      - { action: allow, proto: tcp, from: web-tier, port: 80, applied_to: [web3], direction: in }',
			'    web-tier: { tags: [web] }'
		);
		expect(probe(same, { from: 'web1', to: 'web3', proto: 'tcp', port: 80 }).disposition).toBe('DELIVERED');
		expect(probe(same, { from: 'web1', to: 'web3', proto: 'tcp', port: 22 }).disposition).toBe('DENIED');
		// web3 carries no tag: its own packets meet the default at its vNIC
		expect(probe(same, { from: 'web3', to: 'web1', proto: 'tcp', port: 80 }).disposition).toBe('DENIED');
	});

	it('lets answers of an accepted connection through (the host conntrack), not new connections the other way', () => {
		const t = design('    rules:\n      - { action: deny, applied_to: [web1], direction: in }');
		expect(probe(t, { from: 'web1', to: 'web2', proto: 'tcp', port: 80 }).disposition).toBe('DELIVERED');
		expect(probe(t, { from: 'web1', to: 'web2' }).disposition).toBe('DELIVERED');
		expect(probe(t, { from: 'web2', to: 'web1', proto: 'tcp', port: 80 }).disposition).toBe('DENIED');
	});

	it('answers a rejected TCP connection with a reset; a denied one gets nothing', () => {
		const rej = probe(design('    rules:\n      - { action: reject, proto: tcp, port: 22, applied_to: [web2], direction: in }'), { from: 'web1', to: 'web2', proto: 'tcp', port: 22 });
		expect(rej.disposition).toBe('DENIED');
		expect(rej.rttMs).not.toBeNull();
		expect(rej.verdict).toMatch(/answered with a TCP reset/);
		const drop = probe(design('    rules:\n      - { action: deny, proto: tcp, port: 22, applied_to: [web2], direction: in }'), { from: 'web1', to: 'web2', proto: 'tcp', port: 22 });
		expect(drop.disposition).toBe('DENIED');
		expect(drop.rttMs).toBeNull();
		expect(drop.verdict).toMatch(/dropped silently/);
	});

	it('names the rule, the vNIC, the direction and the host in typed fields of the DENIED step', () => {
		const tr = probe(design('    rules:\n      - { action: allow, proto: icmp }\n      - { action: deny, proto: tcp, applied_to: [web] }'), { from: 'web1', to: 'web2', proto: 'tcp', port: 80 });
		const d = tr.request.find((h) => h.action === 'DENIED')!;
		expect(d).toMatchObject({ node: 'web1', out: 'eth0', rule: 1, ref: 'overlay.firewall.rules[1]', dfw: { vnic: 'web1.eth0', direction: 'out', host: 'hv1' } });
		const def = probe(design('    default: deny'), { from: 'web1', to: 'web3' }).request.find((h) => h.action === 'DENIED')!;
		expect(def).toMatchObject({ ref: 'overlay.firewall.default', dfw: { vnic: 'web1.eth0', direction: 'out' } });
		expect(def.rule).toBeUndefined();
	});

	it('changes nothing without a firewall', () => {
		const t = design('    rules: []').replace('  firewall:\n    rules: []\n', '');
		expect(probe(t, { from: 'web1', to: 'web2', proto: 'tcp', port: 22 }).disposition).toBe('DELIVERED');
	});
});

describe('lint', () => {
	const rulesOf = async (text: string) => (await lintYaml(text)).map((d) => `${d.rule} ${d.path}`);

	it('warns about a group tag no guest carries', async () => {
		expect(await rulesOf(design('    rules: []', '    g: { tags: [web, wbe] }'))).toContain('dfw-unknown-tag overlay.groups.g.tags[1]');
	});

	it('warns about a rule applied to a group that selects no guest on a segment', async () => {
		expect(await rulesOf(design('    rules:\n      - { action: deny, applied_to: [nobody-tier] }\n      - { action: deny, applied_to: [web] }', '    nobody-tier: { members: [web1] }'))).not.toContain('dfw-applies-nowhere overlay.firewall.rules[1]');
		const t = design('    rules:\n      - { action: deny, applied_to: [empty] }', '    empty: { tags: [none] }');
		expect(await rulesOf(t)).toContain('dfw-applies-nowhere overlay.firewall.rules[0]');
	});

	it('warns about a rule an earlier one shadows where it applies, and not about one that applies elsewhere', async () => {
		const t = design(
			'    rules:\n      - { action: deny, proto: tcp, applied_to: [web] }\n      - { action: allow, proto: tcp, port: 80, applied_to: [web1] }\n      - { action: allow, proto: tcp, from: 10.1.1.0/24, applied_to: [db] }\n      - { action: allow, proto: tcp, from: web1, port: 22, applied_to: [db1] }'
		);
		const found = (await rulesOf(t)).filter((r) => r.startsWith('dfw-rule-shadowed'));
		expect(found).toEqual(['dfw-rule-shadowed overlay.firewall.rules[1]', 'dfw-rule-shadowed overlay.firewall.rules[3]']);
	});
});

describe('ARP suppression (overlay controller)', () => {
	const withCtl = (ctl: string, linkDown: boolean) =>
		design('    rules: []')
			.replace('  firewall:\n    rules: []\n', `  controller: ${ctl}\n`)
			.replace('nodes:\n', 'nodes:\n  ctl: { kind: sdn-controller }\n')
			.replace('  - { a: hv2.eth0, b: r1.eth1 }', `  - { a: hv2.eth0, b: r1.eth1${linkDown ? ', down: true' : ''} }`);

	it('answers ARP for a remote guest at the source VTEP, so a cut-off host loses the packet instead of the ARP', () => {
		const tr = probe(withCtl('ctl', true), { from: 'web1', to: 'web2' });
		expect(tr.disposition).toBe('DROPPED');
		const arp = tr.request.find((h) => h.arp && h.node === 'web1')!;
		expect(arp.arp).toMatchObject({ suppressed: true, answeredBy: 'hv1:segment:web.vx5001' });
		const without = design('    rules: []').replace('  firewall:\n    rules: []\n', '').replace('  - { a: hv2.eth0, b: r1.eth1 }', '  - { a: hv2.eth0, b: r1.eth1, down: true }');
		expect(probe(without, { from: 'web1', to: 'web2' }).disposition).toBe('HOST_UNREACHABLE');
	});

	it('floods as before for an address no guest holds, and for guests of the same host', () => {
		expect(probe(withCtl('ctl', false), { from: 'web1', to: '10.1.1.99' }).disposition).toBe('HOST_UNREACHABLE');
		const local = probe(withCtl('ctl', false), { from: 'web1', to: 'web3' });
		expect(local.disposition).toBe('DELIVERED');
		expect(local.request.find((h) => h.arp)!.arp!.suppressed).toBeUndefined();
	});

	it('requires the controller to be an sdn-controller', () => {
		expect(errorsOf(withCtl('r1', false))).toEqual([expect.stringMatching(/overlay\.controller: r1 is a router: the overlay's controller is an sdn-controller node$/)]);
	});
});
