import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { AgentIdentity, AgentRuntime } from '../../lib/identity';
import { AgentSecret, SecretRotation } from '../../lib/secrets';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * cdk-nag on the secret, its key and its rotation function (not on the agent role, which
 * lib/identity owns). Passing rules stay passing; the findings that remain are listed exactly so
 * that a new one fails this test and a fixed one forces the list to shrink.
 */
describe('AgentSecret under cdk-nag', () => {
  // GIVEN a secret with the generated-key rotation
  const { stack } = newStack();
  const agent = new AgentIdentity(stack, 'Triage', {
    agentName: 'triage',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
  });
  const secret = new AgentSecret(stack, 'ApiKey', {
    readers: [agent],
    rotation: SecretRotation.generatedApiKey(),
  });
  const findings = (pack: AwsSolutionsChecks | NIST80053R5Checks): string[] =>
    (pack.validateScope(secret) as Json).violations
      .map((v: Json) => v.ruleName.replace(/\[.*\]$/, ''))
      .sort();

  test('AwsSolutions: nothing unacknowledged (the log-stream wildcard is acknowledged with its reason)', () => {
    // WHEN the AwsSolutions pack runs THEN no finding remains
    expect(findings(new AwsSolutionsChecks(stack))).toEqual([]);
  });

  test('NIST 800-53 R5: nothing unacknowledged (the rotation function findings carry reasons)', () => {
    expect(findings(new NIST80053R5Checks(stack))).toEqual([]);
  });

  test('every acknowledgement the construct records names the rule and a reason of substance', () => {
    const acks = secret.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.map(([id]) => id.replace(/^Annotation::/, '').replace(/\[.*\]$/, '')).sort()).toEqual([
      'AwsSolutions-IAM5',
      'NIST.800.53.R5-LambdaConcurrency',
      'NIST.800.53.R5-LambdaDLQ',
      'NIST.800.53.R5-LambdaInsideVPC',
      'cdk-validator-cfnguard::lambda_inside_vpc_check',
    ]);
    for (const [, reason] of acks) expect(reason.length).toBeGreaterThan(40);
  });
});
