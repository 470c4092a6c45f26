/**
 * Playback of a probe's steps: which step is shown and how far its packet
 * has travelled (t from 0 to 1, then a short stay at the node), play / pause,
 * step forward and back, speed. Time comes from animation frames (frames.ts) only
 * while playing.
 */
import { canvasNodeOf } from '$lib/model/node-names';
import type { SimStep } from './steps';
import { cancelFrame, requestFrame } from '../frames';

/** Fraction of a step's time spent at the node after arriving. */
const DWELL = 0.45;

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

export function stepMoves(s: SimStep): boolean {
	const nodes = new Set(s.path.map((p) => canvasNodeOf(p.node)));
	return nodes.size > 1;
}

/** Milliseconds a step takes at 1× (travel, not the stay). */
export function stepDuration(s: SimStep): number {
	if (s.kind === 'arp') return 1300;
	return stepMoves(s) ? 650 : 300;
}

export class Player {
	index = $state(0);
	/** 0..1 travel, then up to 1 + DWELL staying at the node */
	t = $state(1);
	playing = $state(false);
	speed = $state(1);
	#steps: SimStep[] = [];
	#raf = 0;
	#last = 0;

	get count(): number {
		return this.#steps.length;
	}

	/** A new probe: from the first step, playing (or shown complete). */
	load(steps: SimStep[], play: boolean) {
		this.#steps = steps;
		this.pause();
		if (play && steps.length) {
			this.index = 0;
			this.t = 0;
			this.play();
		} else {
			this.index = Math.max(0, steps.length - 1);
			this.t = 1;
		}
	}

	/** The same probe again after an edit: keep the position if it still exists. */
	refresh(steps: SimStep[]) {
		this.#steps = steps;
		if (this.index >= steps.length) {
			this.index = Math.max(0, steps.length - 1);
			this.t = 1;
		}
		if (!steps.length) this.pause();
	}

	play() {
		if (!this.#steps.length) return;
		if (this.index >= this.#steps.length - 1 && this.t >= 1) {
			this.index = 0;
			this.t = 0;
		}
		this.playing = true;
		this.#last = 0;
		cancelFrame(this.#raf);
		this.#raf = requestFrame(this.#tick);
	}

	pause() {
		this.playing = false;
		cancelFrame(this.#raf);
		this.#raf = 0;
		if (this.t > 1) this.t = 1;
	}

	toggle() {
		if (this.playing) this.pause();
		else this.play();
	}

	seek(index: number) {
		this.pause();
		this.index = Math.max(0, Math.min(this.#steps.length - 1, index));
		this.t = 1;
	}

	forward() {
		this.seek(this.t < 1 ? this.index : this.index + 1);
	}

	back() {
		this.seek(this.index - 1);
	}

	first() {
		this.seek(0);
	}

	last() {
		this.seek(this.#steps.length - 1);
	}

	destroy() {
		this.pause();
	}

	#tick = (ts: number) => {
		if (!this.playing) return;
		const dt = this.#last ? Math.min(100, ts - this.#last) : 16;
		this.#last = ts;
		const step = this.#steps[this.index];
		if (!step) return this.pause();
		let t = this.t + (dt * this.speed) / stepDuration(step);
		if (t >= 1 + DWELL) {
			if (this.index >= this.#steps.length - 1) {
				this.t = 1;
				this.pause();
				return;
			}
			this.index++;
			t = 0;
		}
		this.t = t;
		this.#raf = requestFrame(this.#tick);
	};
}
