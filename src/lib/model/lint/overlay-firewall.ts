/**
 * Distributed-firewall lint (docs/overlays.md): a group tag no guest carries
 * (a typo selects nobody, silently), and a rule that can never match because
 * an earlier rule matches everything it would at every vNIC it applies to, or
 * that applies at no vNIC at all.
 */
import type { DfwRule } from '../types';
import { appliesTo, expand } from '../overlay-firewall';
import { overlayOf } from '../overlay';
import type { Linter } from './linter';

type Net = { net: number; len: number };

function netOf(a: string): Net {
	const [ip, len] = a.split('/');
	const n = ip.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
	// containment compares the leading bits by division, so host bits need no masking
	return { net: n, len: len === undefined ? 32 : Number(len) };
}

/** Every address of `inner` inside some prefix of `outer` (null: any). */
function coversAddrs(outer: string[] | null, inner: string[] | null): boolean {
	if (outer === null) return true;
	if (inner === null) return false;
	const o = outer.map(netOf);
	return inner.map(netOf).every((i) => o.some((x) => x.len <= i.len && Math.floor(i.net / 2 ** (32 - x.len)) === Math.floor(x.net / 2 ** (32 - x.len))));
}

const coversRange = (o?: { from: number; to: number }, i?: { from: number; to: number }) => !o || (!!i && o.from <= i.from && i.to <= o.to);

export function lintOverlayFirewall(L: Linter): void {
	const t = L.t;
	const ov = overlayOf(t);
	if (!ov || !t.overlay) return;
	const tagged = new Set(Object.values(t.nodes).flatMap((n) => n.tags ?? []));
	for (const [name, g] of Object.entries(t.overlay.groups ?? {}))
		(g.tags ?? []).forEach((tag, i) => {
			if (!tagged.has(tag)) L.warn('dfw-unknown-tag', ['overlay', 'groups', name, 'tags', i], `group ${name}: no guest has the tag "${tag}", so it selects nobody by it. Add \`tags: [${tag}]\` to a vm or container, or fix the tag.`);
		});
	const rules = t.overlay.firewall?.rules ?? [];
	const vnics = ov.segments.flatMap((s) => s.members.map((m) => ({ guest: m.node, segment: s.name })));
	const where = (r: DfwRule) => new Set(vnics.filter((v) => appliesTo(t, r, v.guest, v.segment)).map((v) => `${v.guest}\u0000${v.segment}`));
	const sets = rules.map(where);
	sets.forEach((set, k) => {
		if (set.size === 0)
			L.warn('dfw-applies-nowhere', ['overlay', 'firewall', 'rules', k], `firewall rule ${k + 1} (${rules[k].action}) applies at no vNIC: none of ${rules[k].applied_to?.join(', ')} is a guest interface on a segment. Fix \`applied_to\` or remove the rule.`);
	});
	for (let k = 1; k < rules.length; k++) {
		const rk = rules[k];
		if (sets[k].size === 0) continue;
		for (let j = 0; j < k; j++) {
			const rj = rules[j];
			const dj = rj.direction ?? 'both';
			if (dj !== 'both' && dj !== (rk.direction ?? 'both')) continue;
			if (rj.proto && rj.proto !== rk.proto) continue;
			if (!coversRange(rj.port, rk.port) || !coversRange(rj.sport, rk.sport)) continue;
			if (!coversAddrs(expand(t, rj.from), expand(t, rk.from)) || !coversAddrs(expand(t, rj.to), expand(t, rk.to))) continue;
			if (![...sets[k]].every((v) => sets[j].has(v))) continue;
			const same = rj.action === rk.action;
			L.warn(
				'dfw-rule-shadowed',
				['overlay', 'firewall', 'rules', k],
				same
					? `firewall rule ${k + 1} (${rk.action}) can never match: rule ${j + 1} before it matches every packet it would at every vNIC it applies to, with the same action. Remove it (it is redundant).`
					: `firewall rule ${k + 1} (${rk.action}) can never match: rule ${j + 1} (${rj.action}) before it matches every packet it would at every vNIC it applies to (first match wins). Move it above rule ${j + 1} or narrow rule ${j + 1}.`
			);
			break;
		}
	}
}
