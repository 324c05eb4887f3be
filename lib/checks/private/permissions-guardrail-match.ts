import { Stack } from 'aws-cdk-lib';
import { guardrailsCoveredByCeiling } from '../../identity/private/permissions-guardrail-coverage';
import { permissionsGuardrailStatements } from '../../identity/private/permissions-guardrails';
import { ConditionEntry, NormalizedStatement, statementsOf } from './policy';

interface Rail {
  readonly sid: string;
  readonly statement: NormalizedStatement;
}

let rails: Rail[] | undefined;

/** The permissions guardrails as the templates carry them (statements of the AgentBoundary and GuardRails policies). */
function permissionsGuardrails(): Rail[] {
  if (!rails) {
    const stack = new Stack();
    rails = permissionsGuardrailStatements().map((st) => {
      const json = stack.resolve(st.toStatementJson());
      return {
        sid: String(json.Sid ?? ''),
        statement: statementsOf({ Statement: [json] }, 'permissions guardrails')[0],
      };
    });
  }
  return rails;
}

/**
 * The Sids of the permissions guardrails that `statements` do not carry: for each rail, a Deny on `*` whose
 * actions include every action of the rail under exactly the rail's conditions. A deny that is
 * narrower (fewer actions, another resource, an extra or weakened condition) does not count. Given
 * the statements of the role's `boundary`, rails beyond the ceiling that it refuses are not required.
 */
export function missingPermissionsGuardrails(
  statements: NormalizedStatement[],
  boundary?: NormalizedStatement[],
): string[] {
  // Rails beyond the ceiling are not needed where the boundary allows only the agents' ceiling.
  const covered = new Set(guardrailsCoveredByCeiling((boundary ?? []).filter((s) => s.effect === 'Allow')));
  return permissionsGuardrails()
    .filter(({ sid, statement: rail }) => !covered.has(sid) && !statements.some((s) => carries(s, rail)))
    .map((r) => r.sid);
}

function carries(s: NormalizedStatement, rail: NormalizedStatement): boolean {
  if (s.effect !== 'Deny' || s.notActions || s.notResources || !s.resources.includes('*')) return false;
  const actions = new Set(s.actions.map((a) => a.toLowerCase()));
  if (!rail.actions.every((a) => actions.has(a.toLowerCase()))) return false;
  return conditionKey(s.conditions) === conditionKey(rail.conditions);
}

function conditionKey(conditions: ConditionEntry[]): string {
  return JSON.stringify(
    conditions
      .map((c) => [c.operator, c.key.toLowerCase(), [...c.values].sort()] as const)
      .sort((a, b) => `${a[0]}|${a[1]}`.localeCompare(`${b[0]}|${b[1]}`)),
  );
}
