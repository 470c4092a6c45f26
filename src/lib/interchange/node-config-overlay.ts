/**
 * Overlay segments (docs/overlays.md) as Linux builds them inside each
 * hypervisor, the way the kernel oracle confirmed them (test/tools/oracle_vxlan.py):
 * one bridge per segment (`br-<segment>`), a VXLAN device on it
 *
 *   ip link add vx<VNI> type vxlan id VNI local <VTEP> dstport 4789 nolearning
 *
 * with its MTU raised to the maximum (the guests' MTUs limit the inner frame, the
 * underlay the outer packet), one all-zeros FDB entry per other VTEP of the VNI
 * (head-end replication of broadcasts and unknown unicast), and the guests' ports
 * with the MTU the file gives the guest interface. Pure: no Node APIs.
 */
import type { ResolvedTopology, RNode } from '../model/resolve';
import { VXLAN_PORT } from '../model/overlay';

/** The VXLAN device's MTU: the kernel's maximum, as the oracle sets it (the bridge must not cap a guest's frame). */
export const VXLAN_DEV_MTU = 65535;

/** An overlay bridge (model/overlay.ts): a virtual switch with a VXLAN port. */
export function isOverlayBridge(n: RNode): boolean {
	return n.kind === 'virtual-switch' && n.interfaces.some((i) => i.vxlan);
}

export interface OverlayAttachment {
	hypervisor: string;
	/** the bridge's port name: "guest.iface" */
	port: string;
	guest: string;
	iface: string;
	segment: string;
	/** the bridge's id in the resolved network, "hv:segment:NAME" */
	segmentId: string;
}

/** Every guest interface on an overlay segment, in the resolver's order. */
export function overlayAttachments(r: ResolvedTopology): OverlayAttachment[] {
	const out: OverlayAttachment[] = [];
	for (const br of r.nodes.values()) {
		if (!br.owner || !isOverlayBridge(br)) continue;
		const segment = br.interfaces.find((i) => i.vxlan)!.vxlan!.segment;
		for (const port of br.interfaces) {
			const dot = port.name.indexOf('.');
			if (port.vxlan || dot < 0) continue;
			out.push({ hypervisor: br.owner, port: port.name, guest: port.name.slice(0, dot), iface: port.name.slice(dot + 1), segment, segmentId: br.id });
		}
	}
	return out;
}

/** A Linux name for a segment's bridge: `br-<segment>`, or `ov<VNI>` when that is no device name or is taken. */
export function overlayBridgeName(segment: string, vni: number, taken: Set<string>): string {
	const want = `br-${segment}`;
	const name = /^[A-Za-z0-9_-]+$/.test(segment) && want.length <= 15 && !taken.has(want) ? want : `ov${vni}`;
	taken.add(name);
	return name;
}

/**
 * The bridge and VXLAN device of one overlay bridge of `host`; returns the bridge's
 * name. `guestPorts`: the hypervisor's ethN per "guest.iface".
 */
export function overlayBridgeLines(br: RNode, r: ResolvedTopology, guestPorts: Map<string, string>, taken: Set<string>): { name: string; lines: string[] } {
	const vx = br.interfaces.find((i) => i.vxlan)!.vxlan!;
	const name = overlayBridgeName(vx.segment, vx.vni, taken);
	const dev = `vx${vx.vni}`;
	const lines = [
		`ip link add ${name} type bridge`,
		`ip link set ${name} up`,
		`ip link add ${dev} type vxlan id ${vx.vni} local ${vx.local} dstport ${VXLAN_PORT} nolearning`,
		`ip link set ${dev} mtu ${VXLAN_DEV_MTU}`,
		`ip link set ${dev} master ${name}`,
		`ip link set ${dev} up`
	];
	// head-end replication: every other VTEP of the VNI, in host order
	const remotes = [...r.nodes.values()]
		.filter((n) => n !== br && isOverlayBridge(n))
		.map((n) => n.interfaces.find((i) => i.vxlan)!.vxlan!)
		.filter((o) => o.vni === vx.vni && o.local !== vx.local)
		.map((o) => o.local);
	for (const ip of [...new Set(remotes)]) lines.push(`bridge fdb append 00:00:00:00:00:00 dev ${dev} dst ${ip}`);
	for (const port of br.interfaces) {
		const eth = guestPorts.get(port.name);
		if (!eth || port.vxlan) continue;
		lines.push(`ip link set ${eth} mtu ${port.mtu}`, `ip link set ${eth} master ${name}`);
	}
	return { name, lines };
}
