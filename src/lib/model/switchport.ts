/**
 * The one 802.1Q rule of a switch port (topology-format.md "Interface" and
 * "Forwarding semantics", L2): which frames a port admits and into which
 * VLAN, and how a frame of a VLAN leaves it. The probe engine, the scenario
 * engine's layer-2 reach and the model's segments all read ports through it.
 *
 * - An access port (`vlan`, default VLAN 1) carries its VLAN untagged and
 *   drops tagged frames.
 * - A trunk (`trunk` and/or `native`) carries its `trunk` VLANs tagged and
 *   its `native` VLAN untagged, even when `trunk` does not list it; without
 *   `native` it drops untagged frames. A port with `native` and no `trunk`
 *   (the format allows it only on generated ports) is a trunk that carries
 *   nothing tagged but its native VLAN.
 * - A tagged frame whose tag is the native VLAN is admitted into that VLAN
 *   (Linux's bridge: the native VLAN is a member of the port, `pvid untagged`);
 *   the spec is silent on it.
 */

/** A port's VLAN configuration; 0 or absent `native`/`vlan` means none. */
export interface PortVlans {
	vlan?: number;
	trunk?: ReadonlySet<number> | readonly number[] | null;
	native?: number;
}

export function isTrunkPort(p: PortVlans): boolean {
	return (p.trunk !== undefined && p.trunk !== null) || !!p.native;
}

function allows(trunk: PortVlans['trunk'], vlan: number): boolean {
	if (!trunk) return false;
	return Array.isArray(trunk) ? trunk.includes(vlan) : (trunk as ReadonlySet<number>).has(vlan);
}

/** The VLAN a frame arriving with wire tag `tag` (0 = untagged) joins, or 0 when the port drops it. */
export function ingressVlan(p: PortVlans, tag: number): number {
	if (isTrunkPort(p)) {
		if (tag) return allows(p.trunk, tag) || p.native === tag ? tag : 0;
		return p.native || 0;
	}
	return tag ? 0 : p.vlan || 1;
}

/** The wire tag a frame of `vlan` leaves the port with (0 = untagged), or -1 when the port does not carry it. */
export function egressTag(p: PortVlans, vlan: number): number {
	if (isTrunkPort(p)) {
		if (p.native && p.native === vlan) return 0;
		return allows(p.trunk, vlan) ? vlan : -1;
	}
	return (p.vlan || 1) === vlan ? 0 : -1;
}

/**
 * The port's two-way wire channels (0 = untagged) and the VLAN each joins, as
 * segments see a link: its `trunk` VLANs tagged, its native (or access) VLAN
 * untagged. A tagged frame of the native VLAN is admitted (ingressVlan) but
 * never sent (egressTag sends the native untagged), so ARP across it cannot
 * come back: it is no channel here.
 */
export function portChannelVlans(p: PortVlans): [tag: number, vlan: number][] {
	if (!isTrunkPort(p)) return [[0, p.vlan || 1]];
	const out: [number, number][] = [];
	for (const v of p.trunk ?? []) out.push([v, v]);
	if (p.native) out.push([0, p.native]);
	return out;
}
