// `npm test`: unit tests (vitest) then browser tests (Playwright, real
// chromium), then one closing line "N passed, N failed" over both.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

mkdirSync('.test-summary', { recursive: true });
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

let passed = 0;
let failed = 0;
let skipped = 0;

const cli = run('npm', ['run', '--silent', 'build:cli']);
if (cli !== 0) failed++;

const unitStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.test-summary/unit.json']);
if (existsSync('.test-summary/unit.json')) {
	const r = JSON.parse(readFileSync('.test-summary/unit.json', 'utf8'));
	passed += r.numPassedTests;
	failed += r.numFailedTests;
	skipped += r.numPendingTests + (r.numTodoTests ?? 0);
	if (unitStatus !== 0 && r.numFailedTests === 0) failed++; // a suite that failed to load
} else if (unitStatus !== 0) failed++;

const e2eStatus = run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: '.test-summary/e2e.json' });
if (existsSync('.test-summary/e2e.json')) {
	const r = JSON.parse(readFileSync('.test-summary/e2e.json', 'utf8'));
	passed += r.stats.expected;
	failed += r.stats.unexpected + (r.stats.flaky ?? 0) * 0;
	skipped += r.stats.skipped;
	if (e2eStatus !== 0 && r.stats.unexpected === 0) failed++;
} else if (e2eStatus !== 0) failed++;

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
