import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor } from '../fixtures';

const RULE = 'NoAlwaysTrueConditions';
const OWN = '${aws:PrincipalTag/ai:tenant}';

function withConditions(conditions: Record<string, unknown>) {
  const c = agentApp();
  c.agent.addToAgentPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::data/inbox/*'],
      conditions,
    }),
  );
  return c;
}

describe('AgentIdentity-NoAlwaysTrueConditions', () => {
  test('real restrictions are compliant (equality, Null false guard with IfExists, Null on a request tag)', () => {
    const { app } = withConditions({
      StringEquals: { 's3:ExistingObjectTag/ai:tenant': OWN },
      StringEqualsIfExists: { 'aws:ResourceTag/ai:classification': 'internal' },
      Null: { 'aws:ResourceTag/ai:classification': 'false', 'aws:RequestTag/ai:record': 'false' },
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test.each([
    [{ StringLike: { 's3:prefix': '*' } }, 'StringLike::s3:prefix'],
    [{ 'ForAnyValue:StringLike': { 'aws:TagKeys': ['*'] } }, 'ForAnyValue:StringLike::aws:TagKeys'],
    [{ Null: { 'aws:PrincipalArn': 'false' } }, 'Null::aws:PrincipalArn'],
    [{ Null: { 'aws:PrincipalTag/ai:agent': 'false' } }, 'Null::aws:PrincipalTag/ai:agent'],
    [{ StringEquals: { 'aws:PrincipalTag/ai:tenant': OWN } }, 'StringEquals::aws:PrincipalTag/ai:tenant'],
    [
      { StringEqualsIfExists: { 'aws:ResourceTag/ai:tenant': OWN } },
      'StringEqualsIfExists::aws:ResourceTag/ai:tenant',
    ],
    [
      { 'ForAllValues:StringEqualsIfExists': { 'dynamodb:LeadingKeys': [OWN] } },
      'ForAllValues:StringEqualsIfExists::dynamodb:LeadingKeys',
    ],
  ])('%j is reported', (conditions, expected) => {
    const { app } = withConditions(conditions);
    expect(findingsFor(check(app), RULE)).toEqual([expected]);
  });

  test('Null false on a principal tag the role does not have is a real condition', () => {
    const { app } = withConditions({ Null: { 'aws:PrincipalTag/ai:record': 'false' } });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
