import { App, ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AgentAuditTrail,
  AgentIdentity,
  AgentRuntime,
  AgentSecret,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
  SecretRotation,
} from '../../lib';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';

/**
 * A three-step workflow (read tickets → translate → post to chat) where every step runs as its
 * own agent identity and only the step that needs a secret can read it.
 */
export function buildApp(app: App): Stack[] {
  const stack = new Stack(app, 'MultiStepWorkflowExample', { env: EXAMPLE_ENV });
  const trail = new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });
  const owner = 'workflow-team@example.com';
  const step = (id: string, agentName: string) =>
    new AgentIdentity(stack, id, {
      agentName,
      runtime: AgentRuntime.lambdaFunction(),
      owner,
      auditTrail: trail,
    });

  // Step 1: read the ticket. Its credential is its role: DynamoDB needs no secret.
  const tickets = new dynamodb.Table(stack, 'Tickets', {
    partitionKey: { name: 'ticketId', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
  });
  DataTags.of(tickets).apply({ classification: DataClassification.INTERNAL });
  Validations.of(tickets).acknowledge({
    id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
    reason: 'demo ticket table: point-in-time recovery is on; the AWS Backup plan is the organization’s',
  });
  const reader = step('ReadTicket', 'ticket-reader');
  reader.grantData(DataStore.dynamoDbTable(tickets), DataAccess.READ);

  // Step 2: translate it with an external provider; the provider's API key is this step's secret,
  // rotated at the provider by a function of ours.
  const translator = step('Translate', 'ticket-translator');
  new AgentSecret(stack, 'TranslationApiKey', {
    readers: [translator],
    rotation: SecretRotation.lambdaFunction(translationKeyRotation(stack), { every: Duration.days(30) }),
    description: 'API key of the external translation provider',
  });

  // Step 3: post the translation to the team chat; the webhook signing secret, which the chat
  // bridge in this account verifies against Secrets Manager, is this step's secret.
  const notifier = step('NotifyChat', 'chat-notifier');
  new AgentSecret(stack, 'ChatWebhookSecret', {
    readers: [notifier],
    rotation: SecretRotation.generatedApiKey({ every: Duration.days(30) }),
    description: 'Signing secret of the chat webhook',
  });

  return [stack];
}

/**
 * The function that rotates the translation key at the provider. It belongs to the team that
 * integrates the provider and follows the rotation contract of lib/secrets/README.md; AgentSecret
 * adds the rotation permissions for this one secret to its role.
 */
function translationKeyRotation(stack: Stack): lambda.IFunction {
  const role = iam.Role.fromRoleName(
    stack,
    'TranslationKeyRotationRole',
    'translation-provider-key-rotation',
  );
  Validations.of(role).acknowledge({
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      'the rotation role belongs to the provider-integration stack; this stack can only attach a policy to it, ' +
      'holding exactly the rotation permissions for the one translation key',
  });
  return lambda.Function.fromFunctionAttributes(stack, 'TranslationKeyRotation', {
    functionArn: stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: 'translation-provider-key-rotation',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    role,
    sameEnvironment: true,
  });
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  addExampleChecks(app);
  app.synth();
}
