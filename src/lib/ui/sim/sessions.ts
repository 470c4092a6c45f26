/**
 * The simulation and scenario sessions of the documents (the engine worker's
 * client, the packet player) are not needed for the first drawing: they load
 * just after it, with the first document. One loader for every user, so a
 * session made when a tab opens is made before any panel that shows it.
 */
import { lazy } from '$lib/ui/lazy';

export const sessions = lazy(() =>
	Promise.all([import('$lib/editor/sim/session.svelte'), import('$lib/editor/scenario/session.svelte')]).then(([sim, scenario]) => ({ simOf: sim.simOf, scenarioOf: scenario.scenarioOf }))
);
