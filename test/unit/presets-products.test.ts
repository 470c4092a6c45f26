/**
 * Products (../shared/spec/presets.md): the table, format errors listing a
 * product's modes, and each product's defaults and DHCP order.
 */
import { describe, it, expect } from 'vitest';
import { loadTopology } from '../../src/lib/model/load';
import { resolveTopology } from '../../src/lib/model/resolve';
import { PRODUCTS, PRODUCT_IDS } from '../../src/lib/model/products';
import { topo } from './engine-helpers';

/** A LAN hypervisor of `product` with guests given as { id: { kind?, ...interface } }. */
function lab(product: string, guests: Record<string, Record<string, unknown>>, hv: Record<string, unknown> = {}): string {
	const lines = [
		'vnet: 1',
		'name: t',
		'nodes:',
		'  hv:',
		'    kind: hypervisor',
		`    product: ${product}`,
		'    interfaces: { eth0: { ip: 192.168.1.10/24, gateway: 192.168.1.1 } }'
	];
	for (const [k, v] of Object.entries(hv)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
	for (const [id, g] of Object.entries(guests)) {
		const { kind = 'vm', services, ...iface } = g as { kind?: string; services?: string[] };
		lines.push(`  ${id}:`, `    kind: ${kind}`, '    on: hv', `    interfaces: { eth0: ${JSON.stringify(iface)} }`);
		if (services) lines.push(`    services: ${JSON.stringify(services)}`);
	}
	return lines.join('\n') + '\n';
}

function addressOf(yaml: string, id: string): string | undefined {
	return resolveTopology(topo(yaml)).nodes.get(id)!.addresses[0];
}

function errors(yaml: string): string[] {
	const r = loadTopology(yaml, 'x.vnet.yaml');
	return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`);
}

describe('the PRODUCTS table', () => {
	it('has every product with its display name and modes under the product’s own names', () => {
		expect(Object.keys(PRODUCTS)).toEqual([...PRODUCT_IDS]);
		const names = Object.fromEntries(Object.values(PRODUCTS).map((p) => [p.id, p.name]));
		expect(names).toEqual({
			generic: 'Generic',
			virtualbox: 'VirtualBox',
			vmware: 'VMware Workstation',
			libvirt: 'KVM / libvirt',
			qemu: 'QEMU',
			'hyper-v': 'Hyper-V',
			docker: 'Docker',
			podman: 'Podman',
			lxc: 'LXC',
			esxi: 'VMware ESXi'
		});
		expect(PRODUCTS.virtualbox.modes.map((m) => m.label)).toEqual(['NAT', 'NAT Network', 'Bridged Adapter', 'Host-only Adapter', 'Internal Network', 'Not attached']);
		expect(PRODUCTS['hyper-v'].modes.map((m) => m.label)).toEqual(['External', 'Internal', 'Private', 'Default Switch']);
		expect(PRODUCTS.docker.modes.map((m) => m.label)).toEqual(['bridge', 'user-defined network', 'host', 'none', 'macvlan']);
	});

	it('lists the modes of presets.md for each product', () => {
		const modes = Object.fromEntries(Object.values(PRODUCTS).map((p) => [p.id, p.modes.map((m) => m.mode)]));
		expect(modes).toEqual({
			generic: ['bridged', 'nat', 'host-only', 'internal'],
			virtualbox: ['nat', 'nat-network', 'bridged', 'host-only', 'internal', 'none'],
			vmware: ['nat', 'host-only', 'bridged', 'custom'],
			libvirt: ['nat', 'isolated', 'bridged', 'macvtap'],
			qemu: ['nat', 'bridged'],
			'hyper-v': ['external', 'internal', 'private', 'default-switch'],
			docker: ['bridge', 'network', 'host', 'none', 'macvlan'],
			podman: ['bridge', 'network', 'host', 'none', 'macvlan'],
			lxc: ['nat', 'bridged', 'macvlan'],
			esxi: ['portgroup']
		});
	});
});

describe('format errors', () => {
	it('a mode the product lacks is an error at the field, listing the product’s modes', () => {
		const yaml = lab('docker', { vm1: { kind: 'container', attach: 'host-only' } });
		expect(errors(yaml)).toEqual(['11:35 nodes.vm1.interfaces.eth0.attach: "host-only" is not a Docker mode; Docker has bridge, network, host, none, macvlan']);
		expect(errors(lab('esxi', { a: { attach: 'nat' } }))[0]).toMatch(/"nat" is not a VMware ESXi mode; VMware ESXi has portgroup$/);
		expect(errors(lab('generic', { a: { attach: 'macvlan' } }))[0]).toMatch(/"macvlan" is not a mode of a generic hypervisor; a generic hypervisor has bridged, nat, host-only, internal \("macvlan" is a mode of docker, podman, lxc/);
	});

	it('checks dhcp, networks, port groups and host mode per product', () => {
		expect(errors(lab('hyper-v', { a: { attach: 'internal', network: 'x', dhcp: true } }))[0]).toMatch(/Hyper-V "Internal" has no DHCP server \(guests need static addresses\)/);
		expect(errors(lab('generic', { a: { attach: 'host-only', dhcp: true } }))[0]).toMatch(/`dhcp: true` is only for a vm or container interface with `attach: nat`/);
		expect(errors(lab('virtualbox', { a: { attach: 'host-only', dhcp: true } }))).toEqual([]);
		expect(errors(lab('esxi', { a: { attach: 'portgroup', network: 'Web', ip: '10.0.0.1/24' } }))[0]).toMatch(/hv has no port group "Web"/);
		expect(errors(lab('esxi', { a: { attach: 'portgroup' } }))[0]).toMatch(/`attach: portgroup` needs `network: <name>`/);
		expect(errors(lab('docker', { a: { kind: 'container', attach: 'host', ip: '10.0.0.1/24' } }))[0]).toMatch(/shares the host's addresses/);
		expect(errors(lab('docker', {}, { portgroups: { x: { vlan: 1 } } }))[0]).toMatch(/`portgroups` are for `product: esxi`/);
		expect(errors(lab('generic', {}, { networks: { x: { subnet: '10.0.0.0/24' } } }))[0]).toMatch(/`networks` names the networks of a product/);
		expect(errors(lab('esxi', {}, { portgroups: { x: { vlan: 4096 } } }))[0]).toMatch(/0–4094|4095/);
	});
});

describe('defaults and DHCP order', () => {
	it('virtualbox nat: 10.0.(k+2).0/24 per adapter, guest .15, gateway .2', () => {
		const yaml = `vnet: 1
name: t
nodes:
  hv: { kind: hypervisor, product: virtualbox, interfaces: { eth0: { ip: 192.168.1.10/24 } } }
  b: { kind: vm, on: hv, interfaces: { eth0: { attach: nat, dhcp: true }, eth1: { attach: nat, dhcp: true } } }
  a: { kind: vm, on: hv, interfaces: { eth0: { attach: nat, dhcp: true } } }
`;
		const rt = resolveTopology(topo(yaml));
		expect(rt.nodes.get('a')!.addresses).toEqual(['10.0.2.15']);
		expect(rt.nodes.get('b')!.addresses).toEqual(['10.0.2.15', '10.0.3.15']);
		expect(rt.nodes.get('b')!.routes[0]).toMatchObject({ to: '0.0.0.0/0', via: '10.0.2.2', origin: 'dhcp' });
		expect(rt.nodes.get('hv:nat-engine:b.eth1')!.addresses).toEqual(['10.0.3.2', '10.0.3.3']);
		expect(rt.nodes.get('hv')!.addresses).toEqual(['192.168.1.10']); // the hypervisor is not on its NAT engines' networks
	});

	it('virtualbox nat-network from .4, host-only from .101 (host .1)', () => {
		const yaml = lab('virtualbox', { b: { attach: 'nat-network', dhcp: true }, a: { attach: 'nat-network', dhcp: true }, c: { attach: 'host-only', dhcp: true }, d: { attach: 'host-only', dhcp: true } });
		expect(['a', 'b', 'c', 'd'].map((id) => addressOf(yaml, id))).toEqual(['10.0.2.4', '10.0.2.5', '192.168.56.101', '192.168.56.102']);
		expect(resolveTopology(topo(yaml)).nodes.get('hv')!.addresses).toContain('192.168.56.1');
		expect(addressOf(lab('virtualbox', { a: { attach: 'nat-network', network: 'n', dhcp: true } }, { networks: { n: { subnet: '10.0.9.0/24' } } }), 'a')).toBe('10.0.9.4');
	});

	it('qemu: every nat adapter is 10.0.2.15', () => {
		const yaml = lab('qemu', { a: { attach: 'nat', dhcp: true }, b: { attach: 'nat', dhcp: true } });
		expect([addressOf(yaml, 'a'), addressOf(yaml, 'b')]).toEqual(['10.0.2.15', '10.0.2.15']);
	});

	it('vmware: VMnet8 host .1, NAT device .2, DHCP from .128; VMnet1 from .128', () => {
		const yaml = lab('vmware', { b: { attach: 'nat', dhcp: true }, a: { attach: 'nat', dhcp: true }, c: { attach: 'host-only', dhcp: true } });
		const rt = resolveTopology(topo(yaml));
		expect(['a', 'b', 'c'].map((id) => rt.nodes.get(id)!.addresses[0])).toEqual(['192.168.80.128', '192.168.80.129', '192.168.81.128']);
		expect(rt.nodes.get('a')!.routes[0].via).toBe('192.168.80.2');
		expect(rt.nodes.get('hv')!.addresses).toEqual(['192.168.1.10', '192.168.80.2', '192.168.80.1', '192.168.81.1']);
		const custom = lab('vmware', { a: { attach: 'nat', dhcp: true } }, { networks: { vmnet8: { subnet: '172.16.5.0/24' } } });
		expect(addressOf(custom, 'a')).toBe('172.16.5.128');
	});

	it('libvirt: default network .2 upward (lowest free, id order), isolated 192.168.123.0/24 and up', () => {
		const yaml = lab('libvirt', { c: { attach: 'nat', dhcp: true }, a: { attach: 'nat', ip: '192.168.122.2/24' }, b: { attach: 'nat', dhcp: true }, d: { attach: 'isolated', network: 'x', dhcp: true }, e: { attach: 'isolated', network: 'y', dhcp: true } });
		expect(['b', 'c', 'd', 'e'].map((id) => addressOf(yaml, id))).toEqual(['192.168.122.3', '192.168.122.4', '192.168.123.2', '192.168.124.2']);
		expect(resolveTopology(topo(yaml)).nodes.get('d')!.routes).toEqual([]); // an isolated network has no router
	});

	it('hyper-v: Default Switch 172.20.0.0/20 gateway .1 from .2; internal switch host .1 of its subnet', () => {
		const yaml = lab('hyper-v', { a: { attach: 'default-switch', dhcp: true }, b: { attach: 'internal', network: 'lab', ip: '10.5.0.9/24' } }, { networks: { lab: { subnet: '10.5.0.0/24' } } });
		expect(addressOf(yaml, 'a')).toBe('172.20.0.2');
		expect(resolveTopology(topo(yaml)).nodes.get('hv')!.addresses).toEqual(['192.168.1.10', '172.20.0.1', '10.5.0.1']);
	});

	it('docker and podman: bridge from .2; user-defined networks in file order', () => {
		const d = lab('docker', { z: { kind: 'container', attach: 'network', network: 'front', dhcp: true }, a: { kind: 'container', attach: 'network', network: 'back', dhcp: true }, m: { kind: 'container', attach: 'bridge', dhcp: true } });
		expect(['z', 'a', 'm'].map((id) => addressOf(d, id))).toEqual(['172.18.0.2', '172.19.0.2', '172.17.0.2']);
		const p = lab('podman', { z: { kind: 'container', attach: 'network', network: 'front', dhcp: true }, a: { kind: 'container', attach: 'network', network: 'back', dhcp: true }, m: { kind: 'container', attach: 'bridge', dhcp: true } });
		expect(['z', 'a', 'm'].map((id) => addressOf(p, id))).toEqual(['10.89.0.2', '10.89.1.2', '10.88.0.2']);
		// IPAM addresses a container without `ip` or `dhcp` too
		expect(addressOf(lab('docker', { a: { kind: 'container', attach: 'bridge' } }), 'a')).toBe('172.17.0.2');
	});

	it('lxc: lxcbr0 10.0.3.0/24 from .2 in id order', () => {
		const yaml = lab('lxc', { b: { kind: 'container', attach: 'nat', dhcp: true }, a: { kind: 'container', attach: 'nat', dhcp: true } });
		expect([addressOf(yaml, 'a'), addressOf(yaml, 'b')]).toEqual(['10.0.3.2', '10.0.3.3']);
	});

	it('esxi: port groups become VLANs of a vSwitch on the uplink', () => {
		const yaml = lab('esxi', { a: { attach: 'portgroup', network: 'web', ip: '10.0.10.5/24' }, b: { attach: 'portgroup', network: 'mgmt', ip: '192.168.1.50/24' } }, { portgroups: { web: { vlan: 10 }, mgmt: { vlan: 0 } } });
		const sw = resolveTopology(topo(yaml)).nodes.get('hv:vswitch:eth0')!;
		const port = (name: string) => sw.interfaces.find((i) => i.name === name)!;
		expect(port('uplink')).toMatchObject({ trunk: [10], native: 1 });
		expect(port('a.eth0').vlan).toBe(10);
		expect(port('b.eth0').vlan).toBe(1);
		expect(port('host').vlan).toBe(1);
	});
});
