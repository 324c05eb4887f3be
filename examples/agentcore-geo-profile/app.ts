import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { Construct } from 'constructs';
import {
  AgentAuditTrail,
  AgentIdentity,
  AgentRuntime,
  BedrockModel,
  GuardrailPin,
  ModelInvocationLogging,
} from '../../lib';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';
import { trackLibraryFindings } from '../_shared/tracked-findings';

/** The EU geographic inference profile the agent calls: inference stays in EU regions. */
export const PROFILE_ID = 'eu.anthropic.claude-sonnet-4-20250514-v1:0';
/** The agent's name (the `ai:agent` tag). */
export const AGENT_NAME = 'eu-support-assistant';
/** The example deploys in an EU region, a source region of `eu.` profiles. */
export const REGION = 'eu-west-1';

/**
 * A Bedrock AgentCore runtime agent that may call one model only through the EU inference
 * profile, only with one published version of a guardrail, and whose invocations are logged.
 */
export class AgentCoreGeoProfileStack extends Stack {
  public readonly agent: AgentIdentity;
  public readonly guardrail: bedrock.CfnGuardrail;
  public readonly guardrailVersion: bedrock.CfnGuardrailVersion;
  public readonly logging: ModelInvocationLogging;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const trail = new AgentAuditTrail(this, 'Audit', { retention: Duration.days(400) });
    this.logging = new ModelInvocationLogging(this, 'InvocationLogging');
    for (const id of [
      'AwsSolutions-S1',
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
    ]) {
      Validations.of(this.logging.bucket!).acknowledge({
        id,
        reason:
          'tracked: ModelInvocationLogging creates its log bucket without server access logs or replication',
      });
    }

    this.guardrail = new bedrock.CfnGuardrail(this, 'Guardrail', {
      name: 'eu-support-assistant',
      blockedInputMessaging: 'Sorry, I cannot help with that request.',
      blockedOutputsMessaging: 'Sorry, I cannot provide that answer.',
      contentPolicyConfig: {
        filtersConfig: ['HATE', 'INSULTS', 'SEXUAL', 'VIOLENCE', 'MISCONDUCT', 'PROMPT_ATTACK'].map(
          (type) => ({
            type,
            inputStrength: 'HIGH',
            outputStrength: type === 'PROMPT_ATTACK' ? 'NONE' : 'HIGH',
          }),
        ),
      },
      sensitiveInformationPolicyConfig: {
        piiEntitiesConfig: [
          { type: 'EMAIL', action: 'ANONYMIZE' },
          { type: 'PHONE', action: 'ANONYMIZE' },
          { type: 'CREDIT_DEBIT_CARD_NUMBER', action: 'BLOCK' },
        ],
      },
    });
    this.guardrailVersion = new bedrock.CfnGuardrailVersion(this, 'GuardrailVersion', {
      guardrailIdentifier: this.guardrail.attrGuardrailId,
      description: 'Pinned by the eu-support-assistant agent',
    });

    this.agent = new AgentIdentity(this, 'Assistant', {
      agentName: AGENT_NAME,
      runtime: AgentRuntime.agentCoreRuntime(),
      owner: 'customer-support-eu@example.com',
      auditTrail: trail,
    });
    this.agent.grantModels([BedrockModel.inferenceProfile(PROFILE_ID)], {
      guardrail: GuardrailPin.version(this.guardrail, this.guardrailVersion.attrVersion),
    });
    trackLibraryFindings(this);
  }
}

/** Builds the scenario into `app`; its synth fails on any unacknowledged finding. */
export function buildApp(app: App): Stack[] {
  addExampleChecks(app);
  return [
    new AgentCoreGeoProfileStack(app, 'AgentCoreGeoProfile', { env: { ...EXAMPLE_ENV, region: REGION } }),
  ];
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
