/**
 * The headers a step's packet carries, for the inspector: a VXLAN packet on
 * the underlay has an outer IPv4 / UDP 4789 / VXLAN header around the guest's
 * own packet. Read from the hops' typed fields (`vxlan`, `underlay`): an
 * underlay hop's src/dst are the outer header's, so its inner header is that
 * of the hop that encapsulated it.
 */
import type { Hop } from '$lib/engine/trace';
import { VXLAN_PORT } from '$lib/model/overlay';
import type { SimStep } from '../../editor/sim/steps';

export interface Encapsulation {
	outer: { src: string; dst: string; sport?: string; dport: number; vni: number; df?: boolean; size?: number };
	inner: { src?: string; dst?: string; size?: number } | null;
}

const addr = (ep: string | undefined) => ep?.split(':')[0] ?? '';
const port = (ep: string | undefined) => ep?.split(':')[1];

export function encapsulation(steps: SimStep[], index: number): Encapsulation | null {
	const h: Hop | undefined = steps[index]?.hop;
	if (!h) return null;
	if (h.vxlan) {
		return {
			outer: { src: h.vxlan.outerSrc, dst: h.vxlan.outerDst, dport: VXLAN_PORT, vni: h.vxlan.vni, df: h.vxlan.df },
			inner: { src: h.src, dst: h.dst, size: h.size }
		};
	}
	if (h.underlay === undefined) return null;
	let encap: Hop | null = null;
	for (let i = index - 1; i >= 0 && steps[i].leg === steps[index].leg; i--) {
		const p = steps[i].hop;
		if (p.action === 'ENCAPSULATED' && p.vxlan?.vni === h.underlay) {
			encap = p;
			break;
		}
	}
	return {
		outer: { src: addr(h.src), dst: addr(h.dst), sport: port(h.src), dport: Number(port(h.dst) ?? VXLAN_PORT), vni: h.underlay, df: encap?.vxlan?.df, size: h.size },
		inner: encap ? { src: encap.src, dst: encap.dst, size: encap.size } : null
	};
}
