import { AgentTagKeys } from '../tag-keys';
import { Json, asArray } from './intrinsic-value';
import { ModelResource, TemplateModel } from './template-model';

/** An identity policy document that reaches an agent role. */
export interface IdentityPolicyPath {
  /** The document. */
  readonly document: Json;
  /** For an inline policy of the role (`Policies`): its `PolicyName`. */
  readonly inlineName?: Json;
  /** Otherwise the `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy` or `AWS::IAM::RolePolicy` holding it. */
  readonly resource?: ModelResource;
}

/** An Allow statement of a resource policy whose principal is an agent role or one of its sessions. */
export interface ResourcePolicyStatement {
  /** The resource that holds the policy (a bucket policy, a key, a Lambda permission, ...). */
  readonly holder: ModelResource;
  /** The statement as written (for a Lambda permission: built from its properties). */
  readonly statement: Json;
  /** The principal value that names the agent. */
  readonly principal: Json;
  /**
   * The resources the statement applies to: its `Resource`, or — when it has none or `*` — the
   * resource the policy is attached to (`*` in a key policy means the key).
   */
  readonly resources: Json[];
}

/** A policy that may reach an agent role through a reference the reader cannot follow. */
export interface UnattributedReference {
  /** The resource holding the policy. */
  readonly resource: ModelResource;
  /** The property that holds the reference: `Roles`, `RoleName`, `Principal`, `PolicyDocument`. */
  readonly property: string;
  /** The value as written. */
  readonly value: Json;
  /** Why it cannot be followed. */
  readonly why: string;
}

/** An agent role (an `AWS::IAM::Role` tagged `ai:agent`) and every path by which permissions reach it. */
export interface AgentRoleModel {
  readonly role: ModelResource;
  /** Tag values as written. */
  readonly tags: ReadonlyMap<string, Json>;
  /** Identity policies: inline, `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy` (by `Roles` or `ManagedPolicyArns`), `AWS::IAM::RolePolicy`. */
  readonly identityPolicies: IdentityPolicyPath[];
  /** Managed policies defined in the app and attached to the role. */
  readonly managedPolicies: ModelResource[];
  /** `ManagedPolicyArns` entries that are not policies of the app (AWS managed, imported, literal ARNs). */
  readonly unreadableManagedPolicies: Json[];
  /** The boundary policy when it is defined in the app. */
  readonly boundary?: ModelResource;
  /** Allow statements of resource policies naming the role. */
  readonly resourcePolicyStatements: ResourcePolicyStatement[];
}

/** Identity policy resources and the property naming their roles. */
const IDENTITY_POLICY_ROLES: Readonly<Record<string, { property: string; list: boolean }>> = {
  'AWS::IAM::Policy': { property: 'Roles', list: true },
  'AWS::IAM::ManagedPolicy': { property: 'Roles', list: true },
  'AWS::IAM::RolePolicy': { property: 'RoleName', list: false },
};

/** Identity policies of users and groups: no principal, never an agent's. */
const NOT_RESOURCE_POLICIES = new Set([
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
  'AWS::IAM::User',
  'AWS::IAM::Group',
]);

/** For `AWS::*::*Policy` resources: the property naming the resource the policy is attached to. */
const ATTACHED_TO: Readonly<Record<string, string>> = {
  'AWS::S3::BucketPolicy': 'Bucket',
  'AWS::S3Express::BucketPolicy': 'Bucket',
  'AWS::SQS::QueuePolicy': 'Queues',
  'AWS::SNS::TopicPolicy': 'Topics',
  'AWS::SecretsManager::ResourcePolicy': 'SecretId',
  'AWS::Lambda::Permission': 'FunctionName',
  'AWS::Events::EventBusPolicy': 'EventBusName',
  'AWS::Logs::ResourcePolicy': 'PolicyName',
};

/**
 * Condition keys with which a statement granting principal `*` picks principals by identity — the
 * reader cannot tell which agents they match.
 */
const PRINCIPAL_KEYS = /^aws:(principalarn|principaltag\/.*|userid|username|sourceidentity)$/i;

/**
 * Attributes every policy path of an app to its agent roles, once per model: identity policies of
 * every CloudFormation form and resource policies naming an agent role (or its sessions), found in
 * any resource's properties. Whatever names a role in a way the reader cannot follow is kept as an
 * unattributed reference, so the checks can fail closed on it.
 */
export class AgentAttribution {
  public readonly agents: AgentRoleModel[] = [];
  public readonly unattributed: UnattributedReference[] = [];
  private readonly byRole = new Map<ModelResource, MutableAgent>();
  private readonly unattributedByResource = new Map<ModelResource, UnattributedReference[]>();

  constructor(public readonly model: TemplateModel) {
    for (const role of model.resourcesOf('AWS::IAM::Role')) {
      const tags = new Map<string, Json>();
      for (const t of asArray<Json>(role.properties.Tags)) {
        if (typeof t?.Key === 'string') tags.set(t.Key, t.Value);
      }
      if (!tags.has(AgentTagKeys.AGENT)) continue;
      const agent: MutableAgent = {
        role,
        tags,
        identityPolicies: [],
        managedPolicies: [],
        unreadableManagedPolicies: [],
        resourcePolicyStatements: [],
      };
      this.byRole.set(role, agent);
      this.agents.push(agent);
    }
    for (const agent of this.agents) this.readRole(agent);
    for (const resource of model.allResources()) {
      const roles = IDENTITY_POLICY_ROLES[resource.type];
      if (roles) this.readIdentityPolicy(resource, roles.property, roles.list);
      else if (resource.type === 'AWS::Lambda::Permission') this.readLambdaPermission(resource);
      else if (resource.type === 'AWS::IAM::Role') {
        // another role's trust policy naming an agent lets the agent assume it (delegation);
        // an agent's own trust is who may assume it, not a grant to it (skipped by holder)
        this.readDocuments(
          resource,
          resource.properties.AssumeRolePolicyDocument,
          'AssumeRolePolicyDocument',
        );
      } else if (!NOT_RESOURCE_POLICIES.has(resource.type))
        this.readDocuments(resource, resource.properties, '');
    }
  }

  /** The agent a role is, if it is one. */
  public agentOf(role: ModelResource): AgentRoleModel | undefined {
    return this.byRole.get(role);
  }

  /** The unattributed references held by a resource. */
  public unattributedOf(resource: ModelResource): readonly UnattributedReference[] {
    return this.unattributedByResource.get(resource) ?? [];
  }

  private readRole(agent: MutableAgent): void {
    const { role } = agent;
    for (const p of asArray<Json>(role.properties.Policies)) {
      agent.identityPolicies.push({ document: p?.PolicyDocument, inlineName: p?.PolicyName });
    }
    for (const arn of asArray<Json>(role.properties.ManagedPolicyArns)) {
      const target = this.model.target(arn, role.stack);
      if (target?.type === 'AWS::IAM::ManagedPolicy') this.attach(agent, target);
      else agent.unreadableManagedPolicies.push(arn);
    }
    const boundary = role.properties.PermissionsBoundary;
    if (boundary !== undefined) {
      const target = this.model.target(boundary, role.stack);
      if (target?.type === 'AWS::IAM::ManagedPolicy') agent.boundary = target;
    }
  }

  private attach(agent: MutableAgent, policy: ModelResource): void {
    if (agent.identityPolicies.some((p) => p.resource === policy)) return;
    agent.identityPolicies.push({ document: policy.properties.PolicyDocument, resource: policy });
    if (policy.type === 'AWS::IAM::ManagedPolicy') agent.managedPolicies.push(policy);
  }

  private readIdentityPolicy(policy: ModelResource, property: string, list: boolean): void {
    const value = policy.properties[property];
    if (value === undefined) return;
    const mayGrant = allowsAnything(policy.properties.PolicyDocument);
    const names = list
      ? this.model.evaluateList(value, policy.stack)
      : [this.model.evaluate(value, policy.stack)];
    if (!names) {
      if (mayGrant) this.unattribute(policy, property, value, 'a list the checks cannot read');
      return;
    }
    const raw = list && Array.isArray(value) ? value : undefined;
    names.forEach((parts, i) => {
      const target = this.model.rolesIn(parts, 'name', policy.stack);
      if (target.kind === 'unknown') {
        if (mayGrant) this.unattribute(policy, property, raw ? raw[i] : value, target.why);
        return;
      }
      for (const role of target.roles) {
        const agent = this.byRole.get(role);
        if (agent) this.attach(agent, policy);
      }
    });
  }

  private readLambdaPermission(permission: ModelResource): void {
    const p = permission.properties;
    const principal = p.Principal;
    const text = this.model.literal(principal, permission.stack);
    // service principals, account ids and `*` name no role
    if (text !== undefined && !text.startsWith('arn:')) return;
    const statement: Json = {
      Effect: 'Allow',
      Action: p.Action,
      Resource: p.FunctionName,
      ...(p.SourceArn !== undefined || p.SourceAccount !== undefined
        ? {
            Condition: {
              ...(p.SourceArn !== undefined ? { ArnLike: { 'aws:SourceArn': p.SourceArn } } : {}),
              ...(p.SourceAccount !== undefined
                ? { StringEquals: { 'aws:SourceAccount': p.SourceAccount } }
                : {}),
            },
          }
        : {}),
    };
    this.attributePrincipal(permission, statement, principal, [p.FunctionName]);
  }

  /** Finds policy documents in a resource's properties (objects, or JSON strings) and reads their principals. */
  private readDocuments(holder: ModelResource, value: Json, path: string): void {
    if (value === undefined || value === null) return;
    if (typeof value === 'string') {
      if (value.startsWith('{') && value.includes('Statement')) {
        try {
          const parsed = JSON.parse(value);
          if (isPolicyDocument(parsed)) this.readDocument(holder, parsed);
        } catch {
          // not JSON: not a document
        }
      }
      return;
    }
    if (typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((v) => this.readDocuments(holder, v, path));
      return;
    }
    if (isPolicyDocument(value)) {
      this.readDocument(holder, value);
      return;
    }
    if ('Fn::Join' in value || 'Fn::Sub' in value) {
      // a document built as a string from intrinsics: it cannot be read; fail closed when it names an agent
      if (JSON.stringify(value).includes('Statement')) {
        const agents = this.model.referencedIn(value, holder.stack).filter((r) => this.byRole.has(r));
        if (agents.length > 0) {
          this.unattribute(
            holder,
            path || 'PolicyDocument',
            value,
            'a policy document built from intrinsics',
          );
        }
      }
      return;
    }
    for (const [key, v] of Object.entries<Json>(value)) this.readDocuments(holder, v, path || key);
  }

  private readDocument(holder: ModelResource, document: Json): void {
    const attachedTo = this.attachedTo(holder);
    for (const statement of asArray<Json>(document.Statement)) {
      if (statement?.Effect === 'Deny') continue;
      const resources = asArray<Json>(statement?.Resource);
      const applies =
        statement?.NotResource !== undefined
          ? []
          : resources.length === 0 || resources.every((r) => r === '*')
            ? attachedTo
            : resources;
      const principal = statement?.Principal;
      const everyone =
        statement?.NotPrincipal !== undefined ||
        principal === '*' ||
        asArray<Json>(principal?.AWS).some((p) => p === '*');
      if (everyone) {
        const keys = Object.values<Json>(statement?.Condition ?? {}).flatMap((block) =>
          block && typeof block === 'object' ? Object.keys(block) : [],
        );
        const picked = keys.find((k) => PRINCIPAL_KEYS.test(k));
        if (picked) {
          this.unattribute(
            holder,
            statement.NotPrincipal !== undefined ? 'NotPrincipal' : 'Principal',
            statement.NotPrincipal ?? '*',
            `principal * narrowed by ${picked}, which may select agent roles the checks cannot name`,
          );
        }
      }
      for (const value of asArray<Json>(principal?.AWS)) {
        if (value === '*') continue;
        this.attributePrincipal(holder, statement, value, applies);
      }
    }
  }

  private attributePrincipal(
    holder: ModelResource,
    statement: Json,
    principal: Json,
    resources: Json[],
  ): void {
    const target = this.model.rolesNamedBy(principal, holder.stack, 'principal');
    if (target.kind === 'unknown') {
      this.unattribute(holder, 'Principal', principal, target.why);
      return;
    }
    for (const role of target.roles) {
      const agent = this.byRole.get(role);
      if (agent && holder !== role)
        agent.resourcePolicyStatements.push({ holder, statement, principal, resources });
    }
  }

  /** What `*` or a missing `Resource` means in a policy held by this resource. */
  private attachedTo(holder: ModelResource): Json[] {
    const property = ATTACHED_TO[holder.type];
    if (property !== undefined) return asArray<Json>(holder.properties[property]);
    return [{ 'Fn::GetAtt': [holder.logicalId, 'Arn'] }];
  }

  private unattribute(resource: ModelResource, property: string, value: Json, why: string): void {
    const entry: UnattributedReference = { resource, property, value, why };
    this.unattributed.push(entry);
    const list = this.unattributedByResource.get(resource);
    if (list) list.push(entry);
    else this.unattributedByResource.set(resource, [entry]);
  }
}

interface MutableAgent extends AgentRoleModel {
  boundary?: ModelResource;
}

function isPolicyDocument(value: Json): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !('Statement' in value)) return false;
  return asArray<Json>(value.Statement).some(
    (s) => s && typeof s === 'object' && ('Principal' in s || 'NotPrincipal' in s),
  );
}

/** Whether a document has a statement that is not a literal Deny. */
function allowsAnything(document: Json): boolean {
  const statements = asArray<Json>(document?.Statement);
  return statements.length === 0 || statements.some((s) => s?.Effect !== 'Deny');
}
