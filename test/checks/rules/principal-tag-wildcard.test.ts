import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor } from '../fixtures';

const RULE = 'PrincipalTagWildcard';
const OWN = '${aws:PrincipalTag/ai:tenant}';

function withStatement(resource: string, conditions?: Record<string, unknown>) {
  const c = agentApp();
  c.agent.addToAgentPolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [resource], conditions }),
  );
  return c;
}

describe('AgentIdentity-PrincipalTagWildcard', () => {
  test('a delimiter after the variable is compliant', () => {
    const { app } = withStatement(`arn:aws:s3:::data/${OWN}/*`, {
      StringEquals: { 's3:ExistingObjectTag/ai:tenant': OWN },
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a wildcard right after the variable, in a resource and in a condition value, is reported', () => {
    const { app } = withStatement(`arn:aws:s3:::data/${OWN}*`, {
      StringLike: { 's3:ExistingObjectTag/ai:tenant': `${OWN}*` },
    });
    expect(findingsFor(check(app), RULE)).toEqual([
      'Resource::arn:aws:s3:::data/<aws:PrincipalTag/ai:tenant>*',
      'Value::<aws:PrincipalTag/ai:tenant>*',
    ]);
  });

  test('a ? before the variable is reported', () => {
    const { app } = withStatement('arn:aws:s3:::data/x', {
      StringLike: { 's3:ExistingObjectTag/ai:tenant': `?${OWN}` },
    });
    expect(findingsFor(check(app), RULE)).toEqual(['Value::?<aws:PrincipalTag/ai:tenant>']);
  });
});
