/**
 * A student's way through a lesson: the state machine of each step and the
 * progress saved per lesson and per step (localStorage in the app, memory in
 * tests), so a reload continues where the student was.
 *
 * A step's phases, in order (a step skips what it does not have):
 *   question  → answer correctly (wrong answers get hints)
 *   run       → "run it": the probe or scenario runs on the current design
 *   task      → change the design until the task's checks pass
 *   done      → the explanation stays; "Next" goes on
 */
import type { CheckResult } from '../engine/checks';
import type { Trace } from '../engine/trace';
import type { Diagnostic } from '../model/types';
import { grade, nthHint, type Feedback } from './grade';
import {
	decisiveHop,
	engineAnswer,
	fill,
	keyHops,
	scenarioValues,
	specOf,
	stepScenarioRun,
	traceValues,
	type Decisive,
	type LessonRunner,
	type ScenarioRun
} from './run';
import type { Lesson, Step } from './types';

export interface StepProgress {
	/** wrong answers so far */
	wrong: number;
	answered: boolean;
	/** the last answer given (choice id or text) */
	answer?: string;
	ran: boolean;
	/** task check attempts that failed */
	taskFails: number;
	taskDone: boolean;
}

export interface LessonProgress {
	/** the step on screen */
	current: number;
	steps: Record<string, StepProgress>;
	finished: boolean;
	/** ms since 1970, last change */
	updated: number;
}

export interface ProgressStore {
	load(lessonId: string): LessonProgress | null;
	save(lessonId: string, p: LessonProgress): void;
	clear(lessonId: string): void;
}

export const STORAGE_PREFIX = 'vnet.lesson.v1:';

/** Progress in a Web Storage (localStorage); quota or privacy errors only lose the saving. */
export function webStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null | undefined): ProgressStore {
	return {
		load(id) {
			try {
				const raw = storage?.getItem(STORAGE_PREFIX + id);
				return raw ? sanitize(JSON.parse(raw)) : null;
			} catch {
				return null;
			}
		},
		save(id, p) {
			try {
				storage?.setItem(STORAGE_PREFIX + id, JSON.stringify(p));
			} catch {
				// storage full or disabled: progress lives for this page only
			}
		},
		clear(id) {
			try {
				storage?.removeItem(STORAGE_PREFIX + id);
			} catch {
				// ignore
			}
		}
	};
}

export function memoryStore(): ProgressStore & { data: Map<string, string> } {
	const data = new Map<string, string>();
	return {
		data,
		load: (id) => (data.has(id) ? sanitize(JSON.parse(data.get(id)!)) : null),
		save: (id, p) => void data.set(id, JSON.stringify(p)),
		clear: (id) => void data.delete(id)
	};
}

/** Saved progress is user data: keep only well-formed fields. */
function sanitize(raw: unknown): LessonProgress | null {
	if (!raw || typeof raw !== 'object') return null;
	const r = raw as Record<string, unknown>;
	const steps: Record<string, StepProgress> = {};
	if (r.steps && typeof r.steps === 'object') {
		for (const [id, s] of Object.entries(r.steps as Record<string, unknown>)) {
			if (!s || typeof s !== 'object') continue;
			const x = s as Record<string, unknown>;
			steps[id] = {
				wrong: Number.isInteger(x.wrong) ? (x.wrong as number) : 0,
				answered: x.answered === true,
				answer: typeof x.answer === 'string' ? x.answer : undefined,
				ran: x.ran === true,
				taskFails: Number.isInteger(x.taskFails) ? (x.taskFails as number) : 0,
				taskDone: x.taskDone === true
			};
		}
	}
	return {
		current: Number.isInteger(r.current) && (r.current as number) >= 0 ? (r.current as number) : 0,
		steps,
		finished: r.finished === true,
		updated: typeof r.updated === 'number' ? r.updated : 0
	};
}

export function emptyProgress(): LessonProgress {
	return { current: 0, steps: {}, finished: false, updated: 0 };
}

function emptyStep(): StepProgress {
	return { wrong: 0, answered: false, ran: false, taskFails: 0, taskDone: false };
}

export type Phase = 'question' | 'run' | 'task' | 'done';

export function phaseOf(step: Step, sp: StepProgress | undefined): Phase {
	const p = sp ?? emptyStep();
	if (step.question && !p.answered) return 'question';
	if ((step.probe || step.scenario) && !p.ran) return 'run';
	if (step.task && !p.taskDone) return 'task';
	return 'done';
}

/** How many steps of a lesson are done, from saved progress. */
export function summary(lesson: Lesson, p: LessonProgress | null): { done: number; total: number; finished: boolean; started: boolean } {
	const done = p ? lesson.steps.filter((s) => phaseOf(s, p.steps[s.id]) === 'done').length : 0;
	return { done, total: lesson.steps.length, finished: !!p?.finished || done === lesson.steps.length, started: !!p && p.updated > 0 };
}

// ---- what "run it" shows -------------------------------------------------------------

export type RunOutcome =
	| {
			kind: 'probe';
			trace: Trace;
			/** the hop that decided, to point at */
			decisive: Decisive | null;
			/** NAT, rules, fragmentation and the decisive hop */
			key: Decisive[];
			values: Record<string, string>;
			explanation: string | null;
	  }
	| { kind: 'scenario'; run: ScenarioRun; values: Record<string, string>; explanation: string | null }
	| { kind: 'error'; message: string };

export interface TaskOutcome {
	passed: boolean;
	results: CheckResult[];
	/** for a failed attempt */
	hint?: string;
	/** the design does not load */
	error?: string;
}

/** A playthrough of one lesson with its saved progress. */
export class LessonSession {
	readonly lesson: Lesson;
	#store: ProgressStore;
	#p: LessonProgress;

	constructor(lesson: Lesson, store: ProgressStore) {
		this.lesson = lesson;
		this.#store = store;
		this.#p = store.load(lesson.id) ?? emptyProgress();
		if (this.#p.current >= lesson.steps.length) this.#p.current = lesson.steps.length - 1;
	}

	get progress(): LessonProgress {
		return this.#p;
	}
	get index(): number {
		return this.#p.current;
	}
	get step(): Step {
		return this.lesson.steps[this.#p.current];
	}
	stepProgress(i = this.#p.current): StepProgress {
		return this.#p.steps[this.lesson.steps[i].id] ?? emptyStep();
	}
	phase(i = this.#p.current): Phase {
		return phaseOf(this.lesson.steps[i], this.#p.steps[this.lesson.steps[i].id]);
	}
	get doneCount(): number {
		return this.lesson.steps.filter((_, i) => this.phase(i) === 'done').length;
	}
	get finished(): boolean {
		return this.#p.finished;
	}
	/** the first step not done (or the last step) */
	get frontier(): number {
		const i = this.lesson.steps.findIndex((_, k) => this.phase(k) !== 'done');
		return i < 0 ? this.lesson.steps.length - 1 : i;
	}

	#mutate(f: (sp: StepProgress) => void, i = this.#p.current) {
		const id = this.lesson.steps[i].id;
		const sp = { ...(this.#p.steps[id] ?? emptyStep()) };
		f(sp);
		this.#p = { ...this.#p, steps: { ...this.#p.steps, [id]: sp }, updated: Date.now() };
		this.#save();
	}
	#save() {
		this.#store.save(this.lesson.id, this.#p);
	}

	/** The student answers the current step's question. */
	answer(input: string): Feedback {
		const q = this.step.question;
		if (!q) return { correct: true };
		const sp = this.stepProgress();
		if (sp.answered) return { correct: true };
		const fb = grade(q, input, sp.wrong);
		if (fb.unreadable) return fb;
		this.#mutate((s) => {
			s.answer = input;
			if (fb.correct) s.answered = true;
			else s.wrong++;
		});
		return fb;
	}

	/**
	 * "Run it": the step's probe or scenario on the design as it is now
	 * (`text`, the document the student sees). Marks the step as run unless
	 * the design does not load.
	 */
	async run(text: string, file: string, runner: LessonRunner): Promise<RunOutcome> {
		const step = this.step;
		const at = this.#p.current;
		const out = await runStep(step, text, file, runner);
		if (out.kind !== 'error' && this.phase(at) === 'run') this.#mutate((s) => (s.ran = true), at);
		return out;
	}

	/** Checks the student's change: the task's checks on the design as it is now. */
	async checkTask(text: string, file: string, runner: LessonRunner): Promise<TaskOutcome> {
		const task = this.step.task;
		if (!task) return { passed: true, results: [] };
		const at = this.#p.current;
		let results: CheckResult[];
		try {
			const answer = await runner(text, file, { kind: 'checks', checks: task.checks });
			if (answer.kind === 'errors') return { passed: false, results: [], error: `The design has ${errorsText(answer.errors)}: line ${answer.errors[0].line}: ${answer.errors[0].message}` };
			if (answer.kind !== 'checks') throw new Error(`expected check results, got ${answer.kind}`);
			results = answer.results;
		} catch (e) {
			return { passed: false, results: [], error: e instanceof Error ? e.message : String(e) };
		}
		const passed = results.every((r) => r.ok);
		const fails = this.stepProgress(at).taskFails;
		this.#mutate((s) => {
			if (passed) s.taskDone = true;
			else s.taskFails++;
		}, at);
		return { passed, results, hint: passed ? undefined : nthHint(task.hints, fails + 1) };
	}

	/** The explanation without a run (a step with a question and no probe). */
	explanation(): string | null {
		return this.step.explain ? fill(this.step.explain, {}) : null;
	}

	canNext(): boolean {
		return this.phase() === 'done';
	}

	next(): boolean {
		if (!this.canNext()) return false;
		if (this.#p.current >= this.lesson.steps.length - 1) {
			this.#p = { ...this.#p, finished: true, updated: Date.now() };
			this.#save();
			return false;
		}
		this.#p = { ...this.#p, current: this.#p.current + 1, updated: Date.now() };
		this.#save();
		return true;
	}

	back(): boolean {
		if (this.#p.current === 0) return false;
		this.#p = { ...this.#p, current: this.#p.current - 1, updated: Date.now() };
		this.#save();
		return true;
	}

	/** Go to a step: any done step, or the first one not done. */
	goto(i: number): boolean {
		if (i < 0 || i >= this.lesson.steps.length || i > this.frontier) return false;
		this.#p = { ...this.#p, current: i, updated: Date.now() };
		this.#save();
		return true;
	}

	/** Forget everything about this lesson. */
	reset() {
		this.#store.clear(this.lesson.id);
		this.#p = emptyProgress();
	}
}

function errorsText(errors: Diagnostic[]): string {
	return `${errors.length} error${errors.length === 1 ? '' : 's'}`;
}

/** Runs what a step runs, on a design's text. */
export async function runStep(step: Step, text: string, file: string, runner: LessonRunner): Promise<RunOutcome> {
	try {
		if (step.probe) {
			const answer = await runner(text, file, { kind: 'probe', spec: specOf(step.probe) });
			if (answer.kind === 'errors') return designErrors(answer.errors);
			if (answer.kind !== 'probe') throw new Error(`expected a trace, got ${answer.kind}`);
			const trace = answer.trace;
			const values = traceValues(trace);
			if (step.question?.['answer-from']) values.answer = String(engineAnswer(step.question['answer-from'], trace, null) ?? 'none');
			return { kind: 'probe', trace, decisive: decisiveHop(trace), key: keyHops(trace), values, explanation: step.explain ? fill(step.explain, values) : null };
		}
		if (step.scenario) {
			const answer = await runner(text, file, { kind: 'scenario', name: step.scenario.name });
			if (answer.kind === 'errors') return designErrors(answer.errors);
			if (answer.kind !== 'scenario') throw new Error(`expected a scenario result, got ${answer.kind}`);
			const run = stepScenarioRun(answer.result, step.scenario);
			const values = scenarioValues(run);
			return { kind: 'scenario', run, values, explanation: step.explain ? fill(step.explain, values) : null };
		}
	} catch (e) {
		return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
	}
	return { kind: 'error', message: 'this step has nothing to run' };
}

function designErrors(errors: Diagnostic[]): RunOutcome {
	const e = errors[0];
	return { kind: 'error', message: `The design has ${errorsText(errors)}; fix it first (line ${e.line}: ${e.message}).` };
}
