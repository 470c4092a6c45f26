/**
 * Kernel-NAT products in the probe engine (presets.md): a hypervisor with
 * several NAT networks, libvirt's firewall (outside connections into its
 * networks are rejected with ICMP port-unreachable; isolated networks reach
 * nothing beyond the host), Docker/Podman network isolation, and docker-proxy
 * (the host connecting to its own published port appears from the target
 * network's gateway). User-mode NAT is usermode-nat.ts.
 */
import type { Disposition } from '../../model/types';
import type { CIface, CNode, Net } from '../compile';
import { PROTO_ICMP, PROTO_TCP } from '../compile';
import type { Pkt, Tuple } from '../packet';
import { containerIsolationDetail, dockerProxyDetail, libvirtRejectDetail } from './wording';

/** Which of the node's kernel NAT networks holds `addr`, or -1. */
export function inNat(node: CNode, addr: number): number {
	const nets = node.natNets;
	for (let k = 0; k < nets.length; k++) if (((addr & nets[k].mask) >>> 0) === nets[k].net) return k;
	return -1;
}

export function isNatIface(node: CNode, iface: number): boolean {
	for (const n of node.natNets) if (n.iface === iface) return true;
	return false;
}

function isContainerHost(node: CNode): boolean {
	return node.product === 'docker' || node.product === 'podman';
}

/**
 * The host connecting to one of its own published ports: docker-proxy opens
 * the connection from the gateway of the target's network. Rewrites `p` and
 * returns the original tuple, or null.
 */
export function hostProxy(net: Net, node: CNode, p: Pkt): { orig: Tuple; detail: string; ref: string } | null {
	if (!isContainerHost(node) || (p.kind !== 'syn' && p.kind !== 'udp')) return null;
	const f = node.forwardsNat.find((x) => x.inIf === null && x.proto === p.proto && x.port === p.dport);
	if (!f) return null;
	const k = inNat(node, f.toAddr);
	if (k < 0) return null;
	const gw = net.ifaces[node.natNets[k].iface];
	const orig: Tuple = { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport };
	p.src = gw.addr;
	p.dst = f.toAddr;
	p.dport = f.toPort;
	const proto = p.proto === PROTO_TCP ? 'tcp' : 'udp';
	return {
		orig,
		ref: f.path,
		detail: dockerProxyDetail(node.product, node.id, proto, orig.dport, f.toAddr, f.toPort, gw.addr)
	};
}

/** The node's own (implicit) network that holds `addr`: an interface the resolver made, or null. */
function ownNetwork(net: Net, node: CNode, addr: number): CIface | null {
	for (const ii of node.ifaces) {
		const i = net.ifaces[ii];
		if (i.path === null && i.hasAddr && ((addr & i.mask) >>> 0) === i.net) return i;
	}
	return null;
}

export interface Block {
	/** reject with ICMP port-unreachable (libvirt), or drop */
	reject: boolean;
	disposition: Disposition;
	detail: string;
	reason: string;
}

/**
 * A product's forward filter, after route, TTL and MTU (Linux FORWARD chain):
 * null lets the generic hypervisor rules decide.
 */
export function productBlock(
	net: Net,
	node: CNode,
	inIf: CIface,
	egress: CIface,
	p: Pkt,
	state: { hvNoForward: boolean; viaHypervisorNat: boolean; tracked: boolean; dnat: boolean }
): Block | null {
	if (node.product === 'libvirt' && state.hvNoForward && !state.tracked) {
		const into = ownNetwork(net, node, p.dst);
		const from = inIf.path === null ? ownNetwork(net, node, p.src) : null;
		if (into || from) {
			return { reject: p.proto !== PROTO_ICMP || p.kind === 'echo-req', disposition: 'DENIED', detail: libvirtRejectDetail(into, from), reason: `rejected by libvirt's firewall on ${node.id}` };
		}
	}
	if (isContainerHost(node) && state.viaHypervisorNat && !state.tracked && !state.dnat && egress.idx !== inIf.idx && isNatIface(node, inIf.idx) && isNatIface(node, egress.idx)) {
		const name = node.product === 'podman' ? 'Podman' : 'Docker';
		return {
			reject: false,
			disposition: 'DROPPED',
			detail: containerIsolationDetail(name, inIf.name, egress.name),
			reason: `${name} network isolation on ${node.id} (${inIf.name} → ${egress.name})`
		};
	}
	return null;
}
