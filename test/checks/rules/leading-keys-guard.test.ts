import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor } from '../fixtures';

const RULE = 'LeadingKeysGuard';
const OWN = '${aws:PrincipalTag/ai:tenant}';

function withQuery(conditions: Record<string, unknown>) {
  const c = agentApp();
  c.agent.addToAgentPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [c.stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'orders' })],
      conditions,
    }),
  );
  return c;
}

describe('AgentIdentity-LeadingKeysGuard', () => {
  test('ForAllValues on dynamodb:LeadingKeys with the Null guard is compliant', () => {
    const { app } = withQuery({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [OWN] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('without the guard it is reported per resource', () => {
    const { app } = withQuery({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [OWN] } });
    expect(findingsFor(check(app), RULE)).toEqual([
      'Resource::arn:<AWS::Partition>:dynamodb:us-east-1:111111111111:table/orders',
    ]);
  });

  test('a Null true "guard" is no guard', () => {
    const { app } = withQuery({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [OWN] },
      Null: { 'dynamodb:LeadingKeys': 'true' },
    });
    expect(findingsFor(check(app), RULE)).toHaveLength(1);
  });

  test('the library’s tenant-partitioned grant is compliant', () => {
    // dynamodb-table-kind writes ForAllValues + Null false; any regression there is caught here
    const { app } = withQuery({ StringEquals: { 'aws:ResourceTag/ai:tenant': OWN } });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
