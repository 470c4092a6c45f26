/** A lesson as the app uses it, after loading and validation (load.ts). */
import type { Check } from '../model/types';
import type { Edit, Probe, Question } from './schema';

export type { Edit, Expect, Probe, Question, AnswerSource } from './schema';

export interface Task {
	do: string;
	/** parsed topology checks (durations in ns, bandwidths in bps) */
	checks: Check[];
	hints: string[];
	solution: Edit[];
}

export interface Step {
	id: string;
	title: string;
	text: string;
	probe?: Probe;
	scenario?: { name: string; flow: string };
	question?: Question;
	task?: Task;
	explain?: string;
	focus?: string[];
}

export interface Lesson {
	/** the script's file name without `.lesson.yaml` */
	id: string;
	file: string;
	/** the topology file's name (beside the script) */
	topologyFile: string;
	title: string;
	order: number;
	minutes: number;
	topics: string[];
	goal: string;
	needs?: string;
	steps: Step[];
}

/** A lesson together with its topology's text: everything needed to play it. */
export interface LessonBundle {
	lesson: Lesson;
	topologyText: string;
}
