/**
 * The scenario engine (`vnet simulate`): timed traffic, faults and the
 * network's reaction, packet by packet, in simulated integer nanoseconds.
 *
 * Each flow's path is computed once per network state with the probe engine
 * (path.ts) and replayed as typed arrays; a state change (a fault, a restore,
 * a mechanism's reaction) rebuilds the network and the paths. Packets are
 * events on a binary heap (heap.ts); each link direction is an independent
 * FIFO of `queue` frames (links.ts); losses are drawn from splitmix64 in
 * transmission order; results are streaming counters (flows.ts, stats.ts).
 * Nothing is allocated per packet, and nothing here reads a clock: the caller
 * bounds the work (budget.ts) and says when a slice should yield.
 */
import type { Topology, Traffic, ScenarioEvent } from '../../model/types';
import type { Net } from '../compile';
import { ProbeEngine } from '../probe';
import { isIpv4 } from '../../model/net';
import { buildPath, samePath, Registry, type FlowPath, type SdnInfo } from './path';
import { buildStateNet, emptyState, type ScenarioState } from './state';
import { ospfAdjacencies, type OspfAdjacency } from './ospf';
import { Mechanisms } from './mechanisms';
import { SplitMix64 } from './rng';
import { hasCarrier } from './l2';
import { staleReason } from './stale';
import { EventHeap } from './heap';
import { Gates, LinkDirections } from './links';
import { PacketPool } from './packets';
import { CbrFlows, sendTime } from './flows';
import { ControlQueue } from './control';
import { applyEvent, ScenarioError, type FaultHost } from './faults';
import { assembleResult, type PathAt, type ScenarioResult } from './results';
import { checkBudget, DEFAULT_BUDGET, PACKET_HOPS_PER_SECOND, type WorkBudget, type WorkEstimate } from './budget';

export { ScenarioError };

export interface ScenarioOptions {
	/** timeline bucket; default: about 100 buckets over the duration */
	bucketMs?: number;
	/** report each flow's path changes (`FlowResult.paths`) */
	pathHistory?: boolean;
	/** work budget (default DEFAULT_BUDGET): above it the run does not start */
	budget?: Partial<WorkBudget>;
}

/** A scenario run in slices (the app's worker runs it between messages, the CLI between signals). */
export interface ScenarioStepper {
	/** the work estimated before the first packet (within the budget) */
	readonly estimate: WorkEstimate;
	/**
	 * Runs until the end (true), or until `shouldYield` (asked every 1024
	 * events) says to stop for now (false): call again to go on.
	 */
	step(shouldYield?: () => boolean): boolean;
	/** Ends the run where it is: the result reports what was measured, marked partial. */
	stop(reason: string): void;
	/** simulated time reached, 0..1 of the duration */
	readonly progress: number;
	/** The result (after `step` returned true, or after `stop`). */
	result(): ScenarioResult;
}

const DROP_LINK_DOWN = 'link or node down';
const DROP_IN_FLIGHT = 'in flight on a failed link';
const DROP_QUEUE = 'queue full';
const DROP_LOSS = 'link loss';
const DROP_NO_FLOW = 'no flow entry, controller down (fail-mode secure)';

/** A timeline longer than this is a mistake (a tiny bucket over a long duration). */
const MAX_TIMELINE_BUCKETS = 1_000_000;

function niceBucket(durationNs: number): number {
	const raw = durationNs / 1e6 / 100;
	if (raw <= 1) return 1;
	const p = 10 ** Math.floor(Math.log10(raw));
	for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
	return 10 * p;
}

function scenarioOf(t: Topology, name: string) {
	const sc = t.scenarios[name];
	if (!sc) throw new ScenarioError(`no scenario "${name}" (scenarios: ${Object.keys(t.scenarios).join(', ') || 'none'})`);
	return sc;
}

export function runScenario(t: Topology, name: string, opts: ScenarioOptions = {}): ScenarioResult {
	const s = startScenario(t, name, opts);
	s.step();
	return s.result();
}

/** The work of a scenario, estimated without running it. */
export function estimateScenario(t: Topology, name: string, opts: Pick<ScenarioOptions, 'bucketMs'> = {}): WorkEstimate {
	scenarioOf(t, name);
	const run = new ScenarioRun(t, name, opts);
	run.begin();
	return run.estimate();
}

/**
 * Starts a scenario run (network at rest, paths, the send schedule) and checks
 * its estimated work against the budget: ScenarioBudgetError when above.
 * Slices give the same events in the same order, so the same result as runScenario.
 */
export function startScenario(t: Topology, name: string, opts: ScenarioOptions = {}): ScenarioStepper {
	scenarioOf(t, name);
	const budget: WorkBudget = { ...DEFAULT_BUDGET, ...opts.budget };
	const run = new ScenarioRun(t, name, opts);
	run.begin();
	const estimate = run.estimate();
	checkBudget(name, estimate, budget);
	run.budget = budget;
	let res: ScenarioResult | null = null;
	return {
		estimate,
		step: (shouldYield) => run.loop(shouldYield),
		stop: (reason) => run.stop(reason),
		get progress() {
			return run.progress();
		},
		result: () => {
			if (!run.done) throw new ScenarioError('the scenario has not finished');
			res ??= run.result();
			return res;
		}
	};
}

class ScenarioRun implements FaultHost {
	readonly topology: Topology;
	readonly scenario: string;
	readonly sdn: SdnInfo;
	state: ScenarioState = emptyState();
	net!: Net;
	budget: WorkBudget = DEFAULT_BUDGET;
	done = false;
	private engine!: ProbeEngine;
	private reg = new Registry();
	private adjs: OspfAdjacency[] = [];
	private mech!: Mechanisms;
	private clock = 0;
	private control = new ControlQueue();
	private markers: { t: number; what: string }[] = [];
	private flows: Traffic[];
	private cbrIndex: number[] = []; // flow index → cbr index, -1 for bulk
	private cbrFlows: Traffic[] = [];
	private cbr!: CbrFlows;
	/** every path any cbr packet was sent on (packets refer to them by index) */
	private paths: FlowPath[] = [];
	private firstPaths: FlowPath[] = [];
	/** each cbr flow's last path that delivered (its senders' ARP entries and the switches' MAC tables remember it) */
	private lastDelivering: FlowPath[] = [];
	private bulkHistory: PathAt[][] = [];
	private bulkGoodput: ({ mbps: number; path: FlowPath } | null)[] = [];
	private cbrHistory: PathAt[][] | null = null;
	private events: ScenarioEvent[] = [];
	private frozenSwitches = new Set<string>();
	private seed: number;
	private duration: number;
	private bucket: number;
	private links = new LinkDirections();
	private gates = new Gates();
	private packetsInFlight = new PacketPool();
	private heap = new EventHeap();
	private rng: SplitMix64;
	private packets = 0;
	private packetHops = 0;
	private packetEvents = 0;
	private partial: { atNs: number; reason: string } | undefined;

	constructor(t: Topology, name: string, opts: ScenarioOptions) {
		this.topology = t;
		this.scenario = name;
		const sc = t.scenarios[name];
		this.flows = sc.traffic ?? [];
		this.seed = sc.seed ?? 0;
		this.duration = sc.duration;
		this.bucket = (opts.bucketMs ?? niceBucket(sc.duration)) * 1e6;
		const buckets = Math.ceil(this.duration / this.bucket) + 1;
		if (!(buckets <= MAX_TIMELINE_BUCKETS))
			throw new ScenarioError(`scenario ${name}: a timeline of ${buckets.toLocaleString('en-US')} buckets of ${this.bucket / 1e6} ms (at most ${MAX_TIMELINE_BUCKETS.toLocaleString('en-US')}): choose a larger bucket`);
		this.rng = new SplitMix64(this.seed);
		if (opts.pathHistory) this.cbrHistory = [];
		for (const f of this.flows) {
			for (const end of [f.from, f.to])
				if (!(end in t.nodes) && !(end === f.to && isIpv4(end))) throw new ScenarioError(`scenario ${name}: flow ${f.name}: no node "${end}"`);
			if (f.kind === 'bulk') this.cbrIndex.push(-1);
			else {
				this.cbrIndex.push(this.cbrFlows.length);
				this.cbrFlows.push(f);
			}
		}
		this.sdn = { managed: new Map(), down: new Set() };
		for (const [id, n] of Object.entries(t.nodes))
			if (n.kind === 'sdn-controller')
				for (const sw of n.manages ?? [])
					this.sdn.managed.set(sw, { controller: id, reactive: n.mode === 'reactive', cost: 2 * (n.channel ?? 1e6) + (n.delay ?? 50e3), secure: n['fail-mode'] === 'secure' });
		this.events = [...(sc.events ?? [])].map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map((x) => x.e);
		this.cbr = new CbrFlows(this.cbrFlows, this.duration, buckets, this.events.map((e) => e.at));
	}

	// ------------------------------------------------------- MechanismHost

	now(): number {
		return this.clock;
	}
	marker(t: number, what: string): void {
		this.markers.push({ t, what });
	}
	schedule(key: string, t: number, run: () => boolean): void {
		this.control.schedule(key, t, run);
	}
	cancel(key: string): void {
		this.control.cancel(key);
	}
	pending(key: string): boolean {
		return this.control.pending(key);
	}
	resetGates(node: string): void {
		this.gates.reset(this.reg, node);
	}

	// --------------------------------------------------------------- state

	/** Rebuilds the network of the current state, link availability and every path. */
	private rebuild(reuse?: Net): void {
		const prev = this.net;
		this.net = reuse ?? buildStateNet(this.topology, this.state, this.adjs);
		this.engine = new ProbeEngine(this.net);
		if (prev) this.reactSdn(prev);
		// paths (the registry may grow: links and gates first seen in this state)
		const newPaths: FlowPath[] = [];
		for (let f = 0; f < this.flows.length; f++) {
			let p = buildPath(this.reg, this.net, this.engine, this.flows[f], this.sdn);
			// A managed switch keeps forwarding by its old flows until its controller
			// reprograms it (2 × channel + delay) unless fast-failover is on.
			const ci = this.cbrIndex[f];
			const old = ci >= 0 ? this.cbr.path[ci] : this.bulkHistory[f]?.[this.bulkHistory[f].length - 1]?.path;
			if (old && this.frozenSwitches.size && old.nodes.some((n) => this.frozenSwitches.has(n))) p = old;
			newPaths.push(p);
		}
		// link directions available in this state
		const global = this.net.links.map((_, li) => this.reg.linkOf(this.net, li));
		const L = this.links;
		L.grow(this.reg);
		this.gates.sync(this.reg);
		const up = new Uint8Array(L.count);
		for (let li = 0; li < this.net.links.length; li++) {
			const l = this.net.links[li];
			const ok = !l.down && !this.net.ifaces[l.a].down && !this.net.ifaces[l.b].down;
			up[2 * global[li]] = up[2 * global[li] + 1] = ok ? 1 : 0;
		}
		for (let d = 0; d < L.count; d++) {
			const was = prev ? L.up[d] : 1;
			if (was && !up[d]) L.fail(d, this.clock);
			L.up[d] = up[d];
		}
		for (let f = 0; f < this.flows.length; f++) {
			let p = newPaths[f];
			const ci = this.cbrIndex[f];
			if (ci >= 0) {
				if (p.ok) this.lastDelivering[ci] = p;
				else if (p.arpFailed && this.lastDelivering[ci]) {
					const why = staleReason(this.net, this.reg, this.gates, this.lastDelivering[ci], p);
					if (why !== null) p = { ...p, reason: why };
				}
				if (!this.cbr.path[ci] || !samePath(this.cbr.path[ci], p)) {
					this.cbr.path[ci] = p;
					this.paths.push(p);
					this.cbr.pathId[ci] = this.paths.length - 1;
					if (this.cbrHistory) (this.cbrHistory[ci] ??= []).push({ t: this.clock, path: p });
				}
			} else (this.bulkHistory[f] ??= []).push({ t: this.clock, path: p });
		}
	}

	/** SDN: managed switches that lost a port wait for their controller. */
	private reactSdn(prev: Net): void {
		const now = this.clock;
		for (const [sw, m] of this.sdn.managed) {
			const ctrl = this.topology.nodes[m.controller];
			if (ctrl?.['fast-failover']) continue;
			const pi = prev.nodeIndex.get(sw);
			const ni = this.net.nodeIndex.get(sw);
			if (pi === undefined || ni === undefined) continue;
			let lost: string | null = null;
			for (const ii of prev.nodes[pi].ifaces) {
				const name = prev.ifaces[ii].name;
				const cur = this.net.nodes[ni].ifaces.find((x) => this.net.ifaces[x].name === name);
				if (hasCarrier(prev, ii) && (cur === undefined || !hasCarrier(this.net, cur))) lost = name;
			}
			if (!lost) continue;
			this.marker(now, `${sw}: port ${lost} down, reported to ${m.controller}`);
			if (this.sdn.down.has(m.controller)) {
				if (m.secure) this.frozenSwitches.add(sw);
				continue;
			}
			this.frozenSwitches.add(sw);
			const ch = ctrl.channel ?? 1e6;
			this.schedule(`sdn|${sw}`, now + 2 * ch + (ctrl.delay ?? 50e3), () => {
				this.frozenSwitches.delete(sw);
				this.marker(this.clock, `${m.controller}: new flows installed on ${sw}`);
				return true;
			});
		}
	}

	/** After a state change: rebuild, let mechanisms react (and rebuild again if they changed the state). */
	private settle(): void {
		for (let guard = 0; guard < 8; guard++) {
			this.rebuild();
			if (!this.mech.react()) return;
		}
	}

	// ------------------------------------------------------------ packets

	private drop(pid: number, why: string): void {
		this.cbr.dropped(this.packetsInFlight.flow[pid], why);
		this.packetsInFlight.release(pid);
	}

	/**
	 * The packet is ready to leave node `h` of its path at time `ready`:
	 * deliver it, drop it (both return -1), or queue it on the next link
	 * direction and return when it is ready to leave the next node.
	 */
	private forward(pid: number, h: number, ready: number): number {
		const P = this.packetsInFlight;
		const path = this.paths[P.path[pid]];
		if (h === path.n) {
			this.finish(pid, path, ready);
			return -1;
		}
		const L = this.links;
		const ld = path.ld[h];
		if (L.up[ld] === 0) {
			this.drop(pid, DROP_LINK_DOWN);
			return -1;
		}
		let r = ready;
		const g = path.gate[h];
		if (g >= 0) {
			const G = this.gates;
			let open = G.openAt[g];
			if (open < 0) {
				if (G.blocked[g] === 1) {
					this.drop(pid, DROP_NO_FLOW);
					return -1;
				}
				open = r + G.cost[g];
				G.openAt[g] = open;
			}
			if (open > r) r = open;
		}
		const ring = L.ring(ld);
		const cap = L.capacity[ld];
		let head = L.queueHead[ld];
		let cnt = L.queueCount[ld];
		let last = L.lastDeparture[ld];
		let lost: string | null = null;
		const loss = L.loss[ld];
		const f1 = path.fOff[h + 1];
		for (let j = path.fOff[h]; j < f1; j++) {
			// frames that left before r free their place in the queue
			while (cnt > 0 && ring[head] <= r) {
				head++;
				if (head === cap) head = 0;
				cnt--;
			}
			if (cnt >= cap) {
				L.queueDrops[ld]++;
				lost = DROP_QUEUE;
				continue;
			}
			const ser = path.fSer[j];
			const start = last > r ? last : r;
			last = start + ser;
			let tail = head + cnt;
			if (tail >= cap) tail -= cap;
			ring[tail] = last;
			cnt++;
			L.busyNs[ld] += ser;
			L.frames[ld]++;
			this.packetHops++;
			if (loss > 0 && (loss >= 1 || this.rng.nextUnit() < loss)) {
				L.lossDrops[ld]++;
				lost = DROP_LOSS;
			}
		}
		L.queueHead[ld] = head;
		L.queueCount[ld] = cnt;
		L.lastDeparture[ld] = last;
		if (lost !== null) {
			this.drop(pid, lost);
			return -1;
		}
		const next = last + L.latency[ld] + path.delay[h + 1];
		// The last hop ends at the destination, which has no queue: when no fault
		// or timer can come before the arrival, finish now instead of queueing an
		// event (same result, one heap operation less).
		if (h + 1 === path.n && this.control.nextTime > next) {
			this.finish(pid, path, next);
			return -1;
		}
		P.hop[pid] = h + 1;
		P.epoch[pid] = L.epoch[ld];
		return next;
	}

	/** The packet reached the end of its path at time t: delivered or dropped there. */
	private finish(pid: number, path: FlowPath, t: number): void {
		if (!path.ok) {
			this.drop(pid, path.reason);
			return;
		}
		const P = this.packetsInFlight;
		this.cbr.arrived(P.flow[pid], P.seq[pid], t, this.bucket);
		P.release(pid);
	}

	// ---------------------------------------------------------------- run

	/** Converged start: the network at rest, mechanisms initialised, paths, faults and first sends queued. */
	begin(): void {
		this.net = buildStateNet(this.topology, this.state, null);
		this.adjs = ospfAdjacencies(this.net);
		this.mech = new Mechanisms(this, this.net, this.adjs);
		this.mech.init();
		// The converged state is the network at rest unless VRRP, load balancers
		// or OSPF views change it.
		const s = this.state;
		const plain = s.vrrpMasters.size === 0 && s.lbHealthy.size === 0 && s.ospfViews.size === 0;
		this.rebuild(plain ? this.net : undefined);
		this.firstPaths = this.cbr.path.slice();
		this.bulkGoodput = this.flows.map((f, i) => (this.cbrIndex[i] < 0 ? this.goodput(f) : null));
		for (const e of this.events)
			this.control.addFault(e.at, () => {
				applyEvent(this, e);
				return true;
			});
		for (let ci = 0; ci < this.cbr.size; ci++) if (this.cbr.count[ci] > 0) this.heap.push(0, -(ci + 1));
	}

	/** The work ahead, from the send schedule and the paths at the start. */
	estimate(): WorkEstimate {
		let packets = 0;
		let packetHops = 0;
		let events = this.events.length;
		let heaviest: WorkEstimate['heaviest'] = null;
		let most = -1;
		this.flows.forEach((f, i) => {
			const ci = this.cbrIndex[i];
			if (ci < 0) return;
			const n = this.cbr.count[ci];
			const p = this.cbr.path[ci];
			const frames = Math.max(1, p.fOff[p.n]);
			packets += n;
			packetHops += n * frames;
			events += n * (p.n + 1);
			if (n * frames > most) {
				most = n * frames;
				heaviest = { flow: f.name, index: i, packets: n, hops: p.n };
			}
		});
		return { packets, packetHops, events, seconds: packetHops / PACKET_HOPS_PER_SECOND, heaviest };
	}

	progress(): number {
		return this.done ? 1 : this.duration > 0 ? Math.min(1, this.clock / this.duration) : 0;
	}

	stop(reason: string): void {
		if (this.done) return;
		this.done = true;
		this.partial = { atNs: this.clock, reason };
	}

	/**
	 * The event loop: control events (faults, timers) first at equal times,
	 * then packets. Returns true when the run is over, false when `shouldYield`
	 * (asked every 1024 events) said to pause: call it again to go on.
	 */
	loop(shouldYield?: () => boolean): boolean {
		if (this.done) return true;
		const control = this.control;
		const heap = this.heap;
		const cbr = this.cbr;
		const P = this.packetsInFlight;
		const budget = this.budget;
		let spin = 0;
		for (;;) {
			if ((++spin & 1023) === 0) {
				if (this.packetHops > budget.maxPacketHops || this.packetEvents + control.ran > budget.maxEvents) {
					this.stop(`work budget reached (${budget.maxPacketHops.toLocaleString('en-US')} packet-hops, ${budget.maxEvents.toLocaleString('en-US')} events)`);
					return true;
				}
				if (shouldYield?.()) return false;
			}
			const tp = heap.size > 0 ? heap.topTime : Infinity;
			const tc = control.nextTime;
			if (tc <= tp && (tc <= this.duration || heap.size > 0)) {
				const c = control.take();
				if (c === null) continue;
				this.clock = c.t;
				if (c.run()) this.settle();
				continue;
			}
			if (heap.size === 0) {
				this.done = true;
				return true;
			}
			const t = heap.topTime;
			const id = heap.topId;
			this.clock = t;
			this.packetEvents++;
			if (id < 0) {
				const ci = -id - 1;
				const seq = cbr.nextSeq[ci]++;
				if (seq + 1 < cbr.count[ci]) heap.replaceTop(sendTime(seq + 1, cbr.rate[ci]), id);
				else heap.pop();
				this.packets++;
				const pid = P.alloc();
				P.flow[pid] = ci;
				P.seq[pid] = seq;
				const pathId = cbr.pathId[ci];
				P.path[pid] = pathId;
				const nt = this.forward(pid, 0, t + this.paths[pathId].delay[0]);
				if (nt >= 0) heap.push(nt, pid);
			} else {
				const h = P.hop[id];
				const path = this.paths[P.path[id]];
				if (this.links.epoch[path.ld[h - 1]] !== P.epoch[id]) {
					heap.pop();
					this.drop(id, DROP_IN_FLIGHT);
					continue;
				}
				const nt = this.forward(id, h, t);
				if (nt >= 0) heap.replaceTop(nt, id);
				else heap.pop();
			}
		}
	}

	/** Goodput of a bulk flow at rest (spec formula), with the path's RTT. */
	private goodput(f: Traffic): { mbps: number; path: FlowPath } {
		const p = buildPath(this.reg, this.net, this.engine, f, this.sdn);
		if (!p.ok || p.minMtu <= 40) return { mbps: 0, path: p };
		const M = p.minMtu;
		const B = p.minBandwidth;
		const seg = buildPath(this.reg, this.net, this.engine, f, this.sdn, M - 40);
		let ack: FlowPath;
		if (f.to in this.topology.nodes) ack = buildPath(this.reg, this.net, this.engine, { name: `${f.name}-ack`, from: f.to, to: f.from, proto: 'tcp', port: f.sport ?? 40000, sport: f.port, size: 0 }, this.sdn);
		else ack = buildPath(this.reg, this.net, this.engine, f, this.sdn, 0);
		const rtt = seg.oneWay + (ack.ok ? ack.oneWay : seg.oneWay);
		let bps = (B * (M - 40)) / (M + 38);
		if (f.window !== undefined && rtt > 0) bps = Math.min(bps, (f.window * 8) / (rtt / 1e9));
		return { mbps: bps / 1e6, path: p };
	}

	result(): ScenarioResult {
		return assembleResult({
			name: this.scenario,
			seed: this.seed,
			durationNs: this.duration,
			bucketNs: this.bucket,
			flows: this.flows,
			cbrIndex: this.cbrIndex,
			cbr: this.cbr,
			firstPaths: this.firstPaths,
			bulkHistory: this.bulkHistory,
			bulkGoodput: this.bulkGoodput,
			cbrHistory: this.cbrHistory,
			events: this.events,
			markers: this.markers,
			reg: this.reg,
			links: this.links,
			packets: this.packets,
			packetHops: this.packetHops,
			partial: this.partial
		});
	}
}
