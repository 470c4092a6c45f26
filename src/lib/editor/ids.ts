/**
 * Names the editor makes up: node ids (vm1, vm2, ...) and the next free
 * interface of a node when it is wired (eth0, eth1, ... / p1, p2, ... on
 * switches).
 */
import type { Kind } from '../model/types';

/** The stem of new node ids of each kind. */
export const ID_STEM: Record<Kind, string> = {
	host: 'host',
	vm: 'vm',
	container: 'ct',
	hypervisor: 'hv',
	switch: 'sw',
	router: 'r',
	firewall: 'fw',
	'nat-gateway': 'nat',
	'load-balancer': 'lb',
	'sdn-controller': 'ctl',
	internet: 'internet'
};

/**
 * The first free id `<stem><n>` (n from 1). A copied id keeps its stem:
 * "web1" → "web2", "fw" → "fw2", "core-sw" → "core-sw2".
 */
export function uniqueId(base: string, taken: (id: string) => boolean): string {
	const m = /^(.*?)(\d*)$/.exec(base)!;
	const stem = m[1] || 'n';
	const start = m[2] ? 1 : base === stem && taken(base) ? 2 : 1;
	for (let n = start; ; n++) {
		const id = `${stem}${n}`;
		if (!taken(id)) return id;
	}
}

export interface RawInterface {
	attach?: unknown;
	bond?: unknown;
	[key: string]: unknown;
}

export interface LinkEnds {
	a: string;
	b: string;
}

/** Interfaces of `node` that links use (subinterfaces count for their parent). */
export function usedInterfaces(nodeId: string, links: readonly Partial<LinkEnds>[]): Set<string> {
	const used = new Set<string>();
	for (const link of links) {
		for (const end of [link.a, link.b]) {
			if (typeof end !== 'string') continue;
			const dot = end.indexOf('.');
			if (dot < 0 || end.slice(0, dot) !== nodeId) continue;
			used.add(end.slice(dot + 1).split('.')[0]);
		}
	}
	return used;
}

/**
 * The interface a new cable to this node plugs into: the first declared one
 * that no link uses and that can take a cable (not a subinterface, not a bond,
 * not attached through a hypervisor), else a new `eth<n>` (`p<n>` on
 * switches) after the highest number in use.
 */
export function nextFreeInterface(
	kind: Kind,
	interfaces: Record<string, RawInterface | null | undefined>,
	used: ReadonlySet<string>
): { name: string; declared: boolean } {
	for (const [name, iface] of Object.entries(interfaces)) {
		if (used.has(name) || name.includes('.')) continue;
		if (iface && (iface.attach !== undefined || iface.bond !== undefined)) continue;
		return { name, declared: true };
	}
	const prefix = kind === 'switch' ? 'p' : 'eth';
	const first = kind === 'switch' ? 1 : 0;
	let max = first - 1;
	for (const name of [...Object.keys(interfaces), ...used]) {
		const m = new RegExp(`^${prefix}(\\d+)$`).exec(name.split('.')[0]);
		if (m) max = Math.max(max, Number(m[1]));
	}
	return { name: `${prefix}${max + 1}`, declared: false };
}
