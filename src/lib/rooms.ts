/**
 * The rooms of src/ and which rooms each may import. test/unit/boundary.test.ts
 * reads every import of every .ts and .svelte file and fails on an arrow this
 * table does not allow; the README's design map quotes it.
 *
 * `types` are rooms a room may import with `import type` only (their shapes,
 * never their code): the trace types of the engine, for example.
 */
export interface Room {
	/** folder under src/ (lib rooms are under src/lib/) */
	dir: string;
	does: string;
	imports: string[];
	types?: string[];
}

export const ROOMS: Record<string, Room> = {
	model: { dir: 'lib/model', does: 'format, schema, parse with positions, resolve, lint, the IPv4 and endpoint helpers (net.ts), the kind table (kinds.ts)', imports: [] },
	engine: { dir: 'lib/engine', does: 'pure, deterministic probe and scenario engines', imports: ['model'] },
	worker: { dir: 'lib/worker', does: 'the engine in a Web Worker (comlink): progress, cancel, budgets', imports: ['engine', 'model'] },
	editor: { dir: 'lib/editor', does: 'the editor, headless: tabs, document, selection, commands, undo', imports: ['model', 'worker'] },
	canvas: { dir: 'lib/canvas', does: 'cytoscape drawing of a topology', imports: ['model'] },
	lessons: { dir: 'lib/lessons', does: 'lesson scripts: load, grade, progress, run', imports: ['model', 'worker'], types: ['engine'] },
	share: { dir: 'lib/share', does: 'share links (compressed documents in the URL)', imports: ['model'] },
	interchange: { dir: 'lib/interchange', does: 'import/export (containerlab, GNS3, DOT, Mermaid, pcap), pure', imports: ['model'], types: ['engine'] },
	ui: { dir: 'lib/ui', does: 'Svelte panels', imports: ['editor', 'canvas', 'model', 'worker', 'lessons', 'share', 'interchange', 'lib'], types: ['engine'] },
	lib: { dir: 'lib', does: 'the bundled examples and this table', imports: [] },
	cli: { dir: 'cli', does: 'the vnet command', imports: ['model', 'engine', 'interchange'] },
	routes: { dir: 'routes', does: 'layout only', imports: ['model', 'engine', 'worker', 'editor', 'canvas', 'lessons', 'share', 'interchange', 'ui', 'lib'] }
};

/**
 * Arrows that break the table today, each with why it is still there. The
 * boundary test fails when one disappears without being removed here, so the
 * list can only shrink.
 */
export const KNOWN_VIOLATIONS: { from: string; to: string; why: string }[] = [];

/** The table as the README's design map prints it (the boundary test keeps the two equal). */
export function roomsMarkdown(): string {
	const rows = Object.entries(ROOMS).map(([name, r]) => {
		const may = [...r.imports, ...(r.types ?? []).map((t) => `${t} (types only)`)];
		return `| ${name} | \`src/${r.dir}/\` | ${r.does} | ${may.length ? may.join(', ') : 'nothing'} |`;
	});
	return ['| room | folder | does | may import |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
