/**
 * The packet as the probe stages see it, and how a leg of its journey ends.
 * Shared by the probe stages (probe/*.ts, the product modules among them)
 * so they need not import each other.
 */
import type { Disposition } from '../model/types';
import type { CForward, CIface, CNode } from './net-types';

export type PKind = 'echo-req' | 'echo-rep' | 'syn' | 'synack' | 'rst' | 'udp' | 'udp-rep' | 'icmp-err';

export interface Tuple {
	src: number;
	dst: number;
	proto: number;
	sport: number;
	dport: number;
}

export interface Pkt extends Tuple {
	kind: PKind;
	ttl: number;
	size: number; // L3 bytes of the whole datagram
	df: boolean;
	payload: number;
	frags: number[] | null; // fragment L3 sizes when fragmented
	icmpType: number;
	icmpCode: number;
	icmpMtu: number;
	inner: Tuple | null;
	/** set by a reject rule's RST so the requester can tell it from a refusal */
	rejectedBy: string | null;
}

export type LegEnd =
	| { kind: 'arrived'; node: CNode; iface: CIface; pkt: Pkt; established: boolean }
	/** ended in a user-mode NAT engine or a forward into one: usermode-nat.ts carries on */
	| { kind: 'proxied'; node: CNode; pkt: Pkt; reason: string; px: ProxyStart }
	| { kind: 'exits'; node: CNode; pkt: Pkt }
	| { kind: 'dropped'; node: CNode; disposition: Disposition; reason: string; local: boolean }
	| { kind: 'error'; node: CNode; disposition: Disposition; err: Pkt | null; reason: string; local: boolean; mtu: number | null };

export type ProxyStart =
	/** a guest's packet for beyond the engine: the hypervisor opens its own connection */
	| { kind: 'out'; engine: CNode; pkt: Pkt }
	/** a guest's TCP/UDP packet for the engine's gateway: the hypervisor's own services (loopback) */
	| { kind: 'loopback'; engine: CNode; pkt: Pkt }
	/** a connection to a hypervisor address on a forwarded port: the engine connects into the guest */
	| { kind: 'in'; engine: CNode; hv: CNode; pkt: Pkt; fwd: CForward; fromHost: boolean };

