/**
 * Overlays (VXLAN segments) in scenarios. A flow between guests of a segment
 * already follows the probe engine's encapsulation (the path's underlay hops
 * are the VTEP → VTEP outer packets), so an uplink, bond or underlay-route
 * failure is the outer path failing and reconverging like any other flow.
 * What is overlay-specific is the controller: this module says what a failed
 * `overlay.controller` changes in the network state.
 */
import type { Topology } from '../../model/types';
import { VXLAN_OVERHEAD } from '../../model/overlay';
import type { CIface, Net } from '../compile';
import { wireBytes } from '../probe';

const ARP_L3 = 28;

/**
 * The state document when the overlay's controller `id` has failed.
 * fail-mode standalone (the default): the VTEPs drop the controller's
 * neighbour table and fall back to flood-and-learn, so an ARP not yet
 * answered is flooded head-end to the far VTEPs (the probe then sees no
 * controller). fail-mode secure: the VTEPs keep what the controller
 * programmed (like proactive flows on a secure SDN switch) and go on
 * answering ARP locally. Either way the data plane is untouched: flows whose
 * ARP already resolved keep going (no entry ages out).
 */
export function overlayControllerDown(doc: Topology, id: string): void {
	const n = doc.nodes[id];
	if (doc.overlay?.controller !== id || n?.kind !== 'sdn-controller') return;
	if ((n['fail-mode'] ?? 'standalone') === 'standalone') delete doc.overlay.controller;
}

/** path.ts's Registry, as far as the ARP timing needs it (no import cycle). */
export interface LinkTable {
	links: { latency: number; bandwidth: number }[];
	dirOf(net: Net, from: CIface): number;
}

/** What the ARP timing needs of a path's link crossing (path.ts's raw hops). */
export interface ArpHop {
	out: CIface;
	receiver: number;
	tags: number;
	/** the VNI when the hop is an underlay hop carrying VXLAN */
	underlay?: number;
	/** the sender's ARP was answered by its local VTEP (ARP suppression) */
	arpSuppressed?: boolean;
}

/**
 * Time for the ARP of the sender of hop `k`: request and reply over the
 * layer-2 hops up to the next L3 node (switch delays both ways, the
 * responder's delay). On a segment the layer 2 goes through the tunnel: a
 * guest's ARP crosses the underlay encapsulated (VXLAN_OVERHEAD more bytes;
 * the underlay routers and the far VTEP forward it both ways) to the guest
 * on the far host, unless its local VTEP answers it (ARP suppression), which
 * costs only the hop to the bridge.
 */
export function arpRoundTrip(reg: LinkTable, net: Net, raw: ArpHop[], k: number): number {
	const guest = raw[k].underlay === undefined;
	let rtt = 0;
	for (let j = k; j < raw.length; j++) {
		const tunnelled = guest && raw[j].underlay !== undefined;
		const gj = reg.links[reg.dirOf(net, raw[j].out) >> 1];
		rtt += 2 * (Math.round((wireBytes(ARP_L3 + (tunnelled ? VXLAN_OVERHEAD : 0), raw[j].tags) * 8 * 1e9) / gj.bandwidth) + gj.latency);
		const rn = net.nodes[raw[j].receiver];
		const last = (!rn.isSwitch && !tunnelled) || (raw[k].arpSuppressed && raw[j + 1]?.underlay !== undefined);
		if (last) {
			rtt += rn.delay;
			break;
		}
		rtt += 2 * rn.delay;
	}
	return rtt;
}
