import {
  Aws,
  CfnElement,
  CfnResource,
  DefaultTokenResolver,
  IFragmentConcatenator,
  IPostProcessor,
  IResolvable,
  IResolveContext,
  Reference,
  Stack,
  Token,
  Tokenization,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { IAgentIdentity } from '../../identity/agent-capabilities';
import { acknowledgementsRecordedOn } from '../../shared/nag-acknowledgements';
import { AgentTagKeys } from '../../shared/tag-keys';
import {
  AgentAttribution,
  Json,
  ModelResource,
  ModelStackInput,
  Parts,
  ResourcePolicyStatement,
  TemplateModel,
  asArray,
  attributes,
} from '../../shared/template-model';

/** A resource an agent reaches through a resource policy, as an audited resource of a trail. */
export interface ResourcePolicyAuditedResource {
  readonly agent: IAgentIdentity;
  /** The CloudTrail data resource type. */
  readonly resourceType: string;
  /**
   * ARN or ARN prefix (a literal, or a token of the trail's own stack); undefined when the resource
   * lives in another stack and is named by a token: naming it would make the trail's stack depend
   * on that stack, which may itself depend on the agent's (a cycle), so the trail records every data
   * event of this type made by the agent's sessions instead (more, never less).
   */
  readonly arn?: string;
  /** The resource holding the policy, `<stack>/<logical id>`. */
  readonly source: string;
}

/** What the resource policies of an app give the agents of one trail. */
export interface ResourcePolicyAudit {
  readonly resources: ResourcePolicyAuditedResource[];
  /** Grants whose data events the trail cannot select, as user-facing messages. */
  readonly problems: string[];
}

/**
 * Acknowledge this id (`Validations.of(holder).acknowledge(...)`) on the resource holding a policy
 * the trail cannot turn into a data-event selector, with the reason its data events need no record.
 */
export const UNRECORDED_RESOURCE_POLICY = 'AgentAuditTrail-UnrecordedResourcePolicy';

/** Holders whose grants to an agent are data events the trail selects, and how. */
const SELECTABLE = new Set([
  'AWS::S3::BucketPolicy',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Lambda::Permission',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
]);

/**
 * Holders of services with data events this planner does not select: a grant through them to a
 * recorded agent is refused (fail closed) unless acknowledged with `UNRECORDED_RESOURCE_POLICY`.
 * Every other resource policy (KMS key policies, Secrets Manager resource policies, role trust
 * policies, ECR, CloudWatch Logs, EventBridge) governs calls CloudTrail records as management
 * events, which every AgentAuditTrail records.
 */
const UNSELECTABLE = new Set([
  'AWS::S3::AccessPoint',
  'AWS::S3Express::BucketPolicy',
  'AWS::S3Express::AccessPoint',
  'AWS::S3ObjectLambda::AccessPointPolicy',
  'AWS::S3Tables::TableBucketPolicy',
  'AWS::S3Tables::TablePolicy',
]);

/**
 * The resources the recorded agents reach only through resource policies, read from the construct
 * tree with the same attribution (`AgentAttribution` over a `TemplateModel`) the checks and the
 * report use.
 *
 * Safe to call while tokens are being resolved (e.g. from a `Lazy` of the trail): only resource-policy
 * L1s and the agents' roles are rendered, never the trail, and references are rendered by the
 * construct they point at — not by the stack consuming them — so the result is the same before and
 * after CDK wires references between stacks. References across stacks appear to the model as
 * imports of exports it knows, which it follows.
 */
export function auditResourcePolicies(
  scope: IConstruct,
  agents: readonly IAgentIdentity[],
): ResourcePolicyAudit {
  if (agents.length === 0) return { resources: [], problems: [] };
  const builder = new ModelBuilder();
  const agentByRole = new Map<CfnResource, IAgentIdentity>();
  for (const agent of agents) {
    const role = agent.role.node.defaultChild;
    if (role instanceof CfnResource && role.cfnResourceType === 'AWS::IAM::Role') {
      agentByRole.set(role, agent);
      builder.addRole(role, agent.agentName);
    }
  }
  for (const c of scope.node.root.node.findAll()) {
    if (
      CfnResource.isCfnResource(c) &&
      (SELECTABLE.has(c.cfnResourceType) || UNSELECTABLE.has(c.cfnResourceType))
    ) {
      builder.addHolder(c);
    }
  }
  const { model, nodeOf } = builder.build();
  const attribution = new AgentAttribution(model);
  const resources: ResourcePolicyAuditedResource[] = [];
  const problems: string[] = [];
  for (const modelAgent of attribution.agents) {
    const role = nodeOf.get(modelAgent.role);
    const agent = role ? agentByRole.get(role) : undefined;
    if (!agent) continue;
    for (const grant of modelAgent.resourcePolicyStatements) {
      const holder = nodeOf.get(grant.holder);
      if (!holder) continue;
      const where = `resource policy of ${grant.holder.type} ${holder.node.path} grants agent ${JSON.stringify(agent.agentName)}`;
      if (UNSELECTABLE.has(grant.holder.type)) {
        if (!acknowledged(holder)) {
          problems.push(
            `${where} access whose data events this trail cannot select; grant through the bucket, table, function, topic or queue itself, ` +
              `or acknowledge ${UNRECORDED_RESOURCE_POLICY} on ${holder.node.path} with the reason these calls need no record`,
          );
        }
        continue;
      }
      const selected = new Selection(model, nodeOf, grant, Stack.of(scope)).audited();
      if (selected.kind === 'unknown') {
        problems.push(
          `${where} access to a resource the trail cannot name (${selected.why}); ` +
            'give the resource by reference or literal name/ARN so its data events can be selected',
        );
        continue;
      }
      for (const r of selected.resources) {
        resources.push({ agent, ...r, source: grant.holder.address });
      }
    }
  }
  return { resources, problems };
}

type Selected =
  | { kind: 'resources'; resources: { resourceType: string; arn?: string }[] }
  | { kind: 'unknown'; why: string };

/** Turns one attributed resource-policy statement into the data resources it opens. */
class Selection {
  constructor(
    private readonly model: TemplateModel,
    private readonly nodeOf: ReadonlyMap<ModelResource, CfnResource>,
    private readonly grant: ResourcePolicyStatement,
    private readonly trailStack: Stack,
  ) {}

  public audited(): Selected {
    const { holder } = this.grant;
    const p = holder.properties;
    switch (holder.type) {
      case 'AWS::S3::BucketPolicy':
        return this.each([p.Bucket], 'AWS::S3::Object', (parts) => {
          const bucket = this.single(parts, 'AWS::S3::Bucket', 'Ref');
          if (bucket) return this.local(bucket) ? `${Token.asString(bucket.getAtt('Arn'))}/` : ANY;
          const name = this.materialize(parts);
          return name === undefined || name === ANY ? name : `arn:${Aws.PARTITION}:s3:::${name}/`;
        });
      case 'AWS::SNS::TopicPolicy':
        return this.each(asArray<Json>(p.Topics), 'AWS::SNS::Topic', (parts) => {
          const topic = this.single(parts, 'AWS::SNS::Topic', 'Ref');
          if (topic) return this.local(topic) ? Token.asString(topic.getAtt('TopicArn')) : ANY;
          return this.materializeArn(parts);
        });
      case 'AWS::SQS::QueuePolicy':
        return this.each(asArray<Json>(p.Queues), 'AWS::SQS::Queue', (parts) => {
          const queue = this.single(parts, 'AWS::SQS::Queue', 'Ref');
          if (queue) return this.local(queue) ? Token.asString(queue.getAtt('Arn')) : ANY;
          const url = this.materialize(parts);
          if (url === ANY) return ANY;
          const m =
            url !== undefined
              ? /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d{12})\/([\w-]+(\.fifo)?)$/.exec(url)
              : null;
          return m ? `arn:${Aws.PARTITION}:sqs:${m[1]}:${m[2]}:${m[3]}` : undefined;
        });
      case 'AWS::Lambda::Permission':
        return this.each([p.FunctionName], 'AWS::Lambda::Function', (parts) => {
          const fn =
            this.single(parts, 'AWS::Lambda::Function', 'Ref') ??
            this.single(parts, 'AWS::Lambda::Function', 'Arn');
          if (fn) return this.local(fn) ? Token.asString(fn.getAtt('Arn')) : ANY;
          const value = this.materialize(parts);
          if (value === undefined || value === ANY) return value;
          if (value.startsWith('arn:') || Token.isUnresolved(value)) return this.materializeArn(parts);
          const stack = Stack.of(this.nodeOf.get(holder)!);
          return `arn:${Aws.PARTITION}:lambda:${stack.region}:${stack.account}:function:${value}`;
        });
      case 'AWS::DynamoDB::Table':
        return this.table();
      case 'AWS::DynamoDB::GlobalTable':
        return this.globalTable();
      default:
        return { kind: 'resources', resources: [] };
    }
  }

  /** A table's own resource policy opens the table; its stream's resource policy opens the stream. */
  private table(): Selected {
    const node = this.nodeOf.get(this.grant.holder)!;
    const stream = inDocument(
      this.grant.statement,
      this.grant.holder.properties.StreamSpecification?.ResourcePolicy,
    );
    return {
      kind: 'resources',
      resources: [
        stream
          ? { resourceType: 'AWS::DynamoDB::Stream', arn: Token.asString(node.getAtt('StreamArn')) }
          : { resourceType: 'AWS::DynamoDB::Table', arn: Token.asString(node.getAtt('Arn')) },
      ],
    };
  }

  /** A replica's resource policy opens the replica table (or its stream) in the replica's region. */
  private globalTable(): Selected {
    const node = this.nodeOf.get(this.grant.holder)!;
    const stack = Stack.of(node);
    for (const replica of asArray<Json>(this.grant.holder.properties.Replicas)) {
      const stream = inDocument(this.grant.statement, replica?.ReplicaStreamSpecification?.ResourcePolicy);
      if (!stream && !inDocument(this.grant.statement, replica?.ResourcePolicy)) continue;
      const region = this.materialize(this.model.evaluate(replica.Region, this.grant.holder.stack));
      if (region === undefined) return { kind: 'unknown', why: 'a replica region that cannot be read' };
      const resourceType = stream ? 'AWS::DynamoDB::Stream' : 'AWS::DynamoDB::Table';
      if (!this.local(node) || region === ANY) return { kind: 'resources', resources: [{ resourceType }] };
      const arn = `arn:${Aws.PARTITION}:dynamodb:${region}:${stack.account}:table/${node.ref}`;
      return { kind: 'resources', resources: [{ resourceType, arn: stream ? `${arn}/stream/` : arn }] };
    }
    return { kind: 'resources', resources: [] };
  }

  private each(
    values: Json[],
    resourceType: string,
    arnOf: (parts: Parts<ModelResource>) => string | undefined,
  ): Selected {
    const resources: { resourceType: string; arn?: string }[] = [];
    for (const value of values) {
      const arn = arnOf(this.model.evaluate(value, this.grant.holder.stack));
      if (arn === undefined) return { kind: 'unknown', why: `${JSON.stringify(value)}` };
      resources.push(arn === ANY ? { resourceType } : { resourceType, arn });
    }
    return { kind: 'resources', resources };
  }

  /** The construct a value is, when it is exactly one reference (`Ref` / an attribute) to a resource of a type. */
  private single(parts: Parts<ModelResource>, type: string, attribute: string): CfnResource | undefined {
    if (parts.length !== 1) return undefined;
    const refs = attributes(parts);
    const ref = refs[0];
    if (!ref || ref.resource.type !== type || ref.attribute !== attribute) return undefined;
    return this.nodeOf.get(ref.resource);
  }

  /** Whether tokens of a construct can be used by the trail without a reference between stacks. */
  private local(node: CfnResource): boolean {
    return Stack.of(node) === this.trailStack;
  }

  /** An ARN value as a string the trail can use, ANY, or undefined when part of it cannot be read. */
  private materializeArn(parts: Parts<ModelResource>): string | undefined {
    const value = this.materialize(parts);
    if (value === ANY) return ANY;
    return value !== undefined && (value.startsWith('arn:') || Token.isUnresolved(value)) ? value : undefined;
  }

  /**
   * Parts back as a string: literals, pseudo parameters as `Aws.*`, attributes as tokens of their
   * construct; ANY when an attribute is of another stack than the trail's.
   */
  private materialize(parts: Parts<ModelResource>): string | undefined {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else if (part.kind === 'pseudo') {
        const pseudo = PSEUDO[part.name];
        if (pseudo === undefined) return undefined;
        out += pseudo;
      } else if (part.kind === 'attribute') {
        const node = this.nodeOf.get(part.resource);
        if (!node || part.resource.type === 'AWS::IAM::Role') return undefined;
        if (!this.local(node)) return ANY;
        out += part.attribute === 'Ref' ? node.ref : Token.asString(node.getAtt(part.attribute));
      } else return undefined;
    }
    return out;
  }
}

/** Stands for "any resource of the type" (see `ResourcePolicyAuditedResource.arn`). */
const ANY = '\u0000any';

const PSEUDO: Record<string, string> = {
  'AWS::Partition': Aws.PARTITION,
  'AWS::AccountId': Aws.ACCOUNT_ID,
  'AWS::Region': Aws.REGION,
  'AWS::URLSuffix': Aws.URL_SUFFIX,
};

/** Whether a statement object is one of the statements of a (rendered) resource policy property. */
function inDocument(statement: Json, resourcePolicy: Json): boolean {
  return asArray<Json>(resourcePolicy?.PolicyDocument?.Statement).includes(statement);
}

function acknowledged(node: IConstruct): boolean {
  for (let c: IConstruct | undefined = node; c; c = c.node.scope) {
    const ids = acknowledgementsRecordedOn(c).map(([id]) => id.replace(/^annotation::/i, '').toLowerCase());
    if (ids.includes(UNRECORDED_RESOURCE_POLICY.toLowerCase())) return true;
  }
  return false;
}

/**
 * Builds a small model of the app: the recorded agents' roles (name, path, `ai:agent` tag) and the
 * resource-policy holders, rendered with references written by the construct they point at.
 */
class ModelBuilder {
  private readonly stacks = new Map<
    Stack,
    { resources: Record<string, Json>; outputs: Record<string, Json> }
  >();
  private readonly nodes = new Map<string, CfnResource>();
  private readonly resolver = new ReferenceResolver((ref, from) => this.reference(ref, from));

  public addRole(role: CfnResource, agentName: string): void {
    const written = role as unknown as { roleName?: string; path?: string };
    const resolve = (value: string | undefined) =>
      value === undefined
        ? undefined
        : Tokenization.resolve(value, { scope: role, resolver: this.resolver, preparing: false });
    const roleName = resolve(written.roleName);
    const path = resolve(written.path);
    this.put(role, {
      Type: 'AWS::IAM::Role',
      Properties: {
        Tags: [{ Key: AgentTagKeys.AGENT, Value: agentName }],
        ...(typeof roleName === 'string' ? { RoleName: roleName } : {}),
        ...(typeof path === 'string' ? { Path: path } : {}),
      },
    });
  }

  public addHolder(holder: CfnResource): void {
    const rendered = this.render(holder);
    if (rendered) this.put(holder, rendered);
  }

  public build(): { model: TemplateModel; nodeOf: Map<ModelResource, CfnResource> } {
    const stacks = [...this.stacks];
    const inputs: ModelStackInput[] = stacks.map(([stack, t]) => ({
      id: stack.node.path,
      name: stack.node.path,
      template: { Resources: t.resources, Outputs: t.outputs },
      ...(Token.isUnresolved(stack.account) ? {} : { account: stack.account }),
    }));
    const model = new TemplateModel(inputs);
    const nodeOf = new Map<ModelResource, CfnResource>();
    for (const resource of model.allResources()) {
      const node = this.nodes.get(key(resource.stack.id, resource.logicalId));
      if (node) nodeOf.set(resource, node);
    }
    return { model, nodeOf };
  }

  private render(element: CfnResource): Json {
    try {
      const rendered = Tokenization.resolve((element as unknown as Renderable)._toCloudFormation(), {
        scope: element,
        resolver: this.resolver,
        preparing: false,
      });
      return Object.values<Json>(rendered?.Resources ?? {})[0];
    } catch {
      // an element that cannot be rendered is left to the checks (AttributablePolicies)
      return undefined;
    }
  }

  private put(element: CfnResource, entry: Json): void {
    const stack = Stack.of(element);
    const id = logicalIdOf(element);
    this.templateOf(stack).resources[id] = entry;
    this.nodes.set(key(stack.node.path, id), element);
  }

  /** `Ref` / `Fn::GetAtt` in the target's stack; from another stack, an import of an export the model knows. */
  private reference(ref: Reference, from: Stack): Json {
    if (ref.displayName.startsWith('Pseudo:')) return { Ref: ref.displayName.slice('Pseudo:'.length) };
    const target = ref.target;
    if (!CfnResource.isCfnResource(target)) return undefined;
    const targetStack = Stack.of(target);
    const id = logicalIdOf(target);
    if (!this.nodes.has(key(targetStack.node.path, id))) {
      // a placeholder, so the model knows the resource's type
      this.templateOf(targetStack).resources[id] ??= { Type: target.cfnResourceType, Properties: {} };
      this.nodes.set(key(targetStack.node.path, id), target);
    }
    const intrinsic = ref.displayName === 'Ref' ? { Ref: id } : { 'Fn::GetAtt': [id, ref.displayName] };
    if (targetStack === from) return intrinsic;
    const exportName = `${targetStack.node.path}|${id}|${ref.displayName}`;
    this.templateOf(targetStack).outputs[exportName] = { Value: intrinsic, Export: { Name: exportName } };
    return { 'Fn::ImportValue': exportName };
  }

  private templateOf(stack: Stack): { resources: Record<string, Json>; outputs: Record<string, Json> } {
    let t = this.stacks.get(stack);
    if (!t) this.stacks.set(stack, (t = { resources: {}, outputs: {} }));
    return t;
  }
}

type Renderable = { _toCloudFormation(): Json };

function key(stackPath: string, logicalId: string): string {
  return `${stackPath}\u0000${logicalId}`;
}

function logicalIdOf(element: CfnElement): string {
  return Stack.of(element).resolve(element.logicalId);
}

/**
 * Resolves like CloudFormation rendering, except that a reference to a resource is written by the
 * construct it points at (see `ModelBuilder.reference`) rather than by the consuming stack, and
 * strings with tokens become `Fn::Join`.
 */
class ReferenceResolver extends DefaultTokenResolver {
  constructor(private readonly onReference: (ref: Reference, from: Stack) => Json) {
    super(new JoinConcat());
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): Json {
    if (Reference.isReference(t)) {
      const written = this.onReference(t, Stack.of(context.scope));
      if (written !== undefined) return written;
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

/** Joins string fragments; a non-string fragment makes an `Fn::Join`. */
class JoinConcat implements IFragmentConcatenator {
  public join(left: Json, right: Json): Json {
    if (left === undefined) return right;
    if (right === undefined) return left;
    if (typeof left === 'string' && typeof right === 'string') return left + right;
    const items = [...joined(left), ...joined(right)];
    return { 'Fn::Join': ['', items] };
  }
}

function joined(value: Json): Json[] {
  if (value && typeof value === 'object' && Array.isArray(value['Fn::Join']) && value['Fn::Join'][0] === '') {
    return value['Fn::Join'][1];
  }
  return [value];
}
