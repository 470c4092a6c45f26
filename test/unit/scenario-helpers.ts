/** Helpers for scenario tests: YAML topologies through the real loader, then a scenario run. */
import { topo } from './engine-helpers';
import { runScenario, type ScenarioResult, type FlowResult } from '../../src/lib/engine/scenario/index';

export { topo };

export function simulate(yaml: string, scenario: string): ScenarioResult {
	return runScenario(topo(yaml), scenario);
}

export function flow(r: ScenarioResult, name: string): FlowResult {
	const f = r.flows.find((x) => x.name === name);
	if (!f) throw new Error(`no flow ${name}`);
	return f;
}
