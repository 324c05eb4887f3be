import { AGENT_RUNTIME_ACTIONS, AGENT_SERVICES, PERMISSIONS_GUARDRAILS } from './permissions-guardrails';

const RUNTIME = new Set(AGENT_RUNTIME_ACTIONS.map((a) => a.toLowerCase()));

/** An Allow statement of a permissions boundary, as far as the ceiling is concerned. */
export interface BoundaryAllow {
  /** Actions as written (patterns allowed). */
  readonly actions: readonly string[];
  /** Present when the statement uses `NotAction`. */
  readonly notActions?: readonly string[];
}

/** True when an action written in a boundary's Allow stays within the agents' ceiling. */
function withinCeiling(action: string): boolean {
  const lower = action.toLowerCase();
  if (RUNTIME.has(lower)) return true;
  const [service, name] = lower.split(':');
  return name !== undefined && AGENT_SERVICES.includes(service);
}

/**
 * The permissions guardrails beyond the ceiling (see `PermissionsGuardrail.beyondCeiling`) that a role's boundary makes
 * unnecessary: a boundary whose every Allow names only services and actions of the agents' ceiling
 * refuses those services entirely, so their rails need not be attached. The entitlement report
 * and the PermissionsGuardrailsAttached rule both judge with this one function.
 */
export function guardrailsCoveredByCeiling(allows: readonly BoundaryAllow[]): string[] {
  if (allows.length === 0) return [];
  const narrow = allows.every((g) => g.notActions === undefined && g.actions.every(withinCeiling));
  return narrow ? PERMISSIONS_GUARDRAILS.filter((r) => r.beyondCeiling).map((r) => r.sid) : [];
}
