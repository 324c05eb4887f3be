import { CfnOutput, CfnResource, NestedStack, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  AgentAttribution,
  AgentRoleModel,
  ModelResource,
  ModelStack,
  ModelStackInput,
  TemplateModel,
  UnattributedReference,
} from '../../shared/template-model';
import { stackDisplayName } from '../../shared/stack-display-name';
import { Json, NormalizedStatement, flatten, statementsOf } from './policy';

/** One resource as CloudFormation will get it: its template entry, resolved in its stack. */
export interface IndexedResource {
  readonly node: CfnResource;
  readonly stack: Stack;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Json;
  /** `<stack name>/<logical id>`, how findings and the report name the resource. */
  readonly address: string;
}

/** An agent role (an `AWS::IAM::Role` tagged `ai:agent`) with every policy that reaches it. */
export interface AgentRole {
  readonly resource: IndexedResource;
  /** Tag values, resolved and flattened to strings. */
  readonly tags: Map<string, string>;
  /**
   * Every statement that grants or denies the role something: its identity policies, then the
   * Allow statements of resource policies naming the role (see `resourcePolicyStatements`). Rules
   * judge them all; a statement from a resource policy carries `resourcePolicy`.
   */
  readonly statements: NormalizedStatement[];
  /** Statements of the role's identity policies (inline, `AWS::IAM::Policy`, managed, `AWS::IAM::RolePolicy`). */
  readonly identityStatements: NormalizedStatement[];
  /** Allow statements of resource policies whose principal is the role or one of its sessions. */
  readonly resourcePolicyStatements: NormalizedStatement[];
  /** Statements of the trust policy. */
  readonly trust: NormalizedStatement[];
  /** Managed policy ARNs the checks cannot read (AWS managed, imported or literal ARNs). */
  readonly unreadableManagedPolicies: string[];
  /** The permissions boundary policy, when it is defined in the app. */
  readonly boundary?: IndexedResource;
}

type Renderable = { _toCloudFormation(): Json };

/**
 * The app as CloudFormation will get it, built once per validation run: every resource of every
 * stack rendered from the construct tree (the L1 rendering including overrides and tags,
 * resolved) into templates, read by the same `TemplateModel` and `AgentAttribution` the
 * entitlement report reads the synthesized files with — so what the pack judges and what the
 * report shows cannot disagree. Hand-written roles and policies are judged like the library's.
 */
export class AppIndex {
  private readonly model: TemplateModel;
  private readonly attribution: AgentAttribution;
  private readonly byNode = new Map<CfnResource, IndexedResource>();
  private readonly byModel = new Map<ModelResource, IndexedResource>();
  private readonly stackOf = new Map<Stack, ModelStack>();
  private readonly agentRoles = new Map<CfnResource, AgentRole | null>();

  constructor(scope: IConstruct) {
    const templates = new Map<Stack, { resources: Record<string, Json>; outputs: Record<string, Json> }>();
    const nodes = new Map<Stack, Map<string, CfnResource>>();
    const templateOf = (stack: Stack) => {
      let t = templates.get(stack);
      if (!t) templates.set(stack, (t = { resources: {}, outputs: {} }));
      return t;
    };
    for (const c of scope.node.root.node.findAll()) {
      if (CfnResource.isCfnResource(c)) {
        const stack = Stack.of(c);
        const rendered = render(c, stack)?.Resources ?? {};
        for (const [logicalId, entry] of Object.entries<Json>(rendered)) {
          templateOf(stack).resources[logicalId] = entry;
          let ids = nodes.get(stack);
          if (!ids) nodes.set(stack, (ids = new Map()));
          ids.set(logicalId, c);
        }
      } else if (c instanceof CfnOutput && (c.exportName !== undefined || Stack.of(c).nested)) {
        const stack = Stack.of(c);
        Object.assign(templateOf(stack).outputs, render(c, stack)?.Outputs ?? {});
      }
    }
    const inputs: ModelStackInput[] = [...templates].map(([stack, t]) => ({
      id: stack.node.path,
      name: stackDisplayName(stack),
      template: { Resources: t.resources, Outputs: t.outputs },
      ...(Token.isUnresolved(stack.account) ? {} : { account: stack.account }),
      ...nestedIn(stack),
    }));
    this.model = new TemplateModel(inputs);
    const stacks = [...templates.keys()];
    this.model.stacks.forEach((modelStack, i) => {
      const stack = stacks[i];
      this.stackOf.set(stack, modelStack);
      for (const resource of modelStack.resources.values()) {
        const node = nodes.get(stack)?.get(resource.logicalId);
        if (!node) continue;
        const indexed: IndexedResource = {
          node,
          stack,
          logicalId: resource.logicalId,
          type: resource.type,
          properties: resource.properties,
          address: resource.address,
        };
        this.byNode.set(node, indexed);
        this.byModel.set(resource, indexed);
      }
    });
    this.attribution = new AgentAttribution(this.model);
  }

  /** The indexed entry of a resource. */
  public of(node: CfnResource): IndexedResource | undefined {
    return this.byNode.get(node);
  }

  /** Every resource of a type, across all stacks of the app. */
  public resources(type: string): IndexedResource[] {
    return this.model.resourcesOf(type).map((r) => this.byModel.get(r)!);
  }

  /**
   * The resource a value points at: `Ref` / `Fn::GetAtt` in `from`'s template, or
   * `Fn::ImportValue` of an export of another stack of the app.
   */
  public target(value: Json, from: Stack): IndexedResource | undefined {
    const stack = this.stackOf.get(from);
    const target = stack ? this.model.target(value, stack) : undefined;
    return target ? this.byModel.get(target) : undefined;
  }

  /** Every resource referenced anywhere inside a value (e.g. a `Fn::Join` building an ARN). */
  public referencedIn(value: Json, from: Stack): IndexedResource[] {
    const stack = this.stackOf.get(from);
    if (!stack) return [];
    return this.model
      .referencedIn(value, stack)
      .map((r) => this.byModel.get(r))
      .filter((r): r is IndexedResource => r !== undefined);
  }

  /** The agent role a node is, or undefined when it is not a role tagged `ai:agent`. */
  public agentRole(node: CfnResource): AgentRole | undefined {
    if (!this.agentRoles.has(node)) this.agentRoles.set(node, this.buildAgentRole(node) ?? null);
    return this.agentRoles.get(node) ?? undefined;
  }

  /** Every agent role of the app. */
  public allAgentRoles(): AgentRole[] {
    return this.attribution.agents
      .map((a) => this.byModel.get(a.role))
      .map((r) => (r ? this.agentRole(r.node) : undefined))
      .filter((r): r is AgentRole => r !== undefined);
  }

  /** Whether the app has at least one agent role. */
  public hasAgentRoles(): boolean {
    return this.attribution.agents.length > 0;
  }

  /** Policies held by a node that may reach an agent role through a reference the checks cannot follow. */
  public unattributedOf(node: CfnResource): readonly UnattributedReference[] {
    const indexed = this.byNode.get(node);
    if (!indexed) return [];
    const resource = this.stackOf.get(indexed.stack)?.resources.get(indexed.logicalId);
    return resource ? this.attribution.unattributedOf(resource) : [];
  }

  private buildAgentRole(node: CfnResource): AgentRole | undefined {
    const resource = this.byNode.get(node);
    if (!resource || resource.type !== 'AWS::IAM::Role') return undefined;
    const modelResource = this.stackOf.get(resource.stack)?.resources.get(resource.logicalId);
    const agent = modelResource ? this.attribution.agentOf(modelResource) : undefined;
    if (!agent) return undefined;
    const tags = new Map<string, string>();
    for (const [key, value] of agent.tags) tags.set(key, flatten(value));
    const identityStatements = agent.identityPolicies.flatMap((p) =>
      statementsOf(p.document, p.resource ? sourceOf(p.resource, agent) : `inline ${flatten(p.inlineName)}`),
    );
    const resourcePolicyStatements = resourcePolicyStatementsOf(agent);
    const boundary = agent.boundary ? this.byModel.get(agent.boundary) : undefined;
    return {
      resource,
      tags,
      statements: [...identityStatements, ...resourcePolicyStatements],
      identityStatements,
      resourcePolicyStatements,
      trust: statementsOf(resource.properties.AssumeRolePolicyDocument, 'trust policy'),
      unreadableManagedPolicies: agent.unreadableManagedPolicies.map(flatten),
      ...(boundary ? { boundary } : {}),
    };
  }
}

/** `AWS::IAM::Policy PolicyABC`, with the stack when the policy is in another stack than the role. */
function sourceOf(policy: ModelResource, agent: AgentRoleModel): string {
  return policy.stack === agent.role.stack
    ? `${policy.type} ${policy.logicalId}`
    : `${policy.type} ${policy.address}`;
}

function resourcePolicyStatementsOf(agent: AgentRoleModel): NormalizedStatement[] {
  return agent.resourcePolicyStatements.flatMap((g) => {
    const statement = { ...g.statement, Principal: { AWS: g.principal } };
    if (g.statement.NotResource === undefined) statement.Resource = g.resources;
    return statementsOf({ Statement: [statement] }, `${g.holder.type} ${g.holder.address}`).map((s) => ({
      ...s,
      resourcePolicy: g.holder.address,
    }));
  });
}

/** For a nested stack: where its `AWS::CloudFormation::Stack` resource sits in the parent. */
function nestedIn(stack: Stack): Pick<ModelStackInput, 'parent'> {
  const resource = stack.nested ? (stack as NestedStack).nestedStackResource : undefined;
  const parent = stack.nestedStackParent;
  if (!resource || !parent) return {};
  return { parent: { id: parent.node.path, logicalId: parent.resolve(resource.logicalId) } };
}

function render(c: CfnResource | CfnOutput, stack: Stack): Json {
  try {
    return stack.resolve((c as unknown as Renderable)._toCloudFormation());
  } catch {
    // an element that cannot be rendered (e.g. an unresolved cross-stack value before synth) is left out
    return undefined;
  }
}
