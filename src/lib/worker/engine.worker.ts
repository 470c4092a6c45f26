/// <reference lib="webworker" />
/**
 * The module Web Worker that runs the engine off the page's thread: it only
 * exposes the API of api.ts over comlink (see protocol.ts for the contract),
 * moving the matrix's byte arrays instead of copying them.
 */
import '../model/zod-no-eval'; // before any validation: the CSP has no 'unsafe-eval'
import * as Comlink from 'comlink';
import { createSimApi } from './api';
import { holdForever } from './liveness';
import type { MatrixProgress, SimApi } from './protocol';

const api = createSimApi({ testHooks: import.meta.env.VITE_VNET_TEST_HOOKS === '1' });

const exposed: SimApi = {
	...api,
	async matrix(opts, onProgress) {
		const send = onProgress ? (p: MatrixProgress) => onProgress(Comlink.transfer(p, [p.cells.buffer])) : undefined;
		const r = await api.matrix(opts, send);
		return Comlink.transfer(r, [r.cells.buffer]);
	},
	// the page learns of this worker's end the moment the lock is free (liveness.ts)
	hold(name) {
		if (!navigator.locks) return Promise.reject(new Error('no Web Locks in this worker'));
		return holdForever(navigator.locks, String(name));
	}
};

Comlink.expose(exposed);
