import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { ResolvedGrantee, requireGranted, resolveGrantee } from '../identity/private/agent-grantee';
import { show } from '../shared/errors';
import { BedrockModel } from './bedrock-model';
import { invalid, noteInternalModelCaller, rejectWildcards } from './model-grants';

/** Options of `BedrockKnowledgeBase.grantRetrieveAndGenerate`. */
export interface RetrieveAndGenerateGrantOptions {
  /**
   * Whether the generation model may also be invoked with streaming (RetrieveAndGenerateStream).
   * @default true
   */
  readonly streaming?: boolean;
}

/**
 * A Bedrock knowledge base an agent may query. `grantRetrieve` allows `bedrock:Retrieve` on the
 * knowledge base; `grantRetrieveAndGenerate` also allows `bedrock:RetrieveAndGenerate` and the
 * invocation of the one generation model.
 */
export class BedrockKnowledgeBase {
  /** A knowledge base by ARN (`arn:<partition>:bedrock:<region>:<account>:knowledge-base/<id>`), e.g. `CfnKnowledgeBase.attrKnowledgeBaseArn`. */
  public static fromArn(knowledgeBaseArn: string): BedrockKnowledgeBase {
    if (typeof knowledgeBaseArn !== 'string' || knowledgeBaseArn.length === 0) {
      invalid(`BedrockKnowledgeBase.fromArn needs a knowledge base ARN, got ${show(knowledgeBaseArn)}`);
    }
    rejectWildcards('knowledge base ARN', knowledgeBaseArn, 'name one knowledge base');
    if (!Token.isUnresolved(knowledgeBaseArn) && !KB_ARN.test(knowledgeBaseArn)) {
      invalid(
        `knowledge base ARN ${show(knowledgeBaseArn)} is not of the form arn:<partition>:bedrock:<region>:<account>:knowledge-base/<id>`,
      );
    }
    return new BedrockKnowledgeBase(() => knowledgeBaseArn, knowledgeBaseArn);
  }

  /** A knowledge base by id (10 letters or digits) in the agent's own account and region. */
  public static fromKnowledgeBaseId(knowledgeBaseId: string): BedrockKnowledgeBase {
    if (typeof knowledgeBaseId !== 'string' || knowledgeBaseId.length === 0) {
      invalid(`BedrockKnowledgeBase.fromKnowledgeBaseId needs an id, got ${show(knowledgeBaseId)}`);
    }
    rejectWildcards('knowledge base id', knowledgeBaseId, 'name one knowledge base');
    if (!Token.isUnresolved(knowledgeBaseId) && !KB_ID.test(knowledgeBaseId)) {
      invalid(`knowledge base id ${show(knowledgeBaseId)} must be 10 letters or digits, e.g. 'ABCDE12345'`);
    }
    return new BedrockKnowledgeBase(
      (stack) =>
        stack.formatArn({
          service: 'bedrock',
          resource: 'knowledge-base',
          resourceName: knowledgeBaseId,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      knowledgeBaseId,
    );
  }

  /** The ARN or id the knowledge base was named by (may be a token). */
  public readonly identifier: string;

  private constructor(
    private readonly arnIn: (stack: Stack) => string,
    identifier: string,
  ) {
    this.identifier = identifier;
  }

  /** The knowledge base ARN as seen from `scope`'s stack. */
  public knowledgeBaseArn(scope: IConstruct): string {
    return this.arnIn(Stack.of(scope));
  }

  /**
   * Allows `grantee` to call `bedrock:Retrieve` on this knowledge base (exact ARN). An agent (the
   * `AgentIdentity`, its `role`, or a construct that runs as its role) gets it in its own policy,
   * recorded as its entitlement; any other role, user or group of this app (or a construct that runs
   * as one) gets the same statement in its identity policy. Principals without an identity policy
   * in this app (e.g. `iam.ArnPrincipal`) are refused.
   */
  public grantRetrieve(grantee: iam.IGrantable): iam.Grant {
    const resolved = this.resolve(grantee);
    if (resolved.principal) {
      const principal = resolved.principal;
      return requireGranted(this.retrieveGrant(principal, principal), principal, this.what());
    }
    const agent = resolved.agent;
    const arn = this.knowledgeBaseArn(agent);
    const grant = this.retrieveGrant(agent, agent);
    agent.recordEntitlement({
      kind: 'knowledge-base',
      description: `retrieve from knowledge base ${this.identifier}`,
      auditedResources: [{ resourceType: 'AWS::Bedrock::KnowledgeBase', arn }],
    });
    return grant;
  }

  /**
   * Allows `grantee` to call RetrieveAndGenerate on this knowledge base with `generationModel`:
   * `bedrock:Retrieve` on the knowledge base, `bedrock:RetrieveAndGenerate` (an action without a
   * resource type, so its statement names `*`) and invocation of the generation model. The
   * generation call runs inside Bedrock: a guardrail pinned on an agent's models does not apply
   * to it, which is reported as a synth warning. An agent gets the grants recorded as its
   * entitlements; any other role, user or group of this app gets the same statements (see
   * `grantRetrieve`).
   */
  public grantRetrieveAndGenerate(
    grantee: iam.IGrantable,
    generationModel: BedrockModel,
    options: RetrieveAndGenerateGrantOptions = {},
  ): iam.Grant {
    if (!(generationModel instanceof BedrockModel)) {
      invalid(
        `grantRetrieveAndGenerate needs the generation model as a BedrockModel, got ${show(generationModel)}`,
      );
    }
    const resolved = this.resolve(grantee);
    if (resolved.principal) {
      // not an agent: the same three grants, nothing recorded (there is no agent to record them on)
      const principal = resolved.principal;
      const generate = iam.Grant.addToPrincipal({
        grantee: principal,
        actions: ['bedrock:RetrieveAndGenerate'],
        resourceArns: ['*'],
      });
      return requireGranted(this.retrieveGrant(principal, principal), principal, this.what())
        .combine(generate)
        .combine(generationModel.grantInvoke(principal, { streaming: options.streaming }));
    }
    const agent = resolved.agent;
    const retrieve = this.grantRetrieve(agent);
    const generate = iam.Grant.addToPrincipal({
      grantee: agent,
      actions: ['bedrock:RetrieveAndGenerate'],
      resourceArns: ['*'],
    });
    const model = generationModel.grantInvokeToAgent(agent, { streaming: options.streaming });
    agent.recordEntitlement({
      kind: 'knowledge-base',
      description: `retrieve and generate from knowledge base ${this.identifier} with ${generationModel.identifier}`,
      auditedResources: [{ resourceType: 'AWS::Bedrock::KnowledgeBase', arn: this.knowledgeBaseArn(agent) }],
    });
    noteInternalModelCaller(
      agent,
      `RetrieveAndGenerate (knowledge base ${this.identifier}; its generation model ${generationModel.identifier} is granted without the pin)`,
    );
    return retrieve.combine(generate).combine(model);
  }

  private what(): string {
    return `knowledge base ${this.identifier}`;
  }

  private resolve(grantee: iam.IGrantable): ResolvedGrantee {
    return resolveGrantee(grantee, this.what(), undefined);
  }

  private retrieveGrant(grantee: iam.IGrantable, scope: IConstruct): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['bedrock:Retrieve'],
      resourceArns: [this.knowledgeBaseArn(scope)],
    });
  }
}

const KB_ARN = /^arn:[a-z-]+:bedrock:[a-z0-9-]+:\d{12}:knowledge-base\/[0-9a-zA-Z]{10}$/;
const KB_ID = /^[0-9a-zA-Z]{10}$/;
