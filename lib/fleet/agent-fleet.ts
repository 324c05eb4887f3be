import { CfnOutput, CfnResource, Duration, Environment, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { DataAccess } from '../data/data-access';
import { IAgentAuditTrail, IAgentDataStore, IAgentGuardrail } from '../identity/agent-capabilities';
import { AgentIdentity } from '../identity/agent-identity';
import { AgentRuntime } from '../identity/agent-runtime';
import { DataClassification } from '../identity/data-classification';
import { BedrockModel } from '../models/bedrock-model';
import { failAt, show } from '../shared/errors';
import {
  EKS_POD_IDENTITY_RUNTIME,
  FleetManifest,
  ManifestAgent,
  parseManifest,
  readManifestFile,
  validateManifestObject,
} from './fleet-manifest';
import { FleetTemplateLimits } from './fleet-template-limits';

/** Options of an `AgentFleet`. */
export interface AgentFleetOptions {
  /**
   * The data stores agents may name in their `data` grants, by manifest name.
   * @default - no stores: a manifest naming one is an error
   */
  readonly stores?: Record<string, IAgentDataStore>;
  /**
   * The secrets agents may name in `secrets` (granted READ), by manifest name, e.g. `DataStore.secret(s)`.
   * @default - no secrets: a manifest naming one is an error
   */
  readonly secrets?: Record<string, IAgentDataStore>;
  /**
   * Guardrail pinned on every model grant of the fleet.
   * @default - no guardrail
   */
  readonly guardrail?: IAgentGuardrail;
  /**
   * Audit trail every agent of the fleet is recorded by.
   * @default - none
   */
  readonly auditTrail?: IAgentAuditTrail;
  /**
   * Environment of the stacks the fleet creates (when the fleet is created directly in an app).
   * @default - environment-agnostic stacks
   */
  readonly env?: Environment;
  /**
   * Most agents one stack may hold; more is a synth-time error that says to raise `stacks` in the
   * manifest. The default keeps a stack well inside CloudFormation's 500 resources; a stack over
   * 500 resources or 200 outputs, or whose written template is over 1 MB, is also a synth-time
   * error. An audit trail in another stack reads every agent's role through an export, so with one
   * a stack can hold at most about 200 agents.
   * @default 250
   */
  readonly maxAgentsPerStack?: number;
}

/** CloudFormation's resource limit per template. */
const MAX_RESOURCES_PER_STACK = 500;
/** CloudFormation's output limit per template. */
const MAX_OUTPUTS_PER_STACK = 200;
const DEFAULT_MAX_AGENTS_PER_STACK = 250;
const ACCESS: Record<string, DataAccess> = {
  read: DataAccess.READ,
  write: DataAccess.WRITE,
  'read-write': DataAccess.READ_WRITE,
  delete: DataAccess.DELETE,
};

/**
 * Hundreds of agents defined as data. A fleet reads a manifest (YAML/JSON file or object),
 * creates one `AgentIdentity` per entry with its grants, and spreads the agents over `stacks`
 * stacks — nested stacks when the fleet sits inside a stack, sibling stacks when it sits in an
 * app or stage. An agent's stack depends only on its name (a stable hash), so adding or removing
 * agents never moves, and so never replaces, another agent's role.
 */
export class AgentFleet extends Construct {
  /** Builds a fleet from a manifest file (YAML or JSON). */
  public static fromManifest(
    scope: Construct,
    id: string,
    file: string,
    options: AgentFleetOptions = {},
  ): AgentFleet {
    return new AgentFleet(scope, id, readManifestFile(file), options);
  }

  /** Builds a fleet from a manifest given as an object (validated like a file). */
  public static fromObject(
    scope: Construct,
    id: string,
    manifest: any, // eslint-disable-line @typescript-eslint/no-explicit-any -- the manifest file's data, validated here
    options: AgentFleetOptions = {},
  ): AgentFleet {
    return new AgentFleet(scope, id, validateManifestObject(manifest, `${scope.node.path}/${id}`), options);
  }

  /**
   * Reads and validates a manifest file (YAML or JSON) without building a fleet. A bad manifest
   * throws an error named `ManifestError` whose message lists every problem with its `file:line:col`.
   */
  public static readManifest(file: string): FleetManifest {
    return readManifestFile(file);
  }

  /**
   * Parses and validates manifest text (YAML or JSON) without building a fleet.
   * @param text the manifest
   * @param source what to call it in errors, e.g. its file name. Default: `manifest`.
   */
  public static parseManifest(text: string, source?: string): FleetManifest {
    return parseManifest(text, source);
  }

  /**
   * Validates a manifest given as data (the parsed file) without building a fleet; problems are
   * shown with their path in the data.
   * @param manifest the manifest's data
   * @param source what to call it in errors. Default: `manifest`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the manifest file's data, validated here
  public static validateManifest(manifest: any, source?: string): FleetManifest {
    return validateManifestObject(manifest, source);
  }

  /**
   * The index of the stack (0 to `stacks` - 1) an agent of this name is placed in: a hash of the
   * name alone (FNV-1a), so it never depends on the other agents.
   */
  public static shardOf(agentName: string, stacks: number): number {
    return shardOf(agentName, stacks);
  }

  /** The stacks (or nested stacks) holding the agents, in shard order; shards without an agent have none. */
  public readonly stacks: Stack[];
  /** The validated manifest. */
  public readonly manifest: FleetManifest;
  private readonly agentsByName = new Map<string, AgentIdentity>();

  private constructor(scope: Construct, id: string, manifest: FleetManifest, options: AgentFleetOptions) {
    super(scope, id);
    this.manifest = manifest;
    const inStack = this.node.scopes.some((c: IConstruct) => Stack.isStack(c));
    // Only shards that hold an agent become stacks: an empty stack cannot be deployed.
    const shards = new Map<number, Stack>();
    const stackFor = (shard: number): Stack => {
      let stack = shards.get(shard);
      if (!stack) {
        stack = inStack
          ? new NestedStack(this, `Shard${shard}`)
          : new Stack(this, `Shard${shard}`, { env: options.env });
        shards.set(shard, stack);
      }
      return stack;
    };
    const maxAgents = options.maxAgentsPerStack ?? DEFAULT_MAX_AGENTS_PER_STACK;
    const perShard = new Array<number>(manifest.stacks).fill(0);
    manifest.agents.forEach((entry, index) => {
      const shard = shardOf(entry.name, manifest.stacks);
      perShard[shard]++;
      this.agentsByName.set(entry.name, this.buildAgent(stackFor(shard), entry, index, options));
    });
    this.stacks = [...shards.entries()].sort(([a], [b]) => a - b).map(([, stack]) => stack);
    perShard.forEach((count, shard) => {
      if (count > maxAgents) {
        failAt(
          this,
          `stack Shard${shard} would hold ${count} agents, more than maxAgentsPerStack (${maxAgents}); raise 'stacks' in the manifest (${manifest.stacks} now). Changing it moves agents between stacks and replaces their roles, so leave headroom`,
        );
      }
    });
    const templateLimits = FleetTemplateLimits.of(this);
    for (const stack of this.stacks) {
      stack.node.addValidation({ validate: () => templateLimitErrors(stack, manifest.stacks) });
      templateLimits.watch(stack, manifest.stacks);
    }
  }

  /** The agent with the given manifest name. */
  public agent(name: string): AgentIdentity {
    const agent = this.agentsByName.get(name);
    if (!agent) failAt(this, `no agent named ${show(name)} in the fleet`);
    return agent;
  }

  /** Every agent of the fleet, in manifest order. */
  public get agents(): AgentIdentity[] {
    return [...this.agentsByName.values()];
  }

  private buildAgent(
    stack: Stack,
    entry: ManifestAgent,
    index: number,
    options: AgentFleetOptions,
  ): AgentIdentity {
    const agent = new AgentIdentity(stack, entry.name, {
      agentName: entry.name,
      runtime: runtimeOf(entry),
      tenant: entry.tenant,
      clearance: entry.clearance as DataClassification | undefined,
      owner: entry.owner,
      maxSessionDuration: entry.maxSessionHours ? Duration.hours(entry.maxSessionHours) : undefined,
      auditTrail: options.auditTrail,
    });
    const where = `agents[${index}] (${entry.name})`;
    for (const grant of entry.data) {
      agent.grantData(this.lookup(options.stores, 'stores', grant.store, where), ACCESS[grant.access]);
    }
    for (const name of entry.secrets) {
      agent.grantData(this.lookup(options.secrets, 'secrets', name, where), DataAccess.READ);
    }
    if (entry.models.length > 0) {
      agent.grantModels(entry.models.map(modelOf), { guardrail: options.guardrail });
    }
    return agent;
  }

  private lookup(
    map: Record<string, IAgentDataStore> | undefined,
    kind: string,
    name: string,
    where: string,
  ): IAgentDataStore {
    const found = map?.[name];
    if (!found) {
      failAt(
        this,
        `${where} names ${kind.slice(0, -1)} ${show(name)}, which is not in options.${kind} (known: ${Object.keys(map ?? {}).join(', ') || 'none'})`,
      );
    }
    return found;
  }
}

/** The agent's stack index: FNV-1a of its name, so it never depends on other agents. */
function shardOf(name: string, stacks: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % stacks;
}

function runtimeOf(entry: ManifestAgent): AgentRuntime {
  const eks = entry.eksPodIdentity;
  if (entry.runtime === EKS_POD_IDENTITY_RUNTIME && eks) {
    return AgentRuntime.eksPodIdentity({
      kubernetesNamespace: eks.kubernetesNamespace,
      serviceAccount: eks.serviceAccount,
    });
  }
  switch (entry.runtime) {
    case 'ecs-task':
      return AgentRuntime.ecsTask();
    case 'agentcore-runtime':
      return AgentRuntime.agentCoreRuntime();
    case 'bedrock-agent':
      return AgentRuntime.bedrockAgent();
    default:
      return AgentRuntime.lambdaFunction();
  }
}

function modelOf(model: ManifestAgent['models'][number]): BedrockModel {
  if (model.foundationModel) return BedrockModel.foundationModel(model.foundationModel);
  if (model.inferenceProfile) return BedrockModel.inferenceProfile(model.inferenceProfile);
  return BedrockModel.globalInferenceProfile(model.globalInferenceProfile!);
}

function templateLimitErrors(stack: Stack, stacks: number): string[] {
  const mine = stack.node.findAll().filter((c) => Stack.of(c) === stack);
  const resources = mine.filter((c) => CfnResource.isCfnResource(c)).length;
  // runs after synthesis prepared the app: the exports other stacks read already exist as outputs
  const outputs = mine.filter((c) => c instanceof CfnOutput).length;
  const errors: string[] = [];
  if (resources > MAX_RESOURCES_PER_STACK) {
    errors.push(
      `fleet stack ${stack.node.path} holds ${resources} CloudFormation resources, over the limit of ${MAX_RESOURCES_PER_STACK}; raise 'stacks' in the manifest (${stacks} now)`,
    );
  }
  if (outputs > MAX_OUTPUTS_PER_STACK) {
    errors.push(
      `fleet stack ${stack.node.path} declares ${outputs} outputs, over CloudFormation's ${MAX_OUTPUTS_PER_STACK} per template (mostly exports of its agents' roles read by another stack, such as an AgentAuditTrail's); raise 'stacks' in the manifest (${stacks} now) or lower maxAgentsPerStack`,
    );
  }
  return errors;
}
