/**
 * Design lint: findings about a valid topology that a network engineer would
 * want to hear before trusting it (duplicate addresses, a gateway nobody
 * answers for, VLANs not carried, switch loops, MTU mismatches, overcommitted
 * hypervisors, rules that can never match, ...).
 *
 * Everything is a `warning` except references the engine cannot run with (a
 * link, check, traffic flow or scenario event naming a node, interface,
 * scenario or flow that does not exist): those are `error`s, and
 * `referenceErrors` (../references.ts) finds them alone.
 *
 * Rule ids are stable (they are what `--json` consumers and tests key on); the
 * list is LINT_RULES (rules.ts). Each group of rules is a module of its own.
 */
import type { Diagnostic, Topology } from '../types';
import type { LintContext } from '../findings';
import { Linter } from './linter';
import { lintLinks, lintLoops, lintProductUplinks, lintVlansAcrossSwitches } from './links';
import { lintMacs, lintRouting, lintSegments } from './addressing';
import { lintAttachments, lintConnectivity, lintHypervisors, lintNat } from './nodes';
import { lintMisc, lintRules, lintVrrpAndLb } from './features';
import { lintChecksAndScenarios } from './checks';
import { lintOverlay } from './overlay';
import { lintOverlayFirewall } from './overlay-firewall';
import { lintOverlayRouters } from './overlay-router';
import { lintKubePolicies } from './kube-policy';

export { LINT_RULES } from './rules';
export type { LintContext } from '../findings';
export { referenceErrors } from '../references';

/** The rules, in the order they run (ties at one position keep this order). */
const RULES = [
	lintLinks,
	lintVlansAcrossSwitches,
	lintProductUplinks,
	lintLoops,
	lintSegments,
	lintMacs,
	lintRouting,
	lintAttachments,
	lintConnectivity,
	lintHypervisors,
	lintNat,
	lintRules,
	lintVrrpAndLb,
	lintMisc,
	lintOverlay,
	lintOverlayFirewall,
	lintOverlayRouters,
	lintKubePolicies,
	lintChecksAndScenarios
];

export function lintTopology(t: Topology, ctx: LintContext): Diagnostic[] {
	const linter = new Linter(t, ctx);
	for (const rule of RULES) rule(linter);
	// Stable order: by position in the file (unknown positions last), then rule order.
	return linter.found.sorted();
}
