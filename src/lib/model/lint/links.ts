/** Link rules: the two ends of each cable, VLANs across links and switches, product uplinks, switch loops. */
import { linkEnds } from '../references';
import { describeChannels, findSwitchLoops, mtuOf, portChannels } from '../segments';
import { compressVlans, parseEndpoint } from '../net';
import { type Linter, type Path, pushTo } from './linter';

export function lintLinks(L: Linter): void {
	const report = (rule: string, path: Path, message: string) => L.warn(rule, path, message);
	(L.t.links ?? []).forEach((_, i) => {
		const ends = linkEnds(L, i, report);
		if (!ends) return;
		const [a, b] = ends;
		const na = L.node(a.node)!;
		const nb = L.node(b.node)!;
		// MTU mismatch.
		const ma = mtuOf(na, a.iface, L.cache);
		const mb = mtuOf(nb, b.iface, L.cache);
		if (ma !== mb) {
			const [big, small] = ma > mb ? [a, b] : [b, a];
			L.warn(
				'mtu-mismatch',
				['links', i],
				`MTU mismatch on ${a.node}.${a.iface} (${ma}) – ${b.node}.${b.iface} (${mb}): frames larger than ${Math.min(ma, mb)} bytes that ${big.node} sends are silently dropped by ${small.node} (a black hole that small pings do not show). Set the same mtu on both ends.`
			);
		}
		lintLinkChannels(L, i, a, b);
	});

	// An interface in two links.
	for (const [k, idx] of L.linksOf) {
		if (idx.length < 2) continue;
		const [node, iface] = k.split('\u0000');
		if (!L.node(node)) continue;
		for (const j of idx.slice(1))
			L.warn(
				'interface-multiple-links',
				['links', j],
				`${node}.${iface} is already an end of links[${idx[0]}]; an interface takes one cable. Use another interface (or put a switch in between).`
			);
	}
}

/** VLAN agreement across one link. */
export function lintLinkChannels(L: Linter, i: number, a: { node: string; iface: string }, b: { node: string; iface: string }): void {
	const na = L.node(a.node)!;
	const nb = L.node(b.node)!;
	const chA = portChannels(L.t, a.node, a.iface, { includeDown: true, cache: L.cache });
	const chB = portChannels(L.t, b.node, b.iface, { includeDown: true, cache: L.cache });
	const swA = na.kind === 'switch';
	const swB = nb.kind === 'switch';
	if (swA && swB) {
		const ua = chA.get(0);
		const ub = chB.get(0);
		const va = ua?.split(':')[2];
		const vb = ub?.split(':')[2];
		if (va !== undefined && vb !== undefined && va !== vb) {
			L.warn(
				'native-vlan-mismatch',
				['links', i],
				`untagged frames are VLAN ${va} on ${a.node}.${a.iface} but VLAN ${vb} on ${b.node}.${b.iface}: the two VLANs leak into each other across this link. Use the same access VLAN / native VLAN on both ends.`
			);
		}
		return; // tagged VLANs between switches: see lintVlansAcrossSwitches
	}
	// A non-switch end: each channel it uses must be carried by the other end.
	const pairs: [typeof a, Map<number, string>, typeof b, Map<number, string>][] = [];
	if (!swA) pairs.push([a, chA, b, chB]);
	if (!swB) pairs.push([b, chB, a, chA]);
	for (const [me, mine, other, theirs] of pairs) {
		const n = L.node(me.node)!;
		for (const [c, ent] of mine) {
			if (theirs.has(c)) continue;
			const iface = ent.split(':').slice(2).join(':');
			const itf = n.interfaces?.[iface];
			if (c === 0) {
				if (!itf?.ip && !itf?.dhcp) continue; // an unaddressed parent sends nothing untagged
				const otherNode = L.node(other.node)!;
				if (otherNode.kind === 'switch') {
					L.warn(
						'untagged-on-trunk',
						['links', i],
						`${me.node}.${iface} sends untagged frames but ${other.node}.${other.iface} is a trunk without a native VLAN (it carries ${describeChannels(theirs)}): they are dropped. Make the port an access port (vlan: N), give the trunk a native VLAN, or use a subinterface ${iface}.N.`
					);
				} else {
					L.warn(
						'vlan-not-carried',
						['links', i],
						`${me.node}.${iface} sends untagged frames but ${other.node}.${other.iface} only has tagged subinterfaces (${describeChannels(theirs)}): nothing on the far end receives them. Use matching subinterfaces (or none) on both ends.`
					);
				}
			} else {
				L.warn(
					'vlan-not-carried',
					['links', i],
					`${me.node}.${iface} sends VLAN ${c} tagged, but ${other.node}.${other.iface} does not carry VLAN ${c} (it carries ${describeChannels(theirs)}): those frames are dropped. ${L.node(other.node)!.kind === 'switch' ? `Add ${c} to the trunk's allowed VLANs.` : `Declare ${other.node}.${other.iface}.${c} or remove the subinterface.`}`
				);
			}
		}
	}
}

/**
 * A VLAN with users on two switches of one switched network that are not in
 * the same VLAN domain: the trunk(s) between them do not carry it.
 */
export function lintVlansAcrossSwitches(L: Linter): void {
	// VLANs each switch "uses": access VLANs (or native, or tags) of ports that face a non-switch end.
	const uses = new Map<number, Map<string, string[]>>(); // vlan -> switch -> [port]
	const swLinks: { i: number; a: string; ap: string; b: string; bp: string }[] = [];
	(L.t.links ?? []).forEach((l, i) => {
		const ea = parseEndpoint(l?.a);
		const eb = parseEndpoint(l?.b);
		if (!ea || !eb) return;
		const na = L.node(ea.node);
		const nb = L.node(eb.node);
		if (!na || !nb) return;
		if (na.kind === 'switch' && nb.kind === 'switch') {
			swLinks.push({ i, a: ea.node, ap: ea.iface, b: eb.node, bp: eb.iface });
			return;
		}
		for (const [sw, port, far] of [
			[ea, ea.iface, eb],
			[eb, eb.iface, ea]
		] as const) {
			if (L.node(sw.node)?.kind !== 'switch') continue;
			const mine = portChannels(L.t, sw.node, port, { includeDown: true, cache: L.cache });
			const theirs = portChannels(L.t, far.node, far.iface, { includeDown: true, cache: L.cache });
			for (const [c, ent] of mine) {
				if (!theirs.has(c)) continue;
				const v = Number(ent.split(':')[2]);
				const m = uses.get(v) ?? new Map<string, string[]>();
				pushTo(m, sw.node, port);
				uses.set(v, m);
			}
		}
	});
	// Declared access ports that are not linked also show intent.
	for (const [id, n] of Object.entries(L.nodes)) {
		if (n?.kind !== 'switch') continue;
		for (const [p, itf] of Object.entries(n.interfaces ?? {})) {
			if (itf?.vlan === undefined || L.linksOf.has(`${id}\u0000${p}`)) continue;
			const m = uses.get(itf.vlan) ?? new Map<string, string[]>();
			pushTo(m, id, p);
			uses.set(itf.vlan, m);
		}
	}
	if (!swLinks.length) return;
	// Switch adjacency (regardless of VLAN), for naming the trunk on the path.
	const adj = new Map<string, { to: string; l: (typeof swLinks)[number] }[]>();
	for (const l of swLinks) {
		pushTo(adj, l.a, { to: l.b, l });
		pushTo(adj, l.b, { to: l.a, l });
	}
	const path = (from: string, to: string) => {
		const prev = new Map<string, { from: string; l: (typeof swLinks)[number] } | null>([[from, null]]);
		const q = [from];
		for (let head = 0; head < q.length; head++) {
			const x = q[head];
			for (const { to: y, l } of adj.get(x) ?? []) {
				if (!prev.has(y)) {
					prev.set(y, { from: x, l });
					q.push(y);
				}
			}
		}
		if (!prev.has(to)) return null;
		const out: (typeof swLinks)[number][] = [];
		let c = to;
		while (prev.get(c)) {
			const p = prev.get(c)!;
			out.unshift(p.l);
			c = p.from;
		}
		return out;
	};
	// Physical switch networks (ignoring VLANs).
	const comp = new Map<string, string>();
	const find = (x: string): string => {
		let r = x;
		while (comp.has(r) && comp.get(r) !== r) r = comp.get(r)!;
		// path compression: the roots stay the same, later finds are short
		for (let c = x; c !== r; ) {
			const next = comp.get(c)!;
			comp.set(c, r);
			c = next;
		}
		return r;
	};
	for (const l of swLinks) {
		const ra = find(l.a);
		const rb = find(l.b);
		if (!comp.has(ra)) comp.set(ra, ra);
		if (!comp.has(rb)) comp.set(rb, rb);
		if (ra !== rb) comp.set(ra, rb);
	}
	const carries = (l: (typeof swLinks)[number], v: number) => {
		const ca = portChannels(L.t, l.a, l.ap, { includeDown: true, cache: L.cache });
		const cb = portChannels(L.t, l.b, l.bp, { includeDown: true, cache: L.cache });
		for (const [c, ea] of ca) if (ea === `sw:${l.a}:${v}` && cb.get(c) === `sw:${l.b}:${v}`) return true;
		return false;
	};
	for (const [v, bySw] of [...uses].sort((x, y) => x[0] - y[0])) {
		// Switches using VLAN v, grouped by VLAN domain, then by physical network.
		const byDomain = new Map<number, string[]>();
		for (const sw of bySw.keys()) {
			const d = L.segs.bySwitchVlan.get(`${sw}\u0000${v}`);
			if (d) pushTo(byDomain, d.id, sw);
		}
		const domains = [...byDomain.values()];
		for (let x = 0; x < domains.length; x++) {
			for (let y = x + 1; y < domains.length; y++) {
				let pair: [string, string] | undefined;
				for (const s1 of domains[x]) {
					const c1 = find(s1);
					const s2 = domains[y].find((s) => find(s) === c1 && comp.has(c1));
					if (s2) {
						pair = [s1, s2];
						break;
					}
				}
				if (!pair) continue; // separate switched networks: separate LANs
				const [s1, s2] = pair;
				const p = path(s1, s2);
				const culprit = p?.find((l) => !carries(l, v));
				if (!culprit) continue;
				const ca = portChannels(L.t, culprit.a, culprit.ap, { includeDown: true, cache: L.cache });
				const cb = portChannels(L.t, culprit.b, culprit.bp, { includeDown: true, cache: L.cache });
				L.warn(
					'vlan-not-carried',
					['links', culprit.i],
					`VLAN ${v} has ports on ${s1} (${bySw.get(s1)!.join(', ')}) and on ${s2} (${bySw.get(s2)!.join(', ')}), but ${culprit.a}.${culprit.ap} – ${culprit.b}.${culprit.bp} does not carry it (${culprit.a}.${culprit.ap}: ${describeChannels(ca)}; ${culprit.b}.${culprit.bp}: ${describeChannels(cb)}). The two halves of VLAN ${v} cannot reach each other (ARP fails). Add ${v} to the trunk on both ends if they should.`
				);
			}
		}
	}
}

/**
 * A product's vSwitch that tags port groups on an uplink (ESXi): each VLAN a
 * guest uses must be carried by the far end of the uplink's cable, or that
 * port group is cut off from everything beyond the hypervisor.
 */
export function lintProductUplinks(L: Linter): void {
	const rt = L.segs.resolved;
	if (!rt) return;
	for (const l of rt.links) {
		if (l.index === null) continue;
		for (const [mine, far] of [
			[l.a, l.b],
			[l.b, l.a]
		] as const) {
			const sw = rt.nodes.get(mine.node);
			if (sw?.kind !== 'virtual-switch' || !sw.owner || !L.segs.resolvedHypervisors.has(sw.owner)) continue;
			const up = sw.interfaces.find((i) => i.name === mine.iface);
			if (!up || up.trunk === undefined || !L.node(far.node)) continue;
			const theirs = portChannels(L.t, far.node, far.iface, { includeDown: true, cache: L.cache });
			// VLANs used by the guests: access port groups, and the tags a VGT guest sends itself
			const used = new Map<number, { guests: string[]; pgs: Set<string> }>(); // channel -> guests, their port groups
			for (const vl of rt.links) {
				if (vl.index !== null) continue;
				const [port, guest] = vl.a.node === sw.id ? [vl.a, vl.b] : vl.b.node === sw.id ? [vl.b, vl.a] : [null, null];
				if (!port || !guest || !L.node(guest.node) || guest.node === sw.owner) continue;
				const p = sw.interfaces.find((i) => i.name === port.iface);
				if (!p) continue;
				// [channel on the uplink, the guest's own (sub)interface on it]
				const chans: [number, string][] = [];
				if (p.trunk === undefined) {
					if (p.vlan !== undefined) chans.push([p.vlan === up.native ? 0 : p.vlan, guest.iface]);
				} else {
					for (const [c] of portChannels(L.t, guest.node, guest.iface, { includeDown: true, cache: L.cache }))
						if (c === 0 || p.trunk.includes(c)) chans.push([c, c === 0 ? guest.iface : `${guest.iface}.${c}`]);
				}
				for (const [c, name] of chans) {
					const itf = L.itfs(guest.node)[name];
					if (!itf?.ip && !itf?.dhcp) continue; // nothing addressed sends on that channel
					const u = used.get(c) ?? { guests: [], pgs: new Set<string>() };
					u.guests.push(`${guest.node}.${name}`);
					const pg = L.itfs(guest.node)[guest.iface]?.network;
					if (pg) u.pgs.add(pg);
					used.set(c, u);
				}
			}
			for (const [c, { guests, pgs: pgSet }] of [...used].sort((x, y) => x[0] - y[0])) {
				if (theirs.has(c)) continue;
				const pgs = [...pgSet];
				const link = L.t.links[l.index];
				const hvEnd = [link?.a, link?.b].find((e) => parseEndpoint(e)?.node === sw.owner) ?? sw.owner;
				const what = `${c === 0 ? 'send' : 'tag'}${pgs.length > 1 ? '' : 's'} ${c === 0 ? 'untagged frames' : `VLAN ${c}`}`;
				L.warn(
					'vlan-not-carried',
					['links', l.index],
					`${sw.owner}'s port group${pgs.length > 1 ? 's' : ''} ${pgs.join(', ') || `VLAN ${c}`} ${what} on ${hvEnd}, but ${far.node}.${far.iface} does not carry ${c === 0 ? 'untagged frames' : `VLAN ${c}`} (it carries ${describeChannels(theirs)}): ${guests.join(', ')} ${guests.length > 1 ? 'are' : 'is'} cut off from everything beyond ${sw.owner}. ${c === 0 ? `Give ${far.node}.${far.iface} a native VLAN.` : `Add ${c} to ${far.node}.${far.iface}'s trunk.`}`
				);
			}
		}
	}
}

export function lintLoops(L: Linter): void {
	const managed = new Set([...L.managed.keys()].filter((s) => L.node(s)?.kind === 'switch'));
	for (const loop of findSwitchLoops(L.t, managed, L.cache)) {
		const cyc = [...loop.switches, loop.switches[0]].join(' – ');
		const vl = `VLAN${loop.vlans.length > 1 ? 's' : ''} ${compressVlans(loop.vlans)}`;
		const links = loop.links.map((l) => `links[${l}]`).join(', ');
		if (!loop.managed) {
			L.warn(
				'l2-loop',
				['links', loop.link],
				`switch loop ${cyc} in ${vl} (${links}): without a blocking protocol every broadcast (ARP) circulates forever, a broadcast storm. Remove or shut (down: true) one of these links, or bond them.`
			);
			continue;
		}
		const ctrls = new Set(loop.switches.flatMap((s) => L.managed.get(s) ?? []));
		const standalone = [...ctrls].filter((c) => (L.node(c)?.['fail-mode'] ?? 'standalone') === 'standalone');
		if (standalone.length)
			L.warn(
				'sdn-standalone-loop',
				['links', loop.link],
				`managed switches ${cyc} form a loop in ${vl} (${links}). Fine while ${standalone.join(', ')} computes the paths, but with fail-mode standalone the switches fall back to MAC learning if the controller is lost, and the loop becomes a broadcast storm. Set fail-mode: secure on ${standalone.join(', ')}.`
			);
	}
}