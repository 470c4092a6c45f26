// A static single-page app: prerendered shell, everything runs in the browser.
import '$lib/model/zod-no-eval'; // before any validation: the CSP has no 'unsafe-eval'
export const prerender = true;
export const ssr = false;
