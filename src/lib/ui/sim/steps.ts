/**
 * The probe's steps moved to the headless editor (editor/sim/steps.ts). This
 * re-export keeps the imports of branches written before the move (the hop
 * headers of canvas-ov) working when they merge; new code imports the editor's.
 */
export * from '$lib/editor/sim/steps';
