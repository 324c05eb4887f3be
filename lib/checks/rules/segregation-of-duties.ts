import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { NormalizedStatement, actionCovers, parseArn, statementFinding } from '../private/policy';

/** A change that one identity proposes and another must approve. */
export interface DutyPair {
  /** Stable name, used in finding ids. */
  readonly id: string;
  /** Actions that propose (or put into effect) the change. */
  readonly propose: readonly string[];
  /** Actions that approve it. */
  readonly approve: readonly string[];
  /**
   * When both sides name resources of the same pipeline, only overlapping pipelines conflict.
   * @default false - any combination conflicts
   */
  readonly samePipeline?: boolean;
}

/** The propose/approve pairs no single agent role may hold both sides of. */
export const DUTY_PAIRS: readonly DutyPair[] = [
  {
    // CreateModelPackage registers a version; UpdateModelPackage sets its ModelApprovalStatus
    id: 'ModelPackageApproval',
    propose: ['sagemaker:CreateModelPackage'],
    approve: ['sagemaker:UpdateModelPackage'],
  },
  {
    // a pipeline's manual approval must not be given by who started the pipeline run
    id: 'PipelineApproval',
    propose: ['codepipeline:StartPipelineExecution', 'codepipeline:UpdatePipeline'],
    approve: ['codepipeline:PutApprovalResult'],
    samePipeline: true,
  },
  {
    // nor by who changed what flows into it (source code, builds)
    id: 'PipelineSourceApproval',
    propose: [
      'codecommit:GitPush',
      'codecommit:PutFile',
      'codecommit:CreateCommit',
      'codecommit:MergeBranchesByFastForward',
      'codecommit:MergeBranchesBySquash',
      'codecommit:MergeBranchesByThreeWay',
      'codebuild:StartBuild',
    ],
    approve: ['codepipeline:PutApprovalResult'],
  },
  {
    // a pull request must not be approved (or have its rules overridden) by its author
    id: 'PullRequestApproval',
    propose: ['codecommit:CreatePullRequest'],
    approve: ['codecommit:UpdatePullRequestApprovalState', 'codecommit:OverridePullRequestApprovalRules'],
  },
];

/**
 * AgentIdentity-SegregationOfDuties: no agent role holds both sides of a propose/approve pair
 * of `DUTY_PAIRS`. Pipeline pairs conflict only on the same pipeline when the pipeline names in
 * both ARNs are known; every other pair conflicts whenever both actions are allowed, because
 * the link between e.g. a repository and the pipeline it feeds is not visible in IAM.
 *
 * Findings: `<pair>::<propose as written>+<approve as written>`.
 */
export function segregationOfDuties(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const allows = role.statements.filter((s) => s.effect === 'Allow');
  const findings = new Set<string>();
  for (const pair of DUTY_PAIRS) {
    for (const p of grants(allows, pair.propose)) {
      for (const a of grants(allows, pair.approve)) {
        if (pair.samePipeline && !samePipeline(p.statement, a.statement)) continue;
        findings.add(
          statementFinding(
            p.statement.resourcePolicy !== undefined ? p.statement : a.statement,
            pair.id,
            `${p.written}+${a.written}`,
          ),
        );
      }
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

function grants(
  statements: NormalizedStatement[],
  actions: readonly string[],
): { written: string; statement: NormalizedStatement }[] {
  const out: { written: string; statement: NormalizedStatement }[] = [];
  for (const statement of statements) {
    for (const written of statement.actions) {
      if (actions.some((a) => actionCovers(written, a))) out.push({ written, statement });
    }
  }
  return out;
}

function samePipeline(a: NormalizedStatement, b: NormalizedStatement): boolean {
  const names = (s: NormalizedStatement) => s.resources.map(pipelineName);
  const left = names(a);
  const right = names(b);
  return left.some((l) => right.some((r) => l === undefined || r === undefined || l === r));
}

/** The pipeline a codepipeline ARN names; undefined when unknown or a wildcard. */
function pipelineName(resource: string): string | undefined {
  const arn = parseArn(resource);
  if (!arn || arn.service !== 'codepipeline') return undefined;
  const name = arn.resource.split('/')[0];
  return /[*?]/.test(name) || name.length === 0 ? undefined : name;
}
