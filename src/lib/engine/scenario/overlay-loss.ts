/**
 * Loss wording for a frame a guest sent into a VXLAN tunnel on a stale ARP
 * entry (stale.ts). Apart from overlay.ts, which path.ts imports, so that the
 * path types do not make an import cycle.
 */
import type { Net } from '../compile';
import { hasCarrier } from './l2';
import type { FlowPath, Registry } from './path';

/** "node.iface" ends of hop h of a path, sender first. */
function ends(reg: Registry, p: FlowPath, h: number): [string, string] {
	const [a, b] = reg.links[p.ld[h] >> 1].key.split('|');
	return (p.ld[h] & 1) === 0 ? [a, b] : [b, a];
}

const nodeOf = (end: string) => end.slice(0, end.indexOf('.'));

/**
 * Where a guest's frame went when its ARP entry was stale (stale.ts) and its
 * path `before` took it into a VXLAN tunnel after hop k: the local VTEP wraps
 * it and the outer packet is lost in the underlay (the guest's own cable is
 * fine). Null when the frame entered no tunnel. A tunnel entry is where the
 * next hop's sender is not the previous hop's receiver (the VTEP).
 */
export function tunnelLoss(net: Net, reg: Registry, before: FlowPath, k: number): { owner: string; why: string } | null {
	let entry = -1;
	for (let h = k + 1; h < before.n; h++)
		if (nodeOf(ends(reg, before, h)[0]) !== nodeOf(ends(reg, before, h - 1)[1])) {
			entry = h;
			break;
		}
	if (entry < 0) return null;
	// only a bridge with a VXLAN port hands frames to a VTEP (other jumps are not tunnels)
	const bi = net.nodeIndex.get(nodeOf(ends(reg, before, entry - 1)[1]));
	if (bi === undefined || !net.nodes[bi].ifaces.some((i) => net.ifaces[i].vxlan)) return null;
	let exit = before.n;
	for (let h = entry + 1; h < before.n; h++)
		if (nodeOf(ends(reg, before, h)[0]) !== nodeOf(ends(reg, before, h - 1)[1])) {
			exit = h;
			break;
		}
	const vtep = nodeOf(ends(reg, before, entry)[0]);
	const far = nodeOf(ends(reg, before, exit - 1)[1]);
	const wrapped = `${vtep} wraps it in VXLAN for ${far}'s VTEP`;
	let owner = nodeOf(ends(reg, before, before.n - 1)[1]);
	for (let h = exit; h < before.n; h++) {
		const rx = nodeOf(ends(reg, before, h)[1]);
		if (!net.nodes[net.nodeIndex.get(rx) ?? 0]?.isSwitch) {
			owner = rx;
			break;
		}
	}
	for (let h = entry; h < exit; h++) {
		const [tx, rx] = ends(reg, before, h);
		for (const end of [tx, rx]) {
			const ni = net.nodeIndex.get(nodeOf(end));
			const name = end.slice(end.indexOf('.') + 1);
			const ii = ni === undefined ? undefined : net.nodes[ni].ifaces.find((i) => net.ifaces[i].name === name);
			if (ii === undefined || hasCarrier(net, ii)) continue;
			const bond = net.ifaces[ii].bond;
			// a bond keeps its dead active member until its next MII check
			const lost = bond >= 0 && end === tx ? `${nodeOf(end)}.${net.ifaces[bond].name} still sends on ${name}, which has no carrier, until the bond's next miimon check` : `${end} has no carrier`;
			return { owner, why: `${wrapped}; the outer packet is lost in the underlay: ${lost}` };
		}
	}
	return { owner, why: `${wrapped}; the outer packet is lost in the underlay, which has no path there now` };
}
