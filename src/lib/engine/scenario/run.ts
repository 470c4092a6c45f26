/**
 * The scenario engine (`vnet simulate`): timed traffic, faults and the
 * network's reaction, packet by packet, in simulated integer nanoseconds.
 *
 * Each flow's path is computed once per network state with the probe engine
 * (path.ts) and replayed as typed arrays; a state change (a fault, a restore,
 * a mechanism's reaction) rebuilds the network and the paths. Packets are
 * events on a binary heap of typed arrays (time, then sequence); each link
 * direction is an independent FIFO of `queue` frames whose departures are
 * kept in a ring; losses are drawn from splitmix64 in transmission order.
 * Nothing is allocated per packet.
 */
import type { Topology, Traffic, ScenarioEvent, FaultTarget } from '../../model/types';
import type { Net } from '../compile';
import { ProbeEngine } from '../probe';
import { isIpv4 } from '../ip';
import { buildPath, samePath, Registry, type FlowPath, type SdnInfo } from './path';
import { buildStateNet, emptyState, type ScenarioState } from './state';
import { ospfAdjacencies, type OspfAdjacency } from './ospf';
import { Mechanisms, type MechanismHost } from './mechanisms';
import { SplitMix64 } from './rng';
import { hasCarrier } from './l2';

export interface FailoverResult {
	fault: string;
	atS: number;
	/** (arrival of the first packet sent at or after the fault that is delivered) − fault; null: never */
	failoverMs: number | null;
	/** packets sent between this event and the next that were never delivered */
	lost: number;
}

export interface FlowResult {
	name: string;
	kind: 'cbr' | 'bulk';
	sent: number;
	delivered: number;
	lost: number;
	latencyMs: { min: number; mean: number; p99: number; max: number } | null;
	failovers: FailoverResult[];
	goodputMbps: number | null;
	/** nodes on the path at the start, for display */
	path: string[];
	/** why packets were lost, with counts */
	drops: Record<string, number>;
	/** with `pathHistory`: the flow's path from each time it changed (the first at 0) */
	paths?: PathChange[];
}

/** A flow's path from `atS` on (until the next change). */
export interface PathChange {
	atS: number;
	/** nodes visited */
	nodes: string[];
	/** cables crossed, in order, as "node.if|node.if" (ends sorted) */
	links: string[];
	/** delivered at the end of the path; otherwise `reason` says why not */
	ok: boolean;
	reason: string;
}

export interface LinkResult {
	link: string;
	/** busy fraction of the scenario duration, each direction (a→b as labelled, b→a) */
	utilisation: [number, number];
	queueDrops: number;
	lossDrops: number;
	frames: number;
}

export interface ScenarioResult {
	scenario: string;
	seed: number;
	durationS: number;
	packets: number;
	packetHops: number;
	wallSeconds: number;
	flows: FlowResult[];
	events: { atS: number; what: string }[];
	timeline: { bucketMs: number; delivered: Record<string, number[]> };
	links: LinkResult[];
}

export interface ScenarioOptions {
	/** timeline bucket; default: about 100 buckets over the duration */
	bucketMs?: number;
	/** report each flow's path changes (`FlowResult.paths`) */
	pathHistory?: boolean;
}

/** A scenario run in slices of wall time (the app's worker runs it between messages). */
export interface ScenarioStepper {
	/** Runs for about `budgetMs` of wall time; true when the run is over. */
	step(budgetMs: number): boolean;
	/** simulated time reached, 0..1 of the duration */
	readonly progress: number;
	/** The result (after `step` returned true). */
	result(): ScenarioResult;
}

export class ScenarioError extends Error {}

interface Ctrl {
	t: number;
	cls: number; // 0 fault/restore, 1 timer
	seq: number;
	key: string | null;
	run: () => boolean;
	dead: boolean;
}

const DROP_LINK_DOWN = 'link or node down';
const DROP_IN_FLIGHT = 'in flight on a failed link';
const DROP_QUEUE = 'queue full';
const DROP_LOSS = 'link loss';
const DROP_NO_FLOW = 'no flow entry, controller down (fail-mode secure)';

function niceBucket(durationNs: number): number {
	const raw = durationNs / 1e6 / 100;
	if (raw <= 1) return 1;
	const p = 10 ** Math.floor(Math.log10(raw));
	for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
	return 10 * p;
}

function faultText(e: ScenarioEvent): string {
	const target = (e.fail ?? e.restore)!;
	const what = typeof target === 'string' ? target : `link ${target.link}`;
	return `${e.fail !== undefined ? 'fail' : 'restore'} ${what}`;
}

function cbrCount(durationNs: number, rate: number): number {
	if (!(rate > 0)) return 0;
	let n = Math.ceil((durationNs * rate) / 1e9);
	while (n > 0 && ((n - 1) * 1e9) / rate >= durationNs) n--;
	while ((n * 1e9) / rate < durationNs) n++;
	return n;
}

/** The k-th smallest value (0-based) of a, by quickselect (reorders a). */
function kth(a: Float64Array, k: number): number {
	let lo = 0;
	let hi = a.length - 1;
	while (lo < hi) {
		const pivot = a[(lo + hi) >> 1];
		let i = lo;
		let j = hi;
		while (i <= j) {
			while (a[i] < pivot) i++;
			while (a[j] > pivot) j--;
			if (i <= j) {
				const t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		if (k <= j) hi = j;
		else if (k >= i) lo = i;
		else return a[k];
	}
	return a[k];
}

export function runScenario(t: Topology, name: string, opts: ScenarioOptions = {}): ScenarioResult {
	const sc = t.scenarios[name];
	if (!sc) throw new ScenarioError(`no scenario "${name}" (scenarios: ${Object.keys(t.scenarios).join(', ') || 'none'})`);
	return new ScenarioRun(t, name, opts).run();
}

/** Like runScenario, in slices: same events in the same order, so the same result. */
export function startScenario(t: Topology, name: string, opts: ScenarioOptions = {}): ScenarioStepper {
	const sc = t.scenarios[name];
	if (!sc) throw new ScenarioError(`no scenario "${name}" (scenarios: ${Object.keys(t.scenarios).join(', ') || 'none'})`);
	return new ScenarioRun(t, name, opts).stepper();
}

class ScenarioRun implements MechanismHost {
	readonly topology: Topology;
	state: ScenarioState = emptyState();
	net!: Net;
	private engine!: ProbeEngine;
	private reg = new Registry();
	private adjs: OspfAdjacency[] = [];
	private mech!: Mechanisms;
	private clock = 0;
	private ctrl: Ctrl[] = [];
	private timers = new Map<string, Ctrl>();
	private ctrlSeq = 0;
	private markers: { t: number; what: string }[] = [];
	private flows: Traffic[];
	private cbr: number[] = []; // flow index → cbr index, -1 for bulk
	private cbrFlows: Traffic[] = [];
	private sdn: SdnInfo;
	/** bulk flows: (time, path) per state */
	private bulkHistory: { t: number; path: FlowPath }[][] = [];
	/** cbr flows: (time, path) at each change, with `pathHistory` */
	private cbrHistory: { t: number; path: FlowPath }[][] | null = null;
	private seed: number;
	private duration: number;
	private bucket: number;

	// --- per cbr flow
	private fPath: FlowPath[] = [];
	private fPathId!: Int32Array;
	private fN!: Int32Array;
	private fNext!: Int32Array;
	private fRate!: Float64Array;
	private fArr: Float64Array[] = [];
	private fDelivered!: Int32Array;
	private fTimeline: Int32Array[] = [];
	private fDrops: Map<string, number>[] = [];
	private paths: FlowPath[] = [];

	// --- link directions (global)
	private ldUp = new Uint8Array(0);
	private ldEpoch = new Int32Array(0);
	private ldLast = new Float64Array(0);
	private ldHead = new Int32Array(0);
	private ldCnt = new Int32Array(0);
	private ldRing: (Float64Array | null)[] = [];
	private ldBusy = new Float64Array(0);
	private ldQDrops = new Int32Array(0);
	private ldLDrops = new Int32Array(0);
	private ldFrames = new Float64Array(0);
	private ldLat = new Float64Array(0);
	private ldLoss = new Float64Array(0);
	private ldCap = new Int32Array(0);

	// --- gates
	private gDone = new Float64Array(0);
	private gCost = new Float64Array(0);
	private gBlocked = new Uint8Array(0);

	// --- packets
	private pFlow = new Int32Array(1024);
	private pSeq = new Int32Array(1024);
	private pPath = new Int32Array(1024);
	private pHop = new Int32Array(1024);
	private pEpoch = new Int32Array(1024);
	private free = new Int32Array(1024);
	private freeN = 0;
	private pCount = 0;

	// --- heap
	private hT = new Float64Array(1024);
	private hS = new Float64Array(1024);
	private hId = new Int32Array(1024);
	private hn = 0;
	private hseq = 0;

	private packets = 0;
	private packetHops = 0;
	private rng: SplitMix64;

	constructor(t: Topology, private name: string, opts: ScenarioOptions) {
		this.topology = t;
		const sc = t.scenarios[name];
		this.flows = sc.traffic ?? [];
		this.seed = sc.seed ?? 0;
		this.duration = sc.duration;
		this.bucket = (opts.bucketMs ?? niceBucket(sc.duration)) * 1e6;
		this.rng = new SplitMix64(this.seed);
		if (opts.pathHistory) this.cbrHistory = [];
		for (const f of this.flows) {
			for (const end of [f.from, f.to])
				if (!(end in t.nodes) && !(end === f.to && isIpv4(end))) throw new ScenarioError(`scenario ${name}: flow ${f.name}: no node "${end}"`);
			if (f.kind === 'bulk') this.cbr.push(-1);
			else {
				this.cbr.push(this.cbrFlows.length);
				this.cbrFlows.push(f);
			}
		}
		this.sdn = { managed: new Map(), down: new Set() };
		for (const [id, n] of Object.entries(t.nodes))
			if (n.kind === 'sdn-controller')
				for (const sw of n.manages ?? [])
					this.sdn.managed.set(sw, { controller: id, reactive: n.mode === 'reactive', cost: 2 * (n.channel ?? 1e6) + (n.delay ?? 50e3), secure: n['fail-mode'] === 'secure' });
	}

	// ------------------------------------------------------- MechanismHost

	now(): number {
		return this.clock;
	}
	marker(t: number, what: string): void {
		this.markers.push({ t, what });
	}
	schedule(key: string, t: number, run: () => boolean): void {
		this.cancel(key);
		const c: Ctrl = { t, cls: 1, seq: this.ctrlSeq++, key, run, dead: false };
		this.timers.set(key, c);
		this.insertCtrl(c);
	}
	cancel(key: string): void {
		const c = this.timers.get(key);
		if (c) {
			c.dead = true;
			this.timers.delete(key);
		}
	}
	pending(key: string): boolean {
		return this.timers.has(key);
	}
	resetGates(node: string): void {
		const gates = this.reg.gates;
		for (let g = 0; g < gates.length; g++) if (gates[g].node === node && g < this.gDone.length) this.gDone[g] = -1;
	}

	private insertCtrl(c: Ctrl): void {
		const a = this.ctrl;
		let lo = 0;
		let hi = a.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			const m = a[mid];
			if (m.t < c.t || (m.t === c.t && (m.cls < c.cls || (m.cls === c.cls && m.seq < c.seq)))) lo = mid + 1;
			else hi = mid;
		}
		a.splice(lo, 0, c);
	}

	// --------------------------------------------------------------- state

	private guestsOf(hv: string): string[] {
		return Object.entries(this.topology.nodes)
			.filter(([id, n]) => (this.state.moved.get(id) ?? n.on) === hv)
			.map(([id]) => id)
			.sort();
	}

	private linkIndexOf(end: string): number {
		const dot = end.indexOf('.');
		const node = end.slice(0, dot);
		let iface = end.slice(dot + 1);
		const links = this.topology.links;
		let i = links.findIndex((l) => l.a === end || l.b === end);
		if (i < 0 && iface.includes('.')) {
			iface = iface.slice(0, iface.indexOf('.'));
			i = links.findIndex((l) => l.a === `${node}.${iface}` || l.b === `${node}.${iface}`);
		}
		return i;
	}

	/** Applies a scenario event (fault or restore) to the state. */
	private applyEvent(e: ScenarioEvent): void {
		const fail = e.fail !== undefined;
		const target = (e.fail ?? e.restore) as FaultTarget;
		const s = this.state;
		const what = faultText(e);
		this.marker(this.clock, what);
		if (typeof target !== 'string') {
			const i = this.linkIndexOf(target.link);
			if (i < 0) throw new ScenarioError(`scenario ${this.name}: ${what}: no link at ${target.link}`);
			if (fail) s.cableDown.add(i);
			else {
				s.cableDown.delete(i);
				const l = this.topology.links[i];
				this.resetGates(l.a.slice(0, l.a.indexOf('.')));
				this.resetGates(l.b.slice(0, l.b.indexOf('.')));
			}
			return;
		}
		if (target.includes('.')) {
			const node = target.slice(0, target.indexOf('.'));
			if (!(node in this.topology.nodes)) throw new ScenarioError(`scenario ${this.name}: ${what}: no node "${node}"`);
			if (fail) s.adminDown.add(target);
			else {
				s.adminDown.delete(target);
				this.resetGates(node);
			}
			return;
		}
		const n = this.topology.nodes[target];
		if (!n) throw new ScenarioError(`scenario ${this.name}: ${what}: no node "${target}"`);
		if (fail) {
			s.failed.add(target);
			if (n.kind === 'sdn-controller') {
				this.sdn.down.add(target);
				this.marker(this.clock, `${(n.manages ?? []).join(', ')}: controller ${target} lost (fail-mode ${n['fail-mode'] ?? 'standalone'})`);
			}
			if (n.kind === 'hypervisor') {
				const guests = this.guestsOf(target).filter((g) => !s.failed.has(g));
				for (const g of guests) s.failed.add(g);
				if (guests.length) this.marker(this.clock, `${target}: guests down: ${guests.join(', ')}`);
				if (n.ha && guests.length) {
					const to = n.ha.to;
					this.schedule(`ha|${target}`, this.clock + n.ha.restart, () => {
						if (s.failed.has(to)) {
							this.marker(this.clock, `${target}: HA restart impossible, ${to} is down`);
							return false;
						}
						const back = guests.filter((g) => s.failed.has(g) && (s.moved.get(g) ?? this.topology.nodes[g].on) === target);
						for (const g of back) {
							s.failed.delete(g);
							s.moved.set(g, to);
							this.resetGates(g);
							this.marker(this.clock, `${g} restarted on ${to} (HA)`);
							this.marker(this.clock, `${g}: gratuitous ARP`);
						}
						return back.length > 0;
					});
				}
			}
		} else {
			s.failed.delete(target);
			this.resetGates(target);
			if (n.kind === 'sdn-controller') {
				this.sdn.down.delete(target);
				this.marker(this.clock, `${(n.manages ?? []).join(', ')}: controller ${target} back`);
			}
			if (n.kind === 'hypervisor')
				for (const g of this.guestsOf(target))
					if (s.failed.has(g)) {
						s.failed.delete(g);
						this.resetGates(g);
					}
		}
	}

	/** Rebuilds the network of the current state, link availability and every path. */
	private rebuild(reuse?: Net): void {
		const prev = this.net;
		this.net = reuse ?? buildStateNet(this.topology, this.state, this.adjs);
		this.engine = new ProbeEngine(this.net);
		if (prev) this.reactSdn(prev);
		// paths (registry may grow: links and gates first seen in this state)
		const newPaths: FlowPath[] = [];
		for (let f = 0; f < this.flows.length; f++) {
			const fl = this.flows[f];
			let p = buildPath(this.reg, this.net, this.engine, fl, this.sdn);
			// A managed switch keeps forwarding by its old flows until its controller
			// reprograms it (2 × channel + delay) unless fast-failover is on.
			const ci = this.cbr[f];
			const old = ci >= 0 ? this.fPath[ci] : this.bulkHistory[f]?.[this.bulkHistory[f].length - 1]?.path;
			if (old && this.frozenSwitches.size && old.nodes.some((n) => this.frozenSwitches.has(n))) p = old;
			newPaths.push(p);
		}
		// link directions available in this state
		const gl = this.net.links.map((_, li) => this.reg.linkOf(this.net, li));
		this.growLinks();
		this.growGates();
		const up = new Uint8Array(2 * this.reg.links.length);
		for (let li = 0; li < this.net.links.length; li++) {
			const l = this.net.links[li];
			const ok = !l.down && !this.net.ifaces[l.a].down && !this.net.ifaces[l.b].down;
			up[2 * gl[li]] = up[2 * gl[li] + 1] = ok ? 1 : 0;
		}
		for (let d = 0; d < 2 * this.reg.links.length; d++) {
			const was = prev ? this.ldUp[d] : 1;
			if (was && !up[d]) {
				// frames queued or in flight on a failed link are lost
				this.ldEpoch[d]++;
				this.ldCnt[d] = 0;
				this.ldLast[d] = this.clock;
			}
			this.ldUp[d] = up[d];
		}
		for (let g = 0; g < this.reg.gates.length; g++) {
			this.gCost[g] = this.reg.gates[g].cost;
			this.gBlocked[g] = this.reg.gates[g].blocked ? 1 : 0;
		}
		for (let f = 0; f < this.flows.length; f++) {
			const p = newPaths[f];
			const ci = this.cbr[f];
			if (ci >= 0) {
				if (!this.fPath[ci] || !samePath(this.fPath[ci], p)) {
					this.fPath[ci] = p;
					this.paths.push(p);
					this.fPathId[ci] = this.paths.length - 1;
					if (this.cbrHistory) (this.cbrHistory[ci] ??= []).push({ t: this.clock, path: p });
				}
			} else {
				this.bulkHistory[f] ??= [];
				this.bulkHistory[f].push({ t: this.clock, path: p });
			}
		}
	}

	private frozenSwitches = new Set<string>();

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

	// ------------------------------------------------------------ storage

	private growLinks(): void {
		const D = 2 * this.reg.links.length;
		if (this.ldUp.length >= D) return;
		const cp = <T extends Float64Array | Int32Array | Uint8Array>(a: T, C: new (n: number) => T): T => {
			const b = new C(D);
			b.set(a);
			return b;
		};
		const old = this.ldUp.length;
		this.ldUp = cp(this.ldUp, Uint8Array);
		this.ldEpoch = cp(this.ldEpoch, Int32Array);
		this.ldLast = cp(this.ldLast, Float64Array);
		this.ldHead = cp(this.ldHead, Int32Array);
		this.ldCnt = cp(this.ldCnt, Int32Array);
		this.ldBusy = cp(this.ldBusy, Float64Array);
		this.ldQDrops = cp(this.ldQDrops, Int32Array);
		this.ldLDrops = cp(this.ldLDrops, Int32Array);
		this.ldFrames = cp(this.ldFrames, Float64Array);
		this.ldLat = cp(this.ldLat, Float64Array);
		this.ldLoss = cp(this.ldLoss, Float64Array);
		this.ldCap = cp(this.ldCap, Int32Array);
		for (let d = old; d < D; d++) {
			const gl = this.reg.links[d >> 1];
			this.ldLat[d] = gl.latency;
			this.ldLoss[d] = gl.loss;
			this.ldCap[d] = Math.max(1, gl.queue);
			this.ldUp[d] = 1;
			this.ldRing.push(null);
		}
	}

	private growGates(): void {
		const G = this.reg.gates.length;
		if (this.gDone.length >= G) return;
		const n = Math.max(G, this.gDone.length * 2, 16);
		const d = new Float64Array(n).fill(-1);
		d.set(this.gDone);
		this.gDone = d;
		const c = new Float64Array(n);
		c.set(this.gCost);
		this.gCost = c;
		const b = new Uint8Array(n);
		b.set(this.gBlocked);
		this.gBlocked = b;
	}

	private growPackets(): void {
		const n = this.pFlow.length * 2;
		const g = <T extends Int32Array>(a: T): T => {
			const b = new Int32Array(n) as T;
			b.set(a);
			return b;
		};
		this.pFlow = g(this.pFlow);
		this.pSeq = g(this.pSeq);
		this.pPath = g(this.pPath);
		this.pHop = g(this.pHop);
		this.pEpoch = g(this.pEpoch);
		this.free = g(this.free);
	}

	private growHeap(): void {
		const n = this.hT.length * 2;
		const t = new Float64Array(n);
		t.set(this.hT);
		this.hT = t;
		const s = new Float64Array(n);
		s.set(this.hS);
		this.hS = s;
		const id = new Int32Array(n);
		id.set(this.hId);
		this.hId = id;
	}

	private push(t: number, id: number): void {
		if (this.hn === this.hT.length) this.growHeap();
		const hT = this.hT;
		const hS = this.hS;
		const hId = this.hId;
		const s = this.hseq++;
		let i = this.hn++;
		while (i > 0) {
			const p = (i - 1) >> 1;
			const pt = hT[p];
			if (pt < t || (pt === t && hS[p] < s)) break;
			hT[i] = pt;
			hS[i] = hS[p];
			hId[i] = hId[p];
			i = p;
		}
		hT[i] = t;
		hS[i] = s;
		hId[i] = id;
	}

	/** Replaces the top of the heap with a new event (one sift instead of pop + push). */
	private replaceTop(t: number, id: number): void {
		this.siftDown(t, this.hseq++, id, this.hn);
	}

	/** Removes the top of the heap. */
	private pop(): void {
		const n = --this.hn;
		if (n === 0) return;
		this.siftDown(this.hT[n], this.hS[n], this.hId[n], n);
	}

	/** Places event (t, s, id) at the root of a heap of n and sifts it down, ordered by (time, sequence). */
	private siftDown(t: number, s: number, id: number, n: number): void {
		const hT = this.hT;
		const hS = this.hS;
		const hId = this.hId;
		let i = 0;
		for (;;) {
			let c = 2 * i + 1;
			if (c >= n) break;
			const r = c + 1;
			if (r < n && (hT[r] < hT[c] || (hT[r] === hT[c] && hS[r] < hS[c]))) c = r;
			if (hT[c] > t || (hT[c] === t && hS[c] > s)) break;
			hT[i] = hT[c];
			hS[i] = hS[c];
			hId[i] = hId[c];
			i = c;
		}
		hT[i] = t;
		hS[i] = s;
		hId[i] = id;
	}

	// ------------------------------------------------------------ packets

	private sendTime(ci: number, seq: number): number {
		return Math.floor((seq * 1e9) / this.fRate[ci]);
	}

	private drop(pid: number, why: string): void {
		const ci = this.pFlow[pid];
		const m = this.fDrops[ci];
		m.set(why, (m.get(why) ?? 0) + 1);
		this.free[this.freeN++] = pid;
	}

	/**
	 * The packet is ready to leave node `h` of its path at time `ready`:
	 * deliver it, drop it (both return -1), or queue it on the next link
	 * direction and return when it is ready to leave the next node.
	 */
	private forward(pid: number, h: number, ready: number): number {
		const path = this.paths[this.pPath[pid]];
		if (h === path.n) {
			this.finish(pid, path, ready);
			return -1;
		}
		const ld = path.ld[h];
		if (this.ldUp[ld] === 0) {
			this.drop(pid, DROP_LINK_DOWN);
			return -1;
		}
		let r = ready;
		const g = path.gate[h];
		if (g >= 0) {
			let d = this.gDone[g];
			if (d < 0) {
				if (this.gBlocked[g] === 1) {
					this.drop(pid, DROP_NO_FLOW);
					return -1;
				}
				d = r + this.gCost[g];
				this.gDone[g] = d;
			}
			if (d > r) r = d;
		}
		let ring = this.ldRing[ld];
		const cap = this.ldCap[ld];
		if (ring === null) ring = this.ldRing[ld] = new Float64Array(cap);
		let head = this.ldHead[ld];
		let cnt = this.ldCnt[ld];
		let last = this.ldLast[ld];
		let lost: string | null = null;
		const loss = this.ldLoss[ld];
		const f1 = path.fOff[h + 1];
		for (let j = path.fOff[h]; j < f1; j++) {
			while (cnt > 0 && ring[head] <= r) {
				head++;
				if (head === cap) head = 0;
				cnt--;
			}
			if (cnt >= cap) {
				this.ldQDrops[ld]++;
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
			this.ldBusy[ld] += ser;
			this.ldFrames[ld]++;
			this.packetHops++;
			if (loss > 0 && (loss >= 1 || this.rng.nextUnit() < loss)) {
				this.ldLDrops[ld]++;
				lost = DROP_LOSS;
			}
		}
		this.ldHead[ld] = head;
		this.ldCnt[ld] = cnt;
		this.ldLast[ld] = last;
		if (lost !== null) {
			this.drop(pid, lost);
			return -1;
		}
		const next = last + this.ldLat[ld] + path.delay[h + 1];
		// The last hop ends at the destination, which has no queue: when no fault
		// or timer can come before the arrival, finish now instead of queueing an
		// event (same result, one heap operation less).
		if (h + 1 === path.n) {
			const c = this.ctrl;
			if (c.length === 0 || c[0].t > next) {
				this.finish(pid, path, next);
				return -1;
			}
		}
		this.pHop[pid] = h + 1;
		this.pEpoch[pid] = this.ldEpoch[ld];
		return next;
	}

	/** The packet reached the end of its path at time t: delivered or dropped there. */
	private finish(pid: number, path: FlowPath, t: number): void {
		if (!path.ok) {
			this.drop(pid, path.reason);
			return;
		}
		const ci = this.pFlow[pid];
		this.fArr[ci][this.pSeq[pid]] = t;
		this.fDelivered[ci]++;
		const b = Math.floor(t / this.bucket);
		let tl = this.fTimeline[ci];
		if (b >= tl.length) {
			const n = new Int32Array(Math.max(b + 1, tl.length * 2));
			n.set(tl);
			this.fTimeline[ci] = tl = n;
		}
		tl[b]++;
		this.free[this.freeN++] = pid;
	}

	// ---------------------------------------------------------------- run

	run(): ScenarioResult {
		const wall0 = performance.now();
		const { events, bulkRest } = this.begin();
		this.loop(Infinity);
		const wall = (performance.now() - wall0) / 1e3;
		return this.results(events, bulkRest, wall);
	}

	stepper(): ScenarioStepper {
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const run = this;
		let wall = 0;
		let begun: { events: ScenarioEvent[]; bulkRest: ({ mbps: number; path: FlowPath } | null)[] } | null = null;
		let done = false;
		let res: ScenarioResult | null = null;
		return {
			step: (budgetMs: number) => {
				if (done) return true;
				const t0 = performance.now();
				begun ??= this.begin();
				done = this.loop(t0 + budgetMs);
				wall += performance.now() - t0;
				return done;
			},
			get progress() {
				return done ? 1 : run.duration > 0 ? Math.min(1, run.clock / run.duration) : 0;
			},
			result: () => {
				if (!done || !begun) throw new ScenarioError('the scenario has not finished');
				res ??= this.results(begun.events, begun.bulkRest, wall / 1e3);
				return res;
			}
		};
	}

	private begin(): { events: ScenarioEvent[]; bulkRest: ({ mbps: number; path: FlowPath } | null)[] } {
		const C = this.cbrFlows.length;
		this.fPathId = new Int32Array(C);
		this.fN = new Int32Array(C);
		this.fNext = new Int32Array(C);
		this.fRate = new Float64Array(C);
		this.fDelivered = new Int32Array(C);
		const nb = Math.ceil(this.duration / this.bucket) + 1;
		this.cbrFlows.forEach((f, ci) => {
			const rate = f.rate ?? 0;
			this.fRate[ci] = rate;
			this.fN[ci] = cbrCount(this.duration, rate);
			this.fArr.push(new Float64Array(this.fN[ci]).fill(NaN));
			this.fTimeline.push(new Int32Array(nb));
			this.fDrops.push(new Map());
		});
		// Converged start.
		this.net = buildStateNet(this.topology, this.state, null);
		this.adjs = ospfAdjacencies(this.net);
		this.mech = new Mechanisms(this, this.net, this.adjs);
		this.mech.init();
		// The converged state is the network at rest unless VRRP, load balancers
		// or OSPF views change it.
		const s = this.state;
		const plain = s.vrrpMasters.size === 0 && s.lbHealthy.size === 0 && s.ospfViews.size === 0;
		this.rebuild(plain ? this.net : undefined);
		this.firstPaths = this.fPath.slice();
		const bulkRest = this.flows.map((f, i) => (this.cbr[i] < 0 ? this.goodput(f) : null));
		// Scenario events.
		const events = [...(this.topology.scenarios[this.name].events ?? [])].map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
		for (const { e } of events)
			this.insertCtrl({
				t: e.at,
				cls: 0,
				seq: this.ctrlSeq++,
				key: null,
				dead: false,
				run: () => {
					this.applyEvent(e);
					return true;
				}
			});
		for (let ci = 0; ci < C; ci++) if (this.fN[ci] > 0) this.push(0, -(ci + 1));
		return { events: events.map((x) => x.e), bulkRest };
	}

	/**
	 * The event loop: control events (faults, timers) first at equal times,
	 * then packets. Returns true when the run is over, false when the wall
	 * clock passed `deadline` (ms, performance.now()) first: call it again to go on.
	 */
	private loop(deadline: number): boolean {
		const ctrl = this.ctrl;
		const timed = deadline !== Infinity;
		let spin = 0;
		for (;;) {
			if (timed && (++spin & 1023) === 0 && performance.now() > deadline) return false;
			const tp = this.hn > 0 ? this.hT[0] : Infinity;
			if (ctrl.length > 0 && ctrl[0].t <= tp && (ctrl[0].t <= this.duration || this.hn > 0)) {
				const c = ctrl.shift()!;
				if (c.dead) continue;
				if (c.key !== null) this.timers.delete(c.key);
				this.clock = c.t;
				if (c.run()) this.settle();
				continue;
			}
			if (this.hn === 0) return true;
			const t = this.hT[0];
			const id = this.hId[0];
			this.clock = t;
			if (id < 0) {
				const ci = -id - 1;
				const seq = this.fNext[ci]++;
				if (seq + 1 < this.fN[ci]) this.replaceTop(Math.floor(((seq + 1) * 1e9) / this.fRate[ci]), id);
				else this.pop();
				this.packets++;
				if (this.freeN === 0) {
					if (this.pCount === this.pFlow.length) this.growPackets();
					this.free[this.freeN++] = this.pCount++;
				}
				const pid = this.free[--this.freeN];
				this.pFlow[pid] = ci;
				this.pSeq[pid] = seq;
				const pathId = this.fPathId[ci];
				this.pPath[pid] = pathId;
				const nt = this.forward(pid, 0, t + this.paths[pathId].delay[0]);
				if (nt >= 0) this.push(nt, pid);
			} else {
				const h = this.pHop[id];
				const path = this.paths[this.pPath[id]];
				if (this.ldEpoch[path.ld[h - 1]] !== this.pEpoch[id]) {
					this.pop();
					this.drop(id, DROP_IN_FLIGHT);
					continue;
				}
				const nt = this.forward(id, h, t);
				if (nt >= 0) this.replaceTop(nt, id);
				else this.pop();
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

	private results(events: ScenarioEvent[], bulk: ({ mbps: number; path: FlowPath } | null)[], wall: number): ScenarioResult {
		const r3 = (x: number) => Math.round(x * 1e3) / 1e3;
		const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
		const flows: FlowResult[] = [];
		const timeline: Record<string, number[]> = {};
		let maxBucket = Math.ceil(this.duration / this.bucket);
		for (const tl of this.fTimeline) for (let b = tl.length - 1; b >= 0; b--) if (tl[b] > 0) {
			maxBucket = Math.max(maxBucket, b + 1);
			break;
		}
		this.flows.forEach((f, i) => {
			const ci = this.cbr[i];
			if (ci < 0) {
				const hist = this.bulkHistory[i] ?? [];
				const failovers = events.map((e) => {
					// first state from the fault on in which the flow's path delivers
					let fo: number | null = null;
					for (const hst of hist)
						if (hst.t >= e.at && hst.path.ok) {
							fo = hst.t + hst.path.oneWay - e.at;
							break;
						}
					return { fault: faultText(e), atS: r6(e.at / 1e9), failoverMs: fo === null ? null : r3(fo / 1e6), lost: 0 };
				});
				flows.push({ name: f.name, kind: 'bulk', sent: 0, delivered: 0, lost: 0, latencyMs: null, failovers, goodputMbps: r3(bulk[i]!.mbps), path: bulk[i]!.path.nodes, drops: {} });
				if (this.cbrHistory) flows[flows.length - 1].paths = this.pathChanges(hist);
				return;
			}
			const n = this.fNext[ci];
			const arr = this.fArr[ci];
			const lat = new Float64Array(this.fDelivered[ci]);
			let sum = 0;
			let min = Infinity;
			let max = -Infinity;
			let delivered = 0;
			const rate = this.fRate[ci];
			for (let s = 0; s < n; s++) {
				const a = arr[s];
				if (a === a) {
					const l = a - Math.floor((s * 1e9) / rate);
					lat[delivered++] = l;
					sum += l;
					if (l < min) min = l;
					if (l > max) max = l;
				}
			}
			const ms = (ns: number) => Math.round(ns / 1e2) / 1e4;
			const latencyMs = delivered ? { min: ms(min), mean: ms(sum / delivered), p99: ms(kth(lat, Math.ceil(0.99 * delivered) - 1)), max: ms(max) } : null;
			const failovers = events.map((e, k) => {
				const next = k + 1 < events.length ? events[k + 1].at : Infinity;
				let s0 = Math.ceil((e.at * this.fRate[ci]) / 1e9);
				while (s0 > 0 && this.sendTime(ci, s0 - 1) >= e.at) s0--;
				while (s0 < n && this.sendTime(ci, s0) < e.at) s0++;
				let fo: number | null = null;
				let lost = 0;
				for (let s = s0; s < n; s++) {
					const a = arr[s];
					const inWindow = this.sendTime(ci, s) < next;
					if (a === a) {
						if (fo === null) fo = a - e.at;
					} else if (inWindow) lost++;
					if (!inWindow && fo !== null) break;
				}
				return { fault: faultText(e), atS: r6(e.at / 1e9), failoverMs: fo === null ? null : r6(fo / 1e6), lost };
			});
			const drops: Record<string, number> = {};
			for (const [k, v] of [...this.fDrops[ci]].sort((a, b) => b[1] - a[1])) drops[k] = v;
			flows.push({ name: f.name, kind: 'cbr', sent: n, delivered, lost: n - delivered, latencyMs, failovers, goodputMbps: null, path: this.paths[this.fPathId[ci]] ? this.firstPath(ci).nodes : [], drops });
			if (this.cbrHistory) flows[flows.length - 1].paths = this.pathChanges(this.cbrHistory[ci] ?? []);
			timeline[f.name] = Array.from(this.fTimeline[ci].subarray(0, maxBucket));
			while (timeline[f.name].length < maxBucket) timeline[f.name].push(0);
		});
		const links: LinkResult[] = [];
		for (let g = 0; g < this.reg.links.length; g++) {
			const a = 2 * g;
			const b = a + 1;
			if (this.ldFrames[a] + this.ldFrames[b] === 0) continue;
			links.push({
				link: this.reg.links[g].label,
				utilisation: [r6(this.ldBusy[a] / this.duration), r6(this.ldBusy[b] / this.duration)],
				queueDrops: this.ldQDrops[a] + this.ldQDrops[b],
				lossDrops: this.ldLDrops[a] + this.ldLDrops[b],
				frames: this.ldFrames[a] + this.ldFrames[b]
			});
		}
		return {
			scenario: this.name,
			seed: this.seed,
			durationS: r6(this.duration / 1e9),
			packets: this.packets,
			packetHops: this.packetHops,
			wallSeconds: Math.round(wall * 1e3) / 1e3,
			flows,
			events: this.markers.map((m) => ({ atS: Math.round(m.t / 1e3) / 1e6, what: m.what })),
			timeline: { bucketMs: this.bucket / 1e6, delivered: timeline },
			links
		};
	}

	/** A flow's path states as reported: consecutive equal paths merged. */
	private pathChanges(hist: { t: number; path: FlowPath }[]): PathChange[] {
		const out: PathChange[] = [];
		const key = (c: PathChange) => `${c.ok}|${c.reason}|${c.nodes.join(' ')}|${c.links.join(' ')}`;
		for (const { t, path } of hist) {
			const links: string[] = [];
			for (let h = 0; h < path.n; h++) links.push(this.reg.links[path.ld[h] >> 1].key);
			const c: PathChange = { atS: Math.round(t / 1e3) / 1e6, nodes: path.nodes, links, ok: path.ok, reason: path.ok ? '' : path.reason };
			const last = out[out.length - 1];
			if (last && last.atS === c.atS) out.pop();
			const prev = out[out.length - 1];
			if (!prev || key(prev) !== key(c)) out.push(c);
		}
		return out;
	}

	private firstPaths: FlowPath[] = [];
	private firstPath(ci: number): FlowPath {
		return this.firstPaths[ci] ?? this.paths[this.fPathId[ci]];
	}
}
