/**
 * The work budget of a scenario run: its work (packet-hops, events) is
 * estimated from the send schedule and the paths at the start before any
 * packet is sent, and a run above the budget does not start. The run also
 * stops (reporting what it measured, marked partial) if it reaches the budget
 * anyway, say because a fault moved its flows to longer paths.
 */
import { ScenarioError } from './faults';

export interface WorkBudget {
	/** packet-hops (a frame crossing one link) */
	maxPacketHops: number;
	/** simulator events: packet sends and arrivals, faults, timers */
	maxEvents: number;
}

/** About 10 s of work at the engine's speed (`npm run bench`: some 10⁷ packet-hops/s). */
export const DEFAULT_BUDGET: WorkBudget = { maxPacketHops: 100_000_000, maxEvents: 100_000_000 };

/** A rough speed, only to say "~N s" in messages (the benchmark's order of magnitude). */
export const PACKET_HOPS_PER_SECOND = 1e7;

export interface WorkEstimate {
	packets: number;
	packetHops: number;
	events: number;
	/** about how long it takes here, in seconds */
	seconds: number;
	/** the flow with the most packet-hops: its index in the scenario's `traffic` */
	heaviest: { flow: string; index: number; packets: number; hops: number } | null;
}

export class ScenarioBudgetError extends ScenarioError {
	constructor(
		message: string,
		readonly estimate: WorkEstimate,
		readonly budget: WorkBudget,
		/** document path of what makes the work (the heaviest flow, or the scenario) */
		readonly path: (string | number)[]
	) {
		super(message);
	}
}

const fmt = (n: number) => (n >= 1e15 ? n.toExponential(1) : Math.round(n).toLocaleString('en-US'));

export function formatSeconds(s: number): string {
	if (s < 60) return `${Math.max(1, Math.round(s))} s`;
	if (s < 3600) return `${Math.round(s / 60)} min`;
	if (s < 86400 * 2) return `${Math.round(s / 3600)} h`;
	if (s < 86400 * 365 * 2) return `${Math.round(s / 86400)} days`;
	return `${fmt(s / (86400 * 365))} years`;
}

/** Throws ScenarioBudgetError when the estimate is above the budget. */
export function checkBudget(scenario: string, e: WorkEstimate, b: WorkBudget): void {
	const path: (string | number)[] = e.heaviest ? ['scenarios', scenario, 'traffic', e.heaviest.index] : ['scenarios', scenario];
	const why = e.heaviest ? `; flow ${e.heaviest.flow} sends ${fmt(e.heaviest.packets)} packets over ${e.heaviest.hops} hop${e.heaviest.hops === 1 ? '' : 's'}` : '';
	if (e.packetHops > b.maxPacketHops)
		throw new ScenarioBudgetError(`scenario ${scenario} is about ${fmt(e.packetHops)} packet-hops (~${formatSeconds(e.seconds)} of work)${why}: above the budget of ${fmt(b.maxPacketHops)} packet-hops`, e, b, path);
	if (e.events > b.maxEvents)
		throw new ScenarioBudgetError(`scenario ${scenario} is about ${fmt(e.events)} events (~${formatSeconds(e.seconds)} of work)${why}: above the budget of ${fmt(b.maxEvents)} events`, e, b, path);
}
