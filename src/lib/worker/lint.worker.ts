/// <reference lib="webworker" />
/** The module Web Worker that lints the editor's documents off the page's thread (lint-api.ts over comlink). */
import '../model/zod-no-eval'; // before any validation: the CSP has no 'unsafe-eval'
import * as Comlink from 'comlink';
import { lintText, type LintApi } from './lint-api';

const api: LintApi = { lint: lintText };
Comlink.expose(api);
