/**
 * The example topologies shipped in /topologies, bundled into the app at build
 * time (raw text) so the static site works fully offline. The default example
 * is part of the page (it is drawn at once); the others load when picked.
 */
const DEFAULT_PATH = '/topologies/three-tier-web.vnet.yaml';
const first = import.meta.glob('/topologies/three-tier-web.vnet.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const others = import.meta.glob(['/topologies/**/*.vnet.{yaml,yml,json}', '!/topologies/three-tier-web.vnet.yaml'], {
	query: '?raw',
	import: 'default'
}) as Record<string, () => Promise<string>>;

export interface Example {
	/** "three-tier-web" (path under topologies/ without the extension) */
	id: string;
	/** "three-tier-web.vnet.yaml" */
	file: string;
	/** its text (at once for the default example) */
	text(): Promise<string>;
}

export const DEFAULT_EXAMPLE = 'three-tier-web';

const sources: [string, () => Promise<string>][] = [
	...Object.entries(first).map(([path, text]): [string, () => Promise<string>] => [path, () => Promise.resolve(text)]),
	...Object.entries(others).filter(([path]) => path !== DEFAULT_PATH)
];

export const examples: Example[] = sources
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
