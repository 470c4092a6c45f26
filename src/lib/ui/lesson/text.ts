// A lesson's prose: paragraphs split at blank lines, a list paragraph split into its lines.
export function paragraphs(s: string): string[] {
	return s
		.split(/\n\s*\n/)
		.map((p) => p.trim())
		.filter(Boolean);
}

export function lines(s: string): string[] {
	return s.split('\n').map((l) => l.trim()).filter(Boolean);
}
