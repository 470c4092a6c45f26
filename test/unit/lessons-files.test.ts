/**
 * Every shipped lesson against the engine, step by step as a student would
 * go: each question's right answer is what the engine says (and no wrong
 * choice claims the engine's outcome), each task's checks fail before the
 * change and pass after its solution, every explanation's placeholders are
 * filled. Lessons never drift from the engine. Steps run through the
 * worker's API module in-process, as the app's worker runs them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLesson } from '../../src/lib/lessons/load';
import { applyEdits } from '../../src/lib/lessons/edits';
import { runStep } from '../../src/lib/lessons/progress';
import { engineAnswer, expectMismatches, loadDoc, type LessonRunner } from '../../src/lib/lessons/run';
import { grade, normalize } from '../../src/lib/lessons/grade';
import { createSimApi } from '../../src/lib/worker/api';
import type { Check } from '../../src/lib/model/types';

const api = createSimApi();
const runner: LessonRunner = (text, file, job) => api.lesson(text, file, job);

async function taskChecks(text: string, file: string, checks: Check[]) {
	const answer = await runner(text, file, { kind: 'checks', checks });
	if (answer.kind !== 'checks') throw new Error(`expected check results, got ${answer.kind}`);
	return answer.results;
}

const DIR = join(__dirname, '../../topologies/lessons');
const files = readdirSync(DIR).filter((f) => f.endsWith('.lesson.yaml')).sort();

describe('shipped lessons', () => {
	it('has at least eight lessons, in order, each with its topology', () => {
		expect(files.length).toBeGreaterThanOrEqual(8);
		const orders = files.map((f) => {
			const r = loadLesson(readFileSync(join(DIR, f), 'utf8'), f);
			if (!r.ok) throw new Error(r.errors.map((e) => `${f}:${e.line}:${e.col} ${e.path}: ${e.message}`).join('\n'));
			expect(readdirSync(DIR)).toContain(r.lesson.topologyFile);
			return r.lesson.order;
		});
		expect(orders).toEqual([...orders].sort((a, b) => a - b));
	});

	for (const file of files) {
		it(`${file}: every answer is what the engine says`, async () => {
			const r = loadLesson(readFileSync(join(DIR, file), 'utf8'), file);
			if (!r.ok) throw new Error(r.errors.map((e) => `${file}:${e.line}:${e.col} ${e.path}: ${e.message}`).join('\n'));
			const lesson = r.lesson;
			let text = readFileSync(join(DIR, lesson.topologyFile), 'utf8');
			const topoFile = lesson.topologyFile;
			expect(loadDoc(text, topoFile).ok).toBe(true);

			for (const step of lesson.steps) {
				const where = `${file} step ${step.id}`;
				const q = step.question;
				// the right answer is accepted, with no hint
				if (q) {
					expect(grade(q, String(q.answer)).correct, where).toBe(true);
					if (q.choices)
						for (const c of q.choices)
							if (c.id !== String(q.answer)) {
								const fb = grade(q, c.id);
								expect(fb.correct, `${where}: ${c.id}`).toBe(false);
								expect(fb.hint, `${where}: hint for ${c.id}`).toBeTruthy();
							}
				}
				if (step.probe || step.scenario) {
					const out = await runStep(step, text, topoFile, runner);
					if (out.kind === 'error') throw new Error(`${where}: ${out.message}`);
					if (out.explanation) expect(out.explanation, `${where}: unfilled placeholder`).not.toMatch(/\{[a-z0-9.-]+\}/);
					if (q?.choices && out.kind === 'probe') {
						const right = q.choices.find((c) => c.id === String(q.answer))!;
						if (right.expect) expect(expectMismatches(right.expect, out.trace), `${where}: the right answer`).toEqual([]);
						for (const c of q.choices)
							if (c.id !== right.id && c.expect)
								expect(expectMismatches(c.expect, out.trace).length, `${where}: wrong choice ${c.id} matches the engine`).toBeGreaterThan(0);
					}
					if (q?.['answer-from']) {
						const got = engineAnswer(q['answer-from'], out.kind === 'probe' ? out.trace : null, out.kind === 'scenario' ? out.run : null);
						expect(got, `${where}: engine value`).not.toBeNull();
						if (q.input === 'number') expect(Math.abs(Number(got) - Number(q.answer)), `${where}: engine ${got} vs answer ${q.answer}`).toBeLessThanOrEqual(q.tolerance ?? 0);
						else expect([String(q.answer), ...(q.accept ?? [])].map(normalize), where).toContain(normalize(String(got)));
					}
				} else if (q?.['answer-from']) {
					throw new Error(`${where}: answer-from needs a probe or a scenario`);
				}
				if (step.task) {
					expect((await taskChecks(text, topoFile, step.task.checks)).some((c) => !c.ok), `${where}: the task is already done`).toBe(true);
					text = applyEdits(text, step.task.solution);
					const after = loadDoc(text, topoFile);
					if (!after.ok) throw new Error(`${where}: the solution breaks the file: ${after.errors[0].message}`);
					const results = await taskChecks(text, topoFile, step.task.checks);
					expect(results.filter((c) => !c.ok).map((c) => c.message), `${where}: the solution`).toEqual([]);
				}
			}
		});
	}
});
