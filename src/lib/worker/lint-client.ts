/**
 * The page's side of the lint worker: one worker shared by every open
 * document, started on the first lint. Each call answers for the text it was
 * given; the caller (the editor's DocSession) drops answers for texts it no
 * longer shows. A worker that crashes fails its pending calls and is replaced
 * on the next call.
 */
import * as Comlink from 'comlink';
import type { Diagnostic } from '../model/types';
import type { LintApi } from './lint-api';

export type Linter = (text: string, file: string) => Promise<Diagnostic[]>;

let current: { worker: Worker; api: Comlink.Remote<LintApi>; died: Promise<never> } | null = null;

function start() {
	const worker = new Worker(new URL('./lint.worker.ts', import.meta.url), { type: 'module', name: 'vnet-lint' });
	let kill: (e: Error) => void = () => {};
	const died = new Promise<never>((_, reject) => (kill = reject));
	died.catch(() => {});
	const run = { worker, api: Comlink.wrap<LintApi>(worker), died };
	const onError = (ev: Event) => {
		ev.preventDefault?.();
		if (current === run) current = null;
		worker.terminate();
		kill(new Error(`the lint worker crashed${(ev as ErrorEvent).message ? ` (${(ev as ErrorEvent).message})` : ''}`));
	};
	worker.addEventListener('error', onError);
	worker.addEventListener('messageerror', onError);
	return run;
}

/** Lints a document's text in the lint worker. */
export const lintInWorker: Linter = async (text, file) => {
	// headless (Node, the unit tests): no Web Worker and no page to keep responsive, so lint here
	if (typeof Worker === 'undefined') return (await import('./lint-api')).lintText(text, file);
	current ??= start();
	const { api, died } = current;
	return Promise.race([api.lint(text, file), died]);
};
