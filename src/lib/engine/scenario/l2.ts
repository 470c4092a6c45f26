/**
 * Layer-2 reachability on a compiled network in its current state: which
 * logical L3 interfaces a broadcast from one interface reaches (through
 * links, switches, VLANs, 802.1Q subinterfaces and active-backup bonds), and
 * whether an interface has carrier. Used by OSPF (adjacencies), VRRP (who
 * hears whose adverts) and the scenario mechanisms. Pure; no MAC learning.
 */
import type { CIface, Net } from '../net-types';

/** Physical interface and wire tag a logical interface sends on. */
function egressOf(net: Net, i: CIface): { phys: CIface; tag: number } {
	let phys = i;
	let tag = 0;
	if (i.parent >= 0) {
		phys = net.ifaces[i.parent];
		tag = i.tag;
	}
	if (phys.bond < 0 && phys.bondActive >= 0) phys = net.ifaces[phys.bondActive];
	return { phys, tag };
}

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
			let logical = peer;
			if (peer.bond >= 0) {
				const bond = net.ifaces[peer.bond];
				if (bond.bondActive !== peer.idx || bond.down) continue;
				logical = bond;
			}
			if (cur.tag) {
				const sub = logical.subByTag?.get(cur.tag);
				if (sub === undefined) continue;
				logical = net.ifaces[sub];
				if (logical.down) continue;
			} else if (logical.implicitParent) continue;
			if (logical.idx !== fromIdx) out.add(logical.idx);
			continue;
		}
		let vlan: number;
		if (peer.trunk || peer.native) {
			if (cur.tag) {
				if (!(peer.trunk?.has(cur.tag) || peer.native === cur.tag)) continue;
				vlan = cur.tag;
			} else {
				if (!peer.native) continue;
				vlan = peer.native;
			}
		} else {
			if (cur.tag) continue;
			vlan = peer.vlan || 1;
		}
		const key = pn.idx * 8192 + vlan;
		if (visited.has(key)) continue;
		visited.add(key);
		for (const pi of pn.ifaces) {
			if (pi === peer.idx) continue;
			const port = net.ifaces[pi];
			if (port.down || port.link < 0) continue;
			const carries = port.trunk ? port.trunk.has(vlan) || port.native === vlan : port.native ? port.native === vlan : port.vlan === vlan;
			if (!carries) continue;
			const egressTag = port.trunk || port.native ? (port.native === vlan ? 0 : vlan) : 0;
			stack.push({ out: port, tag: egressTag });
		}
	}
	return out;
}
