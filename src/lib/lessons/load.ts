/**
 * Reads a lesson script (`*.lesson.yaml`) into a validated Lesson, or into
 * every error it has, each at file:line:col with the path inside the script
 * (same diagnostics as the topology loader). A task's `checks` are validated
 * and unit-parsed with the topology format's own check schema.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { errorMap, formatPath } from '../model/load';
import { topologySchema } from '../model/schema';
import { yamlIndex, type SourceIndex } from '../model/source';
import { checkAliases, MAX_ALIASES } from '../model/aliases';
import type { Check, Diagnostic } from '../model/types';
import { lessonSchema } from './schema';
import type { Lesson } from './types';

const MAX_CHARS = 1024 * 1024;

export type LessonLoadResult = { ok: true; lesson: Lesson } | { ok: false; errors: Diagnostic[] };

type Issue = z.core.$ZodIssue;

/** "01-mac-arp.lesson.yaml" → "01-mac-arp" */
export function lessonIdOf(file: string): string {
	const base = file.split(/[\\/]/).pop() ?? file;
	return base.replace(/\.lesson\.(ya?ml|json)$/i, '').replace(/\.(ya?ml|json)$/i, '');
}

/** The topology file a lesson names, or the one beside it with the same name. */
export function topologyFileOf(lesson: { topology?: string }, file: string): string {
	return lesson.topology ?? `${lessonIdOf(file)}.vnet.yaml`;
}

export function loadLesson(text: string, file: string): LessonLoadResult {
	const err = (message: string, line = 1, col = 1, path = ''): LessonLoadResult => ({
		ok: false,
		errors: [{ severity: 'error', file, path, line, col, message }]
	});
	if (typeof text !== 'string') return err('expected the text of a lesson file');
	if (text.length > MAX_CHARS) return err(`a lesson file is at most ${MAX_CHARS / 1024} KiB`);
	const lines = new LineCounter();
	let data: unknown;
	let index: SourceIndex;
	try {
		const doc = parseDocument(text, { lineCounter: lines, version: '1.2', schema: 'core', merge: false, uniqueKeys: true, prettyErrors: false });
		const problems = [...doc.errors, ...doc.warnings];
		if (problems.length) {
			return {
				ok: false,
				errors: problems.map((e) => {
					const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
					return { severity: 'error' as const, file, path: '', line: pos.line, col: pos.col, message: `YAML: ${e.message.replace(/ at line \d+, column \d+[\s\S]*$/, '')}` };
				})
			};
		}
		const alias = checkAliases(doc);
		if (alias) {
			const pos = lines.linePos(alias.offset);
			return err(alias.message, pos.line, pos.col);
		}
		index = yamlIndex(doc, lines);
		data = doc.toJS({ maxAliasCount: MAX_ALIASES });
	} catch (e) {
		return err(`not readable as YAML (${e instanceof Error ? e.message : String(e)})`);
	}
	if (data === null || data === undefined) return err('the file is empty: a lesson starts with `lesson: 1`, `title` and `steps`');
	if (typeof data !== 'object' || Array.isArray(data)) return err('expected a lesson (a mapping with `lesson: 1`, `title` and `steps`)');

	const parsed = lessonSchema.safeParse(data, { error: errorMap });
	const errors: Diagnostic[] = [];
	const add = (path: (string | number)[], message: string, atKey = false) => {
		const pos = atKey ? index.locateKey(path) : index.locate(path);
		errors.push({ severity: 'error', file, path: formatPath(path), line: pos.line, col: pos.col, message });
	};
	if (!parsed.success) {
		for (const issue of parsed.error.issues) for (const f of flatten(issue, [])) add(f.path, f.message, f.atKey);
	}

	// Task checks: the topology's own check format (durations and bandwidths parsed).
	const taskChecks = new Map<number, Check[]>();
	const rawSteps = (data as { steps?: unknown }).steps;
	if (Array.isArray(rawSteps)) {
		rawSteps.forEach((step, i) => {
			const checks = (step as { task?: { checks?: unknown } } | null)?.task?.checks;
			if (!Array.isArray(checks)) return;
			const r = topologySchema.safeParse({ vnet: 1, name: 'lesson', nodes: {}, checks }, { error: errorMap });
			if (r.success) taskChecks.set(i, r.data.checks as Check[]);
			else
				for (const issue of r.error.issues)
					for (const f of flatten(issue, [])) {
						const rest = f.path[0] === 'checks' ? f.path.slice(1) : f.path;
						add(['steps', i, 'task', 'checks', ...rest], f.message, f.atKey);
					}
		});
	}
	if (errors.length || !parsed.success) {
		const seen = new Set<string>();
		return {
			ok: false,
			errors: errors
				.filter((e) => {
					const k = `${e.path}\n${e.message}`;
					return seen.has(k) ? false : (seen.add(k), true);
				})
				.sort((a, b) => a.line - b.line || a.col - b.col)
		};
	}
	const l = parsed.data;
	const lesson: Lesson = {
		id: lessonIdOf(file),
		file,
		topologyFile: topologyFileOf(l, file),
		title: l.title,
		order: l.order ?? 0,
		minutes: l.minutes,
		topics: l.topics,
		goal: l.goal,
		needs: l.needs,
		steps: l.steps.map((s, i) => ({
			id: s.id,
			title: s.title,
			text: s.text,
			probe: s.probe,
			scenario: s.scenario,
			question: s.question,
			task: s.task ? { do: s.task.do, hints: s.task.hints, solution: s.task.solution, checks: taskChecks.get(i) ?? [] } : undefined,
			explain: s.explain,
			focus: s.focus
		}))
	};
	return { ok: true, lesson };
}

interface Flat {
	path: (string | number)[];
	message: string;
	atKey: boolean;
}

function flatten(issue: Issue, base: (string | number)[]): Flat[] {
	const path = [...base, ...(issue.path as (string | number)[])];
	if (issue.code === 'unrecognized_keys') {
		const lines = issue.message.split('\n');
		return issue.keys.map((key, i) => ({ path: [...path, key], message: lines[i] ?? lines[0], atKey: true }));
	}
	if (issue.code === 'invalid_union' && issue.errors.length) {
		const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
		const wrongRoot = best.length === 1 && best[0].path.length === 0 && best[0].code === 'invalid_type';
		if (!wrongRoot) return best.flatMap((i) => flatten(i, path));
	}
	const missing = /^missing required field `([^`]+)`/.exec(issue.message);
	if (missing && path[path.length - 1] === missing[1]) return [{ path: path.slice(0, -1), message: issue.message, atKey: false }];
	return [{ path, message: issue.message, atKey: false }];
}
