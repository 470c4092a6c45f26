/**
 * Control events of a scenario run: the file's faults and restores, and the
 * mechanisms' timers (a bond's next MII check, a VRRP master-down timer...).
 * Few, so a sorted array: by time, then faults before timers, then order of
 * scheduling. A timer has a key; scheduling a key again replaces it.
 */
interface Control {
	t: number;
	/** 0 fault or restore, 1 timer: at equal times faults come first */
	cls: number;
	seq: number;
	key: string | null;
	/** true when it changed the network state */
	run: () => boolean;
	dead: boolean;
}

export class ControlQueue {
	private items: Control[] = [];
	private timers = new Map<string, Control>();
	private seq = 0;
	/** control events run so far (for the work budget) */
	ran = 0;

	/** Time of the next entry (a cancelled one included), Infinity when none. */
	get nextTime(): number {
		return this.items.length > 0 ? this.items[0].t : Infinity;
	}

	addFault(t: number, run: () => boolean): void {
		this.insert({ t, cls: 0, seq: this.seq++, key: null, run, dead: false });
	}

	schedule(key: string, t: number, run: () => boolean): void {
		this.cancel(key);
		const c: Control = { t, cls: 1, seq: this.seq++, key, run, dead: false };
		this.timers.set(key, c);
		this.insert(c);
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

	/** Removes the next entry; null if it was cancelled. */
	take(): Control | null {
		const c = this.items.shift()!;
		if (c.dead) return null;
		if (c.key !== null) this.timers.delete(c.key);
		this.ran++;
		return c;
	}

	private insert(c: Control): void {
		const a = this.items;
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
}
