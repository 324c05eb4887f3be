import { Stack, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AgentModelGrantOptions,
  IAgentGuardrail,
  IAgentIdentity,
  IAgentModel,
} from '../identity/agent-capabilities';
import { failAt, show } from '../shared/errors';
import { BedrockModel } from './bedrock-model';
import {
  GUARDRAIL_IDENTIFIER_KEY,
  INVOKE_MODEL,
  INVOKE_MODEL_STREAM,
  invalid,
  notePinnedGuardrail,
  rejectWildcards,
} from './model-grants';
import { deferFactoryErrors, failIfInvalid } from '../shared/deferred-factory-errors';

/**
 * Pins an agent's model invocations to one numbered version of a Bedrock guardrail:
 *
 * - the model grants allow invocation only with `bedrock:GuardrailIdentifier` equal to
 *   `<guardrail ARN>:<version>`;
 * - an explicit Deny refuses invocation of the same models when `bedrock:GuardrailIdentifier` is
 *   anything else or absent (`StringNotEquals` is true when the key is missing), whatever else the
 *   agent is granted;
 * - `bedrock:ApplyGuardrail` is allowed on the guardrail, which invoking with a guardrail needs.
 *
 * RetrieveAndGenerate and InvokeAgent make model calls inside Bedrock that this IAM pin does not
 * see. When the same agent is granted either, synth emits the warning
 * `cdk-agent-identity:guardrail-bypass` (a warning, not an error: the guardrail can be configured
 * on the Bedrock side, which IAM cannot check; acknowledge it once that is done).
 *
 * ```ts
 * agent.grantModels([model], { guardrail: GuardrailPin.version(guardrail, '3') });
 * ```
 */
export class GuardrailPin implements IAgentGuardrail {
  /**
   * Pins `version` (a number ≥ 1 as a string, or a token such as `CfnGuardrailVersion.attrVersion`)
   * of `guardrail`, given as the `CfnGuardrail` construct or its ARN
   * (`arn:<partition>:bedrock:<region>:<account>:guardrail/<id>`). `DRAFT` cannot be pinned: it
   * changes without a new version.
   */
  public static version(guardrail: bedrock.CfnGuardrail | string, version: string): GuardrailPin {
    const guardrailArn = guardrailArnOf(guardrail);
    validateVersion(version);
    return new GuardrailPin(guardrailArn, version);
  }

  /** ARN of the guardrail (without version); may be a token. */
  public readonly guardrailArn: string;
  /** The pinned version. */
  public readonly guardrailVersion: string;
  /** `<guardrail ARN>:<version>`, the only value of `bedrock:GuardrailIdentifier` invocations may carry. */
  public readonly pinnedIdentifier: string;

  private constructor(guardrailArn: string, version: string) {
    this.guardrailArn = guardrailArn;
    this.guardrailVersion = version;
    this.pinnedIdentifier = `${guardrailArn}:${version}`;
  }

  /** Adds the Deny without the pinned guardrail and the ApplyGuardrail grant to `agent`. */
  public pinForAgent(
    agent: IAgentIdentity,
    models: IAgentModel[],
    _options: AgentModelGrantOptions,
  ): iam.Grant {
    failIfInvalid(agent, this);
    for (const model of models) failIfInvalid(agent, model);
    const stack = Stack.of(agent);
    const entryArns: string[] = [];
    for (const model of models) {
      if (!(model instanceof BedrockModel)) {
        failAt(
          agent,
          `a guardrail can only be pinned on BedrockModel models, got ${show(model?.constructor?.name)}`,
        );
      }
      entryArns.push(...model._entryArns(stack, agent));
    }
    // Deny both invoke actions even when streaming was not granted: a deny may be wider than the
    // allow, and it keeps another grant of the same models from bypassing the pin.
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: [INVOKE_MODEL, INVOKE_MODEL_STREAM],
        resources: entryArns,
        conditions: { StringNotEquals: { [GUARDRAIL_IDENTIFIER_KEY]: this.pinnedIdentifier } },
      }),
    );
    const grant = iam.Grant.addToPrincipal({
      grantee: agent,
      actions: ['bedrock:ApplyGuardrail'],
      resourceArns: [this.guardrailArn],
    });
    agent.recordEntitlement({
      kind: 'guardrail',
      description: `model invocations pinned to guardrail ${this.guardrailArn} version ${this.guardrailVersion}`,
      auditedResources: [{ resourceType: 'AWS::Bedrock::Guardrail', arn: this.guardrailArn }],
    });
    notePinnedGuardrail(agent, this.pinnedIdentifier);
    return grant;
  }
}

const GUARDRAIL_ARN = /^arn:[a-z-]+:bedrock:[a-z0-9-]+:\d{12}:guardrail\/[a-z0-9]+$/;
const VERSION = /^[1-9][0-9]{0,7}$/;

function guardrailArnOf(guardrail: bedrock.CfnGuardrail | string): string {
  if (guardrail instanceof bedrock.CfnGuardrail) return guardrail.attrGuardrailArn;
  if (typeof guardrail !== 'string' || guardrail.length === 0) {
    invalid(`GuardrailPin.version needs a CfnGuardrail or a guardrail ARN, got ${show(guardrail)}`);
  }
  rejectWildcards('guardrail ARN', guardrail, 'pin one guardrail');
  if (Token.isUnresolved(guardrail)) return guardrail;
  if (/:guardrail\/[a-z0-9]+:[^:]+$/.test(guardrail)) {
    invalid(
      `guardrail ARN ${show(guardrail)} carries a version; pass the ARN without it and the version separately`,
    );
  }
  if (!GUARDRAIL_ARN.test(guardrail)) {
    invalid(
      `guardrail ARN ${show(guardrail)} is not of the form arn:<partition>:bedrock:<region>:<account>:guardrail/<id>`,
    );
  }
  return guardrail;
}

function validateVersion(version: string): void {
  if (typeof version !== 'string') {
    invalid(`guardrail version must be a string such as '3', got ${show(version)}`);
  }
  if (Token.isUnresolved(version)) return;
  if (version.toUpperCase() === 'DRAFT') {
    invalid(
      `guardrail version 'DRAFT' cannot be pinned: it changes without a new version; publish one (bedrock.CfnGuardrailVersion) and pin its number`,
    );
  }
  if (!VERSION.test(version)) {
    invalid(`guardrail version ${show(version)} must be a number from 1 to 99999999 as a string, e.g. '3'`);
  }
}

// Bad arguments surface at the grant, named by the agent's construct path (lib/shared/deferred-factory-errors.ts).
deferFactoryErrors(GuardrailPin, 'GuardrailPin', ['version'], (args) =>
  Object.assign(Object.create(GuardrailPin.prototype), {
    guardrailArn: String(args[0]),
    guardrailVersion: String(args[1]),
    pinnedIdentifier: `${String(args[0])}:${String(args[1])}`,
  }),
);
