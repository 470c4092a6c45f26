/** The canvas element a document path is about ("nodes.fw.rules[3]" → node fw, "links[2].a" → link 2). */
export function elementOfPath(path: string): { node: string } | { link: number } | null {
	const link = /^links\[(\d+)\]/.exec(path);
	if (link) return { link: Number(link[1]) };
	const node = /^nodes(?:\.([A-Za-z][A-Za-z0-9_-]*)|\[("(?:[^"\\]|\\.)*")\])/.exec(path);
	if (node) return { node: node[1] ?? (JSON.parse(node[2]) as string) };
	return null;
}
