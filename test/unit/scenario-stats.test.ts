// The scenario engine's streaming statistics and its purity: percentiles from
// the fixed-size histogram equal the exact ones at the reported resolution,
// failover windows match a scan of every packet, and no engine file reads a clock.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { FailoverWindows, LatencyStats } from '../../src/lib/engine/scenario/stats';
import { SplitMix64 } from '../../src/lib/engine/scenario/rng';

const exactUnits = (values: number[], k: number) => Math.round([...values].sort((a, b) => a - b)[k] / 100);

describe('LatencyStats', () => {
	it('gives the exact k-th latency (at 0.1 µs) below 6.5 ms, and within 3·10⁻⁵ above', () => {
		const rng = new SplitMix64(7);
		const small: number[] = [];
		const big: number[] = [];
		const s = new LatencyStats();
		const b = new LatencyStats();
		for (let i = 0; i < 5000; i++) {
			const v = 20_000 + rng.nextUnit() * 6_000_000 + 0.37;
			small.push(v);
			s.record(v);
			const w = 10e6 + rng.nextUnit() * 90e6;
			big.push(w);
			b.record(w);
		}
		for (const k of [0, 100, 2500, 4949, 4999]) {
			expect(s.kthUnits(k)).toBe(exactUnits(small, k));
			const e = exactUnits(big, k);
			expect(Math.abs(b.kthUnits(k) - e) / e).toBeLessThan(4e-5);
		}
		expect(s.count).toBe(5000);
		expect(s.min).toBe(Math.min(...small));
		expect(s.max).toBe(Math.max(...small));
	});
});

describe('FailoverWindows', () => {
	it('match a scan of every packet, whatever the arrival order', () => {
		const starts = [10, 10, 40, 90];
		const w = new FailoverWindows(starts);
		const arrival = new Map<number, number>();
		const rng = new SplitMix64(3);
		const order = Array.from({ length: 100 }, (_, i) => i).sort(() => rng.nextUnit() - 0.5);
		for (const seq of order) {
			if ((seq >= 12 && seq < 50) || seq === 95) continue; // lost
			const t = 1000 + seq * 10 + rng.nextUnit() * 500;
			arrival.set(seq, t);
			w.arrived(seq, t);
		}
		starts.forEach((s0, k) => {
			let first = NaN;
			for (let s = s0; s < 100; s++)
				if (arrival.has(s)) {
					first = arrival.get(s)!;
					break;
				}
			const end = k + 1 < starts.length ? starts[k + 1] : 100;
			let delivered = 0;
			for (let s = s0; s < end; s++) if (arrival.has(s)) delivered++;
			expect(w.firstArrival[k]).toBe(first);
			expect(w.delivered[k]).toBe(delivered);
		});
	});
});

describe('the engine reads no clock', () => {
	it('no performance.now or Date.now anywhere in src/lib/engine', () => {
		const root = path.resolve(import.meta.dirname, '../../src/lib/engine');
		const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
		expect(files.length).toBeGreaterThan(10);
		for (const f of files) expect(readFileSync(path.join(root, f), 'utf8'), f).not.toMatch(/performance\.now|Date\.now/);
	});
});
