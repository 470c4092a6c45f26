// The vnet writer (src/lib/interchange/vnet-yaml.ts) keeps every node field an
// importer or the overlay format sets: a field it forgot was silently dropped
// from every imported file (tags, containerlab).
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/lib/model/load';
import { topologyToYaml } from '../../src/lib/interchange/vnet-yaml';

const TEXT = `vnet: 1
name: t
nodes:
  hv: { kind: hypervisor, interfaces: { eth0: { ip: 10.0.0.1/24 } } }
  web1: { kind: vm, on: hv, tags: [web, prod], interfaces: { eth0: { ip: 10.0.0.2/24 } } }
  srl: { kind: router, containerlab: { kind: nokia_srlinux, image: ghcr.io/nokia/srlinux, ports: { e1x1: e1-1 } }, interfaces: { e1x1: { ip: 10.0.0.3/24 } } }
links:
  - { a: hv.eth0, b: srl.e1x1 }
`;

describe('vnet writer', () => {
	it('writes tags and the containerlab block, and the file loads back the same', () => {
		const first = loadTopology(TEXT, 't.vnet.yaml');
		if (!first.ok) throw new Error(first.errors.map((e) => e.message).join('; '));
		const again = loadTopology(topologyToYaml(first.topology), 'again.vnet.yaml');
		if (!again.ok) throw new Error(again.errors.map((e) => e.message).join('; '));
		expect(again.topology.nodes.web1.tags).toEqual(['web', 'prod']);
		expect(again.topology.nodes.srl.containerlab).toEqual({ kind: 'nokia_srlinux', image: 'ghcr.io/nokia/srlinux', ports: { e1x1: 'e1-1' } });
	});
});
