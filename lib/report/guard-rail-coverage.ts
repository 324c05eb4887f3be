import { AGENT_RUNTIME_ACTIONS, AGENT_SERVICES, GUARD_RAILS } from '../identity/guard-rails';
import { BoundaryEntitlement } from './entitlement-report-schema';

const RUNTIME = new Set(AGENT_RUNTIME_ACTIONS.map((a) => a.toLowerCase()));

/** True when an action written in a boundary's Allow stays within the agents' ceiling. */
function withinCeiling(action: string): boolean {
  const lower = action.toLowerCase();
  if (RUNTIME.has(lower)) return true;
  const [service, name] = lower.split(':');
  return name !== undefined && AGENT_SERVICES.includes(service);
}

/**
 * The guard rails beyond the ceiling (see `GuardRail.beyondCeiling`) that a role's boundary makes
 * unnecessary: a readable boundary whose every Allow names only services and actions of the
 * agents' ceiling refuses those services entirely, so their rails need not be attached.
 */
export function railsCoveredByCeiling(boundary: BoundaryEntitlement | null): string[] {
  if (!boundary?.readable || boundary.allows.length === 0) return [];
  const narrow = boundary.allows.every((g) => g.notActions === undefined && g.actions.every(withinCeiling));
  return narrow ? GUARD_RAILS.filter((r) => r.beyondCeiling).map((r) => r.sid) : [];
}
