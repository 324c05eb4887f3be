/* eslint-disable @typescript-eslint/no-explicit-any */
import { PermissionsGuardrails } from '../identity/permissions-guardrails';
import { guardrailsCoveredByCeiling } from '../identity/private/permissions-guardrail-coverage';
import { AgentTagKeys } from '../shared/tag-keys';
import { AgentAttribution, AgentRoleModel, ModelResource, TemplateModel } from '../shared/template-model';
import { DATA_STORE_SERVICES, accessLevelsOfAll } from './access-level';
import { credentialsField } from './credential-entitlements';
import {
  AcknowledgedFinding,
  AgentEntitlementRecord,
  AuditCoverage,
  BoundaryEntitlement,
  ConditionMap,
  DataStoreEntitlement,
  DenyEntitlement,
  ENTITLEMENT_REPORT_GENERATOR,
  ENTITLEMENT_REPORT_SCHEMA_VERSION,
  EntitlementReportJson,
  GuardrailPinEntitlement,
  ManagedPolicyAttachment,
  ModelEntitlement,
  ResourcePolicyGrant,
  ScopedGrant,
  SecretEntitlement,
  SecretRotationInfo,
  TrustGrant,
  UnattributedPolicy,
} from './entitlement-report-schema';
import { matchesPattern } from './iam-pattern';
import { leadingLogicalId, refersTo, renderIntrinsics, renderList } from './render-intrinsics';
import { withToolEntitlements } from './tool-entitlements';

/** One synthesized stack template, as `buildEntitlementReport` reads it. */
export interface StackTemplate {
  /** The stack's name. */
  readonly stackName: string;
  /** The parsed CloudFormation template. */
  readonly template: any;
  /**
   * Construct path of each resource, by logical id, to match acknowledgements.
   * @default - taken from each resource's `aws:cdk:path` metadata, when present
   */
  readonly constructPaths?: Record<string, string>;
  /**
   * For a nested stack's template: the stack that holds it (by `stackName`, as given in the same
   * list) and the logical id of its `AWS::CloudFormation::Stack` resource there, so references
   * through the nested stack's parameters and outputs are followed as the checks follow them.
   * @default - a top-level stack
   */
  readonly parent?: NestedStackParent;
  /**
   * The stack's account, when it is literal, so a literal role name or ARN is attributed only to a
   * role of that account (as the checks do).
   * @default - unknown: matched to a role of that name in any stack
   */
  readonly account?: string;
}

/** Where a nested stack's template sits in its parent. */
export interface NestedStackParent {
  /** The `stackName` of the parent's `StackTemplate`. */
  readonly stackName: string;
  /** Logical id of the nested stack's `AWS::CloudFormation::Stack` resource in the parent. */
  readonly logicalId: string;
}

/** Condition key that pins a guardrail on Bedrock invocations. */
export const GUARDRAIL_CONDITION_KEY = 'bedrock:GuardrailIdentifier';
/** The action whose resources are the secrets an agent reads. */
export const READ_SECRET_ACTION = 'secretsmanager:GetSecretValue';

const IAM_DEFAULT_SESSION_SECONDS = 3600;

/**
 * Builds the entitlement report of an app from its synthesized templates: every role tagged
 * `ai:agent` (made by AgentIdentity or by hand), judged from the policies CloudFormation will get —
 * inline policies, `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` attached to the role — so
 * statements added by hand show up too. `acknowledgements` are the acknowledged findings of the
 * app (see `collectAcknowledgements`); each agent lists those made on its role, its policies or an
 * ancestor construct.
 */
export function buildEntitlementReport(
  templates: StackTemplate[],
  acknowledgements: AcknowledgedFinding[] = [],
): EntitlementReportJson {
  const acks = acknowledgements.map(normalizeAcknowledgement).sort(compareJson);
  // one reader of the templates, shared with the checks: references resolved across stacks, every
  // identity and resource policy path attributed to its agent role
  const indexOf = new Map(templates.map((t, i) => [t.stackName, String(i)]));
  const model = new TemplateModel(
    templates.map((t, i) => {
      const parentId = t.parent ? indexOf.get(t.parent.stackName) : undefined;
      return {
        id: String(i),
        name: t.stackName,
        template: t.template ?? {},
        ...(t.account !== undefined ? { account: t.account } : {}),
        ...(t.parent && parentId !== undefined
          ? { parent: { id: parentId, logicalId: t.parent.logicalId } }
          : {}),
      };
    }),
  );
  const attribution = new AgentAttribution(model);
  const byId = new Map(templates.map((t, i) => [String(i), t]));
  const agents: AgentEntitlementRecord[] = [];
  for (const agent of attribution.agents) {
    const stack = byId.get(agent.role.stack.id)!;
    const tags = roleTags(stack.template.Resources[agent.role.logicalId]);
    agents.push(new AgentReader(stack, templates, byId, agent, tags, acks).read());
  }
  agents.sort((a, b) => a.agentName.localeCompare(b.agentName) || a.stackName.localeCompare(b.stackName));
  const unattributed: UnattributedPolicy[] =
    agents.length > 0
      ? attribution.unattributed.map((u) => ({
          resource: u.resource.address,
          type: u.resource.type,
          property: u.property,
          value: renderIntrinsics(u.value),
          reason: u.why,
        }))
      : [];
  return {
    schemaVersion: ENTITLEMENT_REPORT_SCHEMA_VERSION,
    generator: ENTITLEMENT_REPORT_GENERATOR,
    agents: withToolEntitlements(agents, templates),
    acknowledgements: acks,
    ...(unattributed.length > 0 ? { unattributedPolicies: sortJson(unattributed) } : {}),
  };
}

/** A policy statement with every field rendered to strings. */
interface NormalStatement {
  readonly effect: string;
  readonly sid?: string;
  readonly actions: string[];
  readonly notActions?: string[];
  readonly resources: string[];
  readonly conditions: ConditionMap;
  readonly source: string;
}

type Category = 'data' | 'model' | 'secret' | 'other';

/** Reads one agent role out of its template. */
class AgentReader {
  private readonly resources: Record<string, any>;
  private readonly role: any;
  private readonly logicalId: string;

  constructor(
    private readonly stack: StackTemplate,
    private readonly all: StackTemplate[],
    private readonly byId: ReadonlyMap<string, StackTemplate>,
    private readonly agent: AgentRoleModel,
    private readonly tags: Record<string, string>,
    private readonly acks: AcknowledgedFinding[],
  ) {
    this.resources = stack.template.Resources ?? {};
    this.logicalId = agent.role.logicalId;
    this.role = this.resources[this.logicalId];
  }

  public read(): AgentEntitlementRecord {
    const props = this.role.Properties ?? {};
    const { statements, policyPaths, managedPolicies } = this.identityStatements();
    const resourcePolicyGrants = this.resourcePolicyGrants();
    const allows = statements.filter((s) => s.effect === 'Allow');
    const denies = statements.filter((s) => s.effect === 'Deny').map(toDeny);
    const boundary = this.boundary();
    const grouped = this.group(allows);
    const presentRails = new Set(
      [...denies, ...(boundary?.denies ?? [])].map((d) => d.sid).filter((s): s is string => !!s),
    );
    if (boundary?.readable)
      for (const sid of guardrailsCoveredByCeiling(boundary.allows)) presentRails.add(sid);
    return {
      agentName: this.tags[AgentTagKeys.AGENT],
      stackName: this.stack.stackName,
      roleLogicalId: this.logicalId,
      constructPath: this.pathOf(this.logicalId) ?? null,
      roleName: props.RoleName !== undefined ? renderIntrinsics(props.RoleName) : `\${${this.logicalId}}`,
      runtime: this.runtimes(),
      trust: this.trust(),
      tenant: this.tags[AgentTagKeys.TENANT] ?? null,
      clearance: this.tags[AgentTagKeys.CLEARANCE] ?? null,
      owner: this.tags[AgentTagKeys.OWNER] ?? null,
      maxSessionDurationSeconds: sessionSeconds(props.MaxSessionDuration),
      dataStores: grouped.dataStores,
      models: grouped.models,
      guardrailPins: guardrailPins(statements),
      secrets: grouped.secrets,
      otherPermissions: grouped.other,
      denies: sortJson(denies),
      permissionsGuardrails: PermissionsGuardrails.SIDS.filter((s) => presentRails.has(s)),
      missingPermissionsGuardrails: PermissionsGuardrails.SIDS.filter((s) => !presentRails.has(s)),
      permissionsBoundary: boundary,
      managedPolicies: sortJson(managedPolicies),
      auditTrails: this.auditTrails(),
      acknowledgedFindings: this.acknowledged([this.pathOf(this.logicalId), ...policyPaths]),
      ...(resourcePolicyGrants.length > 0 ? { resourcePolicyGrants } : {}),
      ...credentialsField(this.role, statements),
    };
  }

  /** Every identity-policy statement of the role, with where it lives (read by the shared attribution). */
  private identityStatements(): {
    statements: NormalStatement[];
    policyPaths: Array<string | undefined>;
    managedPolicies: ManagedPolicyAttachment[];
  } {
    const statements: NormalStatement[] = [];
    const policyPaths: Array<string | undefined> = [];
    for (const p of this.agent.identityPolicies) {
      if (!p.resource) {
        statements.push(...normalizeDocument(p.document, `inline policy ${renderIntrinsics(p.inlineName)}`));
        continue;
      }
      const sameStack = p.resource.stack === this.agent.role.stack;
      if (p.resource.type !== 'AWS::IAM::ManagedPolicy') policyPaths.push(this.pathOfResource(p.resource));
      statements.push(
        ...normalizeDocument(
          p.document,
          `${p.resource.type} ${sameStack ? p.resource.logicalId : p.resource.address}`,
        ),
      );
    }
    const managedPolicies: ManagedPolicyAttachment[] = [
      ...this.agent.unreadableManagedPolicies.map((arn) => ({
        policy: renderIntrinsics(arn),
        readable: false,
      })),
      ...this.agent.managedPolicies.map((p) => ({ policy: this.placeholder(p), readable: true })),
    ];
    return { statements, policyPaths, managedPolicies };
  }

  /** `${LogicalId}` for a resource of the role's stack, `${Stack/LogicalId}` for another stack's. */
  private placeholder(resource: ModelResource): string {
    return resource.stack === this.agent.role.stack ? `\${${resource.logicalId}}` : `\${${resource.address}}`;
  }

  /** Grants to the agent made by resource policies naming its role or sessions. */
  private resourcePolicyGrants(): ResourcePolicyGrant[] {
    const grants = this.agent.resourcePolicyStatements.flatMap((g) => {
      const statement = { ...g.statement };
      if (g.statement.NotResource === undefined) statement.Resource = g.resources;
      return normalizeDocument({ Statement: [statement] }, `${g.holder.type} ${g.holder.address}`).map(
        (s): ResourcePolicyGrant => ({
          ...toGrant(s, s.actions, s.resources),
          sourceResource: g.holder.address,
          sourceType: g.holder.type,
          principal: renderIntrinsics(g.principal),
        }),
      );
    });
    return sortJson(grants);
  }

  private boundary(): BoundaryEntitlement | null {
    const value = this.role.Properties?.PermissionsBoundary;
    if (value === undefined) return null;
    const target = this.agent.boundary;
    if (!target) {
      return { policy: renderIntrinsics(value), readable: false, allows: [], denies: [] };
    }
    const statements = normalizeDocument(
      target.properties.PolicyDocument,
      `boundary ${target.stack === this.agent.role.stack ? target.logicalId : target.address}`,
    );
    return {
      policy: this.placeholder(target),
      readable: true,
      allows: sortJson(
        statements.filter((s) => s.effect === 'Allow').map((s) => toGrant(s, s.actions, s.resources)),
      ),
      denies: sortJson(statements.filter((s) => s.effect === 'Deny').map(toDeny)),
    };
  }

  private trust(): TrustGrant[] {
    const doc = this.role.Properties?.AssumeRolePolicyDocument;
    const grants: TrustGrant[] = [];
    for (const s of asArray(doc?.Statement)) {
      if (s?.Effect !== 'Allow') continue;
      grants.push({
        principals: principalsOf(s.Principal),
        actions: renderList(s.Action).sort(),
        conditions: normalizeConditions(s.Condition),
      });
    }
    return sortJson(grants);
  }

  private runtimes(): string[] {
    const kinds = new Set<string>();
    for (const grant of this.trust()) {
      for (const p of grant.principals) kinds.add(this.runtimeOf(p));
    }
    return [...kinds].sort();
  }

  private runtimeOf(principal: string): string {
    const SERVICES: Record<string, string> = {
      'lambda.amazonaws.com': 'lambda',
      'ecs-tasks.amazonaws.com': 'ecs-task',
      'pods.eks.amazonaws.com': 'eks-pod-identity',
      'bedrock-agentcore.amazonaws.com': 'agentcore-runtime',
      'bedrock.amazonaws.com': 'bedrock-agent',
    };
    if (principal === '*') return 'anyone';
    const [type, ...rest] = principal.split(':');
    const value = rest.join(':');
    if (type === 'Service') return SERVICES[value] ?? `service:${value}`;
    if (type === 'Federated') {
      return value.includes('token.actions.githubusercontent.com') ? 'github-actions' : `federated:${value}`;
    }
    const id = leadingLogicalId(value);
    const target = id !== undefined ? this.resources[id] : undefined;
    if (target?.Type === 'AWS::IAM::Role') {
      const name = roleTags(target)[AgentTagKeys.AGENT];
      return name !== undefined ? `delegated-from:${name}` : `role:${value}`;
    }
    const account = /:iam::([^:]+):root$/.exec(value) ?? /^(\d{12})$/.exec(value);
    if (account) return `account:${account[1]}`;
    return `aws:${value}`;
  }

  /** Splits the Allow statements into data stores, models, secrets and the rest. */
  private group(allows: NormalStatement[]): {
    dataStores: DataStoreEntitlement[];
    models: ModelEntitlement[];
    secrets: SecretEntitlement[];
    other: ScopedGrant[];
  } {
    // entry key -> grant key -> grant under construction
    const entries = new Map<
      string,
      { category: Category; key: string; service: string; grants: Map<NormalStatement, Building> }
    >();
    for (const s of allows) {
      if (s.notActions) {
        this.add(entries, 'other', '', '*', s, '*', s.resources);
        continue;
      }
      for (const action of s.actions) {
        const service = action === '*' ? '*' : action.split(':')[0].toLowerCase();
        const category = categoryOf(service);
        for (const resource of s.resources) {
          const key =
            category === 'data'
              ? `${service}|${this.storeKey(resource)}`
              : category === 'other'
                ? ''
                : resource;
          this.add(entries, category, key, service, s, action, [resource]);
        }
      }
    }
    const dataStores: DataStoreEntitlement[] = [];
    const models: ModelEntitlement[] = [];
    const secrets: SecretEntitlement[] = [];
    const other: ScopedGrant[] = [];
    for (const entry of entries.values()) {
      const grants = sortJson([...entry.grants.values()].map(finish));
      const actions = [...new Set(grants.flatMap((g) => g.actions))].sort();
      switch (entry.category) {
        case 'data':
          dataStores.push({
            store: entry.key.slice(entry.key.indexOf('|') + 1),
            service: entry.service,
            access: accessLevelsOfAll(actions),
            actions,
            grants,
          });
          break;
        case 'model':
          models.push({ resource: entry.key, kind: this.bedrockKind(entry.key, actions), actions, grants });
          break;
        case 'secret':
          secrets.push({
            secret: entry.key,
            reads: actions.some((a) => matchesPattern(READ_SECRET_ACTION.toLowerCase(), a.toLowerCase())),
            actions,
            grants,
            rotation: this.rotationOf(entry.key),
          });
          break;
        default:
          other.push(...grants);
      }
    }
    return {
      dataStores: dataStores.sort(
        (a, b) => a.store.localeCompare(b.store) || a.service.localeCompare(b.service),
      ),
      models: models.sort((a, b) => a.resource.localeCompare(b.resource)),
      secrets: secrets.sort((a, b) => a.secret.localeCompare(b.secret)),
      other: sortJson(other),
    };
  }

  private add(
    entries: Map<
      string,
      { category: Category; key: string; service: string; grants: Map<NormalStatement, Building> }
    >,
    category: Category,
    key: string,
    service: string,
    s: NormalStatement,
    action: string,
    resources: string[],
  ): void {
    const entryKey = `${category}#${key}`;
    let entry = entries.get(entryKey);
    if (!entry) {
      entry = { category, key, service, grants: new Map() };
      entries.set(entryKey, entry);
    }
    // One grant per statement: merging two statements would invent their cross product.
    let grant = entry.grants.get(s);
    if (!grant) {
      grant = { statement: s, actions: new Set(), resources: new Set() };
      entry.grants.set(s, grant);
    }
    grant.actions.add(action);
    for (const r of resources) grant.resources.add(r);
  }

  /** The store a data resource belongs to: the bucket of an object, the table of an index, ... */
  private storeKey(resource: string): string {
    if (resource === '*') return '*';
    const lead = /^\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}/.exec(resource);
    if (lead) return lead[0];
    const arn = parseArn(resource);
    if (!arn) return resource;
    const prefix = resource.slice(0, arn.resourceStart);
    const segments = arn.resource.split('/');
    const asArnOf = (name: string, type: string): string | undefined => {
      const id = /^\$\{([A-Za-z0-9]+)\}$/.exec(name)?.[1];
      return id !== undefined && this.resources[id]?.Type === type ? `\${${id}.Arn}` : undefined;
    };
    switch (arn.service) {
      case 's3':
      case 's3express':
        return asArnOf(segments[0], 'AWS::S3::Bucket') ?? prefix + segments[0];
      case 'dynamodb':
      case 'kinesis':
        if (segments.length >= 2) {
          return (
            (arn.service === 'dynamodb' ? asArnOf(segments[1], 'AWS::DynamoDB::Table') : undefined) ??
            prefix + segments.slice(0, 2).join('/')
          );
        }
        return resource;
      default:
        return resource;
    }
  }

  private bedrockKind(resource: string, actions: string[]): string {
    if (resource === '*') return 'any';
    const arn = parseArn(resource);
    if (arn && arn.service === 'bedrock') {
      const segments = arn.resource.split('/');
      if (segments[0] === 'flow' && segments[2] === 'alias') return 'flow-alias';
      if (segments.length > 1 || segments[0] === '*') return segments[0];
    }
    const id = leadingLogicalId(resource);
    const BY_TYPE: Record<string, string> = {
      'AWS::Bedrock::KnowledgeBase': 'knowledge-base',
      'AWS::Bedrock::Agent': 'agent',
      'AWS::Bedrock::AgentAlias': 'agent-alias',
      'AWS::Bedrock::Guardrail': 'guardrail',
      'AWS::Bedrock::GuardrailVersion': 'guardrail',
      'AWS::Bedrock::ApplicationInferenceProfile': 'application-inference-profile',
      'AWS::Bedrock::Flow': 'flow',
      'AWS::Bedrock::FlowAlias': 'flow-alias',
      'AWS::Bedrock::Prompt': 'prompt',
    };
    const type = id !== undefined ? this.resources[id]?.Type : undefined;
    if (type && BY_TYPE[type]) return BY_TYPE[type];
    const names = actions.map((a) => a.split(':')[1]?.toLowerCase() ?? '');
    if (names.some((n) => n.startsWith('retrieve'))) return 'knowledge-base';
    if (names.includes('invokeagent')) return 'agent-alias';
    if (names.includes('applyguardrail')) return 'guardrail';
    return 'unknown';
  }

  /** The rotation schedule (in any template) that rotates a secret, if any. */
  private rotationOf(secret: string): SecretRotationInfo | null {
    const candidates: { stack: StackTemplate; id: string; res: any }[] = [];
    for (const stack of this.all) {
      // Placeholders (${LogicalId}) only mean the same thing inside one template.
      if (stack !== this.stack && /\$\{[A-Za-z0-9]+[.}]/.test(secret)) continue;
      for (const [id, res] of Object.entries<any>(stack.template?.Resources ?? {})) {
        if (res?.Type === 'AWS::SecretsManager::RotationSchedule') candidates.push({ stack, id, res });
      }
    }
    for (const { stack, id, res } of candidates) {
      const target = renderIntrinsics(res.Properties?.SecretId);
      if (target === '' || !(secret === target || secret.startsWith(target))) continue;
      const props = res.Properties ?? {};
      const rules = props.RotationRules ?? {};
      const hosted = props.HostedRotationLambda?.RotationType;
      const info: SecretRotationInfo = {
        schedule: `${stack.stackName}/${id}`,
        ...(typeof rules.AutomaticallyAfterDays === 'number'
          ? { automaticallyAfterDays: rules.AutomaticallyAfterDays }
          : {}),
        ...(rules.ScheduleExpression !== undefined
          ? { scheduleExpression: renderIntrinsics(rules.ScheduleExpression) }
          : {}),
        ...(props.RotationLambdaARN !== undefined
          ? { rotatedBy: renderIntrinsics(props.RotationLambdaARN) }
          : hosted !== undefined
            ? { rotatedBy: `hosted:${renderIntrinsics(hosted)}` }
            : {}),
      };
      return info;
    }
    return null;
  }

  /** Trails that record this agent: advanced event selectors naming the role, or multi-region trails. */
  private auditTrails(): AuditCoverage[] {
    const literalName =
      typeof this.role.Properties?.RoleName === 'string' ? this.role.Properties.RoleName : undefined;
    const coverage: AuditCoverage[] = [];
    for (const stack of this.all) {
      for (const [id, res] of Object.entries<any>(stack.template?.Resources ?? {})) {
        if (res?.Type !== 'AWS::CloudTrail::Trail') continue;
        const props = res.Properties ?? {};
        if (props.IsLogging === false || props.IsLogging === 'false') continue;
        const selectors = props.AdvancedEventSelectors;
        const names =
          (stack === this.stack && refersTo(selectors, this.logicalId)) ||
          (literalName !== undefined && JSON.stringify(selectors ?? null).includes(literalName));
        const trail = `${stack.stackName}/${id}`;
        const sandbox = res.Metadata?.AgentAuditTrail?.Sandbox === true ? { sandbox: true } : {};
        if (names) coverage.push({ trail, scope: 'selects-agent', ...sandbox });
        else if (props.IsMultiRegionTrail === true || props.IsMultiRegionTrail === 'true') {
          coverage.push({ trail, scope: 'multi-region', ...sandbox });
        }
      }
    }
    return sortJson(coverage);
  }

  /** Acknowledgements made on the given construct paths (of resources) or any of their ancestors. */
  private acknowledged(resourcePaths: Array<string | undefined>): AcknowledgedFinding[] {
    const paths = resourcePaths.filter((p): p is string => p !== undefined);
    return this.acks.filter((a) =>
      paths.some(
        (p) => a.acknowledgedAt === '' || p === a.acknowledgedAt || p.startsWith(`${a.acknowledgedAt}/`),
      ),
    );
  }

  private pathOf(logicalId: string): string | undefined {
    return constructPathOf(this.stack, logicalId);
  }

  private pathOfResource(resource: ModelResource): string | undefined {
    const stack = this.byId.get(resource.stack.id);
    return stack ? constructPathOf(stack, resource.logicalId) : undefined;
  }
}

function constructPathOf(stack: StackTemplate, logicalId: string): string | undefined {
  const fromMap = stack.constructPaths?.[logicalId];
  if (fromMap !== undefined) return fromMap;
  const meta = stack.template?.Resources?.[logicalId]?.Metadata?.['aws:cdk:path'];
  return typeof meta === 'string' ? meta : undefined;
}

interface Building {
  readonly statement: NormalStatement;
  readonly actions: Set<string>;
  readonly resources: Set<string>;
}

function finish(b: Building): ScopedGrant {
  return toGrant(b.statement, [...b.actions], [...b.resources]);
}

function toGrant(s: NormalStatement, actions: string[], resources: string[]): ScopedGrant {
  return {
    actions: [...new Set(actions)].sort(),
    resources: [...new Set(resources)].sort(),
    ...(s.notActions ? { notActions: s.notActions } : {}),
    conditions: s.conditions,
    source: s.source,
    ...(s.sid !== undefined ? { sid: s.sid } : {}),
  };
}

function toDeny(s: NormalStatement): DenyEntitlement {
  return {
    ...(s.sid !== undefined ? { sid: s.sid } : {}),
    actions: s.actions,
    ...(s.notActions ? { notActions: s.notActions } : {}),
    resources: s.resources,
    conditions: s.conditions,
    source: s.source,
  };
}

function categoryOf(service: string): Category {
  if (service === 'bedrock') return 'model';
  if (service === 'secretsmanager') return 'secret';
  if (DATA_STORE_SERVICES.includes(service)) return 'data';
  return 'other';
}

/** Statements of a policy document with every value rendered. */
function normalizeDocument(doc: any, source: string): NormalStatement[] {
  return asArray(doc?.Statement).map((s: any) => {
    const notActions = s?.NotAction !== undefined ? renderList(s.NotAction).sort() : undefined;
    const resources =
      s?.NotResource !== undefined
        ? renderList(s.NotResource).map((r) => `NotResource:${r}`)
        : renderList(s?.Resource);
    return {
      effect: renderIntrinsics(s?.Effect),
      ...(s?.Sid !== undefined ? { sid: renderIntrinsics(s.Sid) } : {}),
      actions: notActions ? ['*'] : [...new Set(renderList(s?.Action))].sort(),
      ...(notActions ? { notActions } : {}),
      resources: [...new Set(resources)].sort(),
      conditions: normalizeConditions(s?.Condition),
      source,
    };
  });
}

/** Conditions with every value a sorted list of strings, operators and keys sorted. */
export function normalizeConditions(condition: any): ConditionMap {
  const out: ConditionMap = {};
  if (!condition || typeof condition !== 'object') return out;
  for (const op of Object.keys(condition).sort()) {
    const entries = condition[op] ?? {};
    const keys: Record<string, string[]> = {};
    for (const key of Object.keys(entries).sort()) keys[key] = renderList(entries[key]).sort();
    out[op] = keys;
  }
  return out;
}

function principalsOf(principal: any): string[] {
  if (principal === '*' || principal === undefined) return ['*'];
  const out: string[] = [];
  for (const type of Object.keys(principal).sort()) {
    for (const value of renderList(principal[type]))
      out.push(value === '*' && type === 'AWS' ? '*' : `${type}:${value}`);
  }
  return out.sort();
}

function guardrailPins(statements: NormalStatement[]): GuardrailPinEntitlement[] {
  const pins: GuardrailPinEntitlement[] = [];
  for (const s of statements) {
    for (const [operator, keys] of Object.entries(s.conditions)) {
      for (const [key, values] of Object.entries(keys)) {
        if (key.toLowerCase() !== GUARDRAIL_CONDITION_KEY.toLowerCase()) continue;
        pins.push({
          effect: s.effect,
          operator,
          guardrails: values,
          actions: s.actions,
          resources: s.resources,
          source: s.source,
        });
      }
    }
  }
  return sortJson(pins);
}

function roleTags(resource: any): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of asArray(resource?.Properties?.Tags)) {
    if (t && t.Key !== undefined) tags[renderIntrinsics(t.Key)] = renderIntrinsics(t.Value);
  }
  return tags;
}

function sessionSeconds(value: unknown): number | null {
  if (value === undefined) return IAM_DEFAULT_SESSION_SECONDS;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isFinite(n) ? n : null;
}

function normalizeAcknowledgement(a: AcknowledgedFinding): AcknowledgedFinding {
  return {
    ruleId: String(a.ruleId).replace(/^annotation::/i, ''),
    reason: String(a.reason),
    acknowledgedAt: a.acknowledgedAt ?? '',
  };
}

/** The parts of an ARN (placeholders such as `${AWS::Partition}` allowed), or undefined. */
function parseArn(
  value: string,
): { service: string; region: string; account: string; resource: string; resourceStart: number } | undefined {
  // Mask the colons inside ${...} so that `${AWS::Partition}` does not split the ARN.
  const masked = value.replace(/\$\{[^}]*\}/g, (m) => m.replace(/:/g, '_'));
  if (!masked.startsWith('arn:')) return undefined;
  const cut: number[] = [];
  for (let i = 0; i < masked.length && cut.length < 5; i++) if (masked[i] === ':') cut.push(i);
  if (cut.length < 5) return undefined;
  return {
    service: value.slice(cut[1] + 1, cut[2]),
    region: value.slice(cut[2] + 1, cut[3]),
    account: value.slice(cut[3] + 1, cut[4]),
    resource: value.slice(cut[4] + 1),
    resourceStart: cut[4] + 1,
  };
}

function asArray(value: any): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function compareJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortJson<T>(items: T[]): T[] {
  return [...items].sort(compareJson);
}
