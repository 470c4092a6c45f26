/**
 * The lesson script format (`*.lesson.yaml`, version 1), as a zod schema.
 * A lesson is a topology file plus this script beside it: the goal, then
 * steps. A step may show a probe or a scenario ("run it"), ask a question
 * (choices, a short text or a number), ask for a change to the design
 * (`task` with checks), and explain what happened.
 *
 * README.md, section "Lessons", documents every field for teachers.
 */
import { z } from 'zod';
import { strict, list } from '../model/schema-parts';
import { boolean, integer, nodeId, nodeOrAddress, number, oneOf, port, string } from '../model/fields';
import { DISPOSITIONS } from '../model/types';

const text = (what: string) => string(what).min(1, { error: 'must not be empty' });
const STEP_ID_RE = /^[a-z0-9][a-z0-9-]{0,40}$/;
const stepId = string('a step id').regex(STEP_ID_RE, { error: 'a step id is lower-case letters, digits and dashes, like `first-ping`' });

/** What a probe does: `vnet trace` options. */
export const probeSchema = strict(
	{
		from: nodeId,
		to: nodeOrAddress,
		proto: oneOf(['icmp', 'tcp', 'udp']).optional(),
		port: port().optional(),
		sport: port().optional(),
		size: integer('a payload size', 0, 65507).optional(),
		df: boolean().optional(),
		ttl: integer('ttl', 1, 255).optional()
	},
	'a probe'
).superRefine((p, ctx) => {
	const proto = p.proto ?? 'icmp';
	if (proto !== 'icmp' && p.port === undefined)
		ctx.addIssue({ code: 'custom', path: [], message: `missing required field \`port\` (a ${proto} probe needs one)` });
	if (proto === 'icmp' && p.port !== undefined)
		ctx.addIssue({ code: 'custom', path: ['port'], message: '`port` is for tcp and udp probes: add `proto: tcp` or `proto: udp`' });
});

/** A scenario of the topology to run, and the flow the step looks at. */
export const scenarioRefSchema = strict({ name: text('a scenario name'), flow: text('a flow name') }, 'a scenario reference');

/** The outcome of a probe that a choice stands for. Every field given must match the trace. */
export const expectSchema = strict(
	{
		disposition: oneOf(DISPOSITIONS).optional(),
		leg: oneOf(['request', 'reply']).optional(),
		'seen-source': string('an IPv4 address').optional(),
		'icmp-from': string('an IPv4 address').optional(),
		mtu: integer('mtu', 68, 65535).optional(),
		hops: list(string('an IPv4 address').nullable(), 'a list of addresses').optional(),
		/** the node where the probe's fate was decided (the last hop of the leg that ended it) */
		at: nodeId.optional(),
		/** the file entry that decided ("nodes.fw.rules[2]"), from a hop's ref */
		ref: text('a path in the topology, like nodes.fw.rules[2]').optional(),
		/** some hop of the trace matches all of these */
		hop: strict(
			{
				node: nodeId.optional(),
				action: text('a hop action, like FORWARDED').optional(),
				/** a piece of the hop's detail text */
				detail: text('part of a hop detail').optional(),
				/** the 802.1Q tag as the frame left (null: untagged) */
				vlan: integer('a VLAN id', 1, 4094).nullable().optional(),
				leg: oneOf(['request', 'reply']).optional()
			},
			'a hop pattern'
		).optional()
	},
	'an expected outcome'
);

const choiceSchema = strict(
	{
		id: text('a choice id'),
		text: text('the choice as the student reads it'),
		/** the probe outcome this choice claims; the drift test checks the answer's against the engine */
		expect: expectSchema.optional(),
		/** shown when a student picks this (wrong) choice */
		hint: text('a hint').optional()
	},
	'a choice'
);

/** Where a short answer comes from in the engine (the drift test compares them). */
export const ANSWER_SOURCES = ['seen-source', 'icmp-from', 'mtu', 'disposition', 'hop-count', 'failover-s', 'failover-ms', 'lost', 'goodput-mbps'] as const;
export type AnswerSource = (typeof ANSWER_SOURCES)[number];

export const questionSchema = strict(
	{
		ask: text('the question'),
		/** multiple choice: exactly one is right (`answer` is its id) */
		choices: list(choiceSchema, 'a list of choices').min(2, { error: 'a question with choices needs at least 2' }).optional(),
		/** short answers: `text` (compared without case or spaces), `number` (with `tolerance` and `unit`) */
		input: oneOf(['text', 'number']).optional(),
		answer: z.union([string('the answer'), z.number()], {
			error: (i) => (i.input === undefined ? undefined : 'expected the answer: a choice id, a text or a number')
		}),
		/** more accepted texts for `input: text` */
		accept: list(string('an accepted answer'), 'a list of accepted answers').optional(),
		tolerance: number('tolerance', 0).optional(),
		unit: oneOf(['s', 'ms', 'us', 'bytes', 'Mbps', 'Gbps', 'packets', 'hops']).optional(),
		/** which engine value the answer is: checked by the tests, shown after "run it" */
		'answer-from': oneOf(ANSWER_SOURCES).optional(),
		/** shown one at a time, after each wrong answer */
		hints: list(text('a hint'), 'a list of hints').min(1, { error: 'give at least one hint' })
	},
	'a question'
).superRefine((q, ctx) => {
	if (q.choices && q.input) ctx.addIssue({ code: 'custom', path: ['input'], message: 'a question has `choices` or `input`, not both' });
	if (!q.choices && !q.input)
		ctx.addIssue({ code: 'custom', path: [], message: 'a question needs `choices` (multiple choice) or `input: text | number` (short answer)' });
	if (q.choices) {
		const ids = q.choices.map((c) => c.id);
		ids.forEach((id, i) => {
			if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['choices', i, 'id'], message: `choice id "${id}" is used twice` });
		});
		if (!ids.includes(String(q.answer)))
			ctx.addIssue({ code: 'custom', path: ['answer'], message: `the answer must be one of the choice ids: ${ids.join(', ')}` });
	}
	if (q.input === 'number' && typeof q.answer !== 'number')
		ctx.addIssue({ code: 'custom', path: ['answer'], message: 'a number question needs a number as `answer`' });
	if (q.input !== 'number' && (q.tolerance !== undefined || q.unit !== undefined))
		ctx.addIssue({ code: 'custom', path: [q.tolerance !== undefined ? 'tolerance' : 'unit'], message: '`tolerance` and `unit` are for `input: number`' });
});

/** One edit of the topology: `set` a value, `add` an item to a list, `delete` a key. Paths are dotted: nodes.hv1.nat.forwards */
export const editSchema = strict(
	{
		set: text('a path').optional(),
		add: text('a path').optional(),
		delete: text('a path').optional(),
		value: z.unknown().optional()
	},
	'an edit'
).superRefine((e, ctx) => {
	const ops = [e.set, e.add, e.delete].filter((x) => x !== undefined).length;
	if (ops !== 1) ctx.addIssue({ code: 'custom', path: [], message: 'an edit has exactly one of `set`, `add`, `delete`' });
	if ((e.set !== undefined || e.add !== undefined) && e.value === undefined)
		ctx.addIssue({ code: 'custom', path: ['value'], message: 'missing required field `value`' });
});

export const taskSchema = strict(
	{
		/** what to change, for the student */
		do: text('what the student should change'),
		/** topology checks (the `checks:` format) that pass once the change is right */
		checks: list(z.unknown(), 'a list of checks').min(1, { error: 'a task needs at least one check' }),
		hints: list(text('a hint'), 'a list of hints').min(1, { error: 'give at least one hint' }),
		/** the change itself, as edits: used by the tests (and by teachers reading the file) */
		solution: list(editSchema, 'a list of edits').min(1, { error: 'a task needs a solution' })
	},
	'a task'
);

export const stepSchema = strict(
	{
		id: stepId,
		title: text('a step title'),
		/** what to look at, for the student (plain text; blank lines separate paragraphs) */
		text: text('the step text'),
		probe: probeSchema.optional(),
		scenario: scenarioRefSchema.optional(),
		question: questionSchema.optional(),
		task: taskSchema.optional(),
		/** after "run it" (or the answer): why. `{verdict}`, `{seen-source}`, `{icmp-from}`, `{mtu}`, `{at}`, `{failover-s}`... are filled from the run */
		explain: text('the explanation').optional(),
		/** nodes to highlight on the canvas */
		focus: list(nodeId, 'a list of node ids').optional()
	},
	'a step'
).superRefine((s, ctx) => {
	if (s.probe && s.scenario) ctx.addIssue({ code: 'custom', path: ['scenario'], message: 'a step runs a `probe` or a `scenario`, not both' });
});

export const lessonSchema = strict(
	{
		lesson: z.literal(1, {
			error: (i) =>
				i.input === undefined
					? 'missing required field `lesson` (the format version: `lesson: 1`)'
					: 'unsupported lesson format version: this vnet reads `lesson: 1`'
		}),
		title: text('a title'),
		/** the topology file beside this script (default: same name with .vnet.yaml) */
		topology: text('a topology file name').optional(),
		/** position in the list of lessons */
		order: integer('order', 0).optional(),
		minutes: integer('minutes', 1, 240),
		topics: list(text('a topic'), 'a list of topics').min(1, { error: 'give at least one topic' }),
		/** one or two sentences: what the student will be able to explain */
		goal: text('the goal'),
		/** what the student should know before */
		needs: text('prerequisites').optional(),
		steps: list(stepSchema, 'a list of steps').min(1, { error: 'a lesson needs at least one step' })
	},
	'a lesson'
).superRefine((l, ctx) => {
	const ids = l.steps.map((s) => s.id);
	ids.forEach((id, i) => {
		if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step id "${id}" is used twice` });
	});
});

export type LessonScriptInput = z.input<typeof lessonSchema>;
export type Probe = z.output<typeof probeSchema>;
export type Expect = z.output<typeof expectSchema>;
export type Question = z.output<typeof questionSchema>;
export type Edit = z.output<typeof editSchema>;
