// A static single-page app: prerendered shell, everything runs in the browser.
export const prerender = true;
export const ssr = false;
