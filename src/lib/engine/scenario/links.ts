/**
 * Per link direction state of a scenario run, indexed by global link direction
 * (registry link × 2, + 1 for b→a): whether it is up, its FIFO of `queue`
 * frames (departure times in a ring), and its counters. Also the gates (ARP
 * resolutions, reactive SDN flow setups) a packet waits for before a hop.
 * Typed arrays, grown when a new state shows links or gates first seen.
 */
import type { Registry } from './path';

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number, make: new (n: number) => T): T {
	const b = new make(n);
	b.set(a);
	return b;
}

export class LinkDirections {
	/** 1 while the direction can carry frames in the current state */
	up = new Uint8Array(0);
	/** bumped when the direction fails: frames on it from an older epoch are lost */
	epoch = new Int32Array(0);
	/** departure time of the last frame queued */
	lastDeparture = new Float64Array(0);
	/** queue ring: index of the oldest queued frame, and how many are queued */
	queueHead = new Int32Array(0);
	queueCount = new Int32Array(0);
	/** departure times of the queued frames (allocated on first use) */
	queueRing: (Float64Array | null)[] = [];
	/** queue length in frames (the link's `queue`, at least 1) */
	capacity = new Int32Array(0);
	latency = new Float64Array(0);
	loss = new Float64Array(0);
	/** counters */
	busyNs = new Float64Array(0);
	queueDrops = new Int32Array(0);
	lossDrops = new Int32Array(0);
	frames = new Float64Array(0);

	get count(): number {
		return this.up.length;
	}

	/** Makes room for every link direction of the registry (new ones up, with their link's parameters). */
	grow(reg: Registry): void {
		const D = 2 * reg.links.length;
		const old = this.up.length;
		if (old >= D) return;
		this.up = grown(this.up, D, Uint8Array);
		this.epoch = grown(this.epoch, D, Int32Array);
		this.lastDeparture = grown(this.lastDeparture, D, Float64Array);
		this.queueHead = grown(this.queueHead, D, Int32Array);
		this.queueCount = grown(this.queueCount, D, Int32Array);
		this.capacity = grown(this.capacity, D, Int32Array);
		this.latency = grown(this.latency, D, Float64Array);
		this.loss = grown(this.loss, D, Float64Array);
		this.busyNs = grown(this.busyNs, D, Float64Array);
		this.queueDrops = grown(this.queueDrops, D, Int32Array);
		this.lossDrops = grown(this.lossDrops, D, Int32Array);
		this.frames = grown(this.frames, D, Float64Array);
		for (let d = old; d < D; d++) {
			const link = reg.links[d >> 1];
			this.latency[d] = link.latency;
			this.loss[d] = link.loss;
			this.capacity[d] = Math.max(1, link.queue);
			this.up[d] = 1;
			this.queueRing.push(null);
		}
	}

	/** The direction failed at time `now`: frames queued or in flight on it are lost. */
	fail(d: number, now: number): void {
		this.epoch[d]++;
		this.queueCount[d] = 0;
		this.lastDeparture[d] = now;
	}

	ring(d: number): Float64Array {
		return (this.queueRing[d] ??= new Float64Array(this.capacity[d]));
	}
}

export class Gates {
	/** time the gate opened (or will open) for the first packet; −1: closed */
	openAt = new Float64Array(0);
	cost = new Float64Array(0);
	/** 1: an unopened gate drops (SDN secure switch without its controller) */
	blocked = new Uint8Array(0);

	/** Makes room for every gate of the registry and refreshes their cost and blocking. */
	sync(reg: Registry): void {
		const G = reg.gates.length;
		if (this.openAt.length < G) {
			const n = Math.max(G, this.openAt.length * 2, 16);
			const open = new Float64Array(n).fill(-1);
			open.set(this.openAt);
			this.openAt = open;
			this.cost = grown(this.cost, n, Float64Array);
			this.blocked = grown(this.blocked, n, Uint8Array);
		}
		for (let g = 0; g < G; g++) {
			this.cost[g] = reg.gates[g].cost;
			this.blocked[g] = reg.gates[g].blocked ? 1 : 0;
		}
	}

	/** Forgets what a node learned (ARP entries, SDN flows): its gates close. */
	reset(reg: Registry, node: string): void {
		const gates = reg.gates;
		for (let g = 0; g < gates.length && g < this.openAt.length; g++) if (gates[g].node === node) this.openAt[g] = -1;
	}
}
