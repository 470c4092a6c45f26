/**
 * Hypervisor and container-host products (../shared/spec/presets.md): each
 * product's display name, its attach modes under the product's own names, and
 * the defaults the resolver applies (subnets, gateways, DHCP pools).
 *
 * This table is the one place that knows products. The schema checks modes
 * against it, the resolver builds segments from it (products-resolve.ts), the
 * engine reads the kind of NAT of each segment, and the app's product picker
 * shows `name` and each mode's `label`.
 */

import { DEFAULT_SUBNETS as S } from './kinds';

export const PRODUCT_IDS = ['generic', 'virtualbox', 'vmware', 'libvirt', 'qemu', 'hyper-v', 'docker', 'podman', 'lxc', 'esxi'] as const;
export type ProductId = (typeof PRODUCT_IDS)[number];

/** Every `attach` value of any product, in a stable order (generic first). */
export const ALL_ATTACH_MODES = [
	'bridged',
	'nat',
	'host-only',
	'internal',
	'nat-network',
	'none',
	'custom',
	'isolated',
	'macvtap',
	'external',
	'private',
	'default-switch',
	'bridge',
	'network',
	'host',
	'macvlan',
	'portgroup'
] as const;
export type AnyAttachMode = (typeof ALL_ATTACH_MODES)[number];

/** `network: NAME` on the guest interface: required, optional (with a default), or not taken. */
export type NetworkUse = 'required' | 'optional' | 'none';

export interface ProductMode {
	/** the `attach` value */
	mode: AnyAttachMode;
	/** the product's own name for it, as its UI shows it */
	label: string;
	/** one line for a tooltip */
	summary: string;
	network: NetworkUse;
	/** the default `network` name when optional */
	defaultNetwork?: string;
	/** the segment has the product's DHCP server (`dhcp: true` allowed) */
	dhcp: boolean;
	/** NAT of the segment, if any */
	nat?: 'kernel' | 'user';
	/** `uplink` is taken (the mode joins a hypervisor interface's LAN) */
	uplink?: boolean;
}

export interface ProductInfo {
	id: ProductId;
	/** display name: "VirtualBox", "VMware Workstation", ... */
	name: string;
	/** what it usually runs */
	guests: 'vm' | 'container' | 'both';
	modes: ProductMode[];
	/** extra hypervisor fields it takes besides `nat` */
	takesNetworks: boolean;
	takesPortgroups: boolean;
}

const m = (mode: AnyAttachMode, label: string, summary: string, more: Partial<ProductMode> = {}): ProductMode => ({
	mode,
	label,
	summary,
	network: 'none',
	dhcp: false,
	...more
});

const bridged = (label = 'Bridged') => m('bridged', label, "joins the LAN of the hypervisor's uplink with its own address", { uplink: true });

/** Docker and Podman have the same modes; only their default subnets differ. */
function containerEngine(id: 'docker' | 'podman', name: string, bridge: string, userNet: string, networks: string): ProductInfo {
	return {
		id,
		name,
		guests: 'container',
		takesNetworks: true,
		takesPortgroups: false,
		modes: [
			m('bridge', 'bridge', `${bridge}, gateway .1, containers from .2, kernel NAT`, { dhcp: true, nat: 'kernel' }),
			m('network', 'user-defined network', `a user-defined ${userNet}: ${networks}, ...; isolated from other networks`, {
				dhcp: true,
				nat: 'kernel',
				network: 'required'
			}),
			m('host', 'host', "shares the host's interfaces, addresses and ports"),
			m('none', 'none', 'no network'),
			m('macvlan', 'macvlan', 'a LAN peer like bridged; host and container cannot reach each other', { uplink: true })
		]
	};
}

export const PRODUCTS: Record<ProductId, ProductInfo> = {
	generic: {
		id: 'generic',
		name: 'Generic',
		guests: 'both',
		takesNetworks: false,
		takesPortgroups: false,
		modes: [
			bridged(),
			m('nat', 'NAT', `the hypervisor's NAT network (${S.genericNat}; ${S.genericNatContainers} for containers only), kernel NAT`, { dhcp: true, nat: 'kernel' }),
			m('host-only', 'Host-only', `a private segment with the hypervisor (${S.genericHostOnly})`),
			m('internal', 'Internal', 'a private segment among guests with the same network name', { network: 'required' })
		]
	},
	virtualbox: {
		id: 'virtualbox',
		name: 'VirtualBox',
		guests: 'vm',
		takesNetworks: true,
		takesPortgroups: false,
		modes: [
			m('nat', 'NAT', 'a private user-mode NAT engine per adapter: 10.0.(k+2).0/24, gateway .2, DNS .3, guest .15', { dhcp: true, nat: 'user' }),
			m('nat-network', 'NAT Network', `a shared user-mode NAT segment (default ${S.virtualboxNatNetwork}, gateway .1, guests from .4)`, {
				dhcp: true,
				nat: 'user',
				network: 'optional',
				defaultNetwork: 'NatNetwork'
			}),
			bridged('Bridged Adapter'),
			m('host-only', 'Host-only Adapter', `vboxnet0: ${S.virtualboxHostOnly}, host .1, DHCP from .101; no outside access`, { dhcp: true }),
			m('internal', 'Internal Network', 'a segment among guests with the same network name', { network: 'required' }),
			m('none', 'Not attached', 'the adapter has no link')
		]
	},
	vmware: {
		id: 'vmware',
		name: 'VMware Workstation',
		guests: 'vm',
		takesNetworks: true,
		takesPortgroups: false,
		modes: [
			m('nat', 'NAT (VMnet8)', `shared NAT segment (default ${S.vmwareNat}): host .1, NAT device .2, DHCP from .128`, { dhcp: true, nat: 'kernel' }),
			m('host-only', 'Host-only (VMnet1)', `default ${S.vmwareHostOnly}: host .1, DHCP from .128; no outside access`, { dhcp: true }),
			bridged('Bridged'),
			m('custom', 'Custom (VMnet2…)', 'a named virtual network among guests', { network: 'required' })
		]
	},
	libvirt: {
		id: 'libvirt',
		name: 'KVM / libvirt',
		guests: 'vm',
		takesNetworks: true,
		takesPortgroups: false,
		modes: [
			m('nat', 'NAT (default network, virbr0)', `${S.libvirtNat}, gateway .1, DHCP .2–.254; outside connections rejected`, { dhcp: true, nat: 'kernel' }),
			m('isolated', 'Isolated network', `host and guests only (${S.libvirtIsolated(0)} and up), DHCP from .2`, {
				dhcp: true,
				network: 'optional',
				defaultNetwork: 'isolated'
			}),
			bridged('Bridge'),
			m('macvtap', 'macvtap (direct)', 'a LAN peer like bridged, but host and guest cannot reach each other', { uplink: true })
		]
	},
	qemu: {
		id: 'qemu',
		name: 'QEMU',
		guests: 'vm',
		takesNetworks: false,
		takesPortgroups: false,
		modes: [
			m('nat', 'user (SLIRP)', `user-mode NAT per adapter: ${S.qemuNat}, gateway .2, DNS .3, guest .15; ping only to the gateway`, { dhcp: true, nat: 'user' }),
			bridged('bridge (tap)')
		]
	},
	'hyper-v': {
		id: 'hyper-v',
		name: 'Hyper-V',
		guests: 'vm',
		takesNetworks: true,
		takesPortgroups: false,
		modes: [
			m('external', 'External', 'bridged to a physical adapter', { uplink: true }),
			m('internal', 'Internal', 'a switch shared by the host (.1 of networks.NAME.subnet) and guests; no DHCP', { network: 'required' }),
			m('private', 'Private', 'a switch among guests only', { network: 'required' }),
			m('default-switch', 'Default Switch', `kernel NAT with DHCP (default ${S.hypervDefault}, gateway .1)`, { dhcp: true, nat: 'kernel' })
		]
	},
	docker: containerEngine('docker', 'Docker', `docker0: ${S.dockerBridge}`, 'bridge', `${S.dockerNetwork(0)}, ${S.dockerNetwork(1)}`),
	podman: containerEngine('podman', 'Podman', `podman: ${S.podmanBridge}`, 'network', `${S.podmanNetwork(0)}, ${S.podmanNetwork(1)}`),
	lxc: {
		id: 'lxc',
		name: 'LXC',
		guests: 'container',
		takesNetworks: true,
		takesPortgroups: false,
		modes: [
			m('nat', 'lxcbr0 (NAT)', `${S.lxcNat}, gateway .1, DHCP .2–.254, kernel NAT`, { dhcp: true, nat: 'kernel' }),
			bridged('bridged (veth on a host bridge)'),
			m('macvlan', 'macvlan', 'a LAN peer like bridged; host and container cannot reach each other', { uplink: true })
		]
	},
	esxi: {
		id: 'esxi',
		name: 'VMware ESXi',
		guests: 'vm',
		takesNetworks: false,
		takesPortgroups: true,
		modes: [m('portgroup', 'Port group', 'a port group of the standard vSwitch on the uplink: VLAN 0 (untagged), 1–4094 (tagged), 4095 (guest tags)', { network: 'required' })]
	}
};

export function productOf(p: string | undefined): ProductInfo {
	return (p !== undefined && Object.hasOwn(PRODUCTS, p) ? PRODUCTS[p as ProductId] : undefined) ?? PRODUCTS.generic;
}

export function productMode(product: string | undefined, mode: string | undefined): ProductMode | undefined {
	return productOf(product).modes.find((x) => x.mode === mode);
}

/** Modes taking `network:` (required or optional) for some product. */
export const NETWORK_MODES: ReadonlySet<string> = new Set(
	Object.values(PRODUCTS).flatMap((p) => p.modes.filter((x) => x.network !== 'none').map((x) => x.mode))
);
/** Modes requiring `network:` for every product that has them. */
export const NETWORK_REQUIRED_MODES: ReadonlySet<string> = new Set(
	ALL_ATTACH_MODES.filter((mode) => {
		const uses = Object.values(PRODUCTS).flatMap((p) => p.modes.filter((x) => x.mode === mode));
		return uses.length > 0 && uses.every((x) => x.network === 'required');
	})
);
/** Modes taking `uplink:`. */
export const UPLINK_MODES: ReadonlySet<string> = new Set(Object.values(PRODUCTS).flatMap((p) => p.modes.filter((x) => x.uplink).map((x) => x.mode)));
/** Modes with a DHCP server for some product. */
export const DHCP_MODES: ReadonlySet<string> = new Set(Object.values(PRODUCTS).flatMap((p) => p.modes.filter((x) => x.dhcp).map((x) => x.mode)));

/** Products that have this mode, for "did you mean" messages. */
export function productsWithMode(mode: string): ProductInfo[] {
	return Object.values(PRODUCTS).filter((p) => p.modes.some((x) => x.mode === mode));
}

/** `"host-only" is not a Docker mode; Docker has bridge, network, host, none, macvlan`. */
export function modeError(product: string | undefined, mode: string): string {
	const p = productOf(product);
	const modes = p.modes.map((x) => x.mode).join(', ');
	if (p.id === 'generic') {
		const others = productsWithMode(mode).map((x) => x.id);
		const hint = others.length ? ` ("${mode}" is a mode of ${others.join(', ')}: set \`product\` on the hypervisor)` : '';
		return `"${mode}" is not a mode of a generic hypervisor; a generic hypervisor has ${modes}${hint}`;
	}
	return `"${mode}" is not a ${p.name} mode; ${p.name} has ${modes}`;
}

// ---- defaults (presets.md) -------------------------------------------------------------

/** Default subnets of the products' named segments: one table with the generic ones, in kinds.ts. */
export { DEFAULT_SUBNETS } from './kinds';

/** Names of the products' built-in networks, for `networks:` overrides. */
export const BUILTIN_NETWORKS: Partial<Record<ProductId, Record<string, string>>> = {
	virtualbox: { vboxnet0: 'host-only' },
	vmware: { vmnet8: 'nat', vmnet1: 'host-only' },
	libvirt: { default: 'nat' },
	'hyper-v': { default: 'default-switch' },
	docker: { bridge: 'bridge' },
	podman: { podman: 'bridge' },
	lxc: { lxcbr0: 'nat' }
};
