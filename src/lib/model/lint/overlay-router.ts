/**
 * Lint of distributed routers (model/overlay-router.ts): a segment two routers
 * claim (two gateways answering one MAC-less question, and a route to each), a
 * gateway outside its segment's subnet, and one router's prefixes overlapping
 * (its connected routes would shadow each other).
 */
import { parseCidr } from '../net';
import { routerPrefixes, uplinkOf } from '../overlay-router';
import type { Linter } from './linter';

export function lintOverlayRouters(L: Linter): void {
	const routers = L.t.overlay?.routers;
	if (!routers) return;
	const owner = new Map<string, string>();
	for (const [name, r] of Object.entries(routers)) {
		for (const seg of Object.keys(r.segments ?? {})) {
			const path = ['overlay', 'routers', name, 'segments', seg];
			const other = owner.get(seg);
			if (other !== undefined)
				L.warn('dlr-segment-two-routers', path, `segment ${seg} is on routers ${other} and ${name}: both answer as its gateway on every host. Keep the segment on one router and join the routers over a transit segment.`);
			else owner.set(seg, name);
			const subnet = parseCidr(L.t.overlay?.segments?.[seg]?.subnet);
			const gw = routerPrefixes({ [seg]: r.segments[seg] })[0];
			if (subnet && gw && ((gw.addr & subnet.mask) >>> 0 !== subnet.net || gw.len < subnet.len))
				L.warn('dlr-gateway-outside-subnet', path, `router ${name}'s gateway ${r.segments[seg]} is outside segment ${seg}'s subnet ${L.t.overlay!.segments[seg].subnet}: its guests cannot reach it. Use an address of ${L.t.overlay!.segments[seg].subnet}.`);
		}
		const edge = r.uplink === undefined ? undefined : L.nodes[r.uplink];
		if (edge && (!['router', 'firewall', 'nat-gateway'].includes(edge.kind) || !uplinkOf(L.t, r.segments ?? {}, r.uplink)))
			L.warn('dlr-uplink-unusable', ['overlay', 'routers', name, 'uplink'], `router ${name}'s uplink ${r.uplink} is ${['router', 'firewall', 'nat-gateway'].includes(edge.kind) ? 'on none of its segments' : `a ${edge.kind}`}: the router has no default route. Make the uplink a router, firewall or nat-gateway with an addressed interface on one of the router's segments (e.g. a transit segment).`);
		const prefixes = routerPrefixes(r.segments ?? {});
		for (let i = 0; i < prefixes.length; i++)
			for (let j = i + 1; j < prefixes.length; j++) {
				const a = prefixes[i];
				const b = prefixes[j];
				const mask = a.len < b.len ? a.mask : b.mask;
				if ((a.net & mask) >>> 0 === (b.net & mask) >>> 0)
					L.warn('dlr-overlapping-subnets', ['overlay', 'routers', name, 'segments', b.segment], `router ${name}'s prefixes on ${a.segment} (${r.segments[a.segment]}) and ${b.segment} (${r.segments[b.segment]}) overlap: one connected route shadows the other. Give each segment its own subnet.`);
			}
	}
}
