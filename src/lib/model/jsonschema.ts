/**
 * The JSON Schema (draft 2020-12) of the topology file, generated from the zod
 * schema so the two cannot drift apart: editors use it for completion and
 * checks (`# yaml-language-server: $schema=...`), `vnet schema` prints it, and
 * static/vnet.schema.json is this output (npm run build:schema).
 *
 * It describes the INPUT: unit strings ("0.2ms", "10Gbps"), "a-b" ranges and
 * "tcp/80" services as written in files. A few rules need more than JSON
 * Schema can say (a route's host bits, a subinterface's mtu, fields that
 * depend on each other); `vnet lint` checks those too.
 */
import { z } from 'zod';
import { topologySchema } from './schema';

export function topologyJsonSchema(): Record<string, unknown> {
	const generated = z.toJSONSchema(topologySchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
	const { $schema, ...rest } = generated;
	return {
		$schema,
		title: 'vnet topology, format version 1',
		description:
			'A virtual network design: nodes, links, scenarios and checks (see spec/topology-format.md). Files are .vnet.yaml (YAML 1.2) or .vnet.json.',
		...rest
	};
}
