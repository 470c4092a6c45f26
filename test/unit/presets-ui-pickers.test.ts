import { describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../src/lib/model/products';
import { attachOptions, dhcpHint, GENERIC_PRODUCT_LABEL, networkField, productLabels, productOptions } from '../../src/lib/ui/props/product-options';

describe('product picker', () => {
	it('lists every product but generic by its display name; generic is the empty choice', () => {
		const opts = productOptions();
		expect(opts.map((o) => o.label)).toEqual(['VirtualBox', 'VMware Workstation', 'KVM / libvirt', 'QEMU', 'Hyper-V', 'Docker', 'Podman', 'LXC', 'VMware ESXi']);
		expect(opts.find((o) => o.label === 'VirtualBox')?.value).toBe('virtualbox');
		expect(opts.some((o) => o.value === 'generic')).toBe(false);
		expect(GENERIC_PRODUCT_LABEL).toBe('Generic');
		// an explicit `product: generic` still shows its name
		expect(productLabels().generic).toBe('Generic');
	});
});

describe('attachment picker', () => {
	it("offers exactly the hypervisor product's modes under its own labels", () => {
		expect(attachOptions({ product: 'virtualbox' }).map((o) => o.label)).toEqual([
			'NAT',
			'NAT Network',
			'Bridged Adapter',
			'Host-only Adapter',
			'Internal Network',
			'Not attached'
		]);
		expect(attachOptions({ product: 'virtualbox' }).map((o) => o.value)).toEqual(['nat', 'nat-network', 'bridged', 'host-only', 'internal', 'none']);
		expect(attachOptions({ product: 'hyper-v' }).map((o) => o.label)).toEqual(['External', 'Internal', 'Private', 'Default Switch']);
		expect(attachOptions({ product: 'docker' }).map((o) => o.label)).toEqual(['bridge', 'user-defined network', 'host', 'none', 'macvlan']);
		for (const p of Object.values(PRODUCTS)) expect(attachOptions({ product: p.id }).map((o) => o.value)).toEqual(p.modes.map((m) => m.mode));
	});
	it('falls back to the generic modes without a product, a known product or a hypervisor', () => {
		const generic = ['bridged', 'nat', 'host-only', 'internal'];
		expect(attachOptions({}).map((o) => o.value)).toEqual(generic);
		expect(attachOptions(undefined).map((o) => o.value)).toEqual(generic);
		expect(attachOptions({ product: 'nope' }).map((o) => o.value)).toEqual(generic);
		expect(attachOptions({ product: 42 }).map((o) => o.value)).toEqual(generic);
	});
	it("shows the network field per the mode's rule, with the default network as placeholder", () => {
		expect(networkField({ product: 'virtualbox' }, 'nat')).toBeNull();
		expect(networkField({ product: 'virtualbox' }, 'nat-network')).toMatchObject({ required: false, placeholder: 'NatNetwork' });
		expect(networkField({ product: 'virtualbox', networks: { lab: { subnet: '10.0.9.0/24' } } }, 'nat-network')?.hint).toBe('declared: lab');
		expect(networkField({ product: 'virtualbox' }, 'internal')).toMatchObject({ required: true });
		expect(networkField({ product: 'libvirt' }, 'isolated')).toMatchObject({ required: false, placeholder: 'isolated' });
		expect(networkField({ product: 'docker' }, 'network')).toMatchObject({ required: true });
		expect(networkField({ product: 'docker' }, 'bridge')).toBeNull();
		expect(networkField({}, 'internal')).toMatchObject({ required: true });
		expect(networkField({}, 'nat')).toBeNull();
		expect(networkField({ product: 'virtualbox' }, undefined)).toBeNull();
		// a mode the product does not have: no field (the schema reports the mode)
		expect(networkField({ product: 'docker' }, 'nat-network')).toBeNull();
	});
	it("offers ESXi's declared port groups", () => {
		const f = networkField({ product: 'esxi', portgroups: { 'VM Network': { vlan: 0 }, lab: { vlan: 20 } } }, 'portgroup');
		expect(f).toMatchObject({ label: 'Port group', required: true, options: ['VM Network', 'lab'] });
		expect(networkField({ product: 'esxi' }, 'portgroup')).toMatchObject({ options: [], hint: 'declare portgroups on the hypervisor first' });
	});
	it("names the product's DHCP attachments", () => {
		expect(dhcpHint({ product: 'virtualbox' })).toBe('only on NAT, NAT Network, Host-only Adapter');
		expect(dhcpHint({ product: 'esxi' })).toBe('this product has no DHCP server');
	});
});
