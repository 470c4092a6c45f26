/**
 * Answer checking: a choice id, a short text, or a number with a unit.
 * A wrong answer gets a hint (the wrong choice's own hint, else the next of
 * the question's hints), never the answer.
 */
import type { Question } from './types';

export interface Feedback {
	correct: boolean;
	/** for a wrong answer: what to think about */
	hint?: string;
	/** the answer could not be read (empty, not a number): no try is counted */
	unreadable?: string;
}

/** Lower case, no spaces, no final full stop or quotes: " 192.168.1.10. " → "192.168.1.10" */
export function normalize(text: string): string {
	return text
		.toLowerCase()
		.replace(/[`"'“”]/g, '')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/[.!]+$/, '')
		.replace(/\s/g, '');
}

const TIME: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6 };
const RATE: Record<string, number> = { bps: 1e-6, kbps: 1e-3, mbps: 1, gbps: 1e3 };

/** "3.61", "3.61 s", "3609ms", "3,61" → value in the question's unit; null if unreadable. */
export function parseNumber(input: string, unit?: string): number | null {
	const m = /^\s*(-?\d+(?:[.,]\d+)?|-?[.,]\d+)\s*([a-zµ]+)?\s*$/i.exec(input);
	if (!m) return null;
	const value = Number(m[1].replace(',', '.'));
	if (!Number.isFinite(value)) return null;
	const given = m[2]?.toLowerCase();
	if (!given || !unit) return value;
	const want = unit.toLowerCase();
	if (given in TIME && want in TIME) return (value * TIME[given]) / TIME[want];
	if (given in RATE && want in RATE) return (value * RATE[given]) / RATE[want];
	if (given === want || (want === 'bytes' && (given === 'b' || given === 'byte')) || (want === 'packets' && given === 'packet') || (want === 'hops' && given === 'hop'))
		return value;
	return null;
}

/** The hint for the n-th wrong try (1-based): the last one repeats. */
export function nthHint(hints: string[], n: number): string | undefined {
	if (!hints.length) return undefined;
	return hints[Math.min(Math.max(n, 1), hints.length) - 1];
}

/**
 * Grades one answer. `wrongBefore` is how many wrong answers came before this
 * one (so the hints go further each time).
 */
export function grade(q: Question, answer: string, wrongBefore = 0): Feedback {
	if (q.choices) {
		const choice = q.choices.find((c) => c.id === answer);
		if (!choice) return { correct: false, unreadable: 'Pick one of the answers.' };
		if (choice.id === String(q.answer)) return { correct: true };
		return { correct: false, hint: choice.hint ?? nthHint(q.hints, wrongBefore + 1) };
	}
	if (answer.trim() === '') return { correct: false, unreadable: 'Type an answer first.' };
	if (q.input === 'number') {
		const value = parseNumber(answer, q.unit);
		if (value === null) return { correct: false, unreadable: q.unit ? `Type a number, in ${q.unit} (like 12.5).` : 'Type a number (like 12.5).' };
		const target = Number(q.answer);
		const tol = q.tolerance ?? Math.abs(target) * 1e-9;
		if (Math.abs(value - target) <= tol + 1e-12) return { correct: true };
		return { correct: false, hint: nthHint(q.hints, wrongBefore + 1) };
	}
	const accepted = [String(q.answer), ...(q.accept ?? [])].map(normalize);
	if (accepted.includes(normalize(answer))) return { correct: true };
	return { correct: false, hint: nthHint(q.hints, wrongBefore + 1) };
}

/** The right answer, as a student would enter it (for tests and for teachers' previews). */
export function correctInput(q: Question): string {
	return String(q.answer);
}
