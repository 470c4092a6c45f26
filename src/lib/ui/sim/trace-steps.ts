/** Formatting of a trace's steps for the simulate panel's views. */
import type { Hop } from '$lib/engine/trace';
import { isFailureAction, type SimStep } from '$lib/editor/sim/steps';
import { DISPOSITION_COLOR, PACKET } from './colors';

/** The colour of a step's action; the final one takes the verdict's `color`. */
export function actionColor(s: SimStep, color: string): string {
	const a = s.hop.action;
	if (s.final) return color;
	if (a === 'ARP') return PACKET.arp;
	if (a === 'NAT') return '#c084fc';
	if (isFailureAction(a)) return DISPOSITION_COLOR.DENIED;
	if (a === 'DELIVERED') return DISPOSITION_COLOR.DELIVERED;
	return s.leg === 'request' ? PACKET.request : PACKET.reply;
}

export function ifaces(h: Hop): string {
	if (h.in && h.out) return `${h.in} → ${h.out}`;
	if (h.out) return `→ ${h.out}`;
	if (h.in) return `${h.in} →`;
	return '';
}

/** The Ethernet header a switch forwards unchanged: that of the last routed hop. */
export function frameMacs(steps: SimStep[], s: SimStep): { src?: string; dst?: string } {
	if (s.hop.srcMac || s.hop.dstMac) return { src: s.hop.srcMac, dst: s.hop.dstMac };
	for (let i = s.index - 1; i >= 0; i--) {
		const p = steps[i];
		if (p.leg !== s.leg) break;
		if (p.kind === 'hop' && p.hop.dstMac) return { src: p.hop.srcMac, dst: p.hop.dstMac };
	}
	return {};
}

export function fragText(f: number[]): string {
	const counts = new Map<number, number>();
	for (const x of f) counts.set(x, (counts.get(x) ?? 0) + 1);
	return [...counts].map(([size, n]) => (n > 1 ? `${n} × ${size} B` : `${size} B`)).join(' + ');
}

export function ms(x: number | undefined): string {
	return x === undefined ? '' : x.toFixed(3);
}
