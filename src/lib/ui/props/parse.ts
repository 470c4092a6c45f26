/**
 * What the properties panel's inputs mean as document values: the same
 * values a person would write in the file (numbers as numbers, `50us` and
 * `10.0.0.1/24` as text). Anything not recognisable stays text, so that the
 * file schema reports it with its own message.
 */
export type FieldKind = 'text' | 'number' | 'auto' | 'list' | 'strings' | 'bool' | 'select' | 'tristate';

function auto(s: string): string | number {
	return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
}

export function parseInput(kind: FieldKind, input: string | boolean): unknown {
	if (kind === 'bool') return input === true ? true : undefined;
	const s = String(input).trim();
	if (s === '') return undefined;
	switch (kind) {
		case 'text':
		case 'select':
			return s;
		case 'number':
		case 'auto':
			return auto(s);
		case 'tristate':
			return s === 'true' ? true : s === 'false' ? false : undefined;
		case 'list':
			return s.split(/[\s,]+/).filter(Boolean).map(auto);
		case 'strings':
			return s.split(/[\s,]+/).filter(Boolean);
	}
}

export function formatValue(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}
