import { compareCredentials } from './diff-credential-entitlements';
import { matchesPattern } from './iam-pattern';
import {
  AgentEntitlementRecord,
  BoundaryEntitlement,
  ConditionMap,
  DenyEntitlement,
  EntitlementReportJson,
  ScopedGrant,
  SecretRotationInfo,
} from './entitlement-report-schema';
import { compareTools } from './diff-tool-entitlements';

/** What changed between two entitlement reports. */
export enum ChangeKind {
  AGENT_ADDED = 'agent-added',
  AGENT_REMOVED = 'agent-removed',
  STORE_ADDED = 'store-added',
  STORE_REMOVED = 'store-removed',
  MODEL_ADDED = 'model-added',
  MODEL_REMOVED = 'model-removed',
  SECRET_ADDED = 'secret-added',
  SECRET_REMOVED = 'secret-removed',
  PERMISSION_ADDED = 'permission-added',
  PERMISSION_REMOVED = 'permission-removed',
  RESOURCE_POLICY_GRANT_ADDED = 'resource-policy-grant-added',
  RESOURCE_POLICY_GRANT_REMOVED = 'resource-policy-grant-removed',
  ACTION_ADDED = 'action-added',
  ACTION_REMOVED = 'action-removed',
  CONDITION_LOOSENED = 'condition-loosened',
  CONDITION_TIGHTENED = 'condition-tightened',
  TRUST_PRINCIPAL_ADDED = 'trust-principal-added',
  TRUST_PRINCIPAL_REMOVED = 'trust-principal-removed',
  TRUST_CONDITION_LOOSENED = 'trust-condition-loosened',
  TRUST_CONDITION_TIGHTENED = 'trust-condition-tightened',
  CLEARANCE_RAISED = 'clearance-raised',
  CLEARANCE_LOWERED = 'clearance-lowered',
  TENANT_REMOVED = 'tenant-removed',
  TENANT_CHANGED = 'tenant-changed',
  TENANT_ADDED = 'tenant-added',
  SESSION_LENGTHENED = 'session-lengthened',
  SESSION_SHORTENED = 'session-shortened',
  PERMISSIONS_GUARDRAIL_REMOVED = 'permissions-guardrail-removed',
  PERMISSIONS_GUARDRAIL_WEAKENED = 'permissions-guardrail-weakened',
  PERMISSIONS_GUARDRAIL_ADDED = 'permissions-guardrail-added',
  GUARDRAIL_PIN_REMOVED = 'guardrail-pin-removed',
  BOUNDARY_REMOVED = 'boundary-removed',
  BOUNDARY_WIDENED = 'boundary-widened',
  BOUNDARY_ADDED = 'boundary-added',
  BOUNDARY_NARROWED = 'boundary-narrowed',
  MANAGED_POLICY_ATTACHED = 'managed-policy-attached',
  MANAGED_POLICY_DETACHED = 'managed-policy-detached',
  ROTATION_REMOVED = 'rotation-removed',
  ROTATION_LENGTHENED = 'rotation-lengthened',
  ROTATION_CHANGED = 'rotation-changed',
  AUDIT_REMOVED = 'audit-removed',
  AUDIT_CHANGED = 'audit-changed',
  FINDING_ACKNOWLEDGED = 'finding-acknowledged',
  ACKNOWLEDGEMENT_REMOVED = 'acknowledgement-removed',
  ACKNOWLEDGEMENT_REASON_CHANGED = 'acknowledgement-reason-changed',
  ACKNOWLEDGEMENT_MOVED = 'acknowledgement-moved',
  OWNER_CHANGED = 'owner-changed',
  TOOL_ADDED = 'tool-added',
  TOOL_REMOVED = 'tool-removed',
  TOOL_CONDITION_REMOVED = 'tool-condition-removed',
  TOOL_CONDITION_ADDED = 'tool-condition-added',
  TOOL_FORBID_REMOVED = 'tool-forbid-removed',
  TOOL_FORBID_ADDED = 'tool-forbid-added',
  TOOL_POLICY_LOG_ONLY = 'tool-policy-log-only',
  TOOL_POLICY_ENFORCED = 'tool-policy-enforced',
  WORKLOAD_IDENTITY_ADDED = 'workload-identity-added',
  WORKLOAD_IDENTITY_REMOVED = 'workload-identity-removed',
  WORKLOAD_TOKEN_ACTION_ADDED = 'workload-token-action-added',
  WORKLOAD_TOKEN_ACTION_REMOVED = 'workload-token-action-removed',
  CREDENTIAL_PROVIDER_ADDED = 'credential-provider-added',
  CREDENTIAL_PROVIDER_REMOVED = 'credential-provider-removed',
  CREDENTIAL_SCOPE_ADDED = 'credential-scope-added',
  CREDENTIAL_SCOPE_REMOVED = 'credential-scope-removed',
  WEB_IDENTITY_AUDIENCE_ADDED = 'web-identity-audience-added',
  WEB_IDENTITY_AUDIENCE_REMOVED = 'web-identity-audience-removed',
  WEB_IDENTITY_DURATION_LENGTHENED = 'web-identity-duration-lengthened',
  WEB_IDENTITY_DURATION_SHORTENED = 'web-identity-duration-shortened',
  INBOUND_CALLERS_WIDENED = 'inbound-callers-widened',
  INBOUND_CALLERS_NARROWED = 'inbound-callers-narrowed',
  USER_DELEGATION_ADDED = 'user-delegation-added',
  USER_DELEGATION_REMOVED = 'user-delegation-removed',
  USER_DELEGATION_CHANGED = 'user-delegation-changed',
}

/** One change of one agent's entitlements. */
export interface EntitlementChange {
  /** The agent (its `ai:agent` name; `name@stack` when a name repeats across stacks). */
  readonly agent: string;
  /** What kind of change. */
  readonly kind: ChangeKind;
  /**
   * True when the change lets the agent do more, or do it with fewer controls: new access, looser
   * trust or conditions, higher clearance, longer session, a removed permissions guardrail, boundary,
   * guardrail pin, rotation or audit coverage, or a newly acknowledged finding.
   */
  readonly widened: boolean;
  /** One line for people. */
  readonly description: string;
}

/** The result of comparing two reports. */
export interface EntitlementDiff {
  /** Every change, grouped by agent (in name order), widening changes first within an agent. */
  readonly changes: EntitlementChange[];
  /** True when any change widened access. */
  readonly widened: boolean;
}

const CLEARANCE_LADDER = ['public', 'internal', 'confidential', 'restricted'];

/**
 * Compares a baseline report with a new one and says, per agent, what changed and whether it
 * widened access. Pure: reads only its arguments.
 *
 * A grant of the new report is "not wider" when a baseline grant covers it: its action and
 * resource patterns match (IAM wildcards), and every condition of the baseline grant is implied by
 * the new grant's conditions. Anything not covered is widening; anything of the baseline no longer
 * covered is narrowing.
 */
export function diffEntitlementReports(
  baseline: EntitlementReportJson,
  current: EntitlementReportJson,
): EntitlementDiff {
  const before = byAgent(baseline.agents);
  const after = byAgent(current.agents);
  const changes: EntitlementChange[] = [];
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    const agentChanges: EntitlementChange[] = [];
    const push = (kind: ChangeKind, widened: boolean, description: string) =>
      agentChanges.push({ agent: name, kind, widened, description });
    if (!b && a) {
      push(ChangeKind.AGENT_ADDED, true, `new agent in stack ${a.stackName}: ${summarize(a)}`);
    } else if (b && !a) {
      push(ChangeKind.AGENT_REMOVED, false, `agent removed (was in stack ${b.stackName})`);
    } else if (a && b) {
      compareAgent(b, a, push);
    }
    agentChanges.sort((x, y) => Number(y.widened) - Number(x.widened));
    changes.push(...agentChanges);
  }
  return { changes, widened: changes.some((c) => c.widened) };
}

type Push = (kind: ChangeKind, widened: boolean, description: string) => void;

function compareAgent(b: AgentEntitlementRecord, a: AgentEntitlementRecord, push: Push): void {
  compareTrust(b, a, push);
  compareAttributes(b, a, push);
  compareAccess(atomsOf(b), atomsOf(a), push);
  compareDenies(b.denies, a.denies, '', push);
  compareBoundary(b.permissionsBoundary, a.permissionsBoundary, push);
  compareManagedPolicies(b, a, push);
  compareRotation(b, a, push);
  compareAudit(b, a, push);
  compareAcknowledgements(b, a, push);
  compareTools(b.tools ?? [], a.tools ?? [], push);
  for (const c of compareCredentials(b.credentials, a.credentials))
    push(c.kind as ChangeKind, c.widened, c.description);
}

function compareAttributes(b: AgentEntitlementRecord, a: AgentEntitlementRecord, push: Push): void {
  if (b.clearance !== a.clearance) {
    const rb = CLEARANCE_LADDER.indexOf(b.clearance ?? '');
    const ra = CLEARANCE_LADDER.indexOf(a.clearance ?? '');
    const what = `clearance ${show(b.clearance)} → ${show(a.clearance)}`;
    if (rb >= 0 && ra >= 0 && ra < rb) push(ChangeKind.CLEARANCE_LOWERED, false, what);
    else push(ChangeKind.CLEARANCE_RAISED, true, what);
  }
  if (b.tenant !== a.tenant) {
    const what = `tenant ${show(b.tenant)} → ${show(a.tenant)}`;
    if (a.tenant === null)
      push(ChangeKind.TENANT_REMOVED, true, `${what}: the agent no longer is confined to one tenant`);
    else if (b.tenant === null) push(ChangeKind.TENANT_ADDED, false, what);
    else push(ChangeKind.TENANT_CHANGED, true, `${what}: the agent reaches another tenant's data`);
  }
  if (b.maxSessionDurationSeconds !== a.maxSessionDurationSeconds) {
    const what = `max session ${show(b.maxSessionDurationSeconds)} s → ${show(a.maxSessionDurationSeconds)} s`;
    const shorter =
      a.maxSessionDurationSeconds !== null &&
      b.maxSessionDurationSeconds !== null &&
      a.maxSessionDurationSeconds < b.maxSessionDurationSeconds;
    push(shorter ? ChangeKind.SESSION_SHORTENED : ChangeKind.SESSION_LENGTHENED, !shorter, what);
  }
  if (b.owner !== a.owner) push(ChangeKind.OWNER_CHANGED, false, `owner ${show(b.owner)} → ${show(a.owner)}`);
}

// ---------------------------------------------------------------------------------------------
// Allow statements

interface Atom {
  readonly category: string;
  /** The entry (store, model, secret) the grant is on; for other permissions the action's service. */
  readonly entry: string;
  readonly action: string;
  readonly resource: string;
  readonly conditions: ConditionMap;
}

function atomsOf(agent: AgentEntitlementRecord): Atom[] {
  const atoms: Atom[] = [];
  const add = (category: string, entry: string | undefined, grants: ScopedGrant[]) => {
    for (const g of grants) {
      const actions = g.notActions ? [`NotAction:${JSON.stringify(g.notActions)}`] : g.actions;
      for (const action of actions) {
        for (const resource of g.resources) {
          const service = action.includes(':') ? action.split(':')[0].toLowerCase() : action;
          atoms.push({ category, entry: entry ?? service, action, resource, conditions: g.conditions ?? {} });
        }
      }
    }
  };
  for (const d of agent.dataStores) add('data store', `${d.service} ${d.store}`, d.grants);
  for (const m of agent.models) add(`${m.kind}`, m.resource, m.grants);
  for (const s of agent.secrets) add('secret', s.secret, s.grants);
  add('permission', undefined, agent.otherPermissions);
  for (const g of agent.resourcePolicyGrants ?? []) add(RESOURCE_POLICY, g.sourceResource, [g]);
  return atoms;
}

function compareAccess(before: Atom[], after: Atom[], push: Push, boundary = false): void {
  const entriesBefore = new Set(before.map((x) => `${x.category}|${x.entry}`));
  const entriesAfter = new Set(after.map((x) => `${x.category}|${x.entry}`));
  report(
    after.filter((n) => !before.some((b) => covers(b, n))),
    (n) => entriesBefore.has(`${n.category}|${n.entry}`),
    (n) => before.some((b) => sameReach(b, n)),
    true,
  );
  report(
    before.filter((b) => !after.some((n) => covers(n, b))),
    (b) => entriesAfter.has(`${b.category}|${b.entry}`),
    (b) => after.some((n) => sameReach(n, b)),
    false,
  );

  function report(
    atoms: Atom[],
    entryKnown: (x: Atom) => boolean,
    reachKnown: (x: Atom) => boolean,
    widened: boolean,
  ) {
    const groups = new Map<string, { kind: ChangeKind; category: string; entry: string; atoms: Atom[] }>();
    for (const x of atoms) {
      const kind = boundary
        ? widened
          ? ChangeKind.BOUNDARY_WIDENED
          : ChangeKind.BOUNDARY_NARROWED
        : !entryKnown(x)
          ? entryKind(x.category, widened)
          : reachKnown(x)
            ? widened
              ? ChangeKind.CONDITION_LOOSENED
              : ChangeKind.CONDITION_TIGHTENED
            : widened
              ? ChangeKind.ACTION_ADDED
              : ChangeKind.ACTION_REMOVED;
      const key = `${kind}|${x.category}|${x.entry}`;
      if (!groups.has(key)) groups.set(key, { kind, category: x.category, entry: x.entry, atoms: [] });
      groups.get(key)!.atoms.push(x);
    }
    for (const g of groups.values())
      push(g.kind, widened, describeAtoms(g.kind, g.category, g.entry, g.atoms));
  }
}

/** Category of the atoms of grants made by resource policies; their entry is the resource holding the policy. */
const RESOURCE_POLICY = 'resource policy';

function entryKind(category: string, widened: boolean): ChangeKind {
  if (category === RESOURCE_POLICY) {
    return widened ? ChangeKind.RESOURCE_POLICY_GRANT_ADDED : ChangeKind.RESOURCE_POLICY_GRANT_REMOVED;
  }
  if (category === 'data store') return widened ? ChangeKind.STORE_ADDED : ChangeKind.STORE_REMOVED;
  if (category === 'secret') return widened ? ChangeKind.SECRET_ADDED : ChangeKind.SECRET_REMOVED;
  if (category === 'permission') return widened ? ChangeKind.PERMISSION_ADDED : ChangeKind.PERMISSION_REMOVED;
  return widened ? ChangeKind.MODEL_ADDED : ChangeKind.MODEL_REMOVED;
}

function describeAtoms(kind: ChangeKind, category: string, entry: string, atoms: Atom[]): string {
  const actions = [...new Set(atoms.map((x) => x.action))].sort().join(', ');
  const resources = [...new Set(atoms.map((x) => x.resource))].sort();
  const on = resources.length === 1 && resources[0] === entry ? '' : ` on ${resources.join(', ')}`;
  const conds = [...new Set(atoms.map((x) => showConditions(x.conditions)))].join(' / ');
  const verb: Partial<Record<ChangeKind, string>> = {
    [ChangeKind.STORE_ADDED]: 'new data store',
    [ChangeKind.STORE_REMOVED]: 'data store removed',
    [ChangeKind.SECRET_ADDED]: 'new secret',
    [ChangeKind.SECRET_REMOVED]: 'secret removed',
    [ChangeKind.MODEL_ADDED]: `new ${category}`,
    [ChangeKind.MODEL_REMOVED]: `${category} removed`,
    [ChangeKind.PERMISSION_ADDED]: 'new permission',
    [ChangeKind.PERMISSION_REMOVED]: 'permission removed',
    [ChangeKind.RESOURCE_POLICY_GRANT_ADDED]: 'new grant by the resource policy of',
    [ChangeKind.RESOURCE_POLICY_GRANT_REMOVED]: 'grant removed from the resource policy of',
    [ChangeKind.ACTION_ADDED]: `new actions on ${category}`,
    [ChangeKind.ACTION_REMOVED]: `actions removed from ${category}`,
    [ChangeKind.CONDITION_LOOSENED]: `conditions loosened on ${category}`,
    [ChangeKind.CONDITION_TIGHTENED]: `conditions tightened on ${category}`,
    [ChangeKind.BOUNDARY_WIDENED]: 'permissions boundary now allows more',
    [ChangeKind.BOUNDARY_NARROWED]: 'permissions boundary now allows less',
  };
  return `${verb[kind] ?? kind} ${entry}: ${actions}${on} (conditions: ${conds})`;
}

/** `outer` allows at least what `inner` allows. */
function covers(outer: Atom, inner: Atom): boolean {
  return sameReach(outer, inner) && implies(inner.conditions, outer.conditions);
}

/** `outer`'s action and resource patterns cover `inner`'s, conditions aside. */
function sameReach(outer: Atom, inner: Atom): boolean {
  return (
    matchesPattern(inner.action.toLowerCase(), outer.action.toLowerCase()) &&
    matchesPattern(inner.resource, outer.resource)
  );
}

/**
 * Whether conditions `strong` imply every requirement of `weak` (so a grant under `strong`
 * allows no more than one under `weak`).
 */
export function implies(strong: ConditionMap, weak: ConditionMap): boolean {
  for (const [op, keys] of Object.entries(weak ?? {})) {
    for (const [key, weakValues] of Object.entries(keys)) {
      const strongValues = lookup(strong, op, key);
      if (strongValues === undefined) return false;
      if (!valuesImply(op, strongValues, weakValues)) return false;
    }
  }
  return true;
}

function lookup(conditions: ConditionMap, op: string, key: string): string[] | undefined {
  const byOp = conditions?.[op];
  if (!byOp) return undefined;
  const match = Object.keys(byOp).find((k) => k.toLowerCase() === key.toLowerCase());
  return match !== undefined ? byOp[match] : undefined;
}

function valuesImply(op: string, strong: string[], weak: string[]): boolean {
  const base = op.replace(/^For(All|Any)Values:/, '').replace(/IfExists$/, '');
  const positive = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/.test(
    base,
  );
  const negative =
    /^(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike|NotIpAddress)$/.test(
      base,
    );
  if (positive) return strong.every((v) => weak.includes(v)); // fewer allowed values: narrower
  if (negative) return weak.every((v) => strong.includes(v)); // more excluded values: narrower
  return strong.length === weak.length && strong.every((v) => weak.includes(v));
}

// ---------------------------------------------------------------------------------------------
// Trust

interface TrustAtom {
  readonly principal: string;
  readonly action: string;
  readonly conditions: ConditionMap;
}

function trustAtoms(agent: AgentEntitlementRecord): TrustAtom[] {
  return agent.trust.flatMap((t) =>
    t.principals.flatMap((principal) =>
      t.actions.map((action) => ({ principal, action, conditions: t.conditions ?? {} })),
    ),
  );
}

function compareTrust(b: AgentEntitlementRecord, a: AgentEntitlementRecord, push: Push): void {
  const before = trustAtoms(b);
  const after = trustAtoms(a);
  const principalCovers = (outer: string, inner: string) => outer === '*' || outer === inner;
  const reach = (o: TrustAtom, i: TrustAtom) =>
    principalCovers(o.principal, i.principal) &&
    matchesPattern(i.action.toLowerCase(), o.action.toLowerCase());
  const cover = (o: TrustAtom, i: TrustAtom) => reach(o, i) && implies(i.conditions, o.conditions);
  for (const n of after.filter((n) => !before.some((o) => cover(o, n)))) {
    if (!before.some((o) => reach(o, n))) {
      push(
        ChangeKind.TRUST_PRINCIPAL_ADDED,
        true,
        `${n.principal} may now ${n.action} (conditions: ${showConditions(n.conditions)})`,
      );
    } else {
      push(
        ChangeKind.TRUST_CONDITION_LOOSENED,
        true,
        `${n.principal} may ${n.action} under looser conditions: ${showConditions(n.conditions)}`,
      );
    }
  }
  for (const o of before.filter((o) => !after.some((n) => cover(n, o)))) {
    if (!after.some((n) => reach(n, o))) {
      push(ChangeKind.TRUST_PRINCIPAL_REMOVED, false, `${o.principal} may no longer ${o.action}`);
    } else {
      push(
        ChangeKind.TRUST_CONDITION_TIGHTENED,
        false,
        `${o.principal} may ${o.action} only under tighter conditions`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Denies, boundary, managed policies

function compareDenies(before: DenyEntitlement[], after: DenyEntitlement[], where: string, push: Push): void {
  const key = (d: DenyEntitlement) =>
    d.sid ? `sid:${d.sid}` : JSON.stringify([d.actions, d.notActions, d.resources, d.conditions]);
  const afterByKey = new Map(after.map((d) => [key(d), d]));
  const beforeKeys = new Set(before.map(key));
  for (const d of before) {
    const n = afterByKey.get(key(d));
    const name = `${d.sid ? `permissions guardrail ${d.sid}` : `deny of ${d.actions.join(', ')}`}${where}`;
    if (!n) {
      const pin = JSON.stringify(d.conditions).toLowerCase().includes('bedrock:guardrailidentifier');
      push(
        pin ? ChangeKind.GUARDRAIL_PIN_REMOVED : ChangeKind.PERMISSIONS_GUARDRAIL_REMOVED,
        true,
        `${name} removed`,
      );
    } else if (!denyCovers(n, d)) {
      push(ChangeKind.PERMISSIONS_GUARDRAIL_WEAKENED, true, `${name} now denies less`);
    }
  }
  for (const d of after) {
    if (!beforeKeys.has(key(d))) {
      push(
        ChangeKind.PERMISSIONS_GUARDRAIL_ADDED,
        false,
        `${d.sid ? `permissions guardrail ${d.sid}` : `deny of ${d.actions.join(', ')}`}${where} added`,
      );
    }
  }
}

/** Whether deny `strong` denies at least what `weak` denied. */
function denyCovers(strong: DenyEntitlement, weak: DenyEntitlement): boolean {
  if (strong.notActions || weak.notActions) return JSON.stringify(strong) === JSON.stringify(weak);
  const all = (inner: string[], outer: string[], ci: boolean) =>
    inner.every((i) =>
      outer.some((o) => (ci ? matchesPattern(i.toLowerCase(), o.toLowerCase()) : matchesPattern(i, o))),
    );
  return (
    all(weak.actions, strong.actions, true) &&
    all(weak.resources, strong.resources, false) &&
    implies(weak.conditions, strong.conditions)
  );
}

function compareBoundary(b: BoundaryEntitlement | null, a: BoundaryEntitlement | null, push: Push): void {
  if (b && !a) {
    push(ChangeKind.BOUNDARY_REMOVED, true, `permissions boundary ${b.policy} removed`);
    return;
  }
  if (!b && a) {
    push(ChangeKind.BOUNDARY_ADDED, false, `permissions boundary ${a.policy} added`);
    return;
  }
  if (!a || !b) return;
  if (b.readable && !a.readable) {
    push(
      ChangeKind.BOUNDARY_WIDENED,
      true,
      `permissions boundary is now ${a.policy}, whose document is not in the templates`,
    );
    return;
  }
  if (!a.readable || !b.readable) {
    if (a.policy !== b.policy)
      push(ChangeKind.BOUNDARY_WIDENED, true, `permissions boundary ${b.policy} → ${a.policy}`);
    return;
  }
  const toAtoms = (x: BoundaryEntitlement): Atom[] =>
    x.allows.flatMap((g) =>
      (g.notActions ? [`NotAction:${JSON.stringify(g.notActions)}`] : g.actions).flatMap((action) =>
        g.resources.map((resource) => ({
          category: 'boundary',
          entry: 'boundary',
          action,
          resource,
          conditions: g.conditions,
        })),
      ),
    );
  compareAccess(toAtoms(b), toAtoms(a), push, true);
  compareDenies(b.denies, a.denies, ' (boundary)', push);
}

function compareManagedPolicies(b: AgentEntitlementRecord, a: AgentEntitlementRecord, push: Push): void {
  const opaque = (x: AgentEntitlementRecord) =>
    new Set(x.managedPolicies.filter((p) => !p.readable).map((p) => p.policy));
  const before = opaque(b);
  const after = opaque(a);
  for (const p of after) {
    if (!before.has(p))
      push(
        ChangeKind.MANAGED_POLICY_ATTACHED,
        true,
        `managed policy ${p} attached (its document is not in the templates)`,
      );
  }
  for (const p of before)
    if (!after.has(p)) push(ChangeKind.MANAGED_POLICY_DETACHED, false, `managed policy ${p} detached`);
}

// ---------------------------------------------------------------------------------------------
// Rotation, audit, acknowledgements

function compareRotation(b: AgentEntitlementRecord, a: AgentEntitlementRecord, push: Push): void {
  for (const s of a.secrets) {
    const old = b.secrets.find((x) => x.secret === s.secret);
    if (!old || !old.rotation) continue;
    if (!s.rotation) {
      push(ChangeKind.ROTATION_REMOVED, true, `secret ${s.secret} is no longer rotated`);
    } else if ((rotationDays(s.rotation) ?? 0) > (rotationDays(old.rotation) ?? Infinity)) {
      push(
        ChangeKind.ROTATION_LENGTHENED,
        true,
        `secret ${s.secret} rotates every ${rotationDays(s.rotation)} days (was ${rotationDays(old.rotation)})`,
      );
    } else if (JSON.stringify(old.rotation) !== JSON.stringify(s.rotation)) {
      push(ChangeKind.ROTATION_CHANGED, false, `rotation of secret ${s.secret} changed`);
    }
  }
}

/** Days between rotations, from `automaticallyAfterDays` or a `rate(...)` expression. */
function rotationDays(r: SecretRotationInfo): number | undefined {
  if (r.automaticallyAfterDays !== undefined) return r.automaticallyAfterDays;
  const m = /^rate\((\d+) (day|days|hour|hours)\)$/.exec(r.scheduleExpression ?? '');
  if (!m) return undefined;
  return m[2].startsWith('day') ? Number(m[1]) : Number(m[1]) / 24;
}

function compareAudit(b: AgentEntitlementRecord, a: AgentEntitlementRecord, push: Push): void {
  const before = b.auditTrails.map((t) => t.trail);
  const after = a.auditTrails.map((t) => t.trail);
  if (before.length > 0 && after.length === 0) {
    push(ChangeKind.AUDIT_REMOVED, true, `no trail records the agent any more (was ${before.join(', ')})`);
  } else if (JSON.stringify([...before].sort()) !== JSON.stringify([...after].sort())) {
    push(
      ChangeKind.AUDIT_CHANGED,
      false,
      `recorded by ${after.join(', ') || 'no trail'} (was ${before.join(', ') || 'no trail'})`,
    );
  }
}

/**
 * Compares acknowledgements by rule id: the same finding acknowledged at another place of the
 * agent's tree (e.g. its grants moved into a policy shared with identical agents) is a move, not a
 * new acknowledgement — it covers the agent no more than before.
 */
function compareAcknowledgements(b: AgentEntitlementRecord, a: AgentEntitlementRecord, push: Push): void {
  const before = byRule(b.acknowledgedFindings);
  const after = byRule(a.acknowledgedFindings);
  for (const [ruleId, now] of after) {
    const old = before.get(ruleId);
    if (!old) {
      for (const f of now)
        push(
          ChangeKind.FINDING_ACKNOWLEDGED,
          true,
          `finding ${ruleId} acknowledged at ${f.acknowledgedAt || '(app)'}: ${f.reason}`,
        );
      continue;
    }
    const oldReasons = new Set(old.map((f) => f.reason));
    const changed = now.find((f) => !oldReasons.has(f.reason));
    if (changed) {
      push(
        ChangeKind.ACKNOWLEDGEMENT_REASON_CHANGED,
        false,
        `reason for ${ruleId} is now: ${changed.reason}`,
      );
    }
    const places = (fs: AgentEntitlementRecord['acknowledgedFindings']) =>
      [...new Set(fs.map((f) => f.acknowledgedAt || '(app)'))].sort().join(', ');
    if (places(now) !== places(old)) {
      push(
        ChangeKind.ACKNOWLEDGEMENT_MOVED,
        false,
        `acknowledgement of ${ruleId} now at ${places(now)} (was ${places(old)})`,
      );
    }
  }
  for (const ruleId of before.keys()) {
    if (!after.has(ruleId))
      push(ChangeKind.ACKNOWLEDGEMENT_REMOVED, false, `acknowledgement of ${ruleId} removed`);
  }
}

function byRule(
  findings: AgentEntitlementRecord['acknowledgedFindings'],
): Map<string, AgentEntitlementRecord['acknowledgedFindings']> {
  const out = new Map<string, AgentEntitlementRecord['acknowledgedFindings']>();
  for (const f of findings) out.set(f.ruleId, [...(out.get(f.ruleId) ?? []), f]);
  return out;
}

// ---------------------------------------------------------------------------------------------

function byAgent(agents: AgentEntitlementRecord[]): Map<string, AgentEntitlementRecord> {
  const counts = new Map<string, number>();
  for (const a of agents) counts.set(a.agentName, (counts.get(a.agentName) ?? 0) + 1);
  const out = new Map<string, AgentEntitlementRecord>();
  for (const a of agents)
    out.set((counts.get(a.agentName) ?? 0) > 1 ? `${a.agentName}@${a.stackName}` : a.agentName, a);
  return out;
}

function summarize(a: AgentEntitlementRecord): string {
  return (
    `assumed by ${a.runtime.join(', ') || 'nobody'}; tenant ${show(a.tenant)}, clearance ${show(a.clearance)}; ` +
    `${a.dataStores.length} data store(s), ${a.models.length} model(s), ${a.secrets.length} secret(s), ` +
    `${a.otherPermissions.length} other permission(s)`
  );
}

function showConditions(c: ConditionMap): string {
  const parts: string[] = [];
  for (const [op, keys] of Object.entries(c ?? {})) {
    for (const [key, values] of Object.entries(keys)) parts.push(`${op} ${key} = ${values.join('|')}`);
  }
  return parts.join('; ') || 'none';
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'none' : String(value);
}
