import { ChangeKind } from './diff-entitlement-reports';
import { ToolEntitlement } from './entitlement-report-schema';

type Push = (kind: ChangeKind, widened: boolean, description: string) => void;

/**
 * Compares an agent's tools (Cedar permits at AgentCore Gateways) between two reports, per
 * gateway and tool. Widening: a new tool; a permit condition or a forbid that is gone (a permit
 * with fewer conditions permits more); a policy engine that went from `ENFORCE` to `LOG_ONLY`
 * or to none (decisions no longer enforced). The reverse changes are narrowing.
 */
export function compareTools(before: ToolEntitlement[], after: ToolEntitlement[], push: Push): void {
  const b = byTool(before);
  const a = byTool(after);
  for (const [key, now] of a) {
    const was = b.get(key);
    if (!was) {
      push(
        ChangeKind.TOOL_ADDED,
        true,
        `may call tool ${now.tool} of gateway ${now.gateway} (${now.mode}) ${describe(now)}`,
      );
      continue;
    }
    for (const c of missing(was.conditions, now.conditions)) {
      push(
        ChangeKind.TOOL_CONDITION_REMOVED,
        true,
        `tool ${now.tool} of gateway ${now.gateway}: condition removed: ${c}`,
      );
    }
    for (const c of missing(now.conditions, was.conditions)) {
      push(
        ChangeKind.TOOL_CONDITION_ADDED,
        false,
        `tool ${now.tool} of gateway ${now.gateway}: condition added: ${c}`,
      );
    }
    for (const f of missing(was.forbids, now.forbids)) {
      push(
        ChangeKind.TOOL_FORBID_REMOVED,
        true,
        `tool ${now.tool} of gateway ${now.gateway}: forbid removed: ${f}`,
      );
    }
    for (const f of missing(now.forbids, was.forbids)) {
      push(
        ChangeKind.TOOL_FORBID_ADDED,
        false,
        `tool ${now.tool} of gateway ${now.gateway}: forbid added: ${f}`,
      );
    }
    if (was.mode !== now.mode) {
      const enforcedBefore = was.mode === 'ENFORCE';
      const enforcedNow = now.mode === 'ENFORCE';
      if (enforcedBefore && !enforcedNow) {
        push(
          ChangeKind.TOOL_POLICY_LOG_ONLY,
          true,
          `tool ${now.tool} of gateway ${now.gateway}: policy engine ${was.mode} -> ${now.mode} (decisions no longer enforced)`,
        );
      } else if (!enforcedBefore && enforcedNow) {
        push(
          ChangeKind.TOOL_POLICY_ENFORCED,
          false,
          `tool ${now.tool} of gateway ${now.gateway}: policy engine ${was.mode} -> ${now.mode}`,
        );
      }
    }
  }
  for (const [key, was] of b) {
    if (!a.has(key))
      push(ChangeKind.TOOL_REMOVED, false, `no longer calls tool ${was.tool} of gateway ${was.gateway}`);
  }
}

/**
 * One entry per gateway and tool. Two permits of one tool for one agent are merged the way
 * Cedar combines them: either permits, so only conditions common to both constrain the tool.
 */
function byTool(tools: ToolEntitlement[]): Map<string, ToolEntitlement> {
  const out = new Map<string, ToolEntitlement>();
  for (const t of tools) {
    const key = `${t.gateway}|${t.tool}`;
    const seen = out.get(key);
    out.set(key, seen ? { ...seen, conditions: seen.conditions.filter((c) => t.conditions.includes(c)) } : t);
  }
  return out;
}

function missing(from: string[], in_: string[]): string[] {
  return from.filter((x) => !in_.includes(x));
}

function describe(t: ToolEntitlement): string {
  return t.conditions.length > 0 ? `when ${t.conditions.join(' ')}` : 'without conditions';
}
