/**
 * A trace → the steps of its animation, in order: the request's hops, then
 * the reply's, with the ARP exchanges the engine performed but does not list
 * as hops (a probe starts with empty ARP caches, so the first frame a node
 * sends to a next hop is preceded by who-has / is-at on that segment).
 *
 * Pure (no DOM, no cytoscape): the canvas turns each step's `path` of places
 * into movement, the panel lists steps as events. Read RFC 826 (ARP): the
 * target of a request learns the sender, so the answer needs no ARP back.
 */
import type { Disposition } from '$lib/model/types';
import type { Hop, HopAction, Trace } from '$lib/worker/protocol';

/** Where a packet is: a node (or a hypervisor's virtual switch "hv:nat") and the interface it is on. */
export interface Place {
	node: string;
	iface: string | null;
}

export interface SimStep {
	/** position in the list */
	index: number;
	leg: 'request' | 'reply';
	kind: 'hop' | 'arp';
	/** the hop as the engine recorded it; for an ARP step, a hop describing the exchange */
	hop: Hop;
	/** index of the hop in trace.request / trace.reply (null for a synthesized ARP step) */
	hopIndex: number | null;
	/** the places the packet travels through in this step, the first being where it was */
	path: Place[];
	/** packets drawn: the fragments of a fragmented datagram, else 1 */
	packets: number;
	/** the hop before it on this leg, to show what this node changed */
	prev: Hop | null;
	/** the last step: where the outcome happened */
	final: boolean;
}

const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** The address part of "10.0.0.1:40000". */
export function addrOf(endpoint: string | undefined): string | undefined {
	return endpoint?.split(':')[0];
}

/** The next hop a node sent to: the address it resolved with ARP (the route's gateway, or the destination when connected). */
export function nextHopOf(hop: Hop): string | undefined {
	return hop.arp?.target ?? addrOf(hop.dst);
}

function placeIn(h: Hop): Place {
	return { node: h.node, iface: h.in };
}
function placeOut(h: Hop): Place {
	return { node: h.node, iface: h.out ?? h.in };
}

/** The last row of an unanswered ARP: the one whose `arp` found no MAC. */
function isArpGiveUp(h: Hop): boolean {
	return h.action === 'ARP' && h.arp?.mac === null;
}

export function buildSteps(trace: Trace): SimStep[] {
	const steps: SimStep[] = [];
	/** "node|mac": the node has the MAC's owner in its ARP cache */
	const known = new Set<string>();
	let last: Hop | null = null;

	const push = (s: Omit<SimStep, 'index' | 'final'>) => steps.push({ ...s, index: steps.length, final: false });

	for (const leg of ['request', 'reply'] as const) {
		const hops = trace[leg];
		let prev: Hop | null = null;
		for (let i = 0; i < hops.length; i++) {
			const h = hops[i];
			const from = last ? placeOut(last) : null;
			// a requester giving up on ARP stays where it is: nothing travels back from the last switch
			const path = isArpGiveUp(h) ? [placeOut(h)] : from && !(from.node === h.node && h.in === null) ? [from, placeIn(h)] : [placeIn(h)];
			push({ leg, kind: 'hop', hop: h, hopIndex: i, path, packets: h.fragments?.length || 1, prev });
			prev = h;
			last = h;

			// the frame this node is about to send needs the next hop's MAC first
			if (!h.out || !h.dstMac || h.dstMac === BROADCAST || h.action === 'SWITCHED') continue;
			const key = `${h.node}|${h.dstMac}`;
			if (known.has(key)) continue;
			known.add(key);
			const there: Place[] = [{ node: h.node, iface: h.out }];
			let j = i + 1;
			for (; j < hops.length && hops[j].action === 'SWITCHED'; j++) there.push({ node: hops[j].node, iface: hops[j].in });
			const owner = hops[j];
			if (owner) {
				there.push({ node: owner.node, iface: owner.in });
				if (h.srcMac) known.add(`${owner.node}|${h.srcMac}`);
			}
			const back = there.slice(0, -1).reverse();
			const target = nextHopOf(h);
			// the request names the sender's own address (a router's interface, not the packet's source)
			const sender = h.arp?.sender ?? addrOf(h.src);
			const arp: Hop = {
				node: h.node,
				in: null,
				out: h.out,
				action: 'ARP',
				detail: `who-has ${target ?? '?'}${sender ? ` tell ${sender}` : ''} (broadcast on ${h.out}); ${owner ? `${owner.node} answers ${target ?? ''} is-at ${h.dstMac}` : 'answered'}`,
				srcMac: h.srcMac,
				dstMac: BROADCAST,
				vlan: h.vlan,
				size: 28
			};
			// the ARP exchange happens before the frame leaves: show it right after the node's decision
			push({ leg, kind: 'arp', hop: arp, hopIndex: null, path: [...there, ...back], packets: 1, prev: null });
		}
	}
	if (steps.length) steps[steps.length - 1].final = true;
	return steps;
}

/** Action → what the panel calls it, in a word or two (one for every action the engine records). */
export const ACTION_LABEL: Record<HopAction, string> = {
	SENT: 'sent',
	ARP: 'ARP',
	SWITCHED: 'switched',
	FORWARDED: 'routed',
	NAT: 'NAT',
	FRAGMENTED: 'fragmented',
	DENIED: 'denied',
	DROPPED: 'dropped',
	DELIVERED: 'delivered',
	REFUSED: 'refused',
	RECEIVED: 'received',
	EXITS_NETWORK: 'exits network',
	NO_ROUTE: 'no route',
	NULL_ROUTED: 'null-routed',
	TTL_EXCEEDED: 'TTL exceeded',
	FRAGMENTATION_NEEDED: 'frag. needed',
	LOCAL: 'local',
	ENCAPSULATED: 'VXLAN encap',
	DECAPSULATED: 'VXLAN decap'
};

const FAILURE_ACTIONS: ReadonlySet<HopAction> = new Set(['DENIED', 'DROPPED', 'NO_ROUTE', 'NULL_ROUTED', 'TTL_EXCEEDED', 'FRAGMENTATION_NEEDED']);

export function isFailureAction(action: HopAction): boolean {
	return FAILURE_ACTIONS.has(action);
}

export const SUCCESS: ReadonlySet<Disposition> = new Set(['DELIVERED', 'EXITS_NETWORK']);

