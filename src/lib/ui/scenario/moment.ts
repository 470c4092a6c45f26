/**
 * The scenario's state at the playhead: what is down and which way the chosen
 * flow goes, as the canvas overlay draws it and as the panel says it in words.
 */
import type { FlowResult, ScenarioResult } from '$lib/engine/scenario/index';
import type { Scenario, Topology } from '$lib/model/types';
import { endpointLabel, nodeLabel, withNodeLabels } from '$lib/model/node-names';
import { endpointNode } from '$lib/model/net';
import type { ScenarioScene } from './overlay';
import { failedAt, linkIndexOf, MARKER_COLOR, pathAt, pathLinks, podsDownAt, reactionChips } from './format';

export function nowAt(topology: Topology | null, result: ScenarioResult | null, scenario: Scenario | undefined, t: number, chosenFlow: FlowResult | null) {
	if (!result || !topology) return null;
	const failed = failedAt(topology, scenario?.events ?? [], t);
	for (const pod of podsDownAt(result.events, t)) failed.nodes.add(pod);
	const path = chosenFlow ? pathAt(chosenFlow.paths, t) : null;
	return { failed, path };
}
export type Now = NonNullable<ReturnType<typeof nowAt>>;

export function sceneOf(now: Now | null, topology: Topology | null, result: ScenarioResult | null, scenario: Scenario | undefined, t: number, chosenFlow: FlowResult | null, colorOf: (name: string) => string): ScenarioScene | null {
	if (!now || !topology || !result) return null;
	const dead = new Set(now.failed.links);
	for (const end of now.failed.ifaces) {
		const i = linkIndexOf(topology, end);
		if (i >= 0) dead.add(i);
	}
	topology.links.forEach((l, i) => {
		const a = endpointNode(l.a);
		const b = endpointNode(l.b);
		if (now.failed.nodes.has(a) || now.failed.nodes.has(b)) dead.add(i);
	});
	const p = now.path;
	const chips = reactionChips(result.events, topology.nodes, t, Math.max(1, result.durationS / 10)).map((c) => ({ ...c, text: withNodeLabels(topology, c.text), color: MARKER_COLOR.reaction }));
	return {
		nodes: [...now.failed.nodes],
		links: [...dead],
		ifaces: [...now.failed.ifaces],
		path: p && chosenFlow ? { links: pathLinks(topology, p), nodes: p.nodes.length ? p.nodes : sourceOf(scenario, chosenFlow.name), ok: p.ok, color: colorOf(chosenFlow.name), label: chosenFlow.name, reason: p.reason } : null,
		chips
	};
}

/** where a flow starts (a path lost before its first hop has no nodes) */
function sourceOf(scenario: Scenario | undefined, flow: string): string[] {
	const f = scenario?.traffic?.find((x) => x.name === flow);
	return f ? [f.from] : [];
}

/** what the canvas shows, in words */
export function momentOf(now: Now | null, topology: Topology | null) {
	if (!now) return null;
	const down = [...[...now.failed.nodes].map((n) => nodeLabel(topology, n)), ...[...now.failed.ifaces].map((e) => endpointLabel(topology, e)), ...[...now.failed.links].map((i) => `cable ${endpointLabel(topology, topology!.links[i].a)} – ${endpointLabel(topology, topology!.links[i].b)}`)];
	return { down, path: now.path };
}
