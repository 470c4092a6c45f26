// Overlay segments (docs/overlays.md): the resolved overlay, the format's errors
// with their line and column, VXLAN encapsulation in the trace, the MTU it costs
// (as the kernel does it: outer DF clear, frag-needed from the source VTEP for
// an inner DF packet) and lint's warning.
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/lib/model/load';
import { overlayOf } from '../../src/lib/model/overlay';
import { resolveTopology } from '../../src/lib/model/resolve';
import { probe, topo } from './engine-helpers';
import { lintYaml } from './lint-helpers';

function design(opts: { underlayMtu?: number; guestMtu?: number; r1Eth1Mtu?: number; hv2Rules?: string } = {}): string {
	const u = opts.underlayMtu ?? 1500;
	const g = opts.guestMtu ?? 1500;
	return `vnet: 1
name: ov
overlay:
  segments:
    web: { vni: 5001, subnet: 10.1.1.0/24 }
    app: { vni: 5002 }
nodes:
  hv1:
    kind: hypervisor
    vtep: { interface: eth0 }
    interfaces: { eth0: { ip: 192.0.2.10/24, gateway: 192.0.2.1, mtu: ${u} } }
  hv2:
    kind: hypervisor
    vtep: { interface: eth0 }
    interfaces: { eth0: { ip: 198.51.100.20/24, gateway: 198.51.100.1, mtu: ${opts.r1Eth1Mtu ?? u} } }
${opts.hv2Rules ? `    rules: ${opts.hv2Rules}\n` : ''}  r1:
    kind: router
    interfaces:
      eth0: { ip: 192.0.2.1/24, mtu: ${u} }
      eth1: { ip: 198.51.100.1/24, mtu: ${opts.r1Eth1Mtu ?? u} }
  web1: { kind: vm, on: hv1, interfaces: { eth0: { ip: 10.1.1.11/24, mtu: ${g}, segment: web } } }
  web2: { kind: vm, on: hv2, interfaces: { eth0: { ip: 10.1.1.12/24, mtu: ${g}, segment: web } }, services: [tcp/80] }
  web3: { kind: vm, on: hv1, interfaces: { eth0: { ip: 10.1.1.13/24, mtu: ${g}, segment: web } } }
  app1: { kind: vm, on: hv2, interfaces: { eth0: { ip: 10.1.1.50/24, segment: app } } }
links:
  - { a: hv1.eth0, b: r1.eth0 }
  - { a: hv2.eth0, b: r1.eth1 }
`;
}

describe('the resolved overlay', () => {
	it('lists segments with their VNI, members and the hosts they span, and each host VTEP address', () => {
		const ov = overlayOf(topo(design()))!;
		expect(ov.segments.map((s) => [s.name, s.vni, s.hosts])).toEqual([
			['web', 5001, ['hv1', 'hv2']],
			['app', 5002, ['hv2']]
		]);
		expect(ov.segments[0].members.map((m) => `${m.node}.${m.iface}@${m.host}`)).toEqual(['web1.eth0@hv1', 'web2.eth0@hv2', 'web3.eth0@hv1']);
		expect(ov.vteps.get('hv2')).toEqual({ host: 'hv2', iface: 'eth0', ip: '198.51.100.20' });
	});

	it('becomes one bridge per host and segment, with the guests on it and a VXLAN port', () => {
		const r = resolveTopology(topo(design()));
		const br = r.nodes.get('hv1:segment:web')!;
		expect(br.interfaces.map((i) => i.name)).toEqual(['vx5001', 'web1.eth0', 'web3.eth0']);
		expect(br.interfaces[0].vxlan).toEqual({ vni: 5001, segment: 'web', host: 'hv1', local: '192.0.2.10' });
		expect(r.nodes.has('hv1:segment:app')).toBe(false); // app spans hv2 only
	});
});

describe('format errors', () => {
	const base = design();
	const errorsOf = (text: string) => {
		const r = loadTopology(text, 'ov.vnet.yaml');
		expect(r.ok).toBe(false);
		return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`);
	};
	it('an unknown segment names the known ones, at the field', () => {
		expect(errorsOf(base.replace('ip: 10.1.1.13/24, mtu: 1500, segment: web', 'ip: 10.1.1.13/24, mtu: 1500, segment: wbe'))).toEqual([
			'23:90 nodes.web3.interfaces.eth0.segment: no overlay segment "wbe" (segments: web, app)'
		]);
	});
	it('a duplicate VNI, a VTEP on a missing interface, a guest whose host has no VTEP', () => {
		const text = base.replace('app: { vni: 5002 }', 'app: { vni: 5001 }').replace('vtep: { interface: eth0 }\n    interfaces: { eth0: { ip: 198', 'vtep: { interface: eth9 }\n    interfaces: { eth0: { ip: 198');
		const errs = errorsOf(text);
		expect(errs).toContain('6:17 overlay.segments.app.vni: VNI 5001 is already segment "web"\'s: each segment needs its own VNI');
		expect(errs).toContain('14:24 nodes.hv2.vtep.interface: hv2 has no interface "eth9" for its VTEP');
	});
	it('a guest on a segment whose hypervisor has no VTEP', () => {
		const errs = errorsOf(base.replace('  hv1:\n    kind: hypervisor\n    vtep: { interface: eth0 }\n', '  hv1:\n    kind: hypervisor\n'));
		expect(errs).toContain('20:90 nodes.web1.interfaces.eth0.segment: hv1 has no VTEP: add `vtep: { interface: <underlay interface> }` to hv1');
	});
	it('a VNI out of range and segment together with attach', () => {
		const errs = errorsOf(base.replace('vni: 5002', 'vni: 16777216').replace('mtu: 1500, segment: web } } }\n  app1', 'mtu: 1500, segment: web, attach: nat } } }\n  app1'));
		expect(errs.some((e) => e.startsWith('6:17 overlay.segments.app.vni:'))).toBe(true);
		expect(errs.some((e) => e.includes('nodes.web3.interfaces.eth0.segment: an interface joins an overlay `segment` or is attached with `attach`, not both'))).toBe(true);
	});
});

describe('VXLAN in the trace', () => {
	it('encapsulates at the source VTEP, routes the outer UDP 4789 packet over the underlay, decapsulates at the far VTEP', () => {
		const t = probe(design({ underlayMtu: 1600 }), { from: 'web1', to: 'web2', proto: 'tcp', port: 80 });
		expect(t.disposition).toBe('DELIVERED');
		const req = t.request;
		const encap = req.find((h) => h.action === 'ENCAPSULATED')!;
		expect(encap).toMatchObject({ node: 'hv1', in: 'vx5001', vxlan: { vni: 5001, outerSrc: '192.0.2.10', outerDst: '198.51.100.20', df: false } });
		const under = req.filter((h) => h.underlay === 5001);
		expect(under.map((h) => [h.node, h.action, h.src, h.dst, h.size])).toEqual([
			['hv1', 'SENT', '192.0.2.10:54153', '198.51.100.20:4789', 90],
			['r1', 'FORWARDED', '192.0.2.10:54153', '198.51.100.20:4789', 90]
		]);
		expect(req.find((h) => h.action === 'DECAPSULATED')).toMatchObject({ node: 'hv2', in: 'eth0', out: 'vx5001' });
		expect(req.at(-1)).toMatchObject({ node: 'web2', action: 'DELIVERED', src: '10.1.1.11:40000', dst: '10.1.1.12:80' });
		expect(t.reply.some((h) => h.action === 'ENCAPSULATED' && h.node === 'hv2')).toBe(true);
	});

	it('keeps same-host traffic on the host bridge, and another VNI out of the broadcast domain', () => {
		const same = probe(design(), { from: 'web1', to: 'web3' });
		expect(same.disposition).toBe('DELIVERED');
		expect(same.request.some((h) => h.action === 'ENCAPSULATED')).toBe(false);
		expect(probe(design(), { from: 'web1', to: 'app1' }).disposition).toBe('HOST_UNREACHABLE');
	});

	it('a lost underlay loses the frame: the guest sees a time-out, the trace says where', () => {
		const t = probe(design({ hv2Rules: '[{ action: deny, proto: udp, port: 4789 }]' }), { from: 'web1', to: 'web2' });
		// ARP is carried in VXLAN too, so resolving web2 already fails
		expect(t.disposition).toBe('HOST_UNREACHABLE');
	});
});

describe('the MTU VXLAN costs (kernel behaviour)', () => {
	it('outer DF is clear: a full-size inner packet is fragmented in the underlay and delivered', () => {
		const t = probe(design(), { from: 'web1', to: 'web2', size: 1472 });
		expect(t.disposition).toBe('DELIVERED');
		const frag = t.request.find((h) => h.underlay === 5001 && h.action === 'FRAGMENTED')!;
		expect(frag).toMatchObject({ node: 'hv1', size: 1550, fragments: [1500, 70] });
	});
	it('an inner DF packet over the tunnel path MTU - 50 gets frag-needed mtu 1450 from the inner destination', () => {
		const t = probe(design(), { from: 'web1', to: 'web2', size: 1472, df: true });
		expect(t.disposition).toBe('FRAGMENTATION_NEEDED');
		expect(t.icmp).toEqual({ from: '10.1.1.12', type: 3, code: 4, mtu: 1450 });
		expect(probe(design(), { from: 'web1', to: 'web2', size: 1422, df: true }).disposition).toBe('DELIVERED');
	});
	it('a 1600 underlay carries full-size DF packets', () => {
		expect(probe(design({ underlayMtu: 1600 }), { from: 'web1', to: 'web2', size: 1472, df: true }).disposition).toBe('DELIVERED');
	});
	it('the underlay checks the outer packet on every hop: a smaller MTU on the far side fragments it (DF clear)', () => {
		const t = probe(design({ underlayMtu: 1600, r1Eth1Mtu: 1500 }), { from: 'web1', to: 'web2', size: 1472, df: true });
		expect(t.disposition).toBe('DELIVERED');
		expect(t.request.find((h) => h.node === 'r1' && h.underlay === 5001)).toMatchObject({ action: 'FRAGMENTED', size: 1550 });
	});
});

describe('lint: the MTU VXLAN costs', () => {
	it('names both numbers, both VTEPs and both fixes', async () => {
		const d = (await lintYaml(design())).filter((x) => x.rule === 'overlay-mtu');
		expect(d.map((x) => `${x.path}: ${x.message}`)).toEqual([
			"overlay.segments.web: segment web (VNI 5001): guest MTU 1500 + 50 bytes of VXLAN = 1550 exceeds the underlay path MTU 1500 between the VTEPs of hv1 and hv2: full-size packets are fragmented in the underlay, or refused with fragmentation-needed (mtu 1450) when they carry DF. Raise the underlay MTU to at least 1600 (or 9000 for jumbo frames), or set the guests' MTU to 1450."
		]);
	});
	it('is quiet with a 1600 underlay or 1450 guests, and for a segment on one host', async () => {
		expect((await lintYaml(design({ underlayMtu: 1600 }))).filter((x) => x.rule === 'overlay-mtu')).toEqual([]);
		expect((await lintYaml(design({ guestMtu: 1450 }))).filter((x) => x.rule === 'overlay-mtu')).toEqual([]);
	});
	it('sees a small MTU on the port a VTEP is cabled to', async () => {
		const d = (await lintYaml(design({ underlayMtu: 1600 }).replace('eth1: { ip: 198.51.100.1/24, mtu: 1600 }', 'eth1: { ip: 198.51.100.1/24, mtu: 1500 }'))).filter((x) => x.rule === 'overlay-mtu');
		expect(d.length).toBe(1);
	});
	it('a guest on a segment is not "connected to nothing"', async () => {
		const rules = (await lintYaml(design({ underlayMtu: 1600 }))).map((x) => x.rule);
		expect(rules).not.toContain('node-isolated');
		expect(rules).not.toContain('interface-unconnected');
	});
});
