/**
 * Why packets are lost while ARP and MAC tables are stale. The probe engine
 * walks each state with empty tables (a probe runs alone on the network at
 * rest), so after a VRRP master or a bond's active member dies it reports an
 * ARP failure. A sender that already talked to that next hop has not ARPed
 * again, though: it still sends to the old MAC, a switch that forgot where that
 * MAC lives floods the frame, and nobody owns it. Same loss, other words: this
 * says what the real network did. (The spec keeps "ARP fails" for a sender
 * whose own cable lost carrier; those reasons are left alone.)
 */
import type { Net } from '../compile';
import { u32ToIp } from '../../model/net';
import { hasCarrier, l2Reach } from './l2';
import type { FlowPath, Registry } from './path';
import type { Gates } from './links';
import { tunnelLoss } from './overlay-loss';

function ifaceIdx(net: Net, node: string, iface: string): number {
	const ni = net.nodeIndex.get(node);
	if (ni === undefined) return -1;
	for (const ii of net.nodes[ni].ifaces) if (net.ifaces[ii].name === iface) return ii;
	return -1;
}

/** The two ends ("node.iface") of hop h of a path, sender first. */
function hopEnds(reg: Registry, path: FlowPath, h: number): [string, string] {
	const [a, b] = reg.links[path.ld[h] >> 1].key.split('|');
	return (path.ld[h] & 1) === 0 ? [a, b] : [b, a];
}

function split(end: string): [string, string] {
	const dot = end.indexOf('.');
	return [end.slice(0, dot), end.slice(dot + 1)];
}

const VRRP_MAC = '00:00:5e:00:01:';

/**
 * The loss reason of `path` (which ends in an ARP failure) given that the flow
 * earlier took `before`, or null to keep the path's own reason.
 */
export function staleReason(net: Net, reg: Registry, gates: Gates, before: FlowPath, path: FlowPath): string | null {
	const fail = path.arpFailed;
	if (!fail) return null;
	const k = before.nodes.findIndex((n, h) => h < before.n && n === fail.node && before.gate[h] >= 0 && reg.gates[before.gate[h]].key.startsWith(`arp|${fail.node}|${fail.iface}|`));
	if (k < 0) return null;
	const g = before.gate[k];
	// no packet went that way yet: no ARP entry, the failure is real
	if (g >= gates.openAt.length || gates.openAt[g] < 0) return null;
	const mac = before.dstMac[k];
	if (!mac) return null;
	const ip = u32ToIp(Number(reg.gates[g].key.split('|')[3]) >>> 0);
	// on a segment the frame goes into a tunnel: the outer packet is what is lost (overlay.ts)
	const tunnel = tunnelLoss(net, reg, before, k);
	if (tunnel) return `DROPPED: sent to ${tunnel.owner}'s MAC ${mac}: ${fail.node}'s ARP entry for ${ip} is stale; ${tunnel.why}`;
	const owner = before.nodes.find((n, h) => h > k && !net.nodes[net.nodeIndex.get(n) ?? 0]?.isSwitch) ?? before.nodes[k + 1];
	const whose = mac.startsWith(VRRP_MAC) ? `the old master's MAC ${mac} (VRRP, ${owner})` : `${owner}'s MAC ${mac}`;
	const sent = `sent to ${whose}: ${fail.node}'s ARP entry for ${ip} is stale`;
	const egress = ifaceIdx(net, fail.node, fail.iface);
	if (egress < 0) return null;
	const [, physName] = split(hopEnds(reg, before, k)[0]);
	const phys = ifaceIdx(net, fail.node, physName);
	if (phys >= 0 && !hasCarrier(net, phys)) {
		// a bond keeps its dead active member until its next MII check
		if (physName !== fail.iface && net.ifaces[phys].bond === egress) return `DROPPED: ${fail.node}.${fail.iface} still sends on ${physName}, which has no carrier, until the bond's next miimon check`;
		return null;
	}
	// follow the frame through the switches that had learned the MAC
	for (let h = k + 1; h < before.n; h++) {
		const [sw, port] = split(hopEnds(reg, before, h)[0]);
		const si = net.nodeIndex.get(sw);
		if (si === undefined || !net.nodes[si].isSwitch) break;
		const pi = ifaceIdx(net, sw, port);
		if (pi >= 0 && hasCarrier(net, pi)) continue;
		// the switch forgot the MAC with the port: it floods the frame in the VLAN
		const reach = l2Reach(net, egress);
		for (const i of reach) if (net.ifaces[i].mac === mac || net.ifaces[i].vmac === mac) return null;
		const flood = `${sent}; ${sw} forgot that MAC when ${port} lost carrier and floods the frame`;
		// an active-backup bond that owns it hears it on a backup member only, and drops it there
		const bond = net.ifaces.find((i) => i.mac === mac && i.bond < 0 && i.bondActive >= 0);
		const backup = bond && net.ifaces.find((m) => m.bond === bond.idx && m.idx !== bond.bondActive && hasCarrier(net, m.idx));
		if (bond && backup) return `DROPPED: ${flood}; ${net.nodes[bond.node].id}.${bond.name} hears it only on ${backup.name}, not its active member, and drops it`;
		return `DROPPED: ${flood}; nobody owns the MAC now, so it is discarded`;
	}
	// the frame reaches its old receiver, which no longer owns the MAC
	const [rxNode, rxIface] = split(hopEnds(reg, before, Math.min(before.n - 1, before.nodes.findIndex((n, h) => h > k && n === owner) - 1))[1]);
	const ri = ifaceIdx(net, rxNode, rxIface);
	if (ri < 0 || net.ifaces[ri].mac === mac || net.ifaces[ri].vmac === mac) return null;
	return `DROPPED: ${sent}; ${rxNode}.${rxIface} receives it but no longer owns that MAC, so it is discarded`;
}
