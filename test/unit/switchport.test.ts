// The one 802.1Q rule of a switch port (model/switchport.ts), which the probe's
// switching, the scenario's layer-2 reach and the model's segments all use.
import { describe, it, expect } from 'vitest';
import { egressTag, ingressVlan, portChannelVlans } from '../../src/lib/model/switchport';

describe('switch port VLAN rule', () => {
	it('an access port carries its VLAN (default 1) untagged and drops tagged frames', () => {
		expect(ingressVlan({ vlan: 10 }, 0)).toBe(10);
		expect(ingressVlan({ vlan: 10 }, 10)).toBe(0);
		expect(ingressVlan({}, 0)).toBe(1);
		expect(egressTag({ vlan: 10 }, 10)).toBe(0);
		expect(egressTag({ vlan: 10 }, 20)).toBe(-1);
		expect(egressTag({}, 1)).toBe(0);
		expect(portChannelVlans({ vlan: 10 })).toEqual([[0, 10]]);
	});

	it('a trunk carries its VLANs tagged and its native VLAN untagged, listed or not', () => {
		const trunk = { trunk: new Set([10, 20]), native: 99 };
		expect(ingressVlan(trunk, 10)).toBe(10);
		expect(ingressVlan(trunk, 30)).toBe(0);
		expect(ingressVlan(trunk, 0)).toBe(99);
		expect(egressTag(trunk, 20)).toBe(20);
		expect(egressTag(trunk, 99)).toBe(0);
		expect(egressTag(trunk, 30)).toBe(-1);
		expect(portChannelVlans({ trunk: [10, 20], native: 99 })).toEqual([[10, 10], [20, 20], [0, 99]]);
	});

	it('a trunk without native drops untagged frames', () => {
		expect(ingressVlan({ trunk: [10] }, 0)).toBe(0);
		expect(portChannelVlans({ trunk: [10] })).toEqual([[10, 10]]);
	});

	it('a tagged frame of the native VLAN is admitted (Linux: the native VLAN is a member of the port) but never sent tagged', () => {
		const trunk = { trunk: [10], native: 99 };
		expect(ingressVlan(trunk, 99)).toBe(99);
		expect(egressTag(trunk, 99)).toBe(0);
		// so it is no two-way channel of a segment
		expect(portChannelVlans(trunk).some(([tag]) => tag === 99)).toBe(false);
	});

	it('a port with only native is a trunk of its native VLAN alone, in every reading', () => {
		const p = { native: 30 };
		expect(ingressVlan(p, 0)).toBe(30);
		expect(ingressVlan(p, 10)).toBe(0);
		expect(egressTag(p, 30)).toBe(0);
		// not the access default VLAN 1
		expect(egressTag(p, 1)).toBe(-1);
		expect(portChannelVlans(p)).toEqual([[0, 30]]);
	});
});
