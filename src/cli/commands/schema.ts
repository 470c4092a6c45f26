/** `vnet schema`: prints the JSON Schema of the topology format (static/vnet.schema.json is this output). */
import type { Command } from './types';
import { topologyJsonSchema } from '../../lib/model/jsonschema';

export const schema: Command = (args) => {
	if (args.length > 0) {
		process.stderr.write(`vnet schema: takes no arguments (got ${args.join(' ')})\nUsage: vnet schema > vnet.schema.json\n`);
		return 2;
	}
	process.stdout.write(`${JSON.stringify(topologyJsonSchema(), null, '\t')}\n`);
	return 0;
};
