import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { DEMO_BUCKET_CONTROL_TOWER } from '../_shared/demo-data-bucket';
import { describeRulePackTests } from '../_shared/standard-tests';
import { agentRole, arnOf, logicalIdOf, simulateAs, templateOf } from '../_shared/simulation';
import { rolePolicies } from '../../test/helpers/simulate';
import { buildApp } from './app';

describe('example: resource-side-grants (README "Grants from the resource side")', () => {
  // GIVEN the example app
  const app = new App();
  const stack = buildApp(app);
  const template = templateOf(stack);
  const bucketArn = arnOf(template, logicalIdOf(stack, 'Inbox'));
  const object = (key: string) => `${bucketArn}/${key}`;
  const tags = { 'aws:ResourceTag/ai:tenant': 'acme', 'aws:ResourceTag/ai:classification': 'internal' };

  test('the README block is the marked part of this app, word for word', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const block = /### Grants from the resource side[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const source = fs.readFileSync(path.join(__dirname, 'app.ts'), 'utf8');
    const marked = /\/\/ README: Grants from the resource side\n([\s\S]*?)\n\s*\/\/ README: end/.exec(
      source,
    )?.[1];
    expect(marked).toBeDefined();
    const dedent = (text: string) => text.replace(/^ {2}/gm, '');
    expect(block).toBe(`${dedent(marked!)}\n`);
  });

  describeRulePackTests(
    app,
    stack,
    Object.keys(DEMO_BUCKET_CONTROL_TOWER)
      .map((rule) => `${rule} Inbox/Resource`)
      .sort(),
  );

  test('simulated: the agent reads its prefix under its tenant; it cannot write', async () => {
    const triage = agentRole(template, 'email-triage');
    const request = { resource: object('inbox/support/1.eml'), context: tags, bucketAbac: true };
    expect(await simulateAs(triage, { action: 's3:GetObject', ...request })).toBe('Allowed');
    expect(
      await simulateAs(triage, {
        action: 's3:GetObject',
        ...request,
        context: { ...tags, 'aws:ResourceTag/ai:tenant': 'globex' },
      }),
    ).not.toBe('Allowed');
    expect(await simulateAs(triage, { action: 's3:PutObject', ...request })).toBe('ImplicitlyDenied');
  });

  test('simulated: the ingestion role writes the prefix only, reads nothing', async () => {
    const ingest = rolePolicies(template, logicalIdOf(stack, 'Ingest'));
    const request = { resource: object('inbox/support/1.eml'), context: tags, bucketAbac: true };
    expect(await simulateAs(ingest, { action: 's3:PutObject', ...request })).toBe('Allowed');
    expect(await simulateAs(ingest, { action: 's3:GetObject', ...request })).toBe('ImplicitlyDenied');
    expect(
      await simulateAs(ingest, { action: 's3:PutObject', ...request, resource: object('other/1.eml') }),
    ).toBe('ImplicitlyDenied');
  });
});
