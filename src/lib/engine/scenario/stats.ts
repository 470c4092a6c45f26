/**
 * Streaming statistics of a flow, in memory fixed by the scenario file (not by
 * the packets sent): latency min/mean/max exactly and percentiles from a
 * histogram, and each fault's failover and loss from the packets' sequence
 * numbers as they arrive.
 */

/** Latencies are counted in units of 0.1 µs, the resolution results are reported in. */
const UNIT_NS = 1e2;
/** Keys below 2^EXACT_BITS (6.5536 ms) have a bucket each: their percentiles are exact. */
const EXACT_BITS = 16;
const EXACT = 2 ** EXACT_BITS;
const HALF = EXACT / 2;
const PAGE = 4096;

/**
 * Latency histogram (log-linear, like HdrHistogram): one bucket per 0.1 µs
 * below 6.5536 ms, then 2^15 buckets per doubling (relative width 3·10⁻⁵).
 * Pages of buckets are allocated when first used, so a flow whose latencies
 * stay within a few microseconds of each other uses one or two pages.
 */
export class LatencyStats {
	count = 0;
	min = Infinity;
	max = -Infinity;
	private sum = 0;
	private pages: (Float64Array | undefined)[] = [];

	record(ns: number): void {
		this.count++;
		this.sum += ns;
		if (ns < this.min) this.min = ns;
		if (ns > this.max) this.max = ns;
		const b = bucketOf(Math.round(ns / UNIT_NS));
		const page = (this.pages[b >>> 12] ??= new Float64Array(PAGE));
		page[b & (PAGE - 1)]++;
	}

	get mean(): number {
		return this.sum / this.count;
	}

	/** The k-th smallest latency (0-based), in units of 0.1 µs: exact below 6.5536 ms. */
	kthUnits(k: number): number {
		let seen = 0;
		for (let p = 0; p < this.pages.length; p++) {
			const page = this.pages[p];
			if (!page) continue;
			for (let i = 0; i < PAGE; i++) {
				seen += page[i];
				if (seen > k) {
					const v = unitsOf(p * PAGE + i);
					const lo = Math.round(this.min / UNIT_NS);
					const hi = Math.round(this.max / UNIT_NS);
					return v < lo ? lo : v > hi ? hi : v;
				}
			}
		}
		return Math.round(this.max / UNIT_NS);
	}
}

function bucketOf(key: number): number {
	if (key < EXACT) return key;
	let e = Math.floor(Math.log2(key));
	if (2 ** e > key) e--;
	else if (2 ** (e + 1) <= key) e++;
	const shift = e - (EXACT_BITS - 1);
	const sub = Math.floor(key / 2 ** shift);
	return EXACT + (shift - 1) * HALF + (sub - HALF);
}

/** The value a bucket reports: itself when exact, else the middle of its range. */
function unitsOf(bucket: number): number {
	if (bucket < EXACT) return bucket;
	const shift = Math.floor((bucket - EXACT) / HALF) + 1;
	const sub = ((bucket - EXACT) % HALF) + HALF;
	return Math.round((sub + 0.5) * 2 ** shift);
}

/**
 * Per fault of one cbr flow: the first sequence number sent at or after the
 * fault (its window runs to the next fault's), the first packet of the window
 * or later that is delivered (failover), and how many of the window arrived.
 */
export class FailoverWindows {
	/** first sequence number of each window (non-decreasing) */
	readonly start: Float64Array;
	/** smallest delivered sequence number ≥ start[k], and its arrival time */
	readonly firstSeq: Float64Array;
	readonly firstArrival: Float64Array;
	readonly delivered: Float64Array;

	constructor(starts: number[]) {
		this.start = Float64Array.from(starts);
		this.firstSeq = new Float64Array(starts.length).fill(Infinity);
		this.firstArrival = new Float64Array(starts.length).fill(NaN);
		this.delivered = new Float64Array(starts.length);
	}

	/** Packet `seq` arrived at `t`. */
	arrived(seq: number, t: number): void {
		const start = this.start;
		// the last window starting at or before seq
		let lo = 0;
		let hi = start.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (start[mid] <= seq) lo = mid + 1;
			else hi = mid;
		}
		const k = lo - 1;
		if (k < 0) return;
		this.delivered[k]++;
		// firstSeq is non-decreasing in k (a later window's candidates are a subset)
		for (let j = k; j >= 0 && this.firstSeq[j] > seq; j--) {
			this.firstSeq[j] = seq;
			this.firstArrival[j] = t;
		}
	}
}
