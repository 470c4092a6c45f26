/**
 * Every sentence of a probe's trace: each hop's `detail`, the packet
 * notes joined into it, the trace's `reason` and the verdict. The stages decide and call these
 * with typed facts; nothing reads a detail back (a test greps for it), so a
 * rewording here changes the trace text and nothing else. The wording is
 * part of the golden traces (test/golden/): change it on purpose only.
 */
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP } from '../net-types';
import type { CNode } from '../net-types';
import { u32ToIp } from '../../model/net';
import type { Hop, NetpolStep, ProbeSpec, Trace } from '../trace';
import type { Pkt } from '../packet';

export function protoName(proto: number): string {
	return proto === PROTO_TCP ? 'tcp' : proto === PROTO_UDP ? 'udp' : 'icmp';
}

/** "10.0.0.1" for ICMP, else "10.0.0.1:40000". */
export function fmtAddr(ip: number, port: number, proto: number): string {
	return proto === PROTO_ICMP ? u32ToIp(ip) : `${u32ToIp(ip)}:${port}`;
}

// ---------------------------------------------------------------- filters

/** What decided a filter verdict: a rule, the policy, or the connection state. */
export type FilterWhat =
	| { kind: 'rule'; index: number; text: string }
	| { kind: 'policy'; policy: string }
	| { kind: 'established' }
	/** the distributed firewall at a guest vNIC (dfw.ts): a rule (`index`), its default (`text` is it), or the host's conntrack (`state`) */
	| { kind: 'dfw'; index: number | null; text: string; vnic: string; host: string; direction: 'in' | 'out'; state?: boolean }
	| NetpolWhat;

/** A filter decision that stopped a packet, kept beside its DENIED hop for the verdict. */
export interface Denial {
	how: 'rejected' | 'denied';
	what: FilterWhat;
}

export function filterWhat(w: FilterWhat): string {
	switch (w.kind) {
		case 'rule':
			return `rule ${w.index + 1} (${w.text})`;
		case 'policy':
			return `policy ${w.policy}`;
		case 'established':
			return 'established connection';
		case 'dfw':
			if (w.state) return `an established connection at the distributed firewall of ${w.vnic}`;
			return `${w.index !== null ? `distributed-firewall rule ${w.index + 1} (${w.text})` : `the distributed firewall's default (${w.text})`} at ${w.vnic} (${w.direction}, on ${w.host})`;
		case 'netpol':
			return netpolWhat(w.step);
	}
}

/** "rejected by rule 2 (reject tcp any any)" */
export function denialDetail(d: Denial): string {
	return `${d.how} by ${filterWhat(d.what)}`;
}

export function howOf(action: 'deny' | 'reject'): 'rejected' | 'denied' {
	return action === 'reject' ? 'rejected' : 'denied';
}

export function outboundDeniedDetail(index: number, text: string): string {
	return `rule ${index + 1} (${text}): "Operation not permitted"`;
}

export function acceptedByStateDetail(related: boolean): string {
	return related ? 'related to a tracked connection: accepted' : 'established connection: accepted';
}

export function allowedDetail(what: string): string {
	return `allowed by ${what}`;
}

// -------------------------------------------------------------- conntrack

export function ctReplyDetail(before: string, after: string): string {
	return `connection tracking: reply ${before} translated to ${after}`;
}

export function ctErrorAboutDetail(quotedSrc: number, src: number, dst: number): string {
	return `connection tracking: ICMP error about ${u32ToIp(quotedSrc)} translated to ${u32ToIp(src)} → ${u32ToIp(dst)}`;
}

export function ctErrorDetail(src: number, dst: number): string {
	return `connection tracking: ICMP error translated to ${u32ToIp(src)} → ${u32ToIp(dst)}`;
}

/** "10.0.0.1:40000 → 10.0.0.2:80" */
export function flowText(p: { src: number; sport: number; dst: number; dport: number; proto: number }): string {
	return `${fmtAddr(p.src, p.sport, p.proto)} → ${fmtAddr(p.dst, p.dport, p.proto)}`;
}

// ---------------------------------------------------------------- layer 2

export function frameTooBig(size: number, node: string, iface: string, mtu: number): string {
	return `frame of ${size} bytes exceeds ${node}.${iface} MTU ${mtu}`;
}

/** How a switch chose the ports it sent a frame out of. */
export type SwitchLookup = { kind: 'learned' | 'permanent'; mac: string; port: string } | { kind: 'broadcast' } | { kind: 'unknown'; mac: string };

export function switchedDetail(vlan: number, how: SwitchLookup): string {
	const what = how.kind === 'learned' ? `${how.mac} learned on ${how.port}` : how.kind === 'permanent' ? `${how.mac} permanent on ${how.port} (a distributed router's MAC)` : how.kind === 'broadcast' ? 'broadcast flooded' : `${how.mac} unknown, flooded`;
	return `VLAN ${vlan}: ${what}`;
}

// -------------------------------------------------------------------- VXLAN (vxlan.ts)

export function encapDetail(vni: number, local: string, remote: string, inner: number): string {
	return `VXLAN VNI ${vni}: encapsulated ${local} → ${remote} UDP 4789 (outer ${inner + 50} bytes, DF clear: the underlay may fragment it)`;
}

export function decapDetail(vni: number, local: string, remote: string): string {
	return `VXLAN VNI ${vni}: decapsulated (outer ${local} → ${remote}) onto the segment's bridge`;
}

export function pmtuDetail(inner: number, vni: number, remote: string, mtu: number): string {
	return `VXLAN VNI ${vni}: a ${inner}-byte packet with DF does not fit the tunnel to ${remote} (path MTU ${mtu + 50} - 50 = ${mtu}): the VTEP answers fragmentation-needed, mtu ${mtu}`;
}

export function underlayLostReason(vni: number, remote: string, why: string): string {
	return `VXLAN VNI ${vni} to VTEP ${remote} lost in the underlay: ${why}`;
}

/** Why an outer packet did not end at the far VTEP: where it ended instead, or the engine's own reason. */
export function underlayEndedElsewhere(node: string): string {
	return `it reached ${node}`;
}

/** The far host's own filter took the outer packet. */
export function underlayFilteredAt(what: string, host: string): string {
	return `${what} on ${host}`;
}

export const STORM_DETAIL = 'broadcast storm: the frame was flooded into a loop of switches';

export function frameLost(node: string, iface: string, nextHop: number): string {
	return `frame lost between ${node}.${iface} and ${u32ToIp(nextHop)}`;
}

// -------------------------------------------------------------------- ARP

export function whoHas(target: number): string {
	return `who-has ${u32ToIp(target)}`;
}

function ask(target: number, sender: number): string {
	return `${whoHas(target)} tell ${u32ToIp(sender)}`;
}

export function arpBroadcastDetail(target: number, sender: number, iface: string): string {
	return `${ask(target, sender)}: broadcast on ${iface}`;
}

export function arpFloodDetail(target: number, vlan: number, outs: string[]): string {
	return `ARP ${whoHas(target)} flooded on VLAN ${vlan} to ${outs.length ? outs.join(', ') : 'no other port'}`;
}

export function arpNoAnswerDetail(target: number, sender: number): string {
	return `${ask(target, sender)}: no answer`;
}

// ------------------------------------------------------------- forwarding

export function fragmentedNote(size: number, count: number, mtu: number): string {
	return `${size}-byte packet split into ${count} fragments for MTU ${mtu}`;
}

export function joinNotes(first: string | undefined, next: string): string {
	return `${first ? first + '; ' : ''}${next}`;
}

export const LOCAL_DETAIL = 'addressed to this node itself';

export function noRouteDetail(dst: number, local: boolean): string {
	return local ? `no route to ${u32ToIp(dst)}: "Network is unreachable"` : `no route to ${u32ToIp(dst)}`;
}

export function dfTooBigDetail(size: number, iface: string, mtu: number, local: boolean): string {
	return `${size}-byte packet with DF exceeds ${iface} MTU ${mtu}${local ? ': "Message too long"' : ''}`;
}

export function masqueradeNote(before: string, after: string): string {
	return `masquerade ${before} -> ${after}`;
}

export function routeNote(text: string): string {
	return `route ${text}`;
}

export function lbNote(vip: string, backend: string, backendAddr: string): string {
	return `load balancer: ${vip} → backend ${backend} (${backendAddr})`;
}

export function portForwardNote(text: string, from: string, to: string): string {
	return `port forward ${text}: ${from} → ${to}`;
}

export function notOutsideDetail(dst: number, owner: string): string {
	return `${u32ToIp(dst)} belongs to ${owner}, not to the outside world`;
}

export function exitsDetail(dst: number, node: string): string {
	return `${u32ToIp(dst)} is not in this network: the packet leaves through ${node}`;
}

export function notForwardingDetail(node: string, kind: string): string {
	return `${node} is a ${kind} and does not forward packets that are not addressed to it`;
}

export const TTL_DETAIL = 'TTL reached zero: ICMP time exceeded';

export function hypervisorNoForwardDetail(node: string): string {
	return `${node} is a hypervisor, not a router: its forward filter passes only connections its NAT guests open and its port forwards, and drops the rest`;
}

// --------------------------------------------------------------- products

export function dockerProxyDetail(product: string | null, node: string, proto: string, port: number, to: number, toPort: number, gateway: number): string {
	return `${product === 'podman' ? 'the port forwarder' : 'docker-proxy'}: ${node} connects to its own published port ${proto}/${port}, so the connection to ${u32ToIp(to)}:${toPort} comes from the network's gateway ${u32ToIp(gateway)}`;
}

/** libvirt's firewall: a connection from outside `into` one of its networks, or out `from` an isolated one. */
export function libvirtRejectDetail(into: { net: number; len: number; name: string } | null, from: { net: number; len: number; name: string } | null): string {
	const what = into
		? `libvirt's firewall rejects connections from outside into its network ${u32ToIp(into.net)}/${into.len} (${into.name})`
		: `libvirt's isolated network ${u32ToIp(from!.net)}/${from!.len} (${from!.name}) reaches nothing beyond the host`;
	return `${what}: ICMP port unreachable`;
}

export function containerIsolationDetail(name: string, inIf: string, outIf: string): string {
	return `${name} isolates its networks from each other: ${inIf} → ${outIf} is dropped (DOCKER-ISOLATION); they meet only through published ports`;
}

// --------------------------------------------------------- user-mode NAT

export function umNoIcmpErrorsDetail(engine: string): string {
	return `${engine} does not pass ICMP errors`;
}

export function umOnlyNewDetail(engine: string): string {
	return `${engine} carries only new TCP, UDP and ICMP echo from the guest`;
}

export function umEchoGatewayOnlyDetail(engine: string, gateway: number): string {
	return `${engine} answers ICMP echo only for its gateway ${u32ToIp(gateway)}: pings beyond it get no answer`;
}

export function umForwardDetail(engine: string, fwd: string, hv: string, from: string, fromHost: boolean, src: number): string {
	return `${engine}: port forward ${fwd} on every address of ${hv}: new connection into the guest from ${from}${fromHost ? ` (the hypervisor itself appears as the gateway ${u32ToIp(src)})` : ' (the client keeps its own address)'}`;
}

export function umLoopbackDetail(engine: string, gateway: string, hv: string, onBehalfOf: string): string {
	return `${engine}: ${gateway} is the gateway, which stands for ${hv} itself: a new connection to its loopback on behalf of ${onBehalfOf}`;
}

export function umOpenedDetail(engine: string, p: Pkt, src: number, sport: number): string {
	return p.proto === PROTO_ICMP
		? `${engine} sent its own ICMP echo from ${u32ToIp(src)} on behalf of ${u32ToIp(p.src)}`
		: `${engine} opened a new connection from ${fmtAddr(src, sport, p.proto)} on behalf of ${fmtAddr(p.src, p.sport, p.proto)}`;
}

export const LOOPBACK_DETAIL = 'addressed to this node itself (loopback)';
export const LOOPBACK_ANSWER_DETAIL = 'answered over loopback';

/** What the far end of a hypervisor's own connection did. */
export function umAnsweredDetail(ans: Pkt | null): string {
	return ans ? `answered with ${ans.kind === 'icmp-err' ? 'ICMP port unreachable' : ans.kind === 'rst' ? 'RST' : ans.kind}` : 'delivered';
}

// ------------------------------------------------------------ answers

export function answerDetail(node: CNode, p: Pkt, ans: Pkt | null): string {
	if (!ans) return 'delivered';
	switch (ans.kind) {
		case 'echo-rep':
			return 'ICMP echo request answered with an echo reply';
		case 'synack':
			return `tcp/${p.dport} is listening: SYN answered with SYN-ACK`;
		case 'rst':
			return node.endpoint ? `nothing listens on tcp/${p.dport}: answered with RST` : `${node.id} forwards packets but offers no services: answered with RST`;
		case 'udp-rep':
			return `udp/${p.dport} is listening: answered with one datagram`;
		case 'icmp-err':
			return `nothing listens on udp/${p.dport}: answered with ICMP port unreachable`;
		default:
			return 'delivered';
	}
}

const ICMP_NAMES: Record<string, string> = {
	'3/0': 'network unreachable',
	'3/1': 'host unreachable',
	'3/3': 'port unreachable',
	'3/4': 'fragmentation needed',
	'3/13': 'administratively prohibited',
	'11/0': 'time exceeded'
};

export function replyDetail(p: Pkt): string {
	switch (p.kind) {
		case 'echo-rep':
			return 'echo reply received';
		case 'synack':
			return 'SYN-ACK received: connected';
		case 'rst':
			return p.rejectedBy ? `RST received (sent by a reject rule on ${p.rejectedBy})` : 'RST received: connection refused';
		case 'udp-rep':
			return 'UDP answer received';
		case 'icmp-err':
			return `ICMP ${p.icmpType}/${p.icmpCode} (${ICMP_NAMES[`${p.icmpType}/${p.icmpCode}`] ?? 'error'}${p.icmpType === 3 && p.icmpCode === 4 ? `, mtu ${p.icmpMtu}` : ''}) received from ${u32ToIp(p.src)}`;
		default:
			return 'received';
	}
}

// ---------------------------------------------------------------- reasons

// A trace's `reason`: the short closing summary of why the probe ended as it
// did (the CLI prints it after the disposition). Every one is written here; a
// stage passes the facts (a test fails on a reason built anywhere else).

export function closedPortReason(port: number, proto: number, node: string): string {
	return `port ${port}/${proto === PROTO_TCP ? 'tcp' : 'udp'} is closed on ${node}`;
}

export const FORWARDING_LOOP_REASON = 'forwarding did not terminate';
export const STORM_REASON = 'storm';
export const NO_ANSWER_REASON = 'no answer';
export const UM_NAT_REASON = 'user-mode NAT';
export const UM_FORWARD_REASON = 'user-mode NAT port forward';

export function noAddressReason(node: string): string {
	return `${node} has no address`;
}

export function noRouteReason(node: string): string {
	return `no route at ${node}`;
}

export function blackholeReason(node: string): string {
	return `blackhole route at ${node}`;
}

export function localMtuReason(mtu: number): string {
	return `local MTU ${mtu}`;
}

export function mtuReason(mtu: number, node: string): string {
	return `MTU ${mtu} at ${node}`;
}

export function ttlReason(node: string): string {
	return `TTL exceeded at ${node}`;
}

export function arpFailedReason(node: string): string {
	return `ARP failed at ${node}`;
}

/** A frame dropped for its size on the way: nothing tells the sender (the verdict reads the `mtu: ` prefix). */
export function mtuBlackHoleReason(drop: string): string {
	return `mtu: ${drop}`;
}

/** The source VTEP's fragmentation-needed: the inner packet with DF does not fit the tunnel. */
export function vxlanPathMtuReason(mtu: number): string {
	return `VXLAN path MTU ${mtu} at the VTEP`;
}

export function outboundRuleReason(index: number, node: string): string {
	return `outbound rule ${index + 1} on ${node}`;
}

export function notOutsideReason(owner: string): string {
	return `the internet does not route to ${owner}'s address`;
}

export function notForwardingReason(node: string): string {
	return `${node} does not forward (non-forwarding node)`;
}

export function hypervisorNoForwardReason(node: string): string {
	return `${node} is a hypervisor, not a router (it forwards only its NAT guests' own connections and its port forwards)`;
}

/** "denied by rule 2 (deny tcp/22) on fw": `what` is the filter's own words (filterWhat). */
export function filteredReason(how: 'rejected' | 'denied', what: string, node: string): string {
	return `${how} by ${what} on ${node}`;
}

/** The answer stopped by the requester's own input filter. */
export function replyFilteredReason(how: 'rejected' | 'denied', what: string, node: string): string {
	return `reply ${filteredReason(how, what, node)}`;
}

export function localErrorFilteredReason(how: 'rejected' | 'denied', what: string, node: string): string {
	return `the local host-unreachable error was ${filteredReason(how, what, node)}`;
}

/** An error answered on the way, then stopped by the requester's input filter. */
export function errorFilteredReason(reason: string, how: 'rejected' | 'denied', what: string, node: string): string {
	return `${reason}; the answer was ${filteredReason(how, what, node)}`;
}

/** An error raised on the way that never reached the requester (`lost`: why its own leg ended, if it did). */
export function errorLostReason(reason: string, lost: string | null): string {
	return `${reason}; ${lost !== null ? `its ICMP error was lost: ${lost}` : 'no ICMP error came back'}`;
}

export function libvirtRejectReason(node: string): string {
	return `rejected by libvirt's firewall on ${node}`;
}

export function containerIsolationReason(name: string, node: string, inIf: string, outIf: string): string {
	return `${name} network isolation on ${node} (${inIf} → ${outIf})`;
}

/** A TCP/UDP answer from another address or port than the one called. */
export function wrongSourceReason(from: string, called: string): string {
	return `the answer came from ${from}, not from ${called}: the requester ignores it`;
}

/** The answer's leg ended on the way back (the verdict drops the `reply: ` prefix). */
export function replyReason(reason: string): string {
	return `reply: ${reason}`;
}

export function replyExitsReason(node: string): string {
	return `reply left the network through ${node}`;
}

export function replyMisdeliveredReason(node: string, requester: string): string {
	return `reply was delivered to ${node} instead of ${requester}`;
}

export function replyNotBackReason(requester: string): string {
	return `the reply did not come back to ${requester}`;
}

export function umNoIcmpErrorsReason(engine: string): string {
	return `${engine} does not pass ICMP errors`;
}

export function umOnlyNewReason(engine: string): string {
	return `${engine} has no connection for this packet`;
}

export function umEchoGatewayOnlyReason(engine: string): string {
	return `${engine} carries ICMP echo only to its gateway`;
}

/** An error a user-mode NAT engine swallowed: the requester only times out. */
export function umErrorSwallowedReason(reason: string, engine: string): string {
	return `${reason}; ${engine} does not pass ICMP errors on: the requester sees a time-out`;
}

/** What an ICMP error answered to a user-mode NAT engine's own connection (to `node`, which saw `seen`) says. */
export function umErrorAnswerReason(err: Pkt, seen: Pkt, node: string): string {
	if (err.icmpType === 3 && err.icmpCode === 3) return `${protoName(seen.proto)}/${seen.dport} is closed on ${node}`;
	return `ICMP ${err.icmpType}/${err.icmpCode} from ${u32ToIp(err.src)}`;
}

/** The verdict of a probe whose end has no address: `side` is which end. */
export function noAddressVerdict(node: string, side: 'from' | 'to'): string {
	return `${node} has no IP address to send ${side}.`;
}

// ---------------------------------------------------------------- verdict

/**
 * One plain sentence for the outcome. `denials` holds how each DENIED hop
 * of a filter was decided (the probe's context keeps it); without it a
 * denial is told from the trace's reason.
 */
export function verdict(t: Trace, spec: ProbeSpec, denials: ReadonlyMap<Hop, Denial> = new Map()): string {
	const what = `${spec.proto ?? 'icmp'}${spec.port ? `/${spec.port}` : ''} from ${spec.from} to ${spec.to}`;
	const last = [...t.request, ...t.reply].reverse().find((h) => h.action === t.disposition || h.action === 'DENIED' || h.action === 'DROPPED');
	switch (t.disposition) {
		case 'DELIVERED':
			return `Delivered: ${what} reached its destination${t.seenSource ? ` (arriving from ${t.seenSource})` : ''} and the answer came back${t.rttMs !== null ? ` in ${t.rttMs.toFixed(3)} ms` : ''}.`;
		case 'EXITS_NETWORK':
			return `Left the network: ${what} exits to the internet with source ${t.seenSource}.`;
		case 'REFUSED':
			return `Refused: ${t.reason ?? 'the port is closed'}.`;
		case 'DENIED': {
			// "Denied by rule 4 on fw (reject any any → db1); fw answered with a TCP reset."
			const by = last?.action === 'DENIED' ? denials.get(last) : undefined;
			if (last && by && by.what.kind === 'netpol') return netpolVerdict(by.what.step, t.leg === 'reply');
			if (last && by && by.what.kind !== 'established' && by.what.kind !== 'netpol') {
				const w = by.what;
				const rule =
					w.kind === 'rule'
						? `rule ${w.index + 1} on ${last.node} (${w.text})`
						: w.kind === 'dfw'
							? `the distributed firewall at ${w.vnic} (${w.direction}): ${w.index !== null ? `rule ${w.index + 1} (${w.text})` : `its default (${w.text}): no rule matches`}`
							: `the default policy of ${last.node} (${w.policy}): no rule matches`;
				const back = t.leg === 'reply' ? ' on the way back' : '';
				const answer =
					t.leg === 'reply'
						? ''
						: by.how === 'denied'
							? '; the packet was dropped silently'
							: t.icmp
								? `; ${t.icmp.from} answered "administratively prohibited"`
								: w.kind === 'dfw' && t.rttMs === null
									? '; no answer reached the sender'
									: `; ${last.node} answered with a TCP reset`;
				return `Denied${back} by ${rule}${answer}.`;
			}
			return `Denied${t.leg === 'reply' ? ' on the way back' : ''}: ${t.reason ?? ''}.`;
		}
		case 'NO_ROUTE':
			return `No route: ${t.icmp ? `${t.icmp.from} answered "network unreachable"` : `${spec.from} has no route to ${spec.to}`}.`;
		case 'NULL_ROUTED':
			return `Null-routed: ${t.reason}; the packet is dropped silently.`;
		case 'HOST_UNREACHABLE': {
			const arp = [...t.request, ...t.reply].reverse().find((h) => h.action === 'ARP');
			const cause = arp?.arp && arp.arp.mac === null ? `nobody answered ${arp.node}'s ARP for ${arp.arp.target}` : t.reason;
			return `Host unreachable: ${cause}${t.icmp ? `; ${t.icmp.from} answered "host unreachable"` : ''}.`;
		}
		case 'TTL_EXCEEDED':
			return `TTL exceeded: the packet's TTL ran out${last ? ` at ${last.node}` : ''}${t.icmp ? `; ${t.icmp.from} answered "time exceeded"` : ''}.`;
		case 'FRAGMENTATION_NEEDED':
			return `Fragmentation needed: the packet has DF set and ${t.icmp ? `${t.icmp.from} reports next-hop MTU ${t.mtu}` : `${spec.from}'s own MTU is ${t.mtu}`}.`;
		case 'DROPPED':
			return `Dropped${t.leg === 'reply' ? ' on the way back' : ''}: ${(t.reason ?? 'lost').replace(/^reply: /, '').replace(/^mtu: (.*)$/, '$1, and nothing tells the sender (an MTU black hole)')}.`;
	}
}

// ------------------------------------------------------------- kube-proxy

/** "kube-proxy: Service shop/web 10.96.0.10:80 → pod web-b 10.244.2.5:8080 (endpoint 2 of 3, by 5-tuple hash)" */
export function kubeDnatNote(service: string, before: string, pod: string, after: string, index: number, count: number): string {
	return `kube-proxy: Service ${service} ${before} → pod ${pod} ${after} (endpoint ${index + 1} of ${count}, by 5-tuple hash)`;
}

export function kubeRejectDetail(service: string): string {
	return `rejected by kube-proxy's REJECT rule: Service ${service} has no ready endpoints (ICMP port unreachable)`;
}

export function kubeRejectReason(service: string, node: string): string {
	return `kube-proxy on ${node} rejected the connection: Service ${service} has no ready endpoints`;
}

// ------------------------------------------------------- distributed firewall

/** The DENIED hop of the distributed firewall at a vNIC (dfw.ts). */
export function dfwDeniedDetail(d: Denial): string {
	return `${d.how} by ${filterWhat(d.what)}`;
}

/** The note on the hop that sent a packet the vNIC's firewall let out. */
export function dfwAllowedNote(w: FilterWhat): string {
	return `allowed by ${filterWhat(w)}`;
}

export function dfwFilteredReason(how: 'rejected' | 'denied', w: FilterWhat): string {
	return `${how} by ${filterWhat(w)}`;
}

// ------------------------------------------------------------- NetworkPolicy (kube-policy.ts)

/** A NetworkPolicy denial as a filter decision (the verdict and reasons read it). */
export type NetpolWhat = { kind: 'netpol'; step: NetpolStep };

function isolatedText(step: NetpolStep): string {
	return `pod ${step.pod} is isolated for ${step.direction} (by ${step.isolatedBy.join(', ')})`;
}

/** "NetworkPolicy isolation of pod shop/db-0 (ingress)" */
export function netpolWhat(step: NetpolStep): string {
	return `NetworkPolicy isolation of pod ${step.pod} (${step.direction})`;
}

/** "NetworkPolicy: pod shop/db-0 is isolated for ingress (by db-policy) and no rule allows tcp/5432 from 10.244.1.2: dropped" */
export function netpolDeniedDetail(step: NetpolStep, proto: number, port: number, peer: number): string {
	const what = proto === PROTO_ICMP ? 'icmp' : `${protoName(proto)}/${port}`;
	return `NetworkPolicy: ${isolatedText(step)} and no rule allows ${what} ${step.direction === 'ingress' ? 'from' : 'to'} ${u32ToIp(peer)}: dropped`;
}

/** "NetworkPolicy api-policy ingress rule 1 allows it" */
export function netpolAllowedNote(step: NetpolStep): string {
	return `NetworkPolicy ${step.policy} ${step.direction} rule ${(step.rule ?? 0) + 1} allows it`;
}

export function netpolVerdict(step: NetpolStep, back: boolean): string {
	return `Denied${back ? ' on the way back' : ''} by NetworkPolicy: ${isolatedText(step)} and no policy allows this connection; the packet was dropped silently.`;
}

// ------------------------------------------------- kube-proxy: node ports

/** "kube-proxy: NodePort shop/web 192.168.50.11:30080 → pod web-b 10.244.2.11:8080 (endpoint 1 of 2, by 5-tuple hash); masquerade (externalTrafficPolicy: Cluster)" */
export function kubeNodePortNote(service: string, before: string, pod: string, after: string, index: number, count: number, local: boolean): string {
	const which = local ? `local endpoint ${index + 1} of ${count}` : `endpoint ${index + 1} of ${count}`;
	const policy = local ? 'client address kept (externalTrafficPolicy: Local)' : 'marked for masquerade (externalTrafficPolicy: Cluster)';
	return `kube-proxy: NodePort ${service} ${before} → pod ${pod} ${after} (${which}, by 5-tuple hash); ${policy}`;
}

/** "load balancer of Service shop/web: 203.0.113.10:80 → node n2 192.168.50.12:30080 (healthy node 2 of 2, by client address + port)" */
export function kubeLbNote(service: string, before: string, node: string, after: string, index: number, count: number): string {
	return `load balancer of Service ${service}: ${before} → node ${node} ${after} (healthy node ${index + 1} of ${count}, by client address + port)`;
}

export function kubeNodePortRejectDetail(service: string): string {
	return `rejected by kube-proxy's REJECT rule for the node port: Service ${service} has no ready endpoints (ICMP port unreachable)`;
}

export function kubeNoLocalDetail(service: string, node: string): string {
	return `dropped by kube-proxy: Service ${service} has externalTrafficPolicy: Local and no ready endpoint on ${node}`;
}

export function kubeNoLocalReason(service: string, node: string): string {
	return `kube-proxy on ${node} dropped it: Service ${service} (externalTrafficPolicy: Local) has no ready endpoint on ${node}`;
}
