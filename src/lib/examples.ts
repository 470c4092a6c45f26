/**
 * The example topologies shipped in /topologies, bundled into the app at build
 * time (raw text) so the static site works fully offline.
 */
const files = import.meta.glob('/topologies/**/*.vnet.{yaml,yml,json}', {
	query: '?raw',
	import: 'default',
	eager: true
}) as Record<string, string>;

export interface Example {
	/** "three-tier-web" (path under topologies/ without the extension) */
	id: string;
	/** "three-tier-web.vnet.yaml" */
	file: string;
	text: string;
}

export const DEFAULT_EXAMPLE = 'three-tier-web';

export const examples: Example[] = Object.entries(files)
	.map(([path, text]) => {
		const file = path.replace(/^\/topologies\//, '');
		return { id: file.replace(/\.vnet\.(ya?ml|json)$/, ''), file, text };
	})
	.sort((a, b) => a.id.localeCompare(b.id));

export function findExample(id: string | null | undefined): Example | undefined {
	return id ? examples.find((e) => e.id === id) : undefined;
}

export function defaultExample(): Example | undefined {
	return findExample(DEFAULT_EXAMPLE) ?? examples[0];
}
