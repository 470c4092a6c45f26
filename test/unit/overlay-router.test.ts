// Distributed logical routers (docs/overlays.md): routed on the host the packet
// starts on, the shared MAC held permanently by every bridge, the edge as the
// default route, the format's errors and the lint.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/lib/model/load';
import { resolveTopology } from '../../src/lib/model/resolve';
import { probe, topo } from './engine-helpers';
import { lintYaml } from './lint-helpers';

const case48 = readFileSync(new URL('../conformance-extra/48-dlr-same-host-and-cross-host.vnet.yaml', import.meta.url), 'utf8');
const case49 = readFileSync(new URL('../conformance-extra/49-dlr-edge-nat.vnet.yaml', import.meta.url), 'utf8');

describe('resolution', () => {
	it('an instance per host with every segment of the router, one MAC, the bridge port permanent', () => {
		const r = resolveTopology(topo(case48));
		const a = r.nodes.get('hv1:router:t1')!;
		const b = r.nodes.get('hv2:router:t1')!;
		expect(a.interfaces.map((i) => `${i.name} ${i.ip}/${i.prefixLen}`)).toEqual(['web 10.1.1.1/24', 'app 10.1.2.1/24']);
		expect(new Set([...a.interfaces, ...b.interfaces].map((i) => i.mac)).size).toBe(1);
		const port = r.nodes.get('hv2:segment:web')!.interfaces.find((i) => i.name === 'router:t1')!;
		expect(port.fdbPermanent).toBe(true);
	});
	it('a segment with no guest on a host still gets its bridge there when the router needs it', () => {
		const r = resolveTopology(topo(case49));
		expect(r.nodes.has('hv1:segment:transit')).toBe(true); // the edge is on hv2 only
		expect(r.nodes.get('hv1:router:t1')!.routes.map((x) => `${x.to} via ${x.via}`)).toEqual(['0.0.0.0/0 via 100.64.0.2']);
	});
});

describe('the trace', () => {
	it('between segments on one host: routed there, never encapsulated', () => {
		const tr = probe(case48, { from: 'web1', to: 'app1', proto: 'tcp', port: 8080 }, true);
		expect(tr.disposition).toBe('DELIVERED');
		const hops = [...tr.request, ...tr.reply].map((h) => `${h.node} ${h.action}`);
		expect(hops).toContain('hv1:router:t1 FORWARDED');
		expect(hops.some((h) => h.includes('ENCAPSULATED'))).toBe(false);
	});
	it('between hosts: routed at the source host both ways, the shared MAC never learned on a VXLAN port', () => {
		const tr = probe(case48, { from: 'web1', to: 'app2', proto: 'tcp', port: 8080 }, true);
		expect(tr.disposition).toBe('DELIVERED');
		const routed = [...tr.request, ...tr.reply].filter((h) => h.action === 'FORWARDED' && h.underlay === undefined).map((h) => h.node);
		expect(routed).toEqual(['hv1:router:t1', 'hv2:router:t1']);
		// the reply leaves app2 for its gateway: hv2's own instance, by the permanent entry
		const toGw = tr.reply.find((h) => h.node === 'hv2:segment:app' && h.in === 'app2.eth0')!;
		expect(toGw.out).toBe('router:t1');
		expect(toGw.detail).toContain('permanent');
	});
	it('to the internet: routed onto transit, NATed by the edge on the other host', () => {
		const tr = probe(case49, { from: 'web1', to: '203.0.113.1' }, true);
		expect(tr.disposition).toBe('DELIVERED');
		const nodes = tr.request.filter((h) => (h.action === 'FORWARDED' || h.action === 'NAT') && h.underlay === undefined).map((h) => `${h.node} ${h.action}`);
		expect(nodes).toEqual(['hv1:router:t1 FORWARDED', 'edge NAT']);
		// the reply is routed by the edge host's instance
		expect(tr.reply.filter((h) => h.action === 'FORWARDED' && h.underlay === undefined).map((h) => h.node)).toEqual(['hv2:router:t1']);
		expect(tr.request.some((h) => h.node === 'hv1' && h.action === 'ENCAPSULATED' && h.vxlan?.vni === 5100)).toBe(true);
	});
});

describe('format errors', () => {
	const errorsOf = (text: string) => {
		const r = loadTopology(text, 'dlr.vnet.yaml');
		expect(r.ok).toBe(false);
		return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
	};
	it('an unknown segment, an uplink that is not on one of its segments', () => {
		expect(errorsOf(case48.replace('app: 10.1.2.1/24', 'ap: 10.1.2.1/24'))).toEqual(['overlay.routers.t1.segments.ap: no overlay segment "ap" (segments: web, app)']);
		expect(errorsOf(case48.replace('app: 10.1.2.1/24 }', 'app: 10.1.2.1/24 }\n      uplink: r9'))).toEqual(['overlay.routers.t1.uplink: no node "r9" (the uplink is the edge router the default route points to)']);
		expect(errorsOf(case48.replace('web: 10.1.1.1/24', 'web: 10.1.1.1'))[0]).toMatch(/^overlay\.routers\.t1\.segments\.web: /);
	});
});

describe('lint', () => {
	const rules = async (text: string) => (await lintYaml(text)).filter((d) => d.rule?.startsWith('dlr-')).map((d) => `${d.rule} ${d.path}`);
	it('an uplink off the router\'s segments gives no default route', async () => {
		expect(await rules(case48.replace('app: 10.1.2.1/24 }', 'app: 10.1.2.1/24 }\n      uplink: r1'))).toEqual(['dlr-uplink-unusable overlay.routers.t1.uplink']);
	});
	it('is quiet on a sound design', async () => {
		expect(await rules(case49)).toEqual([]);
	});
	it('a segment on two routers, a gateway outside the subnet, overlapping prefixes', async () => {
		const text = case48.replace('      segments: { web: 10.1.1.1/24, app: 10.1.2.1/24 }', '      segments: { web: 10.1.1.1/24, app: 10.1.9.1/24 }\n    t2:\n      segments: { web: 10.1.1.254/24, x: 10.1.1.253/16 }').replace('app: { vni: 5002, subnet: 10.1.2.0/24 }', 'app: { vni: 5002, subnet: 10.1.2.0/24 }\n    x: { vni: 5009 }');
		expect(await rules(text)).toEqual([
			'dlr-gateway-outside-subnet overlay.routers.t1.segments.app',
			'dlr-segment-two-routers overlay.routers.t2.segments.web',
			'dlr-overlapping-subnets overlay.routers.t2.segments.x'
		]);
	});
});
