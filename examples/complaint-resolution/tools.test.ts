import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { decide, toolPolicies } from '../../test/helpers/cedar';
import { TemplateResolver } from '../../test/helpers/resolve';
import { templateOf } from '../_shared/simulation';
import { buildApp } from './app';
import { TASK_RECORD_CLAIM, WORKER_SUBJECT } from './tools';

describe('example: complaint-resolution tools (Cedar at the tool gateway)', () => {
  // GIVEN the example app
  const app = new App();
  const [stack] = buildApp(app);
  const template = templateOf(stack);
  const policies = toolPolicies(template).map((p) => p.text);
  const gatewayId = Object.keys(template.Resources).find(
    (id) => template.Resources[id].Type === 'AWS::BedrockAgentCore::Gateway',
  )!;
  const gateway = new TemplateResolver(template).arn(gatewayId);
  const worker = (tool: string, recordId: string, task: string | undefined, sub = WORKER_SUBJECT) =>
    decide(policies, {
      principalType: 'AgentCore::OAuthUser',
      principalId: sub,
      claims: task === undefined ? {} : { [TASK_RECORD_CLAIM]: task },
      action: `crm___${tool}`,
      gateway,
      input: { recordId },
    });

  test.each([
    ['updates record 42 during the task for record 42', 'updateRecord', '42', '42', 'allow'],
    ['is denied record 43 during the task for record 42', 'updateRecord', '43', '42', 'deny'],
    ['is denied an update without a task', 'updateRecord', '42', undefined, 'deny'],
    ['reads another record (read-only tools are not task-bound)', 'getRecord', '43', '42', 'allow'],
    ['is denied a tool it was not granted (deleteRecord)', 'deleteRecord', '42', '42', 'deny'],
  ])('the worker %s', (_name, tool, record, task, decision) => {
    expect(worker(tool, record, task)).toBe(decision);
  });

  test('another token holder is denied the worker’s tools', () => {
    expect(worker('getRecord', '42', '42', 'some-other-client')).toBe('deny');
  });

  test('the policy engine is attached in ENFORCE mode, after the log-only rollout', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::BedrockAgentCore::Gateway', {
      AuthorizerType: 'CUSTOM_JWT',
      PolicyEngineConfiguration: { Mode: 'ENFORCE' },
    });
  });

  test('the README tool-policy snippet is taken from tools.ts, line for line', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const block = /### Tool policies at call time[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const source = fs.readFileSync(path.join(__dirname, 'tools.ts'), 'utf8');
    const lines = block.split('\n').filter((l) => l.trim().length > 0);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines)
      expect({ line, inSource: source.includes(line.trim()) }).toEqual({ line, inSource: true });
  });
});
