/**
 * The state of a network during a scenario, as a set of overrides on the
 * document (failed interfaces, cables and nodes; VRRP masters; active bond
 * members; OSPF views; healthy load-balancer backends; moved guests), and the
 * compiled network that state produces. A state's network is built the same
 * way as the network at rest (resolve + compile), so the probe engine walks
 * it with exactly the forwarding rules probes use.
 */
import type { Topology } from '../../model/types';
import { resolveTopology, type ResolvedTopology } from '../../model/resolve';
import { compile, type Net } from '../compile';
import { installOspfRoutes, type OspfAdjacency, type OspfView } from './ospf';
import { movedDocument } from './kube-move';
import { overlayControllerDown } from './overlay';

export interface ScenarioState {
	/** "node.iface" administratively down (fail n.if) */
	adminDown: Set<string>;
	/** indexes in the document's `links` (fail {link: n.if}) */
	cableDown: Set<number>;
	/** failed nodes (a failed hypervisor's guests included) */
	failed: Set<string>;
	/** VRRP group key "group|vip" → masters "node.iface" (more than one while split) */
	vrrpMasters: Map<string, Set<string>>;
	/** "node.bond" → active member name */
	bondActive: Map<string, string>;
	/** per OSPF router: what its last SPF run believed was down */
	ospfViews: Map<string, OspfView>;
	/** load balancer id → healthy flag per pool entry */
	lbHealthy: Map<string, boolean[]>;
	/** guest → hypervisor it runs on now (HA restart) */
	moved: Map<string, string>;
	/** Kubernetes nodes the control plane has marked NotReady (scenario/kube.ts) */
	kubeNotReady: Set<string>;
}

export function emptyState(): ScenarioState {
	return {
		adminDown: new Set(),
		cableDown: new Set(),
		failed: new Set(),
		vrrpMasters: new Map(),
		bondActive: new Map(),
		ospfViews: new Map(),
		lbHealthy: new Map(),
		moved: new Map(),
		kubeNotReady: new Set()
	};
}

export function vrrpGroupKey(group: number, vip: string): string {
	return `${group}|${vip}`;
}

/** Applies the state's document-level overrides to a copy of the document. */
function stateDocument(t: Topology, s: ScenarioState): Topology {
	const sdnFallback = [...s.failed].some((id) => t.nodes[id]?.kind === 'sdn-controller');
	if (!s.adminDown.size && !s.cableDown.size && !s.moved.size && !s.kubeNotReady.size && !sdnFallback) return t; // the resolver does not modify its input
	const doc: Topology = structuredClone(t);
	for (const key of s.adminDown) {
		const dot = key.indexOf('.');
		const n = doc.nodes[key.slice(0, dot)];
		if (!n) continue;
		n.interfaces ??= {};
		const name = key.slice(dot + 1);
		n.interfaces[name] = { ...(n.interfaces[name] ?? {}), down: true };
	}
	for (const i of s.cableDown) if (doc.links[i]) doc.links[i] = { ...doc.links[i], down: true };
	// A standalone switch whose controller failed falls back to MAC learning (OVS fail-mode standalone).
	for (const id of s.failed) {
		const n = doc.nodes[id];
		if (n?.kind === 'sdn-controller' && (n['fail-mode'] ?? 'standalone') === 'standalone') delete n.manages;
		overlayControllerDown(doc, id);
	}
	for (const id of s.kubeNotReady) if (doc.kubernetes?.nodes[id]) doc.kubernetes.nodes[id] = { ...doc.kubernetes.nodes[id], ready: false };
	movedDocument(t, s.moved, doc);
	for (const [guest, hv] of s.moved) {
		if (t.kubernetes?.pods[guest]) continue;
		const g = doc.nodes[guest];
		const to = doc.nodes[hv];
		if (!g || !to) continue;
		const from = g.on;
		g.on = hv;
		for (const itf of Object.values(g.interfaces ?? {})) if (itf.uplink && !(to.interfaces && itf.uplink in to.interfaces)) delete itf.uplink;
		// NAT port forwards to the guest move with it
		const old = from ? doc.nodes[from] : undefined;
		if (old?.nat?.forwards) {
			const moving = old.nat.forwards.filter((f) => f.to.slice(0, f.to.lastIndexOf(':')) === guest);
			if (moving.length) {
				old.nat.forwards = old.nat.forwards.filter((f) => !moving.includes(f));
				to.nat ??= {};
				to.nat.forwards = [...(to.nat.forwards ?? []), ...moving];
			}
		}
	}
	return doc;
}

/** VRRP groups of a resolved topology: key → members "node.iface". */
export function vrrpGroups(rt: ResolvedTopology): Map<string, { node: string; iface: string; priority: number; advert: number; ip: string; group: number; vip: string }[]> {
	const out = new Map<string, { node: string; iface: string; priority: number; advert: number; ip: string; group: number; vip: string }[]>();
	for (const n of rt.nodes.values())
		for (const i of n.interfaces)
			if (i.vrrp) {
				const key = vrrpGroupKey(i.vrrp.group, i.vrrp.vip);
				if (!out.has(key)) out.set(key, []);
				out.get(key)!.push({ node: n.id, iface: i.name, priority: i.vrrp.priority, advert: i.vrrp.advert, ip: i.ip ?? '0.0.0.0', group: i.vrrp.group, vip: i.vrrp.vip });
			}
	return out;
}

/**
 * The compiled network of a scenario state. `adjacencies` are the OSPF
 * adjacencies of the converged network (the state's views remove some).
 */
export function buildStateNet(t: Topology, s: ScenarioState, adjacencies: OspfAdjacency[] | null): Net {
	const rt = resolveTopology(stateDocument(t, s));
	// Failed nodes: every cable of the node (and of a failed hypervisor's virtual segments) is dead.
	if (s.failed.size) {
		const dead = (id: string) => s.failed.has(id) || (rt.nodes.get(id)?.owner !== undefined && s.failed.has(rt.nodes.get(id)!.owner!));
		for (const l of rt.links) if (dead(l.a.node) || dead(l.b.node)) l.down = true;
	}
	// VRRP: the state's masters hold the vip.
	if (s.vrrpMasters.size) {
		const groups = vrrpGroups(rt);
		for (const [key, members] of groups) {
			const masters = s.vrrpMasters.get(key);
			if (!masters) continue;
			const vip = members[0].vip;
			for (const m of members) {
				const n = rt.nodes.get(m.node)!;
				n.addresses = n.addresses.filter((a) => a !== vip);
			}
			rt.ownedAddresses.delete(vip);
			for (const m of members)
				if (masters.has(`${m.node}.${m.iface}`)) {
					rt.nodes.get(m.node)!.addresses.push(vip);
					if (!rt.ownedAddresses.has(vip)) rt.ownedAddresses.set(vip, m.node);
				}
		}
	}
	const net = compile(rt);
	for (const [key, member] of s.bondActive) {
		const dot = key.indexOf('.');
		const ni = net.nodeIndex.get(key.slice(0, dot));
		if (ni === undefined) continue;
		const node = net.nodes[ni];
		const bond = node.ifaces.map((i) => net.ifaces[i]).find((i) => i.name === key.slice(dot + 1));
		const mem = node.ifaces.map((i) => net.ifaces[i]).find((i) => i.name === member);
		if (bond && mem) bond.bondActive = mem.idx;
	}
	// Load balancers send only to the backends their health checks keep.
	for (const [id, healthy] of s.lbHealthy) {
		const ni = net.nodeIndex.get(id);
		const lb = ni === undefined ? null : net.nodes[ni].lb;
		if (lb) lb.backends = lb.backends.filter((_, k) => healthy[k]);
	}
	if (adjacencies && (s.ospfViews.size || adjacencies.length)) installOspfRoutes(net, adjacencies, (r) => s.ospfViews.get(r));
	return net;
}
