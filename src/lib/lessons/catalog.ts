/**
 * The lessons shipped in /topologies/lessons, bundled into the app at build
 * time (raw text, works offline), and lessons a teacher shares as files or as
 * a link.
 */
import { loadLesson } from './load';
import type { Diagnostic } from '../model/types';
import type { LessonBundle } from './types';

const scripts = import.meta.glob('/topologies/lessons/*.lesson.{yaml,yml}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const topologies = import.meta.glob('/topologies/lessons/*.vnet.{yaml,yml,json}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const base = (path: string) => path.split('/').pop() ?? path;

function bundleAll(): { lessons: LessonBundle[]; problems: Diagnostic[] } {
	const lessons: LessonBundle[] = [];
	const problems: Diagnostic[] = [];
	const byName = new Map(Object.entries(topologies).map(([p, t]) => [base(p), t]));
	for (const [path, text] of Object.entries(scripts)) {
		const r = loadLesson(text, base(path));
		if (!r.ok) {
			problems.push(...r.errors);
			continue;
		}
		const topologyText = byName.get(r.lesson.topologyFile);
		if (topologyText === undefined) {
			problems.push({ severity: 'error', file: base(path), path: 'topology', line: 0, col: 0, message: `no topology file ${r.lesson.topologyFile} beside it` });
			continue;
		}
		lessons.push({ lesson: r.lesson, topologyText });
	}
	lessons.sort((a, b) => a.lesson.order - b.lesson.order || a.lesson.id.localeCompare(b.lesson.id));
	return { lessons, problems };
}

const all = bundleAll();

/** The built-in lessons, in order. */
export const lessons: LessonBundle[] = all.lessons;
/** Shipped lesson files that do not load (a unit test keeps this empty). */
export const lessonProblems: Diagnostic[] = all.problems;

export function findLesson(id: string | null | undefined): LessonBundle | undefined {
	return id ? lessons.find((l) => l.lesson.id === id) : undefined;
}

// ---- sharing -----------------------------------------------------------------------------

/** A teacher's lesson from two files (script + topology). */
export function bundleFromFiles(
	script: { name: string; text: string },
	topology: { name: string; text: string }
): { ok: true; bundle: LessonBundle } | { ok: false; errors: Diagnostic[] } {
	const r = loadLesson(script.text, script.name);
	if (!r.ok) return r;
	return { ok: true, bundle: { lesson: { ...r.lesson, topologyFile: topology.name }, topologyText: topology.text } };
}

interface Shared {
	v: 1;
	script: { name: string; text: string };
	topology: { name: string; text: string };
}

const toB64url = (bytes: Uint8Array) => {
	let s = '';
	for (const b of bytes) s += String.fromCharCode(b);
	return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromB64url = (s: string) => {
	const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
	return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
	const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
	return new Uint8Array(await out.arrayBuffer());
}

/** The `#lesson=` part of a link that carries a whole lesson (deflated, base64url). */
export async function encodeShare(script: { name: string; text: string }, topology: { name: string; text: string }): Promise<string> {
	const json = new TextEncoder().encode(JSON.stringify({ v: 1, script, topology } satisfies Shared));
	return toB64url(await pipe(json, new CompressionStream('deflate-raw')));
}

export async function decodeShare(data: string): Promise<ReturnType<typeof bundleFromFiles>> {
	const fail = (message: string) => ({ ok: false as const, errors: [{ severity: 'error' as const, file: 'link', path: '', line: 0, col: 0, message }] });
	let shared: Shared;
	try {
		const bytes = await pipe(fromB64url(data), new DecompressionStream('deflate-raw'));
		if (bytes.length > 2 * 1024 * 1024) return fail('the shared lesson is too large');
		shared = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		return fail('this lesson link is damaged (it could not be read)');
	}
	if (shared?.v !== 1 || typeof shared.script?.text !== 'string' || typeof shared.topology?.text !== 'string')
		return fail('this lesson link does not hold a lesson');
	return bundleFromFiles(shared.script, shared.topology);
}
