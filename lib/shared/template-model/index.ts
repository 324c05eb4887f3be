// Internal: the one reader of synthesized templates shared by lib/checks and lib/report.
// Not re-exported from lib/index.ts.
export * from './intrinsic-value';
export * from './template-model';
export * from './agent-attribution';
