import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
		typescript: {
			config(cfg) {
				cfg.include.push('../test/**/*.ts', '../src/cli/**/*.ts', '../scripts/**/*.ts', '../playwright.config.ts');
				return cfg;
			}
		}
	}
};

export default config;
