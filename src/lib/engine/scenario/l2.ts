/**
 * Layer-2 reachability on a compiled network in its current state: which
 * logical L3 interfaces a broadcast from one interface reaches (through
 * links, switches, VLANs, 802.1Q subinterfaces and active-backup bonds), and
 * whether an interface has carrier. Used by OSPF (adjacencies), VRRP (who
 * hears whose adverts) and the scenario mechanisms. Pure; no MAC learning.
 * Ports admit and tag frames by the one rule of model/switchport.ts.
 */
import type { CIface, Net } from '../net-types';
import { egressTag, ingressVlan } from '../../model/switchport';
import { demux, egressOf } from '../probe/l2';

/** Is this interface (or its parent, or a member of this bond) on a cable? */
export function isCabled(net: Net, ifaceIdx: number): boolean {
	let i = net.ifaces[ifaceIdx];
	if (i.parent >= 0) i = net.ifaces[i.parent];
	if (i.link >= 0) return true;
	if (i.bondActive >= 0 && i.bond < 0) for (const m of net.ifaces) if (m.bond === i.idx && m.link >= 0) return true;
	return false;
}

/** Does this interface see a live peer on its cable (both ends up, link up)? */
export function hasCarrier(net: Net, ifaceIdx: number): boolean {
	let i = net.ifaces[ifaceIdx];
	if (i.down) return false;
	if (i.parent >= 0) i = net.ifaces[i.parent];
	if (i.down) return false;
	if (i.bondActive >= 0 && i.bond < 0) {
		// a bond has carrier while any member has
		for (const m of net.ifaces) if (m.bond === i.idx && hasCarrier(net, m.idx)) return true;
		return false;
	}
	if (i.link < 0) return false;
	const l = net.links[i.link];
	if (l.down) return false;
	const peer = net.ifaces[l.a === i.idx ? l.b : l.a];
	return !peer.down;
}

/**
 * Logical L3 interfaces (not switch ports) reached by a broadcast frame sent
 * from `fromIdx`, excluding fromIdx itself.
 */
export function l2Reach(net: Net, fromIdx: number): Set<number> {
	const out = new Set<number>();
	const from = net.ifaces[fromIdx];
	if (from.down) return out;
	const { phys, tag } = egressOf(net, from);
	if (phys.down) return out;
	const visited = new Set<number>();
	const stack: { out: CIface; tag: number }[] = [{ out: phys, tag }];
	while (stack.length) {
		const cur = stack.pop()!;
		if (cur.out.link < 0 || cur.out.down) continue;
		const link = net.links[cur.out.link];
		if (link.down) continue;
		const peer = net.ifaces[link.a === cur.out.idx ? link.b : link.a];
		if (peer.down) continue;
		const pn = net.nodes[peer.node];
		if (!pn.isSwitch) {
			const logical = demux(net, peer, cur.tag);
			if (!logical) continue;
			if (logical.idx !== fromIdx) out.add(logical.idx);
			continue;
		}
		const vlan = ingressVlan(peer, cur.tag);
		if (!vlan) continue;
		const key = pn.idx * 8192 + vlan;
		if (visited.has(key)) continue;
		visited.add(key);
		for (const pi of pn.ifaces) {
			if (pi === peer.idx) continue;
			const port = net.ifaces[pi];
			if (port.down || port.link < 0) continue;
			const wireTag = egressTag(port, vlan);
			if (wireTag < 0) continue;
			stack.push({ out: port, tag: wireTag });
		}
	}
	return out;
}
