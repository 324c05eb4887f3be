import { ChangeKind, diffEntitlementReports } from '../../lib/report/report-format';
import { AgentEntitlementRecord, EntitlementReportJson } from '../../lib/report/entitlement-report-schema';
import { synthReport } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

// GIVEN a baseline report of the reference app
const baseline: EntitlementReportJson = synthReport().report;

type Mutable = { agents: any[]; [k: string]: any };
type Mutation = (r: Mutable, triage: any, legacy: any) => void;

/** A copy of the baseline changed by `mutate`. */
function changed(mutate: Mutation, base: EntitlementReportJson = baseline): EntitlementReportJson {
  const copy = structuredClone(base) as unknown as Mutable;
  mutate(
    copy,
    copy.agents.find((a) => a.agentName === 'email-triage'),
    copy.agents.find((a) => a.agentName === 'legacy-bot'),
  );
  return copy as unknown as EntitlementReportJson;
}

const s3Store = (agent: AgentEntitlementRecord | any) =>
  agent.dataStores.find((d: any) => d.service === 's3');

describe('diffEntitlementReports', () => {
  test('the same report has no change and does not widen', () => {
    expect(diffEntitlementReports(baseline, structuredClone(baseline))).toEqual({
      changes: [],
      widened: false,
    });
  });

  const widening: [string, ChangeKind, Mutation][] = [
    [
      'a new agent',
      ChangeKind.AGENT_ADDED,
      (r, t) => r.agents.push({ ...structuredClone(t), agentName: 'new-agent' }),
    ],
    [
      'a new data store',
      ChangeKind.STORE_ADDED,
      (_r, t) =>
        t.dataStores.push({
          store: 'arn:aws:s3:::payroll',
          service: 's3',
          access: ['read'],
          actions: ['s3:GetObject'],
          grants: [
            { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::payroll/*'], conditions: {}, source: 'x' },
          ],
        }),
    ],
    [
      'a new action on a store',
      ChangeKind.ACTION_ADDED,
      (_r, t) => s3Store(t).grants[0].actions.push('s3:PutObject'),
    ],
    [
      'a new model',
      ChangeKind.MODEL_ADDED,
      (_r, t) => {
        const model = structuredClone(t.models[0]);
        model.resource = model.resource.replace('haiku', 'opus');
        model.grants[0].resources = [model.resource];
        t.models.push(model);
      },
    ],
    [
      'a new secret',
      ChangeKind.SECRET_ADDED,
      (_r, t) => {
        const secret = structuredClone(t.secrets[0]);
        secret.secret = '${OtherSecret}';
        secret.grants[0].resources = ['${OtherSecret}'];
        t.secrets.push(secret);
      },
    ],
    [
      'a new permission outside stores, models and secrets',
      ChangeKind.PERMISSION_ADDED,
      (_r, t) =>
        t.otherPermissions.push({
          actions: ['ec2:RunInstances'],
          resources: ['*'],
          conditions: {},
          source: 'x',
        }),
    ],
    [
      'a condition removed from a model grant (the guardrail pin on the allow)',
      ChangeKind.CONDITION_LOOSENED,
      (_r, t) => (t.models[0].grants[0].conditions = {}),
    ],
    [
      'a new trust principal',
      ChangeKind.TRUST_PRINCIPAL_ADDED,
      (_r, t) =>
        t.trust.push({
          principals: ['AWS:arn:aws:iam::333333333333:root'],
          actions: ['sts:AssumeRole'],
          conditions: {},
        }),
    ],
    [
      'a loosened trust condition',
      ChangeKind.TRUST_CONDITION_LOOSENED,
      (_r, t) => (t.trust[0].conditions = {}),
    ],
    [
      'a trust condition value that admits more',
      ChangeKind.TRUST_CONDITION_LOOSENED,
      (_r, t) => t.trust[0].conditions.StringEquals['aws:SourceAccount'].push('444444444444'),
    ],
    ['a higher clearance', ChangeKind.CLEARANCE_RAISED, (_r, t) => (t.clearance = 'restricted')],
    ['a removed tenant', ChangeKind.TENANT_REMOVED, (_r, t) => (t.tenant = null)],
    ['a changed tenant', ChangeKind.TENANT_CHANGED, (_r, t) => (t.tenant = 'globex')],
    ['a longer session', ChangeKind.SESSION_LENGTHENED, (_r, t) => (t.maxSessionDurationSeconds = 43200)],
    [
      'a removed permissions guardrail',
      ChangeKind.PERMISSIONS_GUARDRAIL_REMOVED,
      (_r, t) => (t.denies = t.denies.filter((d: any) => d.sid !== 'DenyIamWrites')),
    ],
    [
      'a permissions guardrail that denies fewer actions',
      ChangeKind.PERMISSIONS_GUARDRAIL_WEAKENED,
      (_r, t) => (t.denies.find((d: any) => d.sid === 'DenyIamWrites').actions = ['iam:PassRole']),
    ],
    [
      'a removed guardrail pin',
      ChangeKind.GUARDRAIL_PIN_REMOVED,
      (_r, t) => (t.denies = t.denies.filter((d: any) => d.sid !== 'DenyWithoutGuardrail')),
    ],
    [
      'a removed permissions boundary',
      ChangeKind.BOUNDARY_REMOVED,
      (_r, t) => (t.permissionsBoundary = null),
    ],
    [
      'a permissions guardrail removed from the boundary',
      ChangeKind.PERMISSIONS_GUARDRAIL_REMOVED,
      (_r, t) => (t.permissionsBoundary.denies = t.permissionsBoundary.denies.slice(1)),
    ],
    [
      'an AWS-managed policy attached',
      ChangeKind.MANAGED_POLICY_ATTACHED,
      (_r, t) =>
        t.managedPolicies.push({ policy: 'arn:aws:iam::aws:policy/AdministratorAccess', readable: false }),
    ],
    ['a secret no longer rotated', ChangeKind.ROTATION_REMOVED, (_r, t) => (t.secrets[0].rotation = null)],
    [
      'a secret rotated less often',
      ChangeKind.ROTATION_LENGTHENED,
      (_r, t) => (t.secrets[0].rotation.scheduleExpression = 'rate(90 days)'),
    ],
    ['lost audit coverage', ChangeKind.AUDIT_REMOVED, (_r, t) => (t.auditTrails = [])],
    [
      'a newly acknowledged finding',
      ChangeKind.FINDING_ACKNOWLEDGED,
      (_r, t) =>
        t.acknowledgedFindings.push({
          ruleId: 'AgentIdentityChecks-Wildcard',
          reason: 'needed',
          acknowledgedAt: 'S/T',
        }),
    ],
  ];

  test.each(widening)('%s widens access (%s)', (_what, kind, mutate) => {
    // WHEN the new report differs from the baseline in one way
    const diff = diffEntitlementReports(baseline, changed(mutate));
    // THEN that change is reported, flagged as widening, and the whole diff widens
    expect(diff.changes.filter((c) => c.widened).map((c) => c.kind)).toContain(kind);
    expect(diff.widened).toBe(true);
  });

  const narrowing: [string, ChangeKind, Mutation][] = [
    [
      'a removed agent',
      ChangeKind.AGENT_REMOVED,
      (r) => (r.agents = r.agents.filter((a: any) => a.agentName !== 'legacy-bot')),
    ],
    [
      'a removed store',
      ChangeKind.STORE_REMOVED,
      (_r, t) => (t.dataStores = t.dataStores.filter((d: any) => d.service !== 'sqs')),
    ],
    [
      'a removed action',
      ChangeKind.ACTION_REMOVED,
      (_r, t) => (s3Store(t).grants[0].actions = ['s3:GetObject*']),
    ],
    [
      'a wildcard narrowed to one action',
      ChangeKind.ACTION_REMOVED,
      (_r, _t, l) => (s3Store(l).grants[0].actions = ['s3:GetObject']),
    ],
    ['a removed model', ChangeKind.MODEL_REMOVED, (_r, t) => (t.models = t.models.slice(1))],
    [
      'a condition added to a grant',
      ChangeKind.CONDITION_TIGHTENED,
      (_r, t) =>
        (t.dataStores.find((d: any) => d.service === 'sqs').grants[0].conditions = {
          StringEquals: { 'aws:ResourceTag/ai:tenant': ['${aws:PrincipalTag/ai:tenant}'] },
        }),
    ],
    [
      'a trust condition value removed from a list',
      ChangeKind.TRUST_CONDITION_TIGHTENED,
      (_r, t) =>
        (t.trust[0].conditions = {
          StringEquals: { 'aws:SourceAccount': ['111111111111'] },
          Bool: { 'aws:SecureTransport': ['true'] },
        }),
    ],
    ['a removed trust principal', ChangeKind.TRUST_PRINCIPAL_REMOVED, (_r, _t, l) => (l.trust = [])],
    ['a lower clearance', ChangeKind.CLEARANCE_LOWERED, (_r, t) => (t.clearance = 'internal')],
    ['a tenant added', ChangeKind.TENANT_ADDED, (_r, _t, l) => (l.tenant = 'acme')],
    [
      'a permissions guardrail added',
      ChangeKind.PERMISSIONS_GUARDRAIL_ADDED,
      (_r, _t, l) =>
        l.denies.push({
          sid: 'DenyIamWrites',
          actions: ['iam:*'],
          resources: ['*'],
          conditions: {},
          source: 'x',
        }),
    ],
    [
      'a boundary added',
      ChangeKind.BOUNDARY_ADDED,
      (_r, _t, l) => (l.permissionsBoundary = { policy: '${B}', readable: true, allows: [], denies: [] }),
    ],
    ['an owner changed', ChangeKind.OWNER_CHANGED, (_r, t) => (t.owner = 'new-team@example.com')],
    [
      'an acknowledgement moved (grants now in a shared policy), same rule and reason',
      ChangeKind.ACKNOWLEDGEMENT_MOVED,
      (_r, t) => (t.acknowledgedFindings[0].acknowledgedAt = 'AgentPlatform/AgentSharedGrants/Grants0123'),
    ],
  ];

  test.each(narrowing)('%s does not widen access (%s)', (_what, kind, mutate) => {
    const diff = diffEntitlementReports(baseline, changed(mutate));
    expect(diff.changes.map((c) => [c.kind, c.widened])).toContainEqual([kind, false]);
    expect(diff.changes.filter((c) => c.widened)).toEqual([]);
    expect(diff.widened).toBe(false);
  });

  test('a shorter session does not widen, a longer one does', () => {
    const long = changed((_r, t) => (t.maxSessionDurationSeconds = 7200));
    const shortened = diffEntitlementReports(long, baseline);
    expect(shortened.changes).toEqual([
      {
        agent: 'email-triage',
        kind: ChangeKind.SESSION_SHORTENED,
        widened: false,
        description: 'max session 7200 s → 3600 s',
      },
    ]);
    expect(diffEntitlementReports(baseline, long).widened).toBe(true);
  });

  test('a change that narrows one grant and widens another still widens', () => {
    const diff = diffEntitlementReports(
      baseline,
      changed((_r, t) => {
        t.clearance = 'internal';
        s3Store(t).grants[0].actions.push('s3:DeleteObject');
      }),
    );
    expect(diff.widened).toBe(true);
    expect(diff.changes.map((c) => c.kind)).toEqual([ChangeKind.ACTION_ADDED, ChangeKind.CLEARANCE_LOWERED]);
    expect(diff.changes[0].description).toContain('s3:DeleteObject');
  });

  test('end to end: two synths, write access and a second model added, widen with two changes', () => {
    // GIVEN the same app synthesized with more grants
    const widened = synthReport({ inboxWrite: true, secondModel: true }).report;
    // WHEN compared with the baseline
    const diff = diffEntitlementReports(baseline, widened);
    // THEN exactly the new actions on the bucket and the new model widen
    expect(diff.changes.map((c) => [c.agent, c.kind, c.widened])).toEqual([
      ['email-triage', ChangeKind.ACTION_ADDED, true],
      ['email-triage', ChangeKind.MODEL_ADDED, true],
    ]);
    expect(diff.changes[0].description).toContain('s3:PutObject');
    expect(diff.changes[1].description).toContain('claude-3-7-sonnet');
    // AND going back is only narrowing
    const back = diffEntitlementReports(widened, baseline);
    expect(back.widened).toBe(false);
    expect(back.changes.map((c) => c.kind)).toEqual([ChangeKind.ACTION_REMOVED, ChangeKind.MODEL_REMOVED]);
  });
});
