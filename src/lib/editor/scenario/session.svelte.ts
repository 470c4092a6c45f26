/**
 * The scenario panel's state for the page's lifetime (the panel unmounts when
 * the side panel shows another tab): the chosen scenario, the run in the
 * worker and its progress, the last result, the playhead and its playback.
 * The worker is the Simulate panel's (one engine, one loaded document).
 */
import type { DocSession } from '$lib/editor/doc.svelte';
import { simOf, type SimSession } from '$lib/editor/sim/session.svelte';
import type { OverBudget, ScenarioRunResult } from '$lib/worker/protocol';
import { cancelFrame, requestFrame } from '../frames';

/** what the timeline plots */
export type PlotUnit = 'packets' | 'mbps';

export class ScenarioSession {
	/** the scenario picked in the list */
	name = $state<string | null>(null);
	running = $state(false);
	/** 0..1 of the simulated duration */
	progress = $state(0);
	error = $state<string | null>(null);
	/** the last run that finished (or was cancelled) */
	run = $state.raw<ScenarioRunResult | null>(null);
	/** the file the run was for */
	file = $state<string | null>(null);
	cancelled = $state(false);
	/** the last start was refused for its size: the panel asks before running it anyway */
	overBudget = $state.raw<{ name: string; file: string; estimate: OverBudget } | null>(null);
	/** playhead, simulated seconds */
	t = $state(0);
	playing = $state(false);
	speed = $state(1);
	/** the flow whose path is drawn on the canvas */
	flow = $state<string | null>(null);
	unit = $state<PlotUnit>('packets');
	editing = $state(false);

	#frame = 0;
	#last = 0;
	#cancelling = false;

	/** the document's simulation: its worker runs the scenario */
	constructor(readonly sim: SimSession) {}

	get result() {
		return this.run?.result ?? null;
	}

	/** Runs a scenario; above the default work budget only with `anyway` (after the user said yes). */
	async start(name: string, file: string, anyway = false) {
		const c = this.sim.client;
		if (!c || this.running) return;
		const asked = anyway && this.overBudget?.name === name && this.overBudget.file === file ? this.overBudget.estimate : null;
		this.stop();
		this.running = true;
		this.progress = 0;
		this.error = null;
		this.cancelled = false;
		this.overBudget = null;
		this.#cancelling = false;
		// the raised budget: the estimate with room for longer paths after a fault
		const budget = asked ? { maxPacketHops: Math.ceil(asked.packetHops * 2), maxEvents: Math.ceil(asked.events * 2) } : undefined;
		try {
			const r = await c.scenario(name, { budget }, (p) => (this.progress = p.fraction));
			if (r.overBudget) {
				this.overBudget = { name, file, estimate: r.overBudget };
				return;
			}
			if (r.cancelled) {
				this.cancelled = true;
				return;
			}
			this.run = r;
			this.file = file;
			this.t = 0;
			const flows = r.result?.flows ?? [];
			if (!flows.some((f) => f.name === this.flow)) this.flow = flows[0]?.name ?? null;
		} catch (e) {
			// a worker too busy to hear the cancel is replaced: that is the cancel
			if (this.#cancelling) this.cancelled = true;
			else this.error = e instanceof Error ? e.message : String(e);
		} finally {
			this.running = false;
		}
	}

	cancel() {
		if (!this.running) return;
		this.#cancelling = true;
		void this.sim.client?.cancel();
	}

	/** Moves the playhead (simulated seconds). */
	seek(t: number) {
		const d = this.result?.durationS ?? 0;
		this.t = Math.max(0, Math.min(d, t));
	}

	play() {
		const d = this.result?.durationS ?? 0;
		if (!d) return;
		if (this.t >= d) this.t = 0;
		this.playing = true;
		this.#last = performance.now();
		const tick = (now: number) => {
			if (!this.playing) return;
			const dt = ((now - this.#last) / 1000) * this.speed;
			this.#last = now;
			const next = this.t + dt;
			if (next >= d) {
				this.t = d;
				this.playing = false;
				return;
			}
			this.t = next;
			this.#frame = requestFrame(tick);
		};
		this.#frame = requestFrame(tick);
	}

	stop() {
		this.playing = false;
		cancelFrame(this.#frame);
	}

	toggle() {
		if (this.playing) this.stop();
		else this.play();
	}

	dispose() {
		this.stop();
	}
}

/** The scenario session of a document (made on first use, closed with its tab). */
export function scenarioOf(doc: DocSession): ScenarioSession {
	return doc.part('scenario', () => new ScenarioSession(simOf(doc)));
}
