import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'SegregationOfDuties';
const pipeline = (stack: Stack, name: string) => stack.formatArn({ service: 'codepipeline', resource: name });
const approval = (stack: Stack, name: string) =>
  stack.formatArn({ service: 'codepipeline', resource: name, resourceName: 'Approve/Manual' });

describe('AgentIdentity-SegregationOfDuties', () => {
  test('one side of each pair is compliant', () => {
    // GIVEN a release agent that only approves, and a builder that only starts
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['codepipeline:PutApprovalResult'],
        resources: [approval(stack, 'release')],
      }),
    );
    handWrittenRole(stack, 'Builder', 'builder').addToPolicy(
      new iam.PolicyStatement({
        actions: ['codepipeline:StartPipelineExecution', 'sagemaker:CreateModelPackage'],
        resources: [pipeline(stack, 'release')],
      }),
    );
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('starting and approving different pipelines is compliant; the same pipeline is a finding', () => {
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['codepipeline:PutApprovalResult'],
        resources: [approval(stack, 'release')],
      }),
    );
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['codepipeline:StartPipelineExecution'],
        resources: [pipeline(stack, 'nightly')],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);

    const same = agentApp();
    same.agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['codepipeline:PutApprovalResult'],
        resources: [approval(same.stack, 'release')],
      }),
    );
    same.agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['codepipeline:StartPipelineExecution'],
        resources: [pipeline(same.stack, 'release')],
      }),
    );
    expect(findingsFor(check(same.app), RULE)).toEqual([
      'PipelineApproval::codepipeline:StartPipelineExecution+codepipeline:PutApprovalResult',
    ]);
  });

  test('registering and approving a model package is a finding', () => {
    // GIVEN a hand-written agent role with both sides
    const { app, stack } = plainApp();
    const packages = stack.formatArn({
      service: 'sagemaker',
      resource: 'model-package',
      resourceName: 'fraud/*',
    });
    handWrittenRole(stack, 'Role', 'ml').addToPolicy(
      new iam.PolicyStatement({
        actions: ['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'],
        resources: [packages],
      }),
    );
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([
      'ModelPackageApproval::sagemaker:CreateModelPackage+sagemaker:UpdateModelPackage',
    ]);
  });

  test('pushing code and approving the pipeline, or authoring and approving a pull request, are findings', () => {
    const { app, stack, agent } = agentApp();
    const repo = stack.formatArn({
      service: 'codecommit',
      resource: 'agents',
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: [
          'codecommit:GitPush',
          'codecommit:CreatePullRequest',
          'codecommit:UpdatePullRequestApprovalState',
        ],
        resources: [repo],
      }),
    );
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['codepipeline:PutApprovalResult'],
        resources: [approval(stack, 'release')],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([
      'PipelineSourceApproval::codecommit:GitPush+codepipeline:PutApprovalResult',
      'PullRequestApproval::codecommit:CreatePullRequest+codecommit:UpdatePullRequestApprovalState',
    ]);
  });
});
