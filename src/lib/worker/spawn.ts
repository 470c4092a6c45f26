/** Starts the engine's module worker (browser only; see stack-notes: create it in onMount). */
import type { WorkerLike } from './client';

export function spawnEngineWorker(): WorkerLike {
	return new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'vnet-engine' });
}
