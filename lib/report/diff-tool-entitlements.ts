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
    const where = `tool ${now.tool} of gateway ${now.gateway}`;
    // a permit with fewer conditions, or a tool with fewer forbids, allows more
    compareList(
      was.conditions,
      now.conditions,
      `${where}: condition`,
      ChangeKind.TOOL_CONDITION_REMOVED,
      ChangeKind.TOOL_CONDITION_ADDED,
      push,
    );
    compareList(
      was.forbids,
      now.forbids,
      `${where}: forbid`,
      ChangeKind.TOOL_FORBID_REMOVED,
      ChangeKind.TOOL_FORBID_ADDED,
      push,
    );
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

/** Reports what left `before` as widening (`removed`) and what joined `after` as narrowing (`added`). */
function compareList(
  before: string[],
  after: string[],
  what: string,
  removed: ChangeKind,
  added: ChangeKind,
  push: Push,
): void {
  for (const x of before.filter((b) => !after.includes(b))) push(removed, true, `${what} removed: ${x}`);
  for (const x of after.filter((a) => !before.includes(a))) push(added, false, `${what} added: ${x}`);
}

function describe(t: ToolEntitlement): string {
  return t.conditions.length > 0 ? `when ${t.conditions.join(' ')}` : 'without conditions';
}
