/**
 * splitmix64 (Steele, Lea, Flood 2014), the scenario's only source of
 * randomness: seeded with the scenario's `seed`, one draw per frame per lossy
 * link direction in transmission order.
 */
const MASK = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;
const TWO64 = 18446744073709551616;

export class SplitMix64 {
	private state: bigint;
	constructor(seed: number | bigint) {
		this.state = BigInt.asUintN(64, BigInt(seed));
	}

	/** The next 64-bit output. */
	next(): bigint {
		this.state = (this.state + GAMMA) & MASK;
		let z = this.state;
		z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
		z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
		return z ^ (z >> 31n);
	}

	/** draw / 2^64, in [0, 1). */
	nextUnit(): number {
		return Number(this.next()) / TWO64;
	}
}
