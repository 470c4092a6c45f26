/**
 * Distributed logical routers (model/overlay-router.ts) at layer 2: the two
 * things a router whose MAC is on every host needs from the bridges around it.
 *
 * - A permanent local FDB entry: each overlay bridge holds the router's MAC on
 *   its port to the local instance (Linux: the bridge device's own address, a
 *   local `permanent` entry), so a frame another host's instance routed here
 *   (source: that same MAC, in from the VXLAN port) does not move the MAC to
 *   the VXLAN port, and a guest's frame to its gateway stays on its host.
 * - Programmed neighbours: an instance's ARP for a guest is answered from the
 *   table of its segments' guests (NSX's control plane; Linux: `ip neigh
 *   replace IP lladdr MAC dev br-SEG nud permanent`). Asked on the wire, the
 *   guest's reply to the shared MAC would stop at the guest's own host.
 */
import type { CIface, Net } from '../net-types';
import type { ProbeContext } from './context';

/** bridge node index → MAC → its permanent local port */
const permanent = new WeakMap<Net, Map<number, Map<string, CIface>>>();

function permanentOf(net: Net): Map<number, Map<string, CIface>> {
	let m = permanent.get(net);
	if (m) return m;
	m = new Map();
	for (const port of net.ifaces) {
		if (!port.fdbPermanent || port.link < 0) continue;
		const l = net.links[port.link];
		const peer = net.ifaces[l.a === port.idx ? l.b : l.a];
		if (!m.has(port.node)) m.set(port.node, new Map());
		m.get(port.node)!.set(peer.mac, port);
	}
	permanent.set(net, m);
	return m;
}

/** The permanent FDB of one bridge (undefined when it has none). */
export function permanentFdb(net: Net, bridge: number): Map<string, CIface> | undefined {
	return permanentOf(net).get(bridge);
}

/**
 * A router instance's programmed neighbour: the MAC of the guest holding `ip`
 * on the segment `egress` (an instance's interface) is on. Null for any other
 * node or address (then ARP asks the wire as usual).
 */
export function dlrNeighbour(ctx: ProbeContext, egress: CIface, ip: number): { mac: string; by: string } | null {
	if (egress.link < 0) return null;
	const l = ctx.net.links[egress.link];
	const port = ctx.iface(l.a === egress.idx ? l.b : l.a);
	if (!port.fdbPermanent) return null;
	const vx = ctx.node(port.node).ifaces.map((i) => ctx.iface(i)).find((p) => p.vxlan);
	if (!vx) return null;
	// Every host's bridge of this VNI: the guests there, wherever they run.
	for (const bp of ctx.net.ifaces) {
		if (!bp.vxlan || bp.vxlan.vni !== vx.vxlan!.vni) continue;
		for (const pi of ctx.node(bp.node).ifaces) {
			const sp = ctx.iface(pi);
			if (sp.link < 0 || sp.vxlan || sp.fdbPermanent) continue;
			const sl = ctx.net.links[sp.link];
			const guest = ctx.iface(sl.a === sp.idx ? sl.b : sl.a);
			if (guest.hasAddr && guest.addr === ip && !guest.down) return { mac: guest.mac, by: `${ctx.node(egress.node).id}.${egress.name}` };
		}
	}
	return null;
}
