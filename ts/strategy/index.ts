/**
 * Adaptive studies (issue 14): the API `plateau run --adaptive` drives. Per wave: build a Study
 * from the store's finished runs of the grid's models (and the jobs in flight), ask `nextJobs`
 * for as many jobs as there are idle workers, train the ones with action 'train' (each with its
 * reason), and on 'wait' wait for a running job; 'stop' ends the study with its reason.
 * `intervalLine` and `combined` (→ answerLines) show the answer as it stands.
 */
export type { Decision, Score } from './choose';
export { nextJob, nextJobs } from './choose';
export { type CostModel, costModel } from './cost';
export { type ModelInterval, combined, intervalLine } from './interval';
export { DEFAULT_LADDER, FIXED_LADDER, ladder } from './ladder';
export { stopReason } from './stop';
export type { GridSize, Job, Run, Study, StrategyOptions } from './study';
export { type Replay, errors, replayAdaptive, replayFixed, replayGrid, replayLadder } from './simulate';
export { type World, worldFromRows } from './world';
