import { AppIndex } from './app-index';

/** What every rule function gets besides the resource: the app index and the pack's limits. */
export interface CheckContext {
  /** Resolved resources of the whole app, built once per validation run. */
  readonly index: AppIndex;
  /** Longest session an agent role may allow, in seconds. */
  readonly maxSessionDurationSeconds: number;
  /** Longest rotation interval of a secret an agent reads, in days. */
  readonly maxSecretRotationDays: number;
  /** Whether every agent that may invoke models must be pinned to a guardrail. */
  readonly requireGuardrail: boolean;
}
