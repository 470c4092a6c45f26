import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
		// A meta-tag CSP in the static build: scripts and workers only from this origin (SvelteKit's
		// bootstrap script by its hash), no remote origins. Styles may be inline: CodeMirror and
		// Svelte set them at run time. Images may be data:/blob: (inlined icons, exports).
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'worker-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'connect-src': ['self', 'data:'],
				'font-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		},
		typescript: {
			config(cfg) {
				cfg.include.push('../test/**/*.ts', '../src/cli/**/*.ts', '../scripts/**/*.ts', '../playwright.config.ts');
				return cfg;
			}
		}
	}
};

export default config;
