import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { AgentModelGrantOptions, IAgentIdentity, IAgentModel } from '../identity/agent-capabilities';
import { requireGranted, resolveGrantee } from '../identity/private/agent-grantee';
import { failAt, show } from '../shared/errors';
import { InferenceProfileRegions } from './inference-profile-regions';
import {
  GUARDRAIL_IDENTIFIER_KEY,
  INFERENCE_PROFILE_ARN_KEY,
  InvokeTarget,
  invalid,
  invokeActions,
  pinnedIdentifierOf,
  rejectWildcards,
} from './model-grants';
import { deferFactoryErrors, failIfInvalid } from '../shared/deferred-factory-errors';

/** The kinds of Bedrock model an agent can be granted. */
export enum BedrockModelKind {
  /** A foundation model in one region, called by its model id. */
  FOUNDATION_MODEL = 'foundation-model',
  /** A geographic cross-region (system-defined) inference profile, e.g. `us.` or `eu.`. */
  INFERENCE_PROFILE = 'inference-profile',
  /** A global cross-region inference profile (`global.`). */
  GLOBAL_INFERENCE_PROFILE = 'global-inference-profile',
  /** An application inference profile created in the account. */
  APPLICATION_INFERENCE_PROFILE = 'application-inference-profile',
  /** Provisioned throughput for a model. */
  PROVISIONED_MODEL = 'provisioned-model',
  /** An on-demand deployment of a custom model. */
  CUSTOM_MODEL_DEPLOYMENT = 'custom-model-deployment',
  /** A model brought in with Custom Model Import. */
  IMPORTED_MODEL = 'imported-model',
}

/** Options of `BedrockModel.foundationModel`. */
export interface FoundationModelOptions {
  /**
   * Region the model is invoked in.
   * @default - the region of the agent's stack
   */
  readonly region?: string;
}

/** Options of `BedrockModel.inferenceProfile`. */
export interface InferenceProfileOptions {
  /**
   * Regions the profile routes to. Overrides the maintained table (`InferenceProfileRegions`), e.g.
   * for a region AWS added before this library did. The stack's own region is always included.
   * @default - the regions of the profile's geography from `InferenceProfileRegions`
   */
  readonly destinationRegions?: string[];
}

/** Options of `BedrockModel.applicationInferenceProfile`. */
export interface ApplicationInferenceProfileOptions {
  /**
   * The model or system inference profile the application profile was copied from. Its
   * foundation-model ARNs are granted only through the application profile.
   */
  readonly underlying: BedrockModel;
}

/**
 * An exact Bedrock model an agent may invoke. Grants `bedrock:InvokeModel` (which also authorizes
 * Converse) and, unless `streaming: false`, `bedrock:InvokeModelWithResponseStream` (ConverseStream)
 * on exact ARNs only; inference profiles reach their foundation models only through the profile.
 *
 * ```ts
 * agent.grantModels([BedrockModel.inferenceProfile('us.anthropic.claude-sonnet-4-20250514-v1:0')]);
 * ```
 */
export class BedrockModel implements IAgentModel {
  /**
   * A foundation model called directly by its id, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`.
   * ARN `arn:<partition>:bedrock:<region>::foundation-model/<id>` (foundation models have no account).
   */
  public static foundationModel(modelId: string, options: FoundationModelOptions = {}): BedrockModel {
    validateModelId('foundationModel', modelId);
    const region = options.region;
    if (region !== undefined) validateRegion('foundationModel region', region);
    return new BedrockModel(BedrockModelKind.FOUNDATION_MODEL, modelId, (stack) => [
      { entry: true, resources: [foundationModelArn(stack, modelId, region ?? stack.region)] },
    ]);
  }

  /**
   * A geographic cross-region inference profile, e.g. `us.anthropic.claude-sonnet-4-20250514-v1:0`.
   * Grants the profile ARN in the stack's region, and the foundation model in every destination
   * region only with `bedrock:InferenceProfileArn` equal to that profile, so the model cannot be
   * called directly.
   */
  public static inferenceProfile(profileId: string, options: InferenceProfileOptions = {}): BedrockModel {
    if (typeof profileId !== 'string' || Token.isUnresolved(profileId)) {
      invalid(
        `inferenceProfile needs a literal profile id, got ${show(profileId)}; its prefix selects the destination regions and the model id`,
      );
    }
    rejectWildcards(
      'inference profile id',
      profileId,
      `name one profile, e.g. 'us.anthropic.claude-sonnet-4-20250514-v1:0'`,
    );
    const { prefix, modelId } = splitProfileId(profileId);
    if (prefix === InferenceProfileRegions.GLOBAL_PREFIX) {
      invalid(
        `inference profile ${show(profileId)} is a global profile; use BedrockModel.globalInferenceProfile(${show(profileId)})`,
      );
    }
    const table = InferenceProfileRegions.destinationRegions(prefix);
    if (!table) {
      invalid(
        `inference profile ${show(profileId)} has unknown prefix ${show(prefix)}; known geographic prefixes are ` +
          `${InferenceProfileRegions.knownPrefixes().join(', ')} (and global, via globalInferenceProfile); ` +
          `for a foundation model use BedrockModel.foundationModel`,
      );
    }
    validateModelId('inferenceProfile', modelId);
    const override = options.destinationRegions;
    if (override !== undefined) {
      if (!Array.isArray(override) || override.length === 0) {
        invalid(
          `destinationRegions of ${show(profileId)} must list at least one region, e.g. ['us-east-1', 'us-west-2']`,
        );
      }
      override.forEach((r) => validateDestinationRegion(profileId, prefix, table, r));
    }
    const destinations = override ?? table;
    return new BedrockModel(BedrockModelKind.INFERENCE_PROFILE, profileId, (stack, scope) => {
      const region = stack.region;
      if (override === undefined && !Token.isUnresolved(region) && !table.includes(region)) {
        failAt(
          scope,
          `inference profile ${show(profileId)} is not offered in ${region}; ${prefix}. profiles are called from ` +
            `${table.join(', ')}. Use a profile of this region's geography, or pass destinationRegions if AWS added ${region}`,
        );
      }
      const profileArn = systemProfileArn(stack, profileId);
      return [
        { entry: true, resources: [profileArn] },
        {
          entry: false,
          resources: regionalModelArns(stack, modelId, destinations),
          conditions: { StringEquals: { [INFERENCE_PROFILE_ARN_KEY]: profileArn } },
        },
      ];
    });
  }

  /**
   * A global cross-region inference profile, e.g. `global.anthropic.claude-sonnet-4-5-20250929-v1:0`.
   * As AWS documents, grants the profile ARN in the stack's region, the foundation model in the
   * stack's region and the region-less `arn:<partition>:bedrock:::foundation-model/<id>` (with
   * `aws:RequestedRegion` = `unspecified`), both only with `bedrock:InferenceProfileArn` equal to the
   * profile.
   */
  public static globalInferenceProfile(profileId: string): BedrockModel {
    if (typeof profileId !== 'string' || Token.isUnresolved(profileId)) {
      invalid(
        `globalInferenceProfile needs a literal profile id, got ${show(profileId)}; e.g. 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'`,
      );
    }
    rejectWildcards(
      'inference profile id',
      profileId,
      `name one profile, e.g. 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'`,
    );
    const { prefix, modelId } = splitProfileId(profileId);
    if (prefix !== InferenceProfileRegions.GLOBAL_PREFIX) {
      invalid(
        `global inference profile ${show(profileId)} must start with 'global.'; for geographic profiles use BedrockModel.inferenceProfile`,
      );
    }
    validateModelId('globalInferenceProfile', modelId);
    return new BedrockModel(BedrockModelKind.GLOBAL_INFERENCE_PROFILE, profileId, (stack) => {
      const profileArn = systemProfileArn(stack, profileId);
      return [{ entry: true, resources: [profileArn] }, ...globalRoutes(stack, modelId, profileArn)];
    });
  }

  /**
   * An application inference profile (`arn:…:application-inference-profile/<id>`). Grants the
   * profile, and the foundation-model ARNs of `underlying` only through this profile.
   */
  public static applicationInferenceProfile(
    arn: string,
    options: ApplicationInferenceProfileOptions,
  ): BedrockModel {
    validateBedrockArn('applicationInferenceProfile', arn, 'application-inference-profile');
    const underlying = options?.underlying;
    if (!(underlying instanceof BedrockModel) || !ROUTABLE.includes(underlying.kind)) {
      invalid(
        `applicationInferenceProfile ${show(arn)} needs { underlying } set to the BedrockModel it was copied from: ` +
          `foundationModel, inferenceProfile or globalInferenceProfile`,
      );
    }
    return new BedrockModel(BedrockModelKind.APPLICATION_INFERENCE_PROFILE, arn, (stack, scope) => {
      // A system profile's own ARN is not granted: only the foundation models it routes to are.
      const routed = underlying
        ._invokeTargets(stack, scope)
        .filter((t) => underlying.kind === BedrockModelKind.FOUNDATION_MODEL || !t.entry);
      return [{ entry: true, resources: [arn] }, ...routed.map((t) => throughProfile(t, arn))];
    });
  }

  /** Provisioned throughput (`arn:…:provisioned-model/<id>`). */
  public static provisionedModel(arn: string): BedrockModel {
    validateBedrockArn('provisionedModel', arn, 'provisioned-model');
    return new BedrockModel(BedrockModelKind.PROVISIONED_MODEL, arn, () => [
      { entry: true, resources: [arn] },
    ]);
  }

  /** An on-demand custom model deployment (`arn:…:custom-model-deployment/<id>`). */
  public static customModelDeployment(arn: string): BedrockModel {
    validateBedrockArn('customModelDeployment', arn, 'custom-model-deployment');
    return new BedrockModel(BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT, arn, () => [
      { entry: true, resources: [arn] },
    ]);
  }

  /** A model brought in with Custom Model Import (`arn:…:imported-model/<id>`). */
  public static importedModel(arn: string): BedrockModel {
    validateBedrockArn('importedModel', arn, 'imported-model');
    return new BedrockModel(BedrockModelKind.IMPORTED_MODEL, arn, () => [{ entry: true, resources: [arn] }]);
  }

  /** What kind of model this is. */
  public readonly kind: BedrockModelKind;
  /** The model id, profile id or ARN it was created from (may be a token). */
  public readonly identifier: string;

  private constructor(
    kind: BedrockModelKind,
    identifier: string,
    private readonly targets: (stack: Stack, scope: IConstruct) => InvokeTarget[],
  ) {
    this.kind = kind;
    this.identifier = identifier;
  }

  /**
   * Grants `agent` invocation of this model. With a pinned guardrail, the statement on the ARN the
   * caller names also requires `bedrock:GuardrailIdentifier` to equal the pin.
   */
  public grantInvokeToAgent(agent: IAgentIdentity, options: AgentModelGrantOptions = {}): iam.Grant {
    failIfInvalid(agent, this);
    failIfInvalid(agent, options.guardrail);
    const pinned = pinnedIdentifierOf(options.guardrail);
    const grant = grantTargets(agent, this._invokeTargets(Stack.of(agent), agent), options.streaming, pinned);
    agent.recordEntitlement({
      kind: 'model',
      description:
        `invoke ${this.kind} ${this.identifier}` +
        (options.streaming === false ? '' : ' (streaming)') +
        (pinned !== undefined ? ' with a pinned guardrail' : ''),
      // Bedrock runtime invocations (InvokeModel, Converse and their streams) are CloudTrail
      // management events, which every trail records; there is no data event selector to add.
      auditedResources: [],
    });
    return grant;
  }

  /**
   * Grants `grantee` invocation of this model, from the model's side (the mirror of
   * `agent.grantModels([model], options)`).
   *
   * - An agent (the `AgentIdentity`, its `role`, or a construct that runs as its role) gets exactly
   *   what `agent.grantModels([model], options)` gives, guardrail pin and recorded entitlement included.
   * - Any other role, user or group of this app (or a construct that runs as one, e.g. a Lambda
   *   function) gets the same exact ARNs and routed-profile conditions; no tag conditions are
   *   involved. `guardrail` is refused for it: a pin is an agent's (allow with the guardrail, deny
   *   without it, reported per agent). Principals without an identity policy in this app (e.g.
   *   `iam.ArnPrincipal`) are refused.
   */
  public grantInvoke(grantee: iam.IGrantable, options: AgentModelGrantOptions = {}): iam.Grant {
    const what = `model ${this.identifier}`;
    const resolved = resolveGrantee(grantee, what, undefined);
    if (resolved.agent) {
      const agentSide = (resolved.agent as Partial<AgentWithModels>).grantModels;
      if (typeof agentSide === 'function') return agentSide.call(resolved.agent, [this], options);
      const grant = this.grantInvokeToAgent(resolved.agent, options);
      return options.guardrail
        ? grant.combine(options.guardrail.pinForAgent(resolved.agent, [this], options))
        : grant;
    }
    const principal = resolved.principal;
    if (options.guardrail) {
      failAt(
        principal,
        `a guardrail can be pinned only on an agent's model invocations, and this principal is not an agent; ` +
          `grant the model to an AgentIdentity with { guardrail }, or leave guardrail out`,
      );
    }
    const targets = this._invokeTargets(Stack.of(principal), principal);
    return requireGranted(grantTargets(principal, targets, options.streaming, undefined), principal, what);
  }

  /**
   * The ARNs a caller names when invoking this model (for guardrail pins and checks).
   * @internal
   */
  public _entryArns(stack: Stack, scope: IConstruct): string[] {
    return this._invokeTargets(stack, scope)
      .filter((t) => t.entry)
      .flatMap((t) => t.resources);
  }

  /** @internal */
  public _invokeTargets(stack: Stack, scope: IConstruct): InvokeTarget[] {
    return this.targets(stack, scope);
  }
}

/** An agent that offers the agent-side model grant (`AgentIdentity.grantModels`). */
interface AgentWithModels {
  grantModels(models: IAgentModel[], options: AgentModelGrantOptions): iam.Grant;
}

/** One Allow per target; with a pin, the statement on the ARN the caller names also requires it. */
function grantTargets(
  grantee: iam.IGrantable,
  targets: InvokeTarget[],
  streaming: boolean | undefined,
  pinned: string | undefined,
): iam.Grant {
  const actions = invokeActions(streaming);
  const grants = targets.map((target) =>
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: target.resources,
      conditions:
        target.entry && pinned !== undefined
          ? { ...(target.conditions ?? {}), StringEquals: { [GUARDRAIL_IDENTIFIER_KEY]: pinned } }
          : target.conditions,
    }),
  );
  return grants.slice(1).reduce((all, g) => all.combine(g), grants[0]);
}

const ROUTABLE = [
  BedrockModelKind.FOUNDATION_MODEL,
  BedrockModelKind.INFERENCE_PROFILE,
  BedrockModelKind.GLOBAL_INFERENCE_PROFILE,
];

/** Provider id, a dot, then the model: letters, digits and `. - : _`. */
const MODEL_ID = /^[a-z0-9][a-z0-9-]*\.[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const KNOWN_PREFIXES = () => [
  ...InferenceProfileRegions.knownPrefixes(),
  InferenceProfileRegions.GLOBAL_PREFIX,
];

function validateModelId(factory: string, modelId: string): void {
  if (typeof modelId !== 'string' || modelId.length === 0) {
    invalid(
      `${factory} needs a model id, got ${show(modelId)}; e.g. 'anthropic.claude-3-5-haiku-20241022-v1:0'`,
    );
  }
  rejectWildcards('model id', modelId, `name one model, e.g. 'anthropic.claude-3-5-haiku-20241022-v1:0'`);
  if (Token.isUnresolved(modelId)) return;
  if (modelId.startsWith('arn:')) {
    invalid(
      `model id ${show(modelId)} is an ARN; pass the model id (the part after foundation-model/), or use ` +
        `provisionedModel / customModelDeployment / importedModel / applicationInferenceProfile for ARNs`,
    );
  }
  const first = modelId.split('.')[0];
  if (factory === 'foundationModel' && KNOWN_PREFIXES().includes(first)) {
    invalid(
      `model id ${show(modelId)} is an inference profile id; use BedrockModel.` +
        `${first === InferenceProfileRegions.GLOBAL_PREFIX ? 'globalInferenceProfile' : 'inferenceProfile'}(${show(modelId)})`,
    );
  }
  if (!MODEL_ID.test(modelId)) {
    invalid(
      `model id ${show(modelId)} is not a Bedrock model id; expected <provider>.<model> with letters, digits and . - : _, ` +
        `e.g. 'anthropic.claude-3-5-haiku-20241022-v1:0'`,
    );
  }
}

/**
 * A destination region must be a region AWS has (per aws-cdk-lib's region table) and lie in the
 * profile's geography (the areas of the regions the geography's table lists, e.g. `us`, `ap`).
 */
function validateDestinationRegion(profileId: string, prefix: string, table: string[], region: string): void {
  const what = `destinationRegions of ${show(profileId)}`;
  validateRegion(what, region);
  if (Token.isUnresolved(region)) return;
  if (!RegionInfo.regions.some((r) => r.name === region)) {
    invalid(
      `${what}: ${show(region)} is not an AWS region; name a region of the ${prefix} geography, e.g. ${show(table[0])}`,
    );
  }
  const areas = new Set(table.map(regionArea));
  if (!areas.has(regionArea(region))) {
    invalid(
      `${what}: ${show(region)} is not in the ${prefix} geography (${[...areas].join(', ')} regions); a ${prefix}. profile never routes there`,
    );
  }
}

/** The area of a region name: `us-east-1` → `us`, `us-gov-west-1` → `us-gov`, `ap-south-2` → `ap`. */
function regionArea(region: string): string {
  return region.replace(/-[a-z]+-\d+$/, '');
}

function validateRegion(what: string, region: string): void {
  if (typeof region !== 'string') invalid(`${what} must be a region name, got ${show(region)}`);
  rejectWildcards(what, region, `name one region, e.g. 'us-east-1'`);
  if (!Token.isUnresolved(region) && !REGION.test(region)) {
    invalid(`${what} ${show(region)} is not a region name; use e.g. 'us-east-1'`);
  }
}

function validateBedrockArn(factory: string, arn: string, resourceType: string): void {
  const example = `arn:<partition>:bedrock:<region>:<account>:${resourceType}/<id>`;
  if (typeof arn !== 'string' || arn.length === 0)
    invalid(`${factory} needs an ARN like ${example}, got ${show(arn)}`);
  rejectWildcards(`${factory} ARN`, arn, `name one resource, ${example}`);
  if (Token.isUnresolved(arn)) return;
  const re = new RegExp(
    `^arn:[a-z-]+:bedrock:[a-z0-9-]+:\\d{12}:${resourceType}/[A-Za-z0-9][A-Za-z0-9._-]*$`,
  );
  if (!re.test(arn)) invalid(`${factory} ARN ${show(arn)} is not of the form ${example}`);
}

function splitProfileId(profileId: string): { prefix: string; modelId: string } {
  const dot = profileId.indexOf('.');
  if (dot <= 0) {
    invalid(
      `inference profile id ${show(profileId)} has no prefix; expected <prefix>.<model id> with a prefix among ` +
        `${KNOWN_PREFIXES().join(', ')}`,
    );
  }
  return { prefix: profileId.slice(0, dot), modelId: profileId.slice(dot + 1) };
}

function foundationModelArn(stack: Stack, modelId: string, region: string): string {
  return stack.formatArn({
    service: 'bedrock',
    region,
    account: '',
    resource: 'foundation-model',
    resourceName: modelId,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

function systemProfileArn(stack: Stack, profileId: string): string {
  return stack.formatArn({
    service: 'bedrock',
    resource: 'inference-profile',
    resourceName: profileId,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** The foundation model in the stack's region and in each destination region, without duplicates. */
function regionalModelArns(stack: Stack, modelId: string, destinations: readonly string[]): string[] {
  // The stack's region is a source region and so a destination; it may be a token (env-agnostic).
  const regions = destinations.includes(stack.region) ? destinations : [stack.region, ...destinations];
  const arns = regions.map((r) => foundationModelArn(stack, modelId, r));
  return arns;
}

/** The routes of a global profile, as AWS documents them. */
function globalRoutes(stack: Stack, modelId: string, profileArn: string): InvokeTarget[] {
  return [
    {
      entry: false,
      resources: [foundationModelArn(stack, modelId, stack.region)],
      conditions: { StringEquals: { [INFERENCE_PROFILE_ARN_KEY]: profileArn } },
    },
    {
      entry: false,
      resources: [foundationModelArn(stack, modelId, '')],
      conditions: {
        StringEquals: { [INFERENCE_PROFILE_ARN_KEY]: profileArn, 'aws:RequestedRegion': 'unspecified' },
      },
    },
  ];
}

/**
 * A target of an underlying model, reachable only through an application profile: it is
 * conditioned on `bedrock:InferenceProfileArn` equal to the application profile's ARN.
 */
function throughProfile(target: InvokeTarget, applicationProfileArn: string): InvokeTarget {
  const stringEquals = target.conditions?.StringEquals ?? {};
  return {
    entry: false,
    resources: target.resources,
    conditions: {
      ...(target.conditions ?? {}),
      StringEquals: { ...stringEquals, [INFERENCE_PROFILE_ARN_KEY]: applicationProfileArn },
    },
  };
}

// Bad arguments surface at the grant, named by the agent's construct path (lib/shared/deferred-factory-errors.ts).
deferFactoryErrors(
  BedrockModel,
  'BedrockModel',
  [
    'foundationModel',
    'inferenceProfile',
    'globalInferenceProfile',
    'applicationInferenceProfile',
    'provisionedModel',
    'customModelDeployment',
    'importedModel',
  ],
  (args) => {
    const model = Object.assign(Object.create(BedrockModel.prototype), {
      kind: BedrockModelKind.FOUNDATION_MODEL,
      identifier: String(args[0]),
    });
    // also when it is nested, e.g. as the `underlying` of an application inference profile
    model.targets = (_stack: Stack, scope: IAgentIdentity) => {
      failIfInvalid(scope, model);
      return [];
    };
    return model;
  },
);
