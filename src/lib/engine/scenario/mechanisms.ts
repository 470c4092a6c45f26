/**
 * Failover mechanisms of a scenario: how the network reacts to faults, each
 * with the detection time of ../shared/spec/topology-format.md ("Failover",
 * "Time, traffic and scenarios") and, where the spec is silent, what the real
 * implementation does (docs/scenarios.md). Timers are computed on their fixed
 * grid from t = 0 instead of simulating every advert, hello or health check.
 *
 * After every change of the network state the engine calls `react()`; a
 * mechanism looks at the new network, and schedules (or cancels) its
 * reaction as a timer. A timer that fires re-checks its condition, changes
 * the state and says so; the engine then rebuilds the network and the paths.
 */
import type { Topology } from '../../model/types';
import type { Net } from '../compile';
import { ProbeEngine } from '../probe';
import { ipToU32, u32ToIp } from '../../model/net';
import { hasCarrier, isCabled, l2Reach } from './l2';
import { computeOspfRoutes, isOspfRouter, type OspfAdjacency, type OspfView } from './ospf';
import { vrrpGroups, type ScenarioState } from './state';

export interface MechanismHost {
	readonly topology: Topology;
	readonly state: ScenarioState;
	/** network of the current state */
	readonly net: Net;
	/** schedule (or replace) a timer; `run` returns true when it changed the state */
	schedule(key: string, t: number, run: () => boolean): void;
	cancel(key: string): void;
	pending(key: string): boolean;
	marker(t: number, what: string): void;
	now(): number;
	/** forget ARP entries / SDN flows learned by a node (restart, restore) */
	resetGates(node: string): void;
}

/** Largest multiple of `period` strictly before t (the last tick heard before a fault at t). */
export function lastTickBefore(t: number, period: number): number {
	const k = Math.ceil(t / period) - 1;
	return Math.max(0, k) * period;
}
/** Smallest multiple of `period` at or after t. */
export function tickAtOrAfter(t: number, period: number): number {
	return Math.ceil(t / period) * period;
}
/** Smallest multiple of `period` strictly after t. */
export function tickAfter(t: number, period: number): number {
	return (Math.floor(t / period) + 1) * period;
}

function ifaceIdx(net: Net, node: string, iface: string): number {
	const ni = net.nodeIndex.get(node);
	if (ni === undefined) return -1;
	for (const ii of net.nodes[ni].ifaces) if (net.ifaces[ii].name === iface) return ii;
	return -1;
}

function sec(t: number): string {
	return `${(t / 1e9).toFixed(3)}s`;
}

interface VrrpMember {
	key: string;
	node: string;
	iface: string;
	priority: number;
	advert: number;
	ip: number;
	group: number;
}

export class Mechanisms {
	private vrrp: { key: string; members: VrrpMember[] }[] = [];
	/** backups that heard a better master at the last reaction */
	private hearing = new Map<string, boolean>();
	private adjs: OspfAdjacency[];
	private lsdb: OspfView = { adjDown: new Set(), stubDown: new Set() };
	private ospfRouters: string[] = [];

	constructor(private h: MechanismHost, net0: Net, adjacencies: OspfAdjacency[]) {
		this.adjs = adjacencies;
		const groups = vrrpGroups(net0.resolved);
		for (const [key, ms] of groups) {
			const members = ms.map((m) => ({ key: `${m.node}.${m.iface}`, node: m.node, iface: m.iface, priority: m.priority, advert: m.advert, ip: ipToU32(m.ip), group: m.group }));
			this.vrrp.push({ key, members });
		}
		this.ospfRouters = net0.nodes.filter((n) => isOspfRouter(net0, n.idx)).map((n) => n.id);
	}

	/** Converged start: VRRP masters elected, load-balancer backends checked. */
	init(): void {
		const s = this.h.state;
		const net = this.h.net;
		for (const g of this.vrrp) {
			const masters = new Set<string>();
			for (const m of g.members) {
				if (!this.vrrpAlive(net, m)) continue;
				const heard = this.heardBy(net, m, g.members);
				if (!g.members.some((o) => o !== m && heard.has(o.key) && this.vrrpAlive(net, o) && rank(o) > rank(m))) masters.add(m.key);
				else this.hearing.set(m.key, true);
			}
			s.vrrpMasters.set(g.key, masters);
		}
		for (const [id, lb] of this.loadBalancers()) s.lbHealthy.set(id, lb.pool.map((p) => this.backendUp(id, p)));
		// Bonds keep their active member until a miimon tick moves them: a member taken
		// administratively down stays active (and loses carrier) until then.
		for (const [id, n] of Object.entries(this.h.topology.nodes))
			for (const [name, itf] of Object.entries(n.interfaces ?? {})) {
				if (!itf.bond) continue;
				const bi = ifaceIdx(net, id, name);
				if (bi >= 0 && net.ifaces[bi].bondActive >= 0) s.bondActive.set(`${id}.${name}`, net.ifaces[net.ifaces[bi].bondActive].name);
			}
		// OSPF: converged; interfaces without carrier at rest are not advertised.
		for (const r of this.ospfRouters) {
			const ri = net.nodeIndex.get(r)!;
			for (const ii of net.nodes[ri].ifaces) if (isCabled(net, ii) && !hasCarrier(net, ii)) this.lsdb.stubDown.add(`${r}.${net.ifaces[ii].name}`);
		}
		if (this.lsdb.stubDown.size) for (const r of this.ospfRouters) s.ospfViews.set(r, { adjDown: new Set(), stubDown: new Set(this.lsdb.stubDown) });
	}

	private loadBalancers(): Map<string, { pool: { node: string; port: number }[]; interval: number; fall: number; rise: number }> {
		const out = new Map<string, { pool: { node: string; port: number }[]; interval: number; fall: number; rise: number }>();
		for (const [id, n] of Object.entries(this.h.topology.nodes))
			if (n.kind === 'load-balancer' && n.pool?.length)
				out.set(id, { pool: n.pool, interval: n.health?.interval ?? 2e9, fall: n.health?.fall ?? 3, rise: n.health?.rise ?? 2 });
		return out;
	}

	private backendUp(lb: string, p: { node: string; port: number }): boolean {
		if (this.h.state.failed.has(lb)) return false;
		try {
			const t = new ProbeEngine(this.h.net).run({ from: lb, to: p.node, proto: 'tcp', port: p.port }, { record: false });
			return t.disposition === 'DELIVERED';
		} catch {
			return false;
		}
	}

	/** Called after every change of the network state. Returns true if it changed the state itself. */
	react(): boolean {
		let changed = false;
		this.reactBonds();
		changed = this.reactVrrp() || changed;
		this.reactOspf();
		this.reactLb();
		return changed;
	}

	// ------------------------------------------------------------------ bond

	private reactBonds(): void {
		const { net, state } = this.h;
		for (const [id, n] of Object.entries(this.h.topology.nodes)) {
			if (state.failed.has(id)) continue;
			for (const [name, itf] of Object.entries(n.interfaces ?? {})) {
				if (!itf.bond) continue;
				const bi = ifaceIdx(net, id, name);
				if (bi < 0) continue;
				const bond = net.ifaces[bi];
				const activeIdx = bond.bondActive;
				const key = `bond|${id}.${name}`;
				if (activeIdx >= 0 && hasCarrier(net, activeIdx)) {
					this.h.cancel(key);
					continue;
				}
				if (this.h.pending(key)) continue;
				const miimon = itf.bond.miimon ?? 100e6;
				const members = itf.bond.members;
				this.h.schedule(key, tickAfter(this.h.now(), miimon), () => {
					const net2 = this.h.net;
					const b = net2.ifaces[ifaceIdx(net2, id, name)];
					if (!b || (b.bondActive >= 0 && hasCarrier(net2, b.bondActive))) return false;
					const cur = b.bondActive >= 0 ? members.indexOf(net2.ifaces[b.bondActive].name) : -1;
					for (let k = 1; k <= members.length; k++) {
						const m = members[(cur + k + members.length) % members.length];
						const mi = ifaceIdx(net2, id, m);
						if (mi >= 0 && mi !== b.bondActive && hasCarrier(net2, mi)) {
							this.h.state.bondActive.set(`${id}.${name}`, m);
							const t = this.h.now();
							this.h.marker(t, `${id}.${name}: bond fails over to ${m} (miimon ${miimon / 1e6} ms)`);
							this.h.marker(t, `${id}: gratuitous ARP from ${name}`);
							return true;
						}
					}
					return false;
				});
			}
		}
	}

	// ------------------------------------------------------------------ VRRP

	private vrrpAlive(net: Net, m: VrrpMember): boolean {
		if (this.h.state.failed.has(m.node)) return false;
		const i = ifaceIdx(net, m.node, m.iface);
		return i >= 0 && !net.ifaces[i].down && hasCarrier(net, i);
	}

	private heardBy(net: Net, m: VrrpMember, all: VrrpMember[]): Set<string> {
		const out = new Set<string>();
		const i = ifaceIdx(net, m.node, m.iface);
		if (i < 0) return out;
		const reach = l2Reach(net, i);
		for (const o of all) if (o !== m && reach.has(ifaceIdx(net, o.node, o.iface))) out.add(o.key);
		return out;
	}

	private reactVrrp(): boolean {
		const { net, state } = this.h;
		let changed = false;
		const now = this.h.now();
		for (const g of this.vrrp) {
			const masters = state.vrrpMasters.get(g.key) ?? new Set<string>();
			state.vrrpMasters.set(g.key, masters);
			// A master that failed or lost its interface is no longer master (keepalived FAULT state).
			for (const m of g.members)
				if (masters.has(m.key) && !this.vrrpAlive(net, m)) {
					masters.delete(m.key);
					this.hearing.set(m.key, false);
					changed = true;
				}
			// Two masters that hear each other again: the better one stays.
			for (const m of g.members) {
				if (!masters.has(m.key)) continue;
				const heard = this.heardBy(net, m, g.members);
				if (g.members.some((o) => masters.has(o.key) && heard.has(o.key) && rank(o) > rank(m))) {
					masters.delete(m.key);
					this.hearing.set(m.key, true);
					this.h.marker(now, `${m.node}: VRRP backup (group ${m.group})`);
					changed = true;
				}
			}
			for (const b of g.members) {
				if (masters.has(b.key)) continue;
				const timer = `vrrp|${b.key}`;
				if (!this.vrrpAlive(net, b)) {
					this.h.cancel(timer);
					this.hearing.set(b.key, false);
					continue;
				}
				const heard = this.heardBy(net, b, g.members);
				const better = g.members.some((o) => masters.has(o.key) && heard.has(o.key) && rank(o) > rank(b));
				if (better) {
					this.h.cancel(timer);
					this.hearing.set(b.key, true);
					continue;
				}
				if (this.h.pending(timer)) continue;
				// Master-down timer: from the last advert heard (on the advert grid,
				// strictly before now), or from now for a router that just came up.
				const start = this.hearing.get(b.key) ? lastTickBefore(now, b.advert) : now;
				this.hearing.set(b.key, false);
				const masterDown = 3 * b.advert + ((256 - b.priority) * b.advert) / 256;
				this.h.schedule(timer, start + masterDown, () => {
					const net2 = this.h.net;
					if (!this.vrrpAlive(net2, b)) return false;
					const ms = this.h.state.vrrpMasters.get(g.key)!;
					const heard2 = this.heardBy(net2, b, g.members);
					if (g.members.some((o) => ms.has(o.key) && heard2.has(o.key) && rank(o) > rank(b))) return false;
					const t = this.h.now();
					ms.add(b.key);
					this.h.marker(t, `${b.node} becomes VRRP master (group ${b.group}, ${u32ToIp(b.ip)} on ${b.iface})`);
					for (const o of g.members)
						if (o !== b && ms.has(o.key) && heard2.has(o.key) && rank(o) < rank(b)) {
							ms.delete(o.key);
							this.hearing.set(o.key, true);
							this.h.marker(t, `${o.node}: VRRP backup (group ${o.group})`);
						}
					this.h.marker(t, `${b.node}: gratuitous ARP for the virtual IP`);
					return true;
				});
			}
		}
		return changed;
	}

	// ------------------------------------------------------------------ OSPF

	private ospfCfg(router: string) {
		const o = this.h.topology.nodes[router]?.ospf;
		return { hello: o?.hello ?? 10e9, dead: o?.dead ?? 40e9, bfd: o?.bfd, spf: o?.['spf-delay'] ?? 50e6 };
	}

	private adjWorks(net: Net, a: OspfAdjacency): boolean {
		const s = this.h.state;
		if (s.failed.has(a.a.node) || s.failed.has(a.b.node)) return false;
		const ia = ifaceIdx(net, a.a.node, a.a.iface);
		const ib = ifaceIdx(net, a.b.node, a.b.iface);
		if (ia < 0 || ib < 0 || net.ifaces[ia].down || net.ifaces[ib].down) return false;
		return l2Reach(net, ia).has(ib);
	}

	private scheduleSpf(at: number): void {
		for (const r of this.ospfRouters) {
			if (this.h.state.failed.has(r)) continue;
			const key = `spf|${r}`;
			if (this.h.pending(key)) continue;
			this.h.schedule(key, at + this.ospfCfg(r).spf, () => {
				const s = this.h.state;
				const old = s.ospfViews.get(r) ?? { adjDown: new Set<string>(), stubDown: new Set<string>() };
				const view: OspfView = { adjDown: new Set(this.lsdb.adjDown), stubDown: new Set(this.lsdb.stubDown) };
				if (sameSet(old.adjDown, view.adjDown) && sameSet(old.stubDown, view.stubDown)) return false;
				const net = this.h.net;
				const ri = net.nodeIndex.get(r)!;
				const before = computeOspfRoutes(net, this.adjs, () => old).get(ri) ?? [];
				const after = computeOspfRoutes(net, this.adjs, () => view).get(ri) ?? [];
				// routes changed = prefixes added, removed or with another next hop
				const key = (x: { net: number; len: number }) => `${x.net}/${x.len}`;
				const bm = new Map(before.map((x) => [key(x), `${x.via}|${x.iface}`]));
				const am = new Map(after.map((x) => [key(x), `${x.via}|${x.iface}`]));
				let n = 0;
				for (const [k, v] of am) if (bm.get(k) !== v) n++;
				for (const k of bm.keys()) if (!am.has(k)) n++;
				s.ospfViews.set(r, view);
				if (n > 0) this.h.marker(this.h.now(), `${r}: SPF, ${n} route${n === 1 ? '' : 's'} changed`);
				return n > 0;
			});
		}
	}

	private reactOspf(): void {
		if (this.ospfRouters.length === 0) return;
		const { net, state } = this.h;
		const now = this.h.now();
		// Stubs: an interface that is administratively down (or whose router failed) is withdrawn at once.
		let stubChange = false;
		for (const r of this.ospfRouters) {
			const ri = net.nodeIndex.get(r);
			if (ri === undefined) continue;
			for (const ii of net.nodes[ri].ifaces) {
				const i = net.ifaces[ii];
				const k = `${r}.${i.name}`;
				const declaredAddr = net.resolved.nodes.get(r)?.interfaces.find((x) => x.name === i.name)?.ip;
				if (!declaredAddr) continue;
				const down = state.adminDown.has(k) || i.down || (isCabled(net, ii) && !hasCarrier(net, ii));
				if (down && !this.lsdb.stubDown.has(k)) {
					this.lsdb.stubDown.add(k);
					stubChange = true;
				} else if (!down && this.lsdb.stubDown.has(k)) {
					this.lsdb.stubDown.delete(k);
					stubChange = true;
				}
			}
		}
		if (stubChange) this.scheduleSpf(now);
		for (const a of this.adjs) {
			const works = this.adjWorks(net, a);
			const upKey = `ospf-up|${a.key}`;
			const downKey = `ospf-down|${a.key}`;
			if (this.lsdb.adjDown.has(a.key)) {
				if (!works) {
					this.h.cancel(upKey);
					continue;
				}
				if (this.h.pending(upKey)) continue;
				// Adjacency returns at the next hello (BFD packet when both ends run BFD).
				const ca = this.ospfCfg(a.a.node);
				const cb = this.ospfCfg(a.b.node);
				const period = ca.bfd && cb.bfd ? Math.min(ca.bfd.interval, cb.bfd.interval) : Math.min(ca.hello, cb.hello);
				this.h.schedule(upKey, tickAtOrAfter(now, period), () => {
					if (!this.adjWorks(this.h.net, a)) return false;
					this.lsdb.adjDown.delete(a.key);
					this.h.marker(this.h.now(), `${a.a.node}: OSPF neighbour ${a.b.node} (${u32ToIp(a.b.addr)}) up`);
					this.scheduleSpf(this.h.now());
					return false;
				});
				continue;
			}
			if (works) {
				this.h.cancel(downKey);
				continue;
			}
			if (this.h.pending(downKey)) continue;
			// Detection: at once by a router whose own interface went down or lost
			// carrier; otherwise BFD interval × multiplier, or dead, after the last
			// packet heard (on the timer grid, strictly before now).
			let best = Infinity;
			let who = '';
			let how = '';
			for (const [me, other] of [
				[a.a, a.b],
				[a.b, a.a]
			] as const) {
				if (state.failed.has(me.node)) continue;
				const ii = ifaceIdx(net, me.node, me.iface);
				const cfg = this.ospfCfg(me.node);
				let t: number;
				let why: string;
				if (ii < 0 || net.ifaces[ii].down || !hasCarrier(net, ii)) {
					t = now;
					why = `OSPF neighbour ${other.node} (${u32ToIp(other.addr)}) down: ${me.iface} lost carrier`;
				} else if (cfg.bfd) {
					t = lastTickBefore(now, cfg.bfd.interval) + cfg.bfd.interval * cfg.bfd.multiplier;
					why = `BFD neighbour ${other.node} (${u32ToIp(other.addr)}) down`;
				} else {
					t = lastTickBefore(now, cfg.hello) + cfg.dead;
					why = `OSPF neighbour ${other.node} (${u32ToIp(other.addr)}) down: dead interval expired`;
				}
				if (t < best) {
					best = t;
					who = me.node;
					how = why;
				}
			}
			if (best === Infinity) continue;
			this.h.schedule(downKey, Math.max(best, now), () => {
				if (this.adjWorks(this.h.net, a)) return false;
				this.lsdb.adjDown.add(a.key);
				this.h.marker(this.h.now(), `${who}: ${how}`);
				this.scheduleSpf(this.h.now());
				return false;
			});
		}
	}

	// --------------------------------------------------------- load balancer

	private reactLb(): void {
		const now = this.h.now();
		for (const [id, lb] of this.loadBalancers()) {
			const healthy = this.h.state.lbHealthy.get(id)!;
			lb.pool.forEach((p, k) => {
				const key = `lb|${id}|${k}`;
				const up = this.backendUp(id, p);
				if (up === healthy[k]) {
					this.h.cancel(key);
					return;
				}
				if (this.h.pending(key)) return;
				// Checks run every interval from t = 0; a failed check is known when its
				// interval expires without a SYN-ACK; a good one at once.
				const first = tickAtOrAfter(now, lb.interval);
				const at = up ? first + (lb.rise - 1) * lb.interval : first + lb.fall * lb.interval;
				this.h.schedule(key, at, () => {
					const ok = this.backendUp(id, p);
					if (ok !== up) return false;
					this.h.state.lbHealthy.get(id)![k] = up;
					this.h.marker(this.h.now(), `${id}: backend ${p.node}:${p.port} ${up ? `back in the pool (${lb.rise} good checks)` : `removed (${lb.fall} failed checks)`}`);
					return true;
				});
			});
		}
	}
}

function rank(m: VrrpMember): number {
	return m.priority * 2 ** 32 + m.ip;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
	if (a.size !== b.size) return false;
	for (const x of a) if (!b.has(x)) return false;
	return true;
}

export { sec };
