/**
 * Format rules of hypervisor products (presets.md) that need the whole
 * document: a guest's `attach` mode must be one its hypervisor's product has,
 * `dhcp: true` needs a DHCP server there, ESXi port groups must be declared,
 * and hypervisor fields belong to the products that have them. Each problem
 * is located at the field that has it.
 */
import type { Topology } from './types';
import { PRODUCTS, modeError, productOf, type ProductId } from './products';
import { isGuestKind } from './kinds';

export interface ProductIssue {
	path: (string | number)[];
	message: string;
}

export function productIssues(t: Topology): ProductIssue[] {
	const out: ProductIssue[] = [];
	const nodes = t.nodes ?? {};
	for (const [id, n] of Object.entries(nodes)) {
		if (n.kind === 'hypervisor') {
			const p = productOf(n.product);
			if (n.networks !== undefined && !p.takesNetworks)
				out.push({
					path: ['nodes', id, 'networks'],
					message:
						p.id === 'generic'
							? '`networks` names the networks of a product: set `product` (virtualbox, vmware, libvirt, hyper-v, docker, podman, lxc)'
							: `${p.name} has no named networks here (its NAT subnet is \`nat.subnet\`)`
				});
			if (n.portgroups !== undefined && p.id !== 'esxi')
				out.push({ path: ['nodes', id, 'portgroups'], message: '`portgroups` are for `product: esxi`' });
			if (n.nat?.subnet !== undefined && p.id === 'virtualbox')
				out.push({
					path: ['nodes', id, 'nat', 'subnet'],
					message: 'VirtualBox gives each NAT adapter its own 10.0.(k+2).0/24; for a shared subnet use `attach: nat-network` and `networks: { NAME: { subnet } }`'
				});
			if (n.nat?.subnet !== undefined && p.id === 'esxi') out.push({ path: ['nodes', id, 'nat'], message: 'ESXi has no NAT' });
			for (const [pg, def] of Object.entries(n.portgroups ?? {}))
				if (def.uplink !== undefined && !Object.hasOwn(n.interfaces ?? {}, def.uplink))
					out.push({ path: ['nodes', id, 'portgroups', pg, 'uplink'], message: `${id} has no interface "${def.uplink}"` });
			continue;
		}
		if (!isGuestKind(n.kind) || n.on === undefined) continue;
		const found = Object.hasOwn(nodes, n.on) ? nodes[n.on] : undefined;
		// `on` naming no hypervisor is lint's business; its modes are the generic ones meanwhile.
		const hv = found?.kind === 'hypervisor' ? found : { kind: 'hypervisor' as const, product: undefined, portgroups: undefined };
		const product = productOf(hv.product);
		const ifaces = Object.entries(n.interfaces ?? {});
		for (const [ifName, iface] of ifaces) {
			if (iface.attach === undefined) continue;
			const at = (field: string) => ['nodes', id, 'interfaces', ifName, field];
			const mode = product.modes.find((x) => x.mode === iface.attach);
			if (!mode) {
				out.push({ path: at('attach'), message: modeError(hv.product, iface.attach) });
				continue;
			}
			if (iface.dhcp && !mode.dhcp)
				out.push({
					path: at('dhcp'),
					message:
						product.id === 'generic'
							? '`dhcp: true` is only for a vm or container interface with `attach: nat` (in version 1 the only DHCP servers are hypervisor NAT networks)'
							: `${product.name} "${mode.label}" has no DHCP server${product.id === 'hyper-v' && mode.mode === 'internal' ? ' (guests need static addresses)' : ''}: give the interface an \`ip\``
				});
			if (mode.mode === 'portgroup' && iface.network !== undefined && !Object.hasOwn(hv.portgroups ?? {}, iface.network))
				out.push({
					path: at('network'),
					message: `${n.on} has no port group "${iface.network}": declare it under \`portgroups\` (e.g. \`${iface.network}: { vlan: 10 }\`)`
				});
			if (mode.mode === 'host') {
				if (iface.ip !== undefined || iface.dhcp)
					out.push({ path: at(iface.ip !== undefined ? 'ip' : 'dhcp'), message: "`attach: host` shares the host's addresses: remove the address" });
				if (ifaces.length > 1)
					out.push({ path: at('attach'), message: "`attach: host` shares the host's whole network: it is the only interface of the container" });
			}
		}
	}
	return out;
}

/** For tests and the app: every product's modes as `attach` values. */
export function modesOf(product: ProductId): string[] {
	return PRODUCTS[product].modes.map((x) => x.mode);
}
