import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	optimizeDeps: { include: ['comlink', 'cytoscape', 'cytoscape-fcose', 'yaml', 'zod', 'ip-num'] },
	worker: { format: 'es' },
	test: {
		include: ['test/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 60000
	}
});
