/**
 * Where a node's own answer about a packet it port-forwarded comes from.
 *
 * An error (ICMP, or a reject rule's TCP reset) that a node raises about a
 * packet it DNATed itself belongs to that packet's connection, so Linux
 * translates it back on the way out (nf_nat_icmp_reply_translation): it leaves
 * from the address and port the client called, quoting the packet as the
 * client sent it, even when the way back leaves by another interface than the
 * one that address is on (topology-format.md, "Inside a node").
 */
import type { Pkt, Tuple } from '../packet';

/**
 * `err` as the client receives it, when the node rewrote the destination of
 * the offending packet: `called` is that packet's tuple before the DNAT (null
 * when the node did not DNAT it). Rewrites `err` in place and returns it.
 */
export function fromCalledAddress(err: Pkt | null, called: Tuple | null): Pkt | null {
	if (!err || !called) return err;
	err.src = called.dst;
	if (err.kind === 'rst') err.sport = called.dport;
	else if (err.inner) err.inner = { ...err.inner, dst: called.dst, dport: called.dport };
	return err;
}
