#!/usr/bin/env node
// `npm start`: serve the built static app (build/) with no dependencies.
// 127.0.0.1:5173 by default (PORT / HOST override); if the port is busy, the
// next free one. Unknown paths fall back to index.html (single-page app).
import { createServer } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)), 'build');
const HOST = process.env.HOST || '127.0.0.1';
const FIRST_PORT = Number(process.env.PORT || 5173);
const MAX_TRIES = 20;
const EXAMPLE = 'three-tier-web';

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.cjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.gif': 'image/gif',
	'.webp': 'image/webp',
	'.ico': 'image/x-icon',
	'.wasm': 'application/wasm',
	'.txt': 'text/plain; charset=utf-8',
	'.yaml': 'text/yaml; charset=utf-8',
	'.yml': 'text/yaml; charset=utf-8',
	'.woff': 'font/woff',
	'.woff2': 'font/woff2'
};

if (!existsSync(join(ROOT, 'index.html'))) {
	console.error(`vnet: ${ROOT}/index.html not found — run \`npm run build\` first (or \`npm start\`).`);
	process.exit(1);
}

/** The file for a URL path inside build/, or null (then the SPA fallback). */
async function resolveFile(pathname) {
	let rel;
	try {
		rel = decodeURIComponent(pathname);
	} catch {
		return null;
	}
	if (rel.includes('\0')) return null;
	const full = normalize(join(ROOT, rel));
	if (full !== ROOT && !full.startsWith(ROOT + sep)) return null; // no ../ escapes
	const candidates = [full, join(full, 'index.html'), full + '.html'];
	for (const c of candidates) {
		try {
			const s = await stat(c);
			if (s.isFile()) return { path: c, size: s.size };
		} catch {
			// next candidate
		}
	}
	return null;
}

const server = createServer(async (req, res) => {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.writeHead(405, { Allow: 'GET, HEAD' }).end();
		return;
	}
	const url = new URL(req.url || '/', 'http://localhost');
	let file = await resolveFile(url.pathname);
	let status = 200;
	if (!file) {
		// a missing asset is a real 404; any other path is a client-side route
		if (/\.[a-z0-9]+$/i.test(url.pathname) && !url.pathname.endsWith('.html')) status = 404;
		file = status === 200 ? await resolveFile('/index.html') : null;
	}
	if (!file) {
		res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
		return;
	}
	const type = TYPES[extname(file.path).toLowerCase()] || 'application/octet-stream';
	const immutable = file.path.includes(`${sep}_app${sep}immutable${sep}`);
	res.writeHead(status, {
		'Content-Type': type,
		'Content-Length': file.size,
		'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
		'X-Content-Type-Options': 'nosniff'
	});
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	createReadStream(file.path)
		.on('error', () => res.destroy())
		.pipe(res);
});

function listen(port, triesLeft) {
	server.once('error', (err) => {
		if (err.code === 'EADDRINUSE' && triesLeft > 0) {
			console.log(`port ${port} is busy, trying ${port + 1}`);
			listen(port + 1, triesLeft - 1);
		} else {
			console.error(`vnet: cannot listen on ${HOST}:${port}: ${err.message}`);
			process.exit(1);
		}
	});
	server.listen(port, HOST, () => {
		const shown = HOST.includes(':') ? `[${HOST}]` : HOST;
		console.log(`vnet is running at http://${shown}:${port}/ (example: ${EXAMPLE})`);
		console.log('Press Ctrl+C to stop.');
	});
}

for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		server.close();
		process.exit(0);
	});
}

listen(FIRST_PORT, MAX_TRIES);
