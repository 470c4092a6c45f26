/**
 * The constant-rate (cbr) flows of a scenario run, indexed by cbr flow:
 * the current path, the send schedule (packet i at floor(i·10⁹/rate) ns for
 * every i with i/rate < duration), and the streaming results (delivered,
 * timeline, loss reasons, latency, failover per fault).
 */
import type { Traffic } from '../../model/types';
import type { FlowPath } from './path';
import { FailoverWindows, LatencyStats } from './stats';

/** Above this a count is only estimated (it is far beyond any budget anyway). */
const EXACT_COUNT = 2 ** 40;

/** Packets a cbr flow sends in `durationNs`. */
export function cbrCount(durationNs: number, rate: number): number {
	if (!(rate > 0)) return 0;
	let n = Math.ceil((durationNs * rate) / 1e9);
	if (n > EXACT_COUNT) return n;
	while (n > 0 && ((n - 1) * 1e9) / rate >= durationNs) n--;
	while ((n * 1e9) / rate < durationNs) n++;
	return n;
}

export function sendTime(seq: number, rate: number): number {
	return Math.floor((seq * 1e9) / rate);
}

/** The first sequence number sent at or after t (≤ count). */
export function firstSeqAtOrAfter(t: number, rate: number, count: number): number {
	let s = Math.min(count, Math.ceil((t * rate) / 1e9));
	while (s > 0 && sendTime(s - 1, rate) >= t) s--;
	while (s < count && sendTime(s, rate) < t) s++;
	return s;
}

export class CbrFlows {
	readonly flows: Traffic[];
	/** current path of each flow, and its index in the run's path list */
	readonly path: FlowPath[] = [];
	readonly pathId: Int32Array;
	/** packets to send, and the next sequence number to send */
	readonly count: Float64Array;
	readonly nextSeq: Float64Array;
	readonly rate: Float64Array;
	readonly delivered: Float64Array;
	/** delivered per timeline bucket (grows for arrivals after the duration) */
	readonly timeline: Int32Array[] = [];
	/** loss reason → packets */
	readonly drops: Map<string, number>[] = [];
	readonly latency: LatencyStats[] = [];
	readonly failover: FailoverWindows[] = [];

	constructor(flows: Traffic[], durationNs: number, buckets: number, faultTimes: number[]) {
		const C = flows.length;
		this.flows = flows;
		this.pathId = new Int32Array(C);
		this.count = new Float64Array(C);
		this.nextSeq = new Float64Array(C);
		this.rate = new Float64Array(C);
		this.delivered = new Float64Array(C);
		flows.forEach((f, ci) => {
			const rate = f.rate ?? 0;
			this.rate[ci] = rate;
			this.count[ci] = cbrCount(durationNs, rate);
			this.timeline.push(new Int32Array(buckets));
			this.drops.push(new Map());
			this.latency.push(new LatencyStats());
			this.failover.push(new FailoverWindows(faultTimes.map((t) => firstSeqAtOrAfter(t, rate, this.count[ci]))));
		});
	}

	get size(): number {
		return this.flows.length;
	}

	dropped(ci: number, why: string): void {
		const m = this.drops[ci];
		m.set(why, (m.get(why) ?? 0) + 1);
	}

	/** Packet `seq` of flow ci arrived at t (timeline bucket of `bucketNs`). */
	arrived(ci: number, seq: number, t: number, bucketNs: number): void {
		this.delivered[ci]++;
		this.latency[ci].record(t - sendTime(seq, this.rate[ci]));
		this.failover[ci].arrived(seq, t);
		const b = Math.floor(t / bucketNs);
		let tl = this.timeline[ci];
		if (b >= tl.length) {
			const n = new Int32Array(Math.max(b + 1, tl.length * 2));
			n.set(tl);
			this.timeline[ci] = tl = n;
		}
		tl[b]++;
	}
}
