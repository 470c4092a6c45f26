/** Design lint: the public entry points (the rules are in ./lint/). */
export { lintTopology, LINT_RULES, referenceErrors, type LintContext } from './lint/index';
