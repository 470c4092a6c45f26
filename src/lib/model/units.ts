/**
 * Unit strings of the topology format (topology-format.md, "Values and
 * parsing"): durations `<number>(ns|us|ms|s)` -> integer ns, bandwidths
 * `<number>(bps|Kbps|Mbps|Gbps)` (decimal SI) -> bps, sizes `<integer>` bytes or
 * `<number>(KiB|MiB|GiB)` (binary) -> bytes, rates `<number>pps` -> pps, and the
 * reverse formatters for display.
 *
 * Parsers return a result instead of throwing: the schema turns `error` into
 * a located diagnostic, and a bad value in a file is data, not an exception.
 */

export type UnitResult = { value: number } | { error: string };

/** A plain decimal number: no sign, no exponent, no hex (those are never meant). */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const NUMBER_THEN_UNIT = /^([0-9][0-9.]*)([A-Za-zµ]*)$/;

const DURATION_EXP: Record<string, number> = { ns: 0, us: 3, ms: 6, s: 9 };
const BANDWIDTH_EXP: Record<string, number> = { bps: 0, Kbps: 3, Mbps: 6, Gbps: 9 };
const SIZE_FACTOR: Record<string, number> = { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };

/** Common spellings of other tools, to say what to write instead. */
const UNIT_HINTS: Record<string, string> = {
	µs: 'us',
	sec: 's',
	kbps: 'Kbps',
	mbps: 'Mbps',
	gbps: 'Gbps',
	KB: 'KiB',
	MB: 'MiB',
	GB: 'GiB',
	K: 'KiB',
	M: 'MiB',
	G: 'GiB',
	B: '(no unit: a plain integer is bytes)'
};

function split(text: string): { digits: string; unit: string } | null {
	const m = NUMBER_THEN_UNIT.exec(text);
	return m ? { digits: m[1], unit: m[2] } : null;
}

function unknownUnit(unit: string, allowed: string[], what: string): string {
	const hint = Object.hasOwn(UNIT_HINTS, unit) ? UNIT_HINTS[unit] : undefined;
	const allowedText = allowed.join(', ');
	if (unit === '') return `${what} needs a unit (${allowedText})`;
	return `unknown unit "${unit}" for ${what} (expected ${allowedText})${hint ? `; write ${hint}` : ''}`;
}

/**
 * Exact decimal scaling by 10^exp, so "0.2ms" is 200000 and not
 * 200000.00000000003: the value is an integer count of the base unit, or an error.
 */
function scaleDecimal(digits: string, exp: number): number | null {
	const m = DECIMAL.exec(digits);
	if (!m) return null;
	const [, whole, frac = ''] = m;
	const trimmed = frac.replace(/0+$/, '');
	if (trimmed.length > exp) return NaN; // finer than the base unit
	const n = Number(whole + trimmed.padEnd(exp, '0'));
	return Number.isSafeInteger(n) ? n : Infinity;
}

export function parseDuration(text: string): UnitResult {
	const parts = split(text);
	const example = 'such as 50us, 0.2ms or 1s';
	if (!parts) return { error: `expected a duration ${example}, got "${text}"` };
	if (!Object.hasOwn(DURATION_EXP, parts.unit)) return { error: unknownUnit(parts.unit, Object.keys(DURATION_EXP), 'a duration') };
	const ns = scaleDecimal(parts.digits, DURATION_EXP[parts.unit]);
	if (ns === null) return { error: `expected a duration ${example}, got "${text}"` };
	if (Number.isNaN(ns)) return { error: `"${text}" is finer than a nanosecond` };
	if (!Number.isFinite(ns)) return { error: `"${text}" is too long a duration` };
	return { value: ns };
}

export function parseBandwidth(text: string): UnitResult {
	const parts = split(text);
	const example = 'such as 100Mbps, 1Gbps or 2.5Gbps';
	if (!parts) return { error: `expected a bandwidth ${example}, got "${text}"` };
	if (!Object.hasOwn(BANDWIDTH_EXP, parts.unit)) return { error: unknownUnit(parts.unit, Object.keys(BANDWIDTH_EXP), 'a bandwidth') };
	const bps = scaleDecimal(parts.digits, BANDWIDTH_EXP[parts.unit]);
	if (bps === null) return { error: `expected a bandwidth ${example}, got "${text}"` };
	if (Number.isNaN(bps)) return { error: `"${text}" is not a whole number of bits per second` };
	if (!Number.isFinite(bps)) return { error: `"${text}" is too large a bandwidth` };
	return { value: bps };
}

/** `value` is a YAML number (bytes) or a string with a binary unit. */
export function parseSize(value: number | string): UnitResult {
	if (typeof value === 'number') {
		if (!Number.isSafeInteger(value) || value < 0) return { error: `a size in bytes must be a whole number ≥ 0, got ${value}` };
		return { value };
	}
	const parts = split(value);
	const example = 'such as 1500 (bytes), 64KiB or 4GiB';
	if (!parts) return { error: `expected a size ${example}, got "${value}"` };
	// Plain bytes are a YAML number; a quoted "1500" is most likely a mistake of the writer.
	if (parts.unit === '') return { error: `a size in bytes is a plain number: write ${value} without quotes, or use KiB, MiB, GiB` };
	if (!Object.hasOwn(SIZE_FACTOR, parts.unit)) return { error: unknownUnit(parts.unit, Object.keys(SIZE_FACTOR), 'a size') };
	if (!DECIMAL.test(parts.digits)) return { error: `expected a size ${example}, got "${value}"` };
	const bytes = Number(parts.digits) * SIZE_FACTOR[parts.unit];
	// Binary multiples of a short decimal are exact in doubles when they are whole;
	// anything else (0.1KiB = 102.4) is a fraction of a byte.
	if (!Number.isSafeInteger(bytes)) return { error: `"${value}" is not a whole number of bytes` };
	return { value: bytes };
}

export function parseRate(text: string): UnitResult {
	const parts = split(text);
	if (!parts || !DECIMAL.test(parts.digits)) return { error: `expected a rate like 1000pps, got "${text}"` };
	if (parts.unit !== 'pps') return { error: unknownUnit(parts.unit, ['pps'], 'a rate') };
	const pps = Number(parts.digits);
	if (!Number.isFinite(pps)) return { error: `"${text}" is too large a rate` };
	return { value: pps };
}

/** The shortest exact spelling: 1500000 -> "1.5ms", 50000 -> "50us". */
function formatScaled(n: number, units: [string, number][]): string {
	for (const [unit, factor] of units) {
		if (Math.abs(n) >= factor || factor === 1) {
			// toPrecision avoids float noise like 0.30000000000000004 in the display
			const scaled = Number((n / factor).toPrecision(12));
			return `${scaled}${unit}`;
		}
	}
	return String(n);
}

export function formatDuration(ns: number): string {
	return formatScaled(ns, [
		['s', 1e9],
		['ms', 1e6],
		['us', 1e3],
		['ns', 1]
	]);
}

export function formatBandwidth(bps: number): string {
	return formatScaled(bps, [
		['Gbps', 1e9],
		['Mbps', 1e6],
		['Kbps', 1e3],
		['bps', 1]
	]);
}

/** Bytes as written in a file: a binary unit when exact, else plain bytes. */
export function formatSize(bytes: number): string {
	for (const [unit, factor] of [
		['GiB', 2 ** 30],
		['MiB', 2 ** 20],
		['KiB', 2 ** 10]
	] as const) {
		if (bytes >= factor && Number.isInteger((bytes / factor) * 1000)) return `${bytes / factor}${unit}`;
	}
	return String(bytes);
}

export function formatRate(pps: number): string {
	return `${Number(pps.toPrecision(12))}pps`;
}
