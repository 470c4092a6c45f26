/**
 * The app runs under a Content-Security-Policy without 'unsafe-eval'. zod
 * probes `Function('')` once to decide whether to compile fast object
 * parsers; under the policy the probe fails (caught) but still raises a
 * violation. The app and its worker import this first to skip the probe;
 * the CLI keeps zod's compiled parsers.
 */
import { z } from 'zod';

z.config({ jitless: true });
