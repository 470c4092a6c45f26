/**
 * The shape of the VXLAN stage (vxlan.ts) as the layer-2 walk sees it. The
 * walk (l2.ts) is also used by the scenario engine, below the routed stages
 * a tunnel needs, so it reaches the stage through the probe context
 * (`ctx.tunnel`, set by the probe facade) instead of importing it.
 */
import type { CIface } from '../net-types';
import type { Hop } from '../trace';

/** One entry of the layer-2 walk: the frame enters this port (a far VTEP's VXLAN port) at time t. */
export interface TunnelArrival {
	enter: CIface;
	t: number;
	hops: Hop[];
}

export interface TunnelResult {
	arrivals: TunnelArrival[];
	/** why the frame was lost on the way to a VTEP (the last such reason) */
	lost: { node: string; reason: string; hops: Hop[]; t: number } | null;
	/** inner DF packet too big for the tunnel: the source VTEP's answer (ICMP frag-needed with this MTU) */
	pmtu: { node: string; mtu: number; hops: Hop[]; t: number } | null;
}
