/** Scenarios: timed traffic, faults and failover (`vnet simulate`, scenario checks). */
export { runScenario, startScenario, ScenarioError, type ScenarioResult, type FlowResult, type FailoverResult, type LinkResult, type ScenarioOptions, type ScenarioStepper, type PathChange } from './run';
export { computeOspfRoutes, installOspfRoutes, ospfAdjacencies, type OspfAdjacency, type OspfRoute, type OspfView } from './ospf';
export { SplitMix64 } from './rng';
