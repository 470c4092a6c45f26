/** The engine's public surface: compile a document once, then probe it. */
import type { Topology } from '../model/types';
import { resolveTopology } from '../model/resolve';
import { compile, type Net } from './compile';

export { ProbeEngine } from './probe';
export { runChecks, type CheckResult } from './checks';
export { reachabilityMatrix, matrixCodes, matrixEndpoints, codeDisposition, type Matrix, type MatrixCodes } from './matrix';
export { MatrixCells, endpointClasses } from './matrix-classes';
export type { Trace, Hop, ProbeSpec } from './trace';
export type { Net } from './compile';
export { runScenario, ScenarioError, type ScenarioResult, type FlowResult, type FailoverResult, type ScenarioOptions } from './scenario/index';

export function buildNet(t: Topology): Net {
	return compile(resolveTopology(t));
}
