/**
 * The packet event queue: a binary min-heap over parallel typed arrays,
 * ordered by (time, insertion sequence), so equal times keep their order and a
 * run is deterministic. An event is an id: a packet id (≥ 0) or a flow's next
 * send (−1 − flow). Nothing is allocated per event; the arrays double when full.
 */
export class EventHeap {
	private time = new Float64Array(1024);
	private seq = new Float64Array(1024);
	private ids = new Int32Array(1024);
	private nextSeq = 0;
	size = 0;

	/** Time of the earliest event (the heap must not be empty). */
	get topTime(): number {
		return this.time[0];
	}
	/** Id of the earliest event (the heap must not be empty). */
	get topId(): number {
		return this.ids[0];
	}

	push(t: number, id: number): void {
		if (this.size === this.time.length) this.grow();
		const time = this.time;
		const seq = this.seq;
		const ids = this.ids;
		const s = this.nextSeq++;
		let i = this.size++;
		while (i > 0) {
			const p = (i - 1) >> 1;
			const pt = time[p];
			if (pt < t || (pt === t && seq[p] < s)) break;
			time[i] = pt;
			seq[i] = seq[p];
			ids[i] = ids[p];
			i = p;
		}
		time[i] = t;
		seq[i] = s;
		ids[i] = id;
	}

	/** Replaces the top with a new event (one sift instead of pop + push). */
	replaceTop(t: number, id: number): void {
		this.siftDown(t, this.nextSeq++, id, this.size);
	}

	/** Removes the top. */
	pop(): void {
		const n = --this.size;
		if (n === 0) return;
		this.siftDown(this.time[n], this.seq[n], this.ids[n], n);
	}

	/** Places event (t, s, id) at the root of a heap of n and sifts it down. */
	private siftDown(t: number, s: number, id: number, n: number): void {
		const time = this.time;
		const seq = this.seq;
		const ids = this.ids;
		let i = 0;
		for (;;) {
			let c = 2 * i + 1;
			if (c >= n) break;
			const r = c + 1;
			if (r < n && (time[r] < time[c] || (time[r] === time[c] && seq[r] < seq[c]))) c = r;
			if (time[c] > t || (time[c] === t && seq[c] > s)) break;
			time[i] = time[c];
			seq[i] = seq[c];
			ids[i] = ids[c];
			i = c;
		}
		time[i] = t;
		seq[i] = s;
		ids[i] = id;
	}

	private grow(): void {
		const n = this.time.length * 2;
		const time = new Float64Array(n);
		time.set(this.time);
		this.time = time;
		const seq = new Float64Array(n);
		seq.set(this.seq);
		this.seq = seq;
		const ids = new Int32Array(n);
		ids.set(this.ids);
		this.ids = ids;
	}
}
