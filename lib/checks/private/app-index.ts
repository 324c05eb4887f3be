import { CfnOutput, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AgentTagKeys } from '../../shared/tag-keys';
import { Json, NormalizedStatement, asArray, flatten, statementsOf } from './policy';

/** Resource types the checks read; others are never rendered. */
const INDEXED_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::SecretsManager::Secret',
  'AWS::SecretsManager::RotationSchedule',
  'AWS::CloudTrail::Trail',
  'AWS::S3::Bucket',
  'AWS::BedrockAgentCore::Gateway',
  'AWS::BedrockAgentCore::Policy',
]);

/** One resource as CloudFormation will get it: its template entry, resolved in its stack. */
export interface IndexedResource {
  readonly node: CfnResource;
  readonly stack: Stack;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Json;
}

/** An agent role (an `AWS::IAM::Role` tagged `ai:agent`) with every policy that reaches it. */
export interface AgentRole {
  readonly resource: IndexedResource;
  /** Tag values, resolved and flattened to strings. */
  readonly tags: Map<string, string>;
  /** Statements of every identity policy of the role (inline, attached, managed). */
  readonly statements: NormalizedStatement[];
  /** Statements of the trust policy. */
  readonly trust: NormalizedStatement[];
  /** Managed policy ARNs the checks cannot read (AWS managed, imported or literal ARNs). */
  readonly unreadableManagedPolicies: string[];
}

type Renderable = { _toCloudFormation(): Json };

/**
 * The resolved template entries of an app's resources that the checks need, built once per
 * validation run. Everything is read from what the stacks will hand CloudFormation (the L1
 * rendering including overrides and tags, resolved), so hand-written roles and roles made by
 * our constructs are judged the same way.
 */
export class AppIndex {
  private readonly byNode = new Map<CfnResource, IndexedResource>();
  private readonly byStack = new Map<Stack, Map<string, IndexedResource>>();
  private readonly byType = new Map<string, IndexedResource[]>();
  private readonly exports = new Map<string, { stack: Stack; value: Json }>();
  private readonly agentRoles = new Map<CfnResource, AgentRole | null>();

  constructor(scope: IConstruct) {
    for (const c of scope.node.root.node.findAll()) {
      if (CfnResource.isCfnResource(c) && INDEXED_TYPES.has(c.cfnResourceType)) this.add(c);
      else if (c instanceof CfnOutput) this.addExport(c);
    }
  }

  /** The indexed entry of a resource, if it is of an indexed type. */
  public of(node: CfnResource): IndexedResource | undefined {
    return this.byNode.get(node);
  }

  /** Every indexed resource of a type, across all stacks of the app. */
  public resources(type: string): IndexedResource[] {
    return this.byType.get(type) ?? [];
  }

  /**
   * The resource a value points at: `Ref` / `Fn::GetAtt` in `from`'s template, or
   * `Fn::ImportValue` of an export of another stack of the app.
   */
  public target(value: Json, from: Stack): IndexedResource | undefined {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (typeof value.Ref === 'string') return this.byStack.get(from)?.get(value.Ref);
    if ('Fn::GetAtt' in value) {
      const [id] = asArray<Json>(value['Fn::GetAtt']);
      return typeof id === 'string' ? this.byStack.get(from)?.get(id) : undefined;
    }
    if ('Fn::ImportValue' in value) {
      const exported = this.exports.get(flatten(value['Fn::ImportValue']));
      return exported ? this.target(exported.value, exported.stack) : undefined;
    }
    return undefined;
  }

  /** Every resource referenced anywhere inside a value (e.g. a `Fn::Join` building an ARN). */
  public referencedIn(value: Json, from: Stack): IndexedResource[] {
    const found: IndexedResource[] = [];
    const visit = (v: Json): void => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) return v.forEach(visit);
      const t = this.target(v, from);
      if (t) found.push(t);
      else Object.values(v).forEach(visit);
    };
    visit(value);
    return found;
  }

  /** The agent role a node is, or undefined when it is not a role tagged `ai:agent`. */
  public agentRole(node: CfnResource): AgentRole | undefined {
    if (!this.agentRoles.has(node)) this.agentRoles.set(node, this.buildAgentRole(node) ?? null);
    return this.agentRoles.get(node) ?? undefined;
  }

  /** Every agent role of the app. */
  public allAgentRoles(): AgentRole[] {
    return this.resources('AWS::IAM::Role')
      .map((r) => this.agentRole(r.node))
      .filter((r): r is AgentRole => r !== undefined);
  }

  private add(node: CfnResource): void {
    const stack = Stack.of(node);
    const rendered = stack.resolve((node as unknown as Renderable)._toCloudFormation()) as Json;
    const [logicalId, entry] = Object.entries<Json>(rendered?.Resources ?? {})[0] ?? [];
    if (!logicalId) return;
    const resource: IndexedResource = {
      node,
      stack,
      logicalId,
      type: entry.Type,
      properties: entry.Properties ?? {},
    };
    this.byNode.set(node, resource);
    this.byType.set(resource.type, [...(this.byType.get(resource.type) ?? []), resource]);
    let ids = this.byStack.get(stack);
    if (!ids) {
      ids = new Map();
      this.byStack.set(stack, ids);
    }
    ids.set(logicalId, resource);
  }

  private addExport(output: CfnOutput): void {
    if (output.exportName === undefined) return;
    const stack = Stack.of(output);
    try {
      const rendered = stack.resolve((output as unknown as Renderable)._toCloudFormation()) as Json;
      for (const out of Object.values<Json>(rendered?.Outputs ?? {})) {
        const name = out?.Export?.Name;
        if (typeof name === 'string') this.exports.set(name, { stack, value: out.Value });
      }
    } catch {
      // an output that cannot be rendered yet (unresolved cross-stack value) exports nothing we can follow
    }
  }

  private buildAgentRole(node: CfnResource): AgentRole | undefined {
    const resource = this.byNode.get(node);
    if (!resource || resource.type !== 'AWS::IAM::Role') return undefined;
    const props = resource.properties;
    const tags = new Map<string, string>();
    for (const t of asArray<Json>(props.Tags)) {
      if (typeof t?.Key === 'string') tags.set(t.Key, flatten(t.Value));
    }
    if (!tags.has(AgentTagKeys.AGENT)) return undefined;

    const statements: NormalizedStatement[] = [];
    for (const p of asArray<Json>(props.Policies)) {
      statements.push(...statementsOf(p?.PolicyDocument, `inline ${flatten(p?.PolicyName)}`));
    }
    const attached = new Set<IndexedResource>();
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      for (const policy of this.resources(type)) {
        const roles = asArray<Json>(policy.properties.Roles);
        if (roles.some((r) => this.refersToRole(r, policy.stack, resource))) attached.add(policy);
      }
    }
    const unreadableManagedPolicies: string[] = [];
    for (const arn of asArray<Json>(props.ManagedPolicyArns)) {
      const target = this.target(arn, resource.stack);
      if (target?.type === 'AWS::IAM::ManagedPolicy') attached.add(target);
      else unreadableManagedPolicies.push(flatten(arn));
    }
    for (const policy of attached) {
      statements.push(
        ...statementsOf(policy.properties.PolicyDocument, `${policy.type} ${policy.logicalId}`),
      );
    }
    return {
      resource,
      tags,
      statements,
      trust: statementsOf(props.AssumeRolePolicyDocument, 'trust policy'),
      unreadableManagedPolicies,
    };
  }

  /** True when a value in a policy's `Roles` names `role`: a reference to it, or its literal name. */
  private refersToRole(value: Json, from: Stack, role: IndexedResource): boolean {
    const target = this.target(value, from);
    if (target) return target === role;
    const name = role.properties.RoleName;
    return (
      typeof value === 'string' && typeof name === 'string' && !Token.isUnresolved(name) && value === name
    );
  }
}
