/**
 * Packets in flight, as parallel typed arrays indexed by packet id, with a
 * free list: memory follows the packets in flight at once (bounded by the
 * topology's queues and latencies), not the packets sent.
 */
export class PacketPool {
	/** cbr flow index */
	flow = new Int32Array(1024);
	/** sequence number in its flow (its send time follows from it) */
	seq = new Float64Array(1024);
	/** index of its path in the run's path list */
	path = new Int32Array(1024);
	/** next hop to take (the link it is on is hop − 1) */
	hop = new Int32Array(1024);
	/** epoch of the link direction it is on, when it left */
	epoch = new Int32Array(1024);
	private free = new Int32Array(1024);
	private freeCount = 0;
	private used = 0;

	alloc(): number {
		if (this.freeCount > 0) return this.free[--this.freeCount];
		if (this.used === this.flow.length) this.grow();
		return this.used++;
	}

	release(pid: number): void {
		this.free[this.freeCount++] = pid;
	}

	private grow(): void {
		const n = this.flow.length * 2;
		const g = (a: Int32Array): Int32Array<ArrayBuffer> => {
			const b = new Int32Array(n);
			b.set(a);
			return b;
		};
		this.flow = g(this.flow);
		const seq = new Float64Array(n);
		seq.set(this.seq);
		this.seq = seq;
		this.path = g(this.path);
		this.hop = g(this.hop);
		this.epoch = g(this.epoch);
		this.free = g(this.free);
	}
}
