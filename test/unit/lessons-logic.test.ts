/** The lesson format, grading, progress and sharing, without a browser. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLesson } from '../../src/lib/lessons/load';
import { grade, normalize, parseNumber } from '../../src/lib/lessons/grade';
import { LessonSession, memoryStore, phaseOf, summary, webStore } from '../../src/lib/lessons/progress';
import { applyEdits, parsePath } from '../../src/lib/lessons/edits';
import { decisiveHop, fill, type LessonRunner } from '../../src/lib/lessons/run';
import { createSimApi } from '../../src/lib/worker/api';
import { bundleFromFiles, decodeShare, encodeShare, findLesson, lessonProblems, lessons } from '../../src/lib/lessons/catalog';

const DIR = join(__dirname, '../../topologies/lessons');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');
/** the worker's API module in-process: what the app's worker runs */
const api = createSimApi();
const runner: LessonRunner = (text, file, job) => api.lesson(text, file, job);

const MINI = `lesson: 1
title: Mini
minutes: 3
topics: [test]
goal: Test it.
steps:
  - id: one
    title: One
    text: Ping.
    probe: { from: pc1, to: pc2 }
    question:
      ask: Works?
      choices:
        - { id: yes, text: "Yes", expect: { disposition: DELIVERED } }
        - { id: no, text: "No", hint: Look again. }
      answer: yes
      hints: [Think.]
    explain: "{verdict} at {at}"
  - id: two
    title: Two
    text: Type.
    question:
      ask: Which address?
      input: text
      answer: 192.168.10.11
      accept: [pc1]
      hints: [First hint., Second hint.]
  - id: fix
    title: Fix
    text: Fix pc3.
    task:
      do: Fix it.
      checks:
        - { from: pc1, to: pc3, expect: DELIVERED }
      hints: [Change the ip.]
      solution:
        - { set: nodes.pc3.interfaces.eth0.ip, value: 192.168.10.13/24 }
`;

describe('lesson format', () => {
	it('loads a valid script, with defaults', () => {
		const r = loadLesson(MINI, 'mini.lesson.yaml');
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.lesson.id).toBe('mini');
		expect(r.lesson.topologyFile).toBe('mini.vnet.yaml');
		expect(r.lesson.steps).toHaveLength(3);
		expect(r.lesson.steps[2].task!.checks[0]).toMatchObject({ from: 'pc1', to: 'pc3', expect: 'DELIVERED' });
	});

	it('reports errors at their line and column, with the path', () => {
		const bad = MINI.replace('answer: yes', 'answer: maybe').replace('    text: Type.', '    txet: Type.').replace('expect: DELIVERED }\n      hints', 'expect: DELIVERD }\n      hints');
		const r = loadLesson(bad, 'bad.lesson.yaml');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const by = Object.fromEntries(r.errors.map((e) => [e.path, e]));
		expect(by['steps[0].question.answer']).toMatchObject({ line: 16, col: 15, message: expect.stringContaining('one of the choice ids: yes, no') });
		expect(by['steps[1].txet']).toMatchObject({ line: 21, col: 5, message: expect.stringContaining('did you mean `text`') });
		expect(by['steps[1]'].message).toContain('missing required field `text`');
		expect(by['steps[2].task.checks[0].expect']).toMatchObject({ line: 34, message: expect.stringContaining('DELIVERED') });
	});

	it('reports YAML errors and wrong versions', () => {
		const r1 = loadLesson('lesson: 1\ntitle: [unclosed\n', 'x.lesson.yaml');
		expect(r1.ok).toBe(false);
		if (!r1.ok) expect(r1.errors[0].message).toMatch(/^YAML/);
		const r2 = loadLesson(MINI.replace('lesson: 1', 'lesson: 2'), 'x.lesson.yaml');
		expect(!r2.ok && r2.errors[0]).toMatchObject({ line: 1, message: expect.stringContaining('lesson: 1') });
		const r3 = loadLesson('', 'x.lesson.yaml');
		expect(!r3.ok && r3.errors[0].message).toContain('empty');
	});

	it('rejects a number question without a number, and choices with input', () => {
		const r = loadLesson(MINI.replace('      input: text\n      answer: 192.168.10.11', '      input: number\n      answer: abc'), 'x.lesson.yaml');
		expect(!r.ok && r.errors.map((e) => e.message).join()).toContain('needs a number');
	});
});

describe('grading', () => {
	const q = { ask: 'x', input: 'number' as const, answer: 3.609, tolerance: 0.01, unit: 's' as const, hints: ['h1', 'h2'] };
	it('reads numbers with units', () => {
		expect(parseNumber('3.61', 's')).toBe(3.61);
		expect(parseNumber('3609 ms', 's')).toBeCloseTo(3.609);
		expect(parseNumber('3,61 s', 's')).toBe(3.61);
		expect(parseNumber('1 Gbps', 'Mbps')).toBe(1000);
		expect(parseNumber('three', 's')).toBeNull();
		expect(parseNumber('3 kg', 's')).toBeNull();
	});
	it('accepts within tolerance, hints in order, never the answer', () => {
		expect(grade(q, '3.6').correct).toBe(true);
		expect(grade(q, '3609ms').correct).toBe(true);
		expect(grade(q, '4', 0)).toEqual({ correct: false, hint: 'h1' });
		expect(grade(q, '4', 1)).toEqual({ correct: false, hint: 'h2' });
		expect(grade(q, '4', 5)).toEqual({ correct: false, hint: 'h2' });
		expect(grade(q, 'soon').unreadable).toBeTruthy();
		expect(grade(q, '4', 0).hint).not.toContain('3.609');
	});
	it('normalizes text answers', () => {
		expect(normalize(' 192.168.1.20. ')).toBe('192.168.1.20');
		expect(normalize('Router 2')).toBe('router2');
	});
});

describe('progress', () => {
	const topo = read('01-switch-mac-arp.vnet.yaml');
	const lesson = (() => {
		const r = loadLesson(MINI, 'mini.lesson.yaml');
		if (!r.ok) throw new Error('mini');
		return r.lesson;
	})();

	it('walks question → run → done, task → done, and saves every step', async () => {
		const store = memoryStore();
		const s = new LessonSession(lesson, store);
		expect(s.phase()).toBe('question');
		expect(s.canNext()).toBe(false);
		expect(s.answer('no')).toEqual({ correct: false, hint: 'Look again.' });
		expect(s.stepProgress().wrong).toBe(1);
		expect(s.answer('yes').correct).toBe(true);
		expect(s.phase()).toBe('run');
		const out = await s.run(topo, 'lesson.vnet.yaml', runner);
		expect(out.kind).toBe('probe');
		if (out.kind === 'probe') {
			expect(out.explanation).toBe(`${out.trace.verdict} at pc2`);
			expect(out.decisive?.hop.node).toBe('pc2');
		}
		expect(s.phase()).toBe('done');
		expect(s.next()).toBe(true);

		// a reload continues at step 2
		const again = new LessonSession(lesson, store);
		expect(again.index).toBe(1);
		expect(again.phase(0)).toBe('done');
		expect(again.answer('10.0.0.1')).toEqual({ correct: false, hint: 'First hint.' });
		expect(again.answer('10.0.0.2')).toEqual({ correct: false, hint: 'Second hint.' });
		expect(again.answer('PC1').correct).toBe(true);
		again.next();
		expect(again.phase()).toBe('task');
		const fail = await again.checkTask(topo, 'l.vnet.yaml', runner);
		expect(fail).toMatchObject({ passed: false, hint: 'Change the ip.' });
		expect((await again.checkTask('vnet: 1\nname: [', 'l.vnet.yaml', runner)).error).toContain('error');
		const fixed = applyEdits(topo, lesson.steps[2].task!.solution);
		expect((await again.checkTask(fixed, 'l.vnet.yaml', runner)).passed).toBe(true);
		expect(again.next()).toBe(false); // last step: finishes
		expect(again.finished).toBe(true);
		expect(summary(lesson, store.load('mini'))).toMatchObject({ done: 3, total: 3, finished: true });

		again.reset();
		expect(again.index).toBe(0);
		expect(store.load('mini')).toBeNull();
	});

	it('cannot skip ahead, can go back', async () => {
		const s = new LessonSession(lesson, memoryStore());
		expect(s.goto(2)).toBe(false);
		expect(s.next()).toBe(false);
		s.answer('yes');
		await s.run(topo, 'x.vnet.yaml', runner);
		s.next();
		expect(s.back()).toBe(true);
		expect(s.goto(1)).toBe(true);
		expect(s.goto(2)).toBe(false);
	});

	it('a design with errors is reported, and the step is not marked as run', async () => {
		const s = new LessonSession(lesson, memoryStore());
		s.answer('yes');
		const out = await s.run('vnet: 1\nname: x\nnodes: { a: { kind: rooter } }\n', 'x.vnet.yaml', runner);
		expect(out.kind).toBe('error');
		expect(s.phase()).toBe('run');
	});

	it('ignores damaged saved progress', () => {
		const bad = new Map<string, string>([['vnet.lesson.v1:mini', '{"current": "x", "steps": {"one": {"answered": "yes"}}}']]);
		const storage = { getItem: (k: string) => bad.get(k) ?? null, setItem: () => {}, removeItem: () => {} };
		const s = new LessonSession(lesson, webStore(storage));
		expect(s.index).toBe(0);
		expect(phaseOf(lesson.steps[0], s.stepProgress())).toBe('question');
		const broken = { getItem: () => '{not json', setItem: () => { throw new Error('quota'); }, removeItem: () => {} };
		const t = new LessonSession(lesson, webStore(broken));
		expect(t.answer('yes').correct).toBe(true); // saving fails quietly
	});
});

describe('reading traces and editing designs', () => {
	it('points at the rule that decided', async () => {
		const r = await runner(read('07-firewalls.vnet.yaml'), 'fw.vnet.yaml', { kind: 'probe', spec: { from: 'client', to: 'db', proto: 'tcp', port: 5432 } });
		if (r.kind !== 'probe') throw new Error(`expected a trace, got ${r.kind}`);
		expect(decisiveHop(r.trace)?.hop).toMatchObject({ node: 'fw', action: 'DENIED', ref: 'nodes.fw.rules[3]' });
	});
	it('fills placeholders and leaves unknown ones', () => {
		expect(fill('{a} and {b.c} and {zz}', { a: '1', 'b.c': '2' })).toBe('1 and 2 and {zz}');
	});
	it('parses paths and keeps comments when editing', () => {
		expect(parsePath('nodes.fw.rules[3].action')).toEqual(['nodes', 'fw', 'rules', 3, 'action']);
		expect(parsePath('nodes.my-sw.interfaces.p1')).toEqual(['nodes', 'my-sw', 'interfaces', 'p1']);
		const out = applyEdits(read('03-port-forwarding.vnet.yaml'), [{ add: 'nodes.lanpc.services', value: 'tcp/80' }, { delete: 'nodes.web.label' }]);
		expect(out).toContain('# Lesson 3: port forwarding');
		expect(out).toMatch(/services: \[ ?tcp\/22, tcp\/80 ?\]/);
		expect(out).not.toContain('Web VM (NAT)');
	});
});

describe('catalog and sharing', () => {
	it('bundles the shipped lessons in order', () => {
		expect(lessonProblems).toEqual([]);
		expect(lessons.map((l) => l.lesson.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(findLesson('10-kubernetes-services')?.topologyText).toContain('node_port: 30080');
		expect(findLesson('09-vxlan-mtu')?.topologyText).toContain('segment: web');
		expect(findLesson('02-nat-bridged-host-only')?.topologyText).toContain('attach: nat');
	});
	it('round-trips a lesson through a link', async () => {
		const script = { name: 'mine.lesson.yaml', text: MINI };
		const topology = { name: 'mine-design.vnet.yaml', text: read('01-switch-mac-arp.vnet.yaml') };
		const data = await encodeShare(script, topology);
		expect(data).toMatch(/^[A-Za-z0-9_-]+$/);
		const back = await decodeShare(data);
		if (!back.ok) throw new Error('decode');
		expect(back.bundle.lesson.title).toBe('Mini');
		expect(back.bundle.lesson.topologyFile).toBe('mine-design.vnet.yaml');
		expect(back.bundle.topologyText).toBe(topology.text);
		expect((await decodeShare('AAAA')).ok).toBe(false);
		expect(bundleFromFiles({ name: 'x.lesson.yaml', text: 'lesson: 1' }, topology).ok).toBe(false);
	});
});
