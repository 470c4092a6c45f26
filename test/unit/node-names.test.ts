import { describe, expect, it } from 'vitest';
import { endpointLabel, nodeLabel, nodeLabelAndId, withNodeLabels } from '../../src/lib/model/node-names';

const t = { nodes: { r1: { kind: 'router', label: 'Router 1' }, hv: { kind: 'hypervisor', label: 'KVM host' }, sw: { kind: 'switch' } } } as never;

describe('node names as people read them', () => {
	it('label first, id when there is none; the virtual switch of a hypervisor by its label', () => {
		expect(nodeLabel(t, 'r1')).toBe('Router 1');
		expect(nodeLabel(t, 'sw')).toBe('sw');
		expect(nodeLabel(t, 'hv:bridge:eth0')).toBe('KVM host bridge eth0');
		expect(nodeLabelAndId(t, 'r1')).toBe('Router 1 (r1)');
		expect(nodeLabelAndId(t, 'sw')).toBe('sw');
		expect(endpointLabel(t, 'r1.eth0.10')).toBe('Router 1 · eth0.10');
	});

	it("puts labels into the engine's sentences, word by word only", () => {
		expect(withNodeLabels(t, 'r1 becomes VRRP master')).toBe('Router 1 becomes VRRP master');
		expect(withNodeLabels(t, 'sw → r1 → hv')).toBe('sw → Router 1 → KVM host');
		expect(withNodeLabels(t, 'r1.eth0 down, cable r1.eth0–sw.p1')).toBe('r1.eth0 down, cable r1.eth0–sw.p1');
		expect(withNodeLabels(t, 'route to 10.0.0.1 via r1x')).toBe('route to 10.0.0.1 via r1x');
	});
});
