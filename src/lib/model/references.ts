/**
 * References the engine cannot run with: a link, check, traffic flow or
 * scenario event naming a node, interface, scenario or flow that does not
 * exist. These are lint's errors; `check`, `trace`, `matrix` and `simulate`
 * need only them (referenceErrors), lint runs the same functions inline with
 * its warnings so the findings keep their order.
 */
import type { Check, Diagnostic, Node, ProbeCheck, Scenario, ScenarioCheck, Topology, Traffic } from './types';
import { Findings, type LintContext, type Path } from './findings';
import { interfaceNames, parseEndpoint, splitSubinterface } from './net';

export type Report = (rule: string, path: Path, message: string) => void;

export const isAddrLike = (s: string) => /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(s);

/** Lookups shared by the reference rules and lint (each built once: no rule scans the file per item). */
export class TopologyIndex {
	readonly nodes: Record<string, Node>;
	private names = new Map<string, Set<string>>();
	private ends?: Map<string, number[]>;
	constructor(readonly t: Topology) {
		this.nodes = t.nodes ?? {};
	}
	node(id: string): Node | undefined {
		return Object.prototype.hasOwnProperty.call(this.nodes, id) ? this.nodes[id] : undefined;
	}
	/** interfaceNames of a node, computed once per node. */
	interfaceNames(id: string): Set<string> {
		let s = this.names.get(id);
		if (!s) {
			const n = this.node(id);
			s = n ? interfaceNames(n) : new Set();
			this.names.set(id, s);
		}
		return s;
	}
	/** Does a node have this interface (declared, implicit parent, bond member; any port of a switch)? */
	hasInterface(id: string, iface: string, anySwitchPort = false): boolean {
		const n = this.node(id);
		if (!n) return false;
		if (anySwitchPort && n.kind === 'switch') return true;
		return this.interfaceNames(id).has(iface);
	}
	/** "node\u0000iface" -> indices of the links with that end, in file order. */
	get linksOf(): Map<string, number[]> {
		if (!this.ends) {
			this.ends = new Map();
			(this.t.links ?? []).forEach((l, i) => {
				for (const end of [l?.a, l?.b]) {
					const e = parseEndpoint(end);
					if (!e) continue;
					const k = `${e.node}\u0000${e.iface}`;
					const list = this.ends!.get(k);
					if (list) list.push(i);
					else this.ends!.set(k, [i]);
				}
			});
		}
		return this.ends;
	}
}

export interface LinkEnd {
	key: 'a' | 'b';
	node: string;
	iface: string;
}

/** The two ends of links[i] when both name something a cable can join; null (reported) otherwise. */
export function linkEnds(ix: TopologyIndex, i: number, report: Report): [LinkEnd, LinkEnd] | null {
	const link = ix.t.links[i];
	const ends: LinkEnd[] = [];
	for (const key of ['a', 'b'] as const) {
		const e = parseEndpoint(link?.[key]);
		if (!e) continue; // malformed: the loader's business
		const n = ix.node(e.node);
		if (!n) {
			report('link-unknown-node', ['links', i, key], `link end "${link[key]}" names node "${e.node}", which is not in \`nodes\`. Add the node or fix the id.`);
			continue;
		}
		if (n.kind === 'sdn-controller') {
			report('link-unknown-interface', ['links', i, key], `"${e.node}" is an sdn-controller: it talks to its switches over an out-of-band channel and has no interfaces to link. Remove this link.`);
			continue;
		}
		const itfs = n.interfaces ?? {};
		const sub = splitSubinterface(e.iface);
		if (sub && (itfs[e.iface] || n.kind !== 'switch')) {
			report(
				'link-subinterface',
				['links', i, key],
				`"${link[key]}" is an 802.1Q subinterface; links attach to the physical parent. Use "${e.node}.${sub.parent}" (its VLAN ${sub.vlan} frames travel tagged on the parent's cable).`
			);
			continue;
		}
		if (itfs[e.iface]?.bond) {
			const m = itfs[e.iface].bond!.members ?? [];
			report('link-to-bond', ['links', i, key], `"${link[key]}" is a bond; cables attach to its members (${m.join(', ')}). Link each member instead.`);
			continue;
		}
		if (n.kind !== 'switch' && !ix.hasInterface(e.node, e.iface)) {
			const known = [...ix.interfaceNames(e.node)];
			report(
				'link-unknown-interface',
				['links', i, key],
				`node "${e.node}" has no interface "${e.iface}"${known.length ? ` (it has ${known.join(', ')})` : ' (it declares no interfaces)'}. Declare it under nodes.${e.node}.interfaces or fix the name.`
			);
			continue;
		}
		ends.push({ key, node: e.node, iface: e.iface });
	}
	if (ends.length === 2 && ends[0].node === ends[1].node && ends[0].iface === ends[1].iface) {
		report('link-self', ['links', i], `this link joins ${ends[0].node}.${ends[0].iface} to itself. A cable needs two different interfaces.`);
		return null;
	}
	return ends.length === 2 ? [ends[0], ends[1]] : null;
}

/** A check or flow endpoint: an address, or a node of the file (else reported). */
export function endpointRef(ix: TopologyIndex, v: string, path: Path, rule: string, what: string, report: Report): boolean {
	if (isAddrLike(v)) return true;
	if (!ix.node(v)) {
		report(rule, path, `${what} "${v}" is not a node of this file (nor an IPv4 address). Fix the id.`);
		return false;
	}
	return true;
}

/** The probe-check endpoints lint looks into further (`from` written as an address is the loader's business). */
export function probeEndpoints(ix: TopologyIndex, c: ProbeCheck, i: number, report: Report): ('from' | 'to')[] {
	const ok: ('from' | 'to')[] = [];
	for (const f of ['from', 'to'] as const) {
		const v = c[f];
		if (typeof v !== 'string') continue;
		if (f === 'from' && isAddrLike(v)) continue;
		if (endpointRef(ix, v, ['checks', i, f], 'check-unknown-node', `check ${f}:`, report)) ok.push(f);
	}
	return ok;
}

export const isScenarioCheck = (c: Check): c is ScenarioCheck => 'scenario' in c && c.scenario !== undefined;

/** The scenario and flow a scenario check names, or null (reported). */
export function scenarioCheckRefs(ix: TopologyIndex, c: ScenarioCheck, i: number, report: Report): { scenario: Scenario; flow: Traffic } | null {
	const scenarios = ix.t.scenarios ?? {};
	const s = Object.prototype.hasOwnProperty.call(scenarios, c.scenario) ? scenarios[c.scenario] : undefined;
	if (!s) {
		report('check-unknown-scenario', ['checks', i, 'scenario'], `check names scenario "${c.scenario}", which is not in \`scenarios\`${Object.keys(scenarios).length ? ` (there are: ${Object.keys(scenarios).join(', ')})` : ''}.`);
		return null;
	}
	const flow = (s.traffic ?? []).find((f) => f?.name === c.flow);
	if (!flow) {
		report('check-unknown-flow', ['checks', i, 'flow'], `scenario ${c.scenario} has no flow "${c.flow}"${(s.traffic ?? []).length ? ` (its flows: ${(s.traffic ?? []).map((f) => f.name).join(', ')})` : ''}.`);
		return null;
	}
	return { scenario: s, flow };
}

/** The endpoints of a scenario's flows. */
export function trafficRefs(ix: TopologyIndex, name: string, s: Scenario, report: Report): void {
	(s.traffic ?? []).forEach((f, k) => {
		for (const e of ['from', 'to'] as const) {
			const v = f?.[e];
			if (typeof v === 'string') endpointRef(ix, v, ['scenarios', name, 'traffic', k, e], 'traffic-unknown-node', `flow ${f.name} ${e}:`, report);
		}
	});
}

/** Validates a fault target; returns a key for it (the same cable by either end), or null when it is unknown (reported). */
export function faultTarget(ix: TopologyIndex, target: string | { link: string }, path: Path, report: Report): string | null {
	if (typeof target === 'object' && target !== null) {
		const e = parseEndpoint(target.link);
		const p = [...path, 'link'];
		if (!e) return null;
		if (!ix.node(e.node)) {
			report('event-unknown-target', p, `link ${target.link}: there is no node "${e.node}".`);
			return null;
		}
		const idx = ix.linksOf.get(`${e.node}\u0000${e.iface}`);
		if (!idx) {
			report('event-unknown-target', p, `no link has the end ${target.link}; name the cable by one of its ends (node.interface as written in \`links\`).`);
			return null;
		}
		const l = ix.t.links[idx[0]];
		return `link ${l.a} – ${l.b}`;
	}
	if (typeof target !== 'string') return null;
	const e = parseEndpoint(target);
	const nodeId = e ? e.node : target;
	const n = ix.node(nodeId);
	if (!n) {
		report('event-unknown-target', path, `"${target}": there is no node "${nodeId}".`);
		return null;
	}
	if (e) {
		const ok = n.kind === 'switch' ? !!n.interfaces?.[e.iface] || ix.linksOf.has(`${e.node}\u0000${e.iface}`) : ix.hasInterface(e.node, e.iface);
		if (!ok) {
			report('event-unknown-target', path, `"${target}": ${nodeId} has no interface "${e.iface}" (it has ${[...ix.interfaceNames(nodeId)].join(', ') || 'none'}).`);
			return null;
		}
	}
	return target;
}

/** Every event target of a scenario, in order, with its key (null: unknown, reported). */
export function eventTargets(ix: TopologyIndex, name: string, s: Scenario, report: Report, each?: (verb: 'fail' | 'restore', key: string, path: Path) => void, before?: (k: number, path: Path) => void): void {
	(s.events ?? []).forEach((ev, k) => {
		if (!ev) return;
		const path = ['scenarios', name, 'events', k];
		before?.(k, path);
		for (const verb of ['fail', 'restore'] as const) {
			const target = ev[verb];
			if (target === undefined) continue;
			const key = faultTarget(ix, target, [...path, verb], report);
			if (key !== null) each?.(verb, key, [...path, verb]);
		}
	});
}

/**
 * Only the reference errors of lint (the same diagnostics, in the same order
 * as `lintTopology(...).filter(error)`), without the design rules: what the
 * engine commands need before they run a file.
 */
export function referenceErrors(t: Topology, ctx: LintContext): Diagnostic[] {
	const ix = new TopologyIndex(t);
	const found = new Findings(ctx);
	const report: Report = (rule, path, message) => found.add('error', rule, path, message);
	(t.links ?? []).forEach((_, i) => linkEnds(ix, i, report));
	(t.checks ?? []).forEach((c: Check, i) => {
		if (!c) return;
		if (isScenarioCheck(c)) scenarioCheckRefs(ix, c, i, report);
		else probeEndpoints(ix, c as ProbeCheck, i, report);
	});
	for (const [name, s] of Object.entries(t.scenarios ?? {})) {
		if (!s) continue;
		trafficRefs(ix, name, s, report);
		eventTargets(ix, name, s, report);
	}
	return found.sorted();
}
