/**
 * A scenario's events (`fail`, `restore`) applied to the network state: an
 * interface, a cable or a node goes down or comes back; a failed hypervisor
 * takes its guests down and, with `ha`, schedules their restart elsewhere.
 */
import type { FaultTarget, ScenarioEvent, Topology } from '../../model/types';
import type { MechanismHost } from './mechanisms';
import type { SdnInfo } from './path';
import { failKubeNode, isKubeNode, restoreKubeNode } from './kube';

export class ScenarioError extends Error {}

export function faultText(e: ScenarioEvent): string {
	const target = (e.fail ?? e.restore)!;
	const what = typeof target === 'string' ? target : `link ${target.link}`;
	return `${e.fail !== undefined ? 'fail' : 'restore'} ${what}`;
}

export interface FaultHost extends MechanismHost {
	/** the scenario's name, for messages */
	readonly scenario: string;
	readonly sdn: SdnInfo;
}

/** Index in the document's `links` of the cable at "node.iface" (a subinterface's parent's cable). */
function linkIndexOf(t: Topology, end: string): number {
	const dot = end.indexOf('.');
	const node = end.slice(0, dot);
	let iface = end.slice(dot + 1);
	let i = t.links.findIndex((l) => l.a === end || l.b === end);
	if (i < 0 && iface.includes('.')) {
		iface = iface.slice(0, iface.indexOf('.'));
		i = t.links.findIndex((l) => l.a === `${node}.${iface}` || l.b === `${node}.${iface}`);
	}
	return i;
}

/** Guests running on hypervisor `hv` in the current state, in id order. */
function guestsOf(h: FaultHost, hv: string): string[] {
	return Object.entries(h.topology.nodes)
		.filter(([id, n]) => (h.state.moved.get(id) ?? n.on) === hv)
		.map(([id]) => id)
		.sort();
}

const nodeOf = (end: string) => end.slice(0, end.indexOf('.'));

/** Applies a scenario event (fault or restore) to the state at the host's current time. */
export function applyEvent(h: FaultHost, e: ScenarioEvent): void {
	const fail = e.fail !== undefined;
	const target = (e.fail ?? e.restore) as FaultTarget;
	const s = h.state;
	const what = faultText(e);
	const now = h.now();
	h.marker(now, what);
	if (typeof target !== 'string') {
		const i = linkIndexOf(h.topology, target.link);
		if (i < 0) throw new ScenarioError(`scenario ${h.scenario}: ${what}: no link at ${target.link}`);
		if (fail) s.cableDown.add(i);
		else {
			s.cableDown.delete(i);
			const l = h.topology.links[i];
			h.resetGates(nodeOf(l.a));
			h.resetGates(nodeOf(l.b));
		}
		return;
	}
	if (target.includes('.')) {
		const node = nodeOf(target);
		if (!(node in h.topology.nodes)) throw new ScenarioError(`scenario ${h.scenario}: ${what}: no node "${node}"`);
		if (fail) s.adminDown.add(target);
		else {
			s.adminDown.delete(target);
			h.resetGates(node);
		}
		return;
	}
	const n = h.topology.nodes[target];
	if (!n) throw new ScenarioError(`scenario ${h.scenario}: ${what}: no node "${target}"`);
	if (!fail) {
		s.failed.delete(target);
		h.resetGates(target);
		if (n.kind === 'sdn-controller') {
			h.sdn.down.delete(target);
			h.marker(now, `${(n.manages ?? []).join(', ')}: controller ${target} back`);
		}
		if (isKubeNode(h.topology, target)) restoreKubeNode(h, target);
		if (n.kind === 'hypervisor')
			for (const g of guestsOf(h, target))
				if (s.failed.has(g)) {
					s.failed.delete(g);
					h.resetGates(g);
					if (isKubeNode(h.topology, g)) restoreKubeNode(h, g);
				}
		return;
	}
	s.failed.add(target);
	if (n.kind === 'sdn-controller') {
		h.sdn.down.add(target);
		h.marker(now, `${(n.manages ?? []).join(', ')}: controller ${target} lost (fail-mode ${n['fail-mode'] ?? 'standalone'})`);
	}
	if (isKubeNode(h.topology, target)) failKubeNode(h, target);
	if (n.kind !== 'hypervisor') return;
	const guests = guestsOf(h, target).filter((g) => !s.failed.has(g));
	for (const g of guests) s.failed.add(g);
	if (guests.length) h.marker(now, `${target}: guests down: ${guests.join(', ')}`);
	// a Kubernetes node among the guests fails as a node of the cluster
	for (const g of guests) if (isKubeNode(h.topology, g)) failKubeNode(h, g);
	if (!n.ha || !guests.length) return;
	const to = n.ha.to;
	h.schedule(`ha|${target}`, now + n.ha.restart, () => {
		const t = h.now();
		if (s.failed.has(to)) {
			h.marker(t, `${target}: HA restart impossible, ${to} is down`);
			return false;
		}
		const back = guests.filter((g) => s.failed.has(g) && (s.moved.get(g) ?? h.topology.nodes[g].on) === target);
		for (const g of back) {
			s.failed.delete(g);
			s.moved.set(g, to);
			h.resetGates(g);
			if (isKubeNode(h.topology, g)) restoreKubeNode(h, g);
			h.marker(t, `${g} restarted on ${to} (HA)`);
			h.marker(t, `${g}: gratuitous ARP`);
		}
		return back.length > 0;
	});
}
