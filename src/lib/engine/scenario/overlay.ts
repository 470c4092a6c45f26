/**
 * Overlays (VXLAN segments) in scenarios. A flow between guests of a segment
 * already follows the probe engine's encapsulation (the path's underlay hops
 * are the VTEP → VTEP outer packets), so an uplink, bond or underlay-route
 * failure is the outer path failing and reconverging like any other flow.
 * What is overlay-specific is the controller: this module says what a failed
 * `overlay.controller` changes in the network state.
 */
import type { Topology } from '../../model/types';

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
