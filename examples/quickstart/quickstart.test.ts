import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AgentIdentityChecks } from '../../lib';
import { agentRoleId, rolePolicies, simulate } from '../../test/helpers/simulate';
import { buildApp } from './app';
import { readmeBlockAndApp } from '../_shared/readme-block';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('quickstart (the README code)', () => {
  test('the README quickstart is this file, word for word (so the README compiles)', () => {
    const { block, source } = readmeBlockAndApp('Quickstart', path.join(__dirname, 'app.ts'));
    expect(block).toBe(source);
  });

  const app = new App();
  const stack = buildApp(app);
  const json = Template.fromStack(stack).toJSON();

  test('the triage agent reads its prefix and nothing else', async () => {
    const role = rolePolicies(json, agentRoleId(json, 'email-triage'));
    const bucket = Object.keys(json.Resources).find(
      (id) => id.startsWith('Inbox') && json.Resources[id].Type === 'AWS::S3::Bucket',
    )!;
    const name = bucket.toLowerCase();
    const context = { 'aws:ResourceTag/ai:tenant': 'acme', 'aws:ResourceTag/ai:classification': 'internal' };
    const bucketAbac = true;
    expect(
      await simulate(role, {
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${name}/inbox/support/1.eml`,
        context,
        bucketAbac,
      }),
    ).toBe('Allowed');
    expect(
      await simulate(role, {
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${name}/inbox/billing/1.eml`,
        context,
        bucketAbac,
      }),
    ).toBe('ImplicitlyDenied');
    expect(
      await simulate(role, {
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${name}/inbox/support/1.eml`,
        context,
        bucketAbac,
      }),
    ).toBe('ImplicitlyDenied');
  });

  test.each([
    ['AwsSolutions', () => new AwsSolutionsChecks(app)],
    ['AgentIdentityChecks', () => new AgentIdentityChecks(app)],
  ])('%s has nothing to report on the library constructs', (_name, pack) => {
    // (the demo inbox bucket has no access-log target: that finding is the example's, not the library's)
    const violations = (pack().validateScope(stack) as Json).violations.filter(
      (v: Json) =>
        !v.violatingResources.every((r: Json) => String(r.constructPath).startsWith('Quickstart/Inbox/')),
    );
    expect(violations.map((v: Json) => v.ruleName)).toEqual([]);
  });
});
