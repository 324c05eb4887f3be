import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { nestedStackLink, stackDisplayName } from '../shared/stack-display-name';
import type { StackTemplate } from './build-entitlement-report';

/**
 * The synthesized templates of every nested stack under `root`, linked to their parents, so the
 * report reads agents in nested stacks exactly as the checks do (a validation plugin is handed only
 * the top-level templates). A nested stack whose template was not written (it belongs to a stage
 * that was not synthesized) is skipped.
 */
export function nestedStackTemplates(root: IConstruct): StackTemplate[] {
  const out: StackTemplate[] = [];
  for (const c of root.node.findAll()) {
    if (!Stack.isStack(c) || !c.nested) continue;
    const link = nestedStackLink(c);
    const stage = Stage.of(c);
    if (!link || !stage) continue;
    const file = path.resolve(stage.outdir, c.templateFile);
    if (!fs.existsSync(file)) continue;
    out.push({
      stackName: stackDisplayName(c),
      template: JSON.parse(fs.readFileSync(file, 'utf8')),
      constructPaths: constructPathsOf(c),
      parent: link,
      account: literalAccount(c),
    });
  }
  return out;
}

/** Construct path of each resource of `stack` itself, by logical id. */
export function constructPathsOf(stack: Stack): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) out[stack.resolve(c.logicalId)] = c.node.path;
  }
  return out;
}

/** The stack's account when it is a literal (an environment-bound stack). */
export function literalAccount(stack: Stack): string | undefined {
  return Token.isUnresolved(stack.account) ? undefined : stack.account;
}
