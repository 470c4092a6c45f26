import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { zodWithoutJsonSchema } from './scripts/zod-without-json-schema.mjs';

export default defineConfig({
	plugins: [zodWithoutJsonSchema(), sveltekit()],
	optimizeDeps: { include: ['comlink', 'cytoscape', 'cytoscape-fcose', 'yaml', 'zod'] },
	worker: { format: 'es' },
	test: {
		include: ['test/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 60000
	}
});
