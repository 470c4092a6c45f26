/** Scenarios: timed traffic, faults and failover (`vnet simulate`, scenario checks). */
export { runScenario, startScenario, estimateScenario, ScenarioError, type ScenarioOptions, type ScenarioStepper } from './run';
export type { ScenarioResult, FlowResult, FailoverResult, LinkResult, PathChange } from './results';
export { ScenarioBudgetError, DEFAULT_BUDGET, formatSeconds, type WorkBudget, type WorkEstimate } from './budget';
export { computeOspfRoutes, installOspfRoutes, ospfAdjacencies, type OspfAdjacency, type OspfRoute, type OspfView } from './ospf';
export { SplitMix64 } from './rng';
