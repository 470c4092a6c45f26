// What the Simulate panel makes of the worker's answers: the animation steps
// of a trace (ARP exchanges the engine did but does not list, paths through
// hypervisor virtual switches, fragments), the canvas places they map to,
// and the probe form ↔ probe ↔ "expect this" check.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSimApi } from '../../src/lib/worker/api';
import { buildSteps, nextHopOf } from '../../src/lib/editor/sim/steps';
import { nodeLabel } from '../../src/lib/model/node-names';
import { canvasIfaceOf, canvasNodeOf, offsetPolyline } from '../../src/lib/canvas/animate';
import { checkOf, formOf, specOf, emptyForm } from '../../src/lib/editor/sim/form';
import { stepDuration, stepMoves } from '../../src/lib/editor/sim/player.svelte';
import { compareProbe } from '../../src/lib/engine/checks';
import type { Hop } from '../../src/lib/engine/trace';

const root = path.resolve(import.meta.dirname, '../..');
const api = (file: string) => {
	const a = createSimApi();
	const s = a.open(readFileSync(path.join(root, file), 'utf8'), file, 1);
	if (!s.ok) throw new Error(s.errors.map((e) => e.message).join('\n'));
	return a;
};
const threeTier = api('topologies/three-tier-web.vnet.yaml');
const homeLab = api('topologies/home-lab.vnet.yaml');
const jumbo = api('../shared/conformance/16-jumbo-frames-pmtu.vnet.yaml');

/** "request NAT edge: isp.eth0 > edge.wan" per step */
const summary = (steps: ReturnType<typeof buildSteps>) =>
	steps.map((s) => `${s.leg} ${s.kind === 'arp' ? 'ARP' : s.hop.action} ${s.hop.node}: ${s.path.map((p) => `${p.node}${p.iface ? '.' + p.iface : ''}`).join(' > ')}`);

describe('buildSteps', () => {
	it('internet → web through the port forward: each hop, ARP before each first send, none on the way back', () => {
		const t = threeTier.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 });
		const steps = buildSteps(t);
		expect(summary(steps)).toEqual([
			'request SENT isp: isp',
			'request ARP isp: isp.eth0 > edge.wan > isp.eth0',
			'request NAT edge: isp.eth0 > edge.wan',
			'request ARP edge: edge.core > fw.outside > edge.core',
			'request FORWARDED fw: edge.core > fw.outside',
			'request ARP fw: fw.web > web1.eth0 > fw.web',
			'request DELIVERED web1: fw.web > web1.eth0',
			// every sender of the answer learnt its next hop from the request's ARP
			'reply SENT web1: web1',
			'reply FORWARDED fw: web1.eth0 > fw.web',
			'reply NAT edge: fw.outside > edge.core',
			'reply DELIVERED isp: edge.wan > isp.eth0'
		]);
		expect(steps.map((s) => s.index)).toEqual(steps.map((_, i) => i));
		expect(steps.filter((s) => s.final).map((s) => s.index)).toEqual([10]);
		const nat = steps[2];
		expect(nat.hop.ref).toBe('nodes.edge.nat.forwards[0]');
		expect(nat.prev?.dst).toBe('198.51.100.2:443'); // the rewrite shows against the hop before
		expect(nat.hop.dst).toBe('10.18.1.10:443');
		// the ARP step says who asked for what and who answered; edge forwards
		// isp's packet, so it names its own core address, not the packet's source
		expect(steps[3].hop.detail).toBe(`who-has 10.18.0.2 tell 10.18.0.1 (broadcast on core); fw answers 10.18.0.2 is-at ${nat.hop.dstMac}`);
		expect(steps[3].hop.dstMac).toBe('ff:ff:ff:ff:ff:ff');
	});

	it('a denied probe ends at the rule; the ICMP error comes back without a new ARP', () => {
		const t = threeTier.trace({ from: 'web1', to: 'db1' });
		expect(summary(buildSteps(t))).toEqual([
			'request SENT web1: web1',
			'request ARP web1: web1.eth0 > fw.web > web1.eth0',
			'request DENIED fw: web1.eth0 > fw.web',
			'reply SENT fw: fw',
			'reply RECEIVED web1: fw.web > web1.eth0'
		]);
	});

	it('through switches and a hypervisor bridge: ARP travels the same L2 path there and back', () => {
		const t = homeLab.trace({ from: 'laptop', to: 'media', proto: 'tcp', port: 8096 });
		const steps = buildSteps(t);
		expect(summary(steps).slice(0, 5)).toEqual([
			'request SENT laptop: laptop',
			'request ARP laptop: laptop.eth0 > home-sw.p2 > hv:bridge:eth0.uplink > media.eth0 > hv:bridge:eth0.uplink > home-sw.p2 > laptop.eth0',
			'request SWITCHED home-sw: laptop.eth0 > home-sw.p2',
			'request SWITCHED hv:bridge:eth0: home-sw.p3 > hv:bridge:eth0.uplink',
			'request DELIVERED media: hv:bridge:eth0.media.eth0 > media.eth0'
		]);
		expect(t.disposition).toBe('DELIVERED');
	});

	it('the NAT guest behind the hypervisor: dropped at hv, where the student sees why', () => {
		const t = homeLab.trace({ from: 'laptop', to: '10.0.2.15', proto: 'tcp', port: 22 });
		const steps = buildSteps(t);
		const last = steps[steps.length - 1];
		expect(t.disposition).toBe('DROPPED');
		expect(last.final).toBe(true);
		expect(last.hop.node).toBe('hv');
		expect(last.hop.detail).toMatch(/forward/);
	});

	it('the NAT guest to the internet: two NATs, seen as the home router', () => {
		const t = homeLab.trace({ from: 'devbox', to: '203.0.113.10', proto: 'tcp', port: 443 });
		expect(t.disposition).toBe('EXITS_NETWORK');
		expect(t.seenSource).toBe('198.51.100.2');
		const nats = buildSteps(t).filter((s) => s.hop.action === 'NAT').map((s) => `${s.hop.node} ${s.prev?.src} → ${s.hop.src}`);
		expect(nats).toEqual(['hv 10.0.2.15:40000 → 192.168.1.10:40000', 'home-router 192.168.1.10:40000 → 198.51.100.2:40000']);
	});

	it('fragments travel as several packets', () => {
		const t = jumbo.trace({ from: 'nas', to: 'dr', size: 8000 });
		const steps = buildSteps(t);
		const frag = steps.find((s) => s.hop.action === 'FRAGMENTED')!;
		expect(frag.packets).toBe(6);
		expect(steps.filter((s) => s.packets === 6).length).toBeGreaterThan(2);
		expect(steps[0].packets).toBe(1);
	});

	it('an empty trace has no steps', () => {
		expect(buildSteps({ disposition: 'NO_ROUTE', leg: 'request', reason: 'x', seenSource: null, icmp: null, mtu: null, rttMs: null, hops: null, request: [], reply: [] })).toEqual([]);
	});

	it('reads the next hop of a decision from what it resolved, never from its wording', () => {
		const h = (target: string | null, detail = 'route 10.0.0.0/24 via 10.0.0.254 dev eth0'): Hop => ({
			node: 'r',
			in: null,
			out: 'eth0',
			action: 'SENT',
			detail,
			dst: '10.0.0.9:80',
			...(target ? { arp: { target, mac: '02:00:00:00:00:01', cached: true } } : {})
		});
		expect(nextHopOf(h('10.18.1.1'))).toBe('10.18.1.1');
		expect(nextHopOf(h('10.0.0.9', 'route 10.0.0.0/24 dev eth0 (connected)'))).toBe('10.0.0.9');
		// no ARP on this row (a NAT engine's own step): the destination
		expect(nextHopOf(h(null))).toBe('10.0.0.9');
		expect(nodeLabel(null, 'hv:bridge:eth0')).toBe('hv bridge eth0');
		expect(nodeLabel(null, 'fw')).toBe('fw');
	});
});

describe('canvas places', () => {
	it('virtual switches are drawn at their hypervisor; the bridge uplink is its cable', () => {
		expect(canvasNodeOf('hv:nat')).toBe('hv');
		expect(canvasNodeOf('hv:bridge:eth1')).toBe('hv');
		expect(canvasNodeOf('web1')).toBe('web1');
		expect(canvasIfaceOf({ node: 'hv:bridge:eth1', iface: 'uplink' })).toBe('eth1');
		expect(canvasIfaceOf({ node: 'hv:nat', iface: 'devbox.eth0' })).toBeNull();
		expect(canvasIfaceOf({ node: 'r1', iface: 'eth0.10' })).toBe('eth0');
		expect(canvasIfaceOf({ node: 'r1', iface: null })).toBeNull();
	});

	it('moves a path to its right by a lane', () => {
		expect(offsetPolyline([{ x: 0, y: 0 }, { x: 10, y: 0 }], 3)).toEqual([{ x: 0, y: 3 }, { x: 10, y: 3 }]);
		expect(offsetPolyline([{ x: 0, y: 0 }], 3)).toEqual([{ x: 0, y: 0 }]);
	});

	it('a step takes longer when the packet travels', () => {
		const steps = buildSteps(threeTier.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 }));
		expect(stepMoves(steps[0])).toBe(false);
		expect(stepMoves(steps[2])).toBe(true);
		expect(stepDuration(steps[2])).toBeGreaterThan(stepDuration(steps[0]));
		expect(stepDuration(steps[1])).toBeGreaterThan(stepDuration(steps[2])); // ARP goes there and back
	});
});

describe('probe form', () => {
	it('turns what was typed into a probe, or says what is missing', () => {
		const f = { ...emptyForm(), from: 'isp', to: ' 198.51.100.2 ', proto: 'tcp' as const, port: '443' };
		expect(specOf(f)).toEqual({ spec: { from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 } });
		expect(specOf({ ...f, port: '' })).toEqual({ error: 'A TCP probe needs a destination port.' });
		expect(specOf({ ...f, port: '70000' })).toEqual({ error: 'Port must be a whole number from 1 to 65535' });
		expect(specOf({ ...f, from: '' })).toMatchObject({ error: expect.stringMatching(/^Pick a source/) });
		expect(specOf({ ...f, proto: 'icmp', size: '1472', df: true, ttl: '3' })).toEqual({ spec: { from: 'isp', to: '198.51.100.2', proto: 'icmp', size: 1472, df: true, ttl: 3 } });
		expect(formOf({ from: 'a', to: 'b', proto: 'udp', port: 53, df: true })).toEqual({ ...emptyForm(), from: 'a', to: 'b', proto: 'udp', port: '53', df: true });
	});

	it('"expect this" writes a check that passes on the same probe', () => {
		const cases = [
			[threeTier, { from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 }],
			[threeTier, { from: 'web1', to: 'db1' }],
			[threeTier, { from: 'app1', to: '203.0.113.123', proto: 'udp', port: 123 }],
			[jumbo, { from: 'nas', to: 'dr', size: 8000, df: true }],
			[homeLab, { from: 'laptop', to: '10.0.2.15', proto: 'tcp', port: 22 }]
		] as const;
		for (const [a, spec] of cases) {
			const t = a.trace(spec);
			const c = checkOf(spec, t);
			expect(c.expect).toBe(t.disposition);
			expect(compareProbe(c, a.trace(spec)).ok, JSON.stringify(c)).toBe(true);
		}
		const t = threeTier.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 });
		expect(checkOf({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 }, t)).toEqual({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443, expect: 'DELIVERED', 'seen-source': '198.51.100.1' });
		const f = jumbo.trace({ from: 'nas', to: 'dr', size: 8000, df: true });
		expect(checkOf({ from: 'nas', to: 'dr', size: 8000, df: true }, f)).toMatchObject({ expect: 'FRAGMENTATION_NEEDED', mtu: 1500, 'icmp-from': '10.10.1.1' });
	});
});
