/**
 * Overlay lint (docs/overlays.md): the MTU VXLAN costs. A segment's guests send
 * packets of up to their MTU; wrapped, each is 50 bytes larger, and the underlay
 * between every two VTEPs of the segment must carry that.
 *
 * The underlay path MTU known here is the smallest of the two VTEP interfaces
 * and the interfaces their cables land on (the engine checks every hop).
 */
import { parseEndpoint } from '../net';
import { overlayOf, VXLAN_OVERHEAD } from '../overlay';
import type { Linter } from './linter';

/** The MTU a VTEP's first underlay hop allows: its own interface and the far end of its cable. */
function vtepMtu(L: Linter, host: string, iface: string): number {
	let mtu = L.nodes[host]?.interfaces?.[iface]?.mtu ?? 1500;
	for (const li of L.linksOf.get(`${host}\u0000${iface}`) ?? []) {
		const l = L.t.links[li];
		for (const end of [l.a, l.b]) {
			const e = parseEndpoint(end);
			if (!e || (e.node === host && e.iface === iface)) continue;
			mtu = Math.min(mtu, L.nodes[e.node]?.interfaces?.[e.iface]?.mtu ?? 1500);
		}
	}
	return mtu;
}

export function lintOverlay(L: Linter): void {
	const ov = overlayOf(L.t);
	if (!ov) return;
	for (const seg of ov.segments) {
		const guestMtu = Math.max(0, ...seg.members.map((m) => m.mtu));
		const hosts = seg.hosts.filter((h) => ov.vteps.has(h));
		let worst: { a: string; b: string; mtu: number } | null = null;
		for (let i = 0; i < hosts.length; i++)
			for (let j = i + 1; j < hosts.length; j++) {
				const a = ov.vteps.get(hosts[i])!;
				const b = ov.vteps.get(hosts[j])!;
				const mtu = Math.min(vtepMtu(L, a.host, a.iface), vtepMtu(L, b.host, b.iface));
				if (guestMtu + VXLAN_OVERHEAD > mtu && (!worst || mtu < worst.mtu)) worst = { a: a.host, b: b.host, mtu };
			}
		if (!worst) continue;
		const need = guestMtu + VXLAN_OVERHEAD;
		L.warn(
			'overlay-mtu',
			['overlay', 'segments', seg.name],
			`segment ${seg.name} (VNI ${seg.vni}): guest MTU ${guestMtu} + ${VXLAN_OVERHEAD} bytes of VXLAN = ${need} exceeds the underlay path MTU ${worst.mtu} between the VTEPs of ${worst.a} and ${worst.b}: full-size packets are fragmented in the underlay, or refused with fragmentation-needed (mtu ${worst.mtu - VXLAN_OVERHEAD}) when they carry DF. Raise the underlay MTU to at least ${Math.max(1600, need)} (or 9000 for jumbo frames), or set the guests' MTU to ${worst.mtu - VXLAN_OVERHEAD}.`
		);
	}
}
