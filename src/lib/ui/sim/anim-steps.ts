// What the canvas animates for a probe's steps: a packet colour, a tag and a mark per step.
import type { Disposition } from '$lib/model/types';
import type { Trace } from '$lib/engine/trace';
import type { AnimStep } from '$lib/canvas/animate';
import { ACTION_LABEL, isFailureAction, SUCCESS, type SimStep } from '$lib/editor/sim/steps';
import { DISPOSITION_COLOR, DISPOSITION_LABEL, PACKET } from './colors';

function packetColor(s: SimStep, t: Trace): string {
	if (s.kind === 'arp') return PACKET.arp;
	if (s.leg === 'request') return PACKET.request;
	return SUCCESS.has(t.disposition as Disposition) || t.leg === 'reply' ? PACKET.reply : PACKET.error;
}

export function animStepsOf(t: Trace | null, steps: SimStep[]): AnimStep[] {
	if (!t) return [];
	return steps.map((s) => {
		const color = packetColor(s, t);
		const a = s.hop.action;
		let mark: AnimStep['mark'];
		if (s.final) mark = { color: DISPOSITION_COLOR[t.disposition as Disposition], label: DISPOSITION_LABEL[t.disposition as Disposition], strong: true };
		else if (s.kind === 'arp') mark = { color: PACKET.arp, label: 'is-at ✓' };
		else if (a === 'NAT') mark = { color: '#c084fc', label: 'NAT' };
		else if (isFailureAction(a)) mark = { color: DISPOSITION_COLOR.DENIED, label: ACTION_LABEL[a] ?? a };
		else mark = { color, label: ACTION_LABEL[a] ?? a.toLowerCase() };
		const tag = s.kind === 'arp' ? 'ARP who-has' : s.packets > 1 ? `×${s.packets} fragments` : s.hop.underlay !== undefined ? `in VXLAN ${s.hop.underlay}` : undefined;
		return { path: s.path, color, packets: s.packets, tag, mark, transient: s.kind === 'arp', lane: s.kind === 'arp' ? 0 : 1, outer: s.hop.underlay !== undefined };
	});
}
