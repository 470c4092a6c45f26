/**
 * Which address a node's own new packet leaves from.
 *
 * Linux picks the preferred source of the route to the destination: the
 * address of the interface the route leaves by. A probe of the topology format
 * carries its source's first address instead (as `ping -I`), except from a
 * product hypervisor (presets.md) into a segment the product made (host-only,
 * internal with the host, kernel NAT): there the product's own host reaches its
 * guests, and they answer the address it holds on that segment.
 */
import type { CIface, CNode, Net } from '../net-types';
import { lookup } from '../compile';
import { isNatIface } from './products';

/** The address of the interface the route to `dst` leaves by, or null (no route, blackhole, unaddressed). */
export function routeSource(net: Net, node: CNode, dst: number): number | null {
	const r = lookup(node, dst);
	if (!r || r.blackhole || r.iface < 0) return null;
	const egress = net.ifaces[r.iface];
	return egress.hasAddr ? egress.addr : null;
}

/** The source address of a probe that `node` sends to `dst`. */
export function probeSource(net: Net, node: CNode, dst: number): number {
	if (node.kind !== 'hypervisor' || node.product === null || node.local.has(dst)) return node.firstAddr;
	const r = lookup(node, dst);
	if (!r || r.blackhole || r.iface < 0) return node.firstAddr;
	const egress = net.ifaces[r.iface];
	// an interface the resolver made for one of the product's segments has no path in the file
	if (egress.path !== null || !egress.hasAddr) return node.firstAddr;
	return hostAdapter(net, node, egress.idx)?.addr ?? egress.addr;
}

/**
 * A NAT device beside the host's own adapter on one segment (VMware: NAT device .2,
 * host .1 on VMnet8): the host's traffic is the adapter's. Null when `gateway` is
 * not a NAT network's gateway or no other segment interface shares its subnet.
 */
function hostAdapter(net: Net, node: CNode, gateway: number): CIface | null {
	if (!isNatIface(node, gateway)) return null;
	const g = net.ifaces[gateway];
	for (const ii of node.ifaces) {
		const i = net.ifaces[ii];
		if (ii !== gateway && i.path === null && i.hasAddr && !i.down && i.net === g.net && i.len === g.len) return i;
	}
	return null;
}
