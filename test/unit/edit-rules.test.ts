import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { applySteps, bridgedAddress, formatIssues, planEdit, type EditPlan } from '../../src/lib/model/edit-rules';
import { PRODUCT_IDS, PRODUCTS } from '../../src/lib/model/products';
import { KINDS } from '../../src/lib/model/types';
import { TopologyStore } from '../../src/lib/editor/store';
import { editField } from '../../src/lib/editor/valid-edits';
import { setHost } from '../../src/lib/editor/commands';

type Doc = Record<string, unknown>;

/** A hypervisor of `product` with an addressed uplink and one guest interface attached `mode`. */
function lab(product: string, guestKind: 'vm' | 'container', mode: string): Doc {
	const hv: Doc = { kind: 'hypervisor', interfaces: { eth0: { ip: '192.168.1.5/24', gateway: '192.168.1.1' } } };
	if (product !== 'generic') hv.product = product;
	if (product === 'esxi') hv.portgroups = { 'VM Network': { vlan: 0 } };
	const doc: Doc = { vnet: 1, name: 'walk', nodes: { hv1: hv, g1: { kind: guestKind, on: 'hv1', interfaces: { eth0: {} } } }, links: [] };
	// the starting point is reached through the same command, so it is valid too
	const plan = planEdit(doc, ['nodes', 'g1', 'interfaces', 'eth0', 'attach'], mode);
	if (!plan.ok) throw new Error(`${product} ${mode}: ${plan.reason}`);
	return applySteps(doc, plan.steps) as Doc;
}

function expectValid(doc: unknown, plan: EditPlan, what: string) {
	if (!plan.ok) throw new Error(`${what} refused: ${plan.reason}`);
	const after = applySteps(doc, plan.steps);
	expect(formatIssues(after), what).toEqual([]);
	return after as Doc;
}

const iface = (doc: Doc, node = 'g1', name = 'eth0') => ((doc.nodes as Doc)[node] as { interfaces: Record<string, Doc> }).interfaces[name];

describe('edits keep the design valid', () => {
	test('every product × guest kind × attach mode → every other mode of the product', () => {
		let walked = 0;
		for (const product of PRODUCT_IDS) {
			const modes = PRODUCTS[product].modes;
			for (const guestKind of ['vm', 'container'] as const) {
				for (const from of modes) {
					const start = lab(product, guestKind, from.mode);
					expect(formatIssues(start), `${product} ${from.mode}`).toEqual([]);
					// a DHCP mode starts with dhcp on, as the app's "Add" does
					const withDhcp = from.dhcp ? applySteps(start, [{ path: ['nodes', 'g1', 'interfaces', 'eth0', 'dhcp'], value: true }]) : start;
					expect(formatIssues(withDhcp)).toEqual([]);
					for (const to of modes) {
						const after = expectValid(withDhcp, planEdit(withDhcp, ['nodes', 'g1', 'interfaces', 'eth0', 'attach'], to.mode), `${product} ${guestKind} ${from.mode} → ${to.mode}`);
						if (!to.dhcp) expect(iface(after).dhcp).toBeUndefined();
						walked++;
					}
					// detaching (cable) drops what only attachments take
					expectValid(withDhcp, planEdit(withDhcp, ['nodes', 'g1', 'interfaces', 'eth0', 'attach'], undefined), `${product} ${from.mode} → cable`);
				}
			}
		}
		expect(walked).toBeGreaterThan(100);
	});

	test('every product change keeps each guest mode valid, converting modes the new product lacks', () => {
		for (const from of PRODUCT_IDS)
			for (const mode of PRODUCTS[from].modes) {
				const start = lab(from, 'vm', mode.mode);
				for (const to of PRODUCT_IDS) {
					const after = expectValid(start, planEdit(start, ['nodes', 'hv1', 'product'], to === 'generic' ? undefined : to), `${from}/${mode.mode} → ${to}`);
					const attach = iface(after).attach as string;
					expect(PRODUCTS[to].modes.map((m) => m.mode)).toContain(attach);
				}
			}
	});

	test('a NAT VM switched to bridged loses dhcp; the plan says so; the uplink LAN gives a free address', () => {
		const start = lab('generic', 'vm', 'nat');
		(iface(start) as Doc).dhcp = true;
		const plan = planEdit(start, ['nodes', 'g1', 'interfaces', 'eth0', 'attach'], 'bridged');
		const after = expectValid(start, plan, 'nat → bridged');
		expect(plan.ok && plan.dropped).toEqual(['eth0 dhcp']);
		expect(iface(after)).toEqual({ attach: 'bridged' });
		// .1 is the LAN's gateway, .5 the hypervisor
		expect(bridgedAddress(after, 'g1', 'eth0')).toEqual({ uplink: 'eth0', subnet: '192.168.1.0/24', suggested: '192.168.1.2/24', gateway: '192.168.1.1' });
	});

	test('a mode that needs a network name gets one from the design', () => {
		const start = lab('virtualbox', 'vm', 'nat');
		const after = expectValid(start, planEdit(start, ['nodes', 'g1', 'interfaces', 'eth0', 'attach'], 'internal'), 'internal');
		expect(iface(after).network).toBe('intnet');
	});

	test('a switch port becoming a trunk drops its access VLAN; native without trunk is refused with the reason', () => {
		const doc = { vnet: 1, name: 'sw', nodes: { sw1: { kind: 'switch', interfaces: { p1: { vlan: 10 } } } }, links: [] };
		const plan = planEdit(doc, ['nodes', 'sw1', 'interfaces', 'p1', 'trunk'], [10, 20]);
		const after = expectValid(doc, plan, 'trunk');
		expect(iface(after, 'sw1', 'p1')).toEqual({ trunk: [10, 20] });
		expect(plan.ok && plan.dropped).toEqual(['p1 vlan']);
		const refused = planEdit(doc, ['nodes', 'sw1', 'interfaces', 'p1', 'native'], 5);
		expect(refused).toEqual({ ok: false, reason: '`native` is for trunk ports: add `trunk`' });
	});

	test('DHCP on an addressed interface replaces the address; an address on a DHCP one drops dhcp', () => {
		const start = lab('generic', 'vm', 'nat');
		const dhcp = expectValid(start, planEdit(start, ['nodes', 'g1', 'interfaces', 'eth0', 'dhcp'], true), 'dhcp');
		const ip = expectValid(dhcp, planEdit(dhcp, ['nodes', 'g1', 'interfaces', 'eth0', 'ip'], '10.0.2.20/24'), 'ip');
		expect(iface(ip).dhcp).toBeUndefined();
		expect(iface(ip).ip).toBe('10.0.2.20/24');
	});

	test('a Kubernetes node turned into a container leaves the cluster, and its pods with it, listed', () => {
		const doc = parse(readFileSync('topologies/k8s-three-tier.vnet.yaml', 'utf8')) as Doc;
		const plan = planEdit(doc, ['nodes', 'n1', 'kind'], 'container');
		const after = expectValid(doc, plan, 'n1 → container') as { kubernetes: { nodes: Doc; pods: Doc } };
		expect(Object.keys(after.kubernetes.nodes)).toEqual(['n2']);
		expect(Object.keys(after.kubernetes.pods)).not.toContain('frontend-1');
		expect(Object.keys(after.kubernetes.pods)).toContain('frontend-2');
		if (!plan.ok) throw new Error('refused');
		expect(plan.dropped.join(' ')).toMatch(/n1/);
	});

	test('every node of every example changes to every kind and stays valid; what it loses is listed', () => {
		const dir = 'topologies';
		let changed = 0;
		for (const file of readdirSync(dir).filter((f) => f.endsWith('.vnet.yaml'))) {
			const doc = parse(readFileSync(`${dir}/${file}`, 'utf8')) as Doc;
			expect(formatIssues(doc), file).toEqual([]);
			const seen = new Set<string>();
			for (const [id, n] of Object.entries(doc.nodes as Record<string, { kind: string }>)) {
				if (seen.has(n.kind)) continue;
				seen.add(n.kind);
				for (const kind of KINDS) {
					const plan = planEdit(doc, ['nodes', id, 'kind'], kind);
					expectValid(doc, plan, `${file} ${id}: ${n.kind} → ${kind}`);
					changed++;
				}
			}
		}
		expect(changed).toBeGreaterThan(100);
	});

	test('a router becoming a host keeps its addresses and drops OSPF and forwarding-rule fields, listed', () => {
		const doc = {
			vnet: 1,
			name: 'k',
			nodes: { r1: { kind: 'router', label: 'R1', interfaces: { eth0: { ip: '10.0.0.1/24', cost: 5 } }, ospf: {}, rules: [{ action: 'allow', in: 'eth0' }] } },
			links: []
		};
		const plan = planEdit(doc, ['nodes', 'r1', 'kind'], 'host');
		const after = expectValid(doc, plan, 'router → host');
		expect((after.nodes as Doc).r1).toEqual({ kind: 'host', label: 'R1', interfaces: { eth0: { ip: '10.0.0.1/24' } }, rules: [{ action: 'allow', in: 'eth0' }] });
		expect(plan.ok && [...plan.dropped].sort()).toEqual(['eth0 cost', 'ospf']);
		// and back: a router's rules have no `direction`
		const host = { ...doc, nodes: { h1: { kind: 'host', rules: [{ action: 'deny', direction: 'out' }] } } };
		const back = planEdit(host, ['nodes', 'h1', 'kind'], 'router');
		expect((expectValid(host, back, 'host → router').nodes as Doc).h1).toEqual({ kind: 'router', rules: [{ action: 'deny' }] });
		expect(back.ok && back.dropped).toEqual(['rules[0].direction']);
	});
});

describe('the commands', () => {
	const TEXT = `vnet: 1
name: lab
nodes:
  hv1: { kind: hypervisor, interfaces: { eth0: { ip: 192.168.1.5/24 } } }
  dk: { kind: hypervisor, product: docker }
  vm1: { kind: vm, on: hv1, interfaces: { eth0: { attach: nat, dhcp: true } } }
links: []
`;
	test('Attach → Bridged is one undo step and the document stays valid', () => {
		const store = new TopologyStore(TEXT, 'lab.vnet.yaml');
		const plan = editField(store, ['nodes', 'vm1', 'interfaces', 'eth0', 'attach'], 'bridged');
		expect(plan.ok).toBe(true);
		expect(store.valid).toBe(true);
		expect(store.topology!.nodes.vm1.interfaces!.eth0).toEqual({ attach: 'bridged' });
		store.undo();
		expect(store.topology!.nodes.vm1.interfaces!.eth0).toEqual({ attach: 'nat', dhcp: true });
		expect(store.canUndo).toBe(false);
	});

	test('a refused edit changes nothing', () => {
		const store = new TopologyStore(TEXT, 'lab.vnet.yaml');
		const plan = editField(store, ['nodes', 'hv1', 'interfaces', 'eth0', 'native'], 5);
		expect(plan.ok).toBe(false);
		expect(store.canUndo).toBe(false);
	});

	test('moving a NAT guest onto a Docker host converts its mode (the document stays valid)', () => {
		const store = new TopologyStore(TEXT, 'lab.vnet.yaml');
		setHost(store, 'vm1', 'dk');
		expect(store.valid).toBe(true);
		expect(store.topology!.nodes.vm1.interfaces!.eth0.attach).toBe('bridge');
	});
});
