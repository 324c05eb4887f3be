import { Annotations, ArnFormat, Lazy, Names, Stack, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { resolveGrantee } from '../identity/private/agent-grantee';
import { IAgentIdentity } from '../identity/agent-capabilities';
import { DataClassification } from '../identity/data-classification';
import { classificationsAtOrBelow, isCleared } from '../identity/private/classification-ladder';
import { failAt, show } from '../shared/errors';
import { AgentTagKeys } from '../shared/tag-keys';
import { validateTagValue } from '../shared/tag-values';
import { SecretRotation } from './secret-rotation';
import { denyGrantsExceptForAwsServices } from '../shared/kms-statements';
import { secretWriteLockActions } from './secret-write-lock';

/** Properties of an `AgentSecret`. */
export interface AgentSecretProps {
  /**
   * The agents that may read the secret (GetSecretValue, DescribeSecret). The secret's resource
   * policy denies GetSecretValue to every other principal except the rotation function.
   */
  readonly readers: IAgentIdentity[];
  /**
   * Agents that may put a new value (PutSecretValue), e.g. an agent that enrols a provider key.
   * Writers cannot read unless they are also readers. The secret's resource policy denies
   * PutSecretValue and UpdateSecretVersionStage to every other principal except the rotation
   * function, and RestoreSecret, CancelRotateSecret and RotateSecret to every other agent.
   * @default - no writers
   */
  readonly writers?: IAgentIdentity[];
  /** How the secret is rotated. */
  readonly rotation: SecretRotation;
  /**
   * The customer managed key that encrypts the secret. Its key policy is left as it is (it may
   * serve other secrets); grants still carry `kms:ViaService` and the secret's encryption context.
   * @default - a new key with yearly rotation, usable only by Secrets Manager for this secret
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The tenant the secret belongs to (tag `ai:tenant`); every reader and writer must serve it.
   * @default - the tenant of the readers and writers; none when they are platform agents
   */
  readonly tenant?: string;
  /**
   * Classification of the secret (tag `ai:classification`); readers and writers need at least
   * this clearance.
   * @default DataClassification.INTERNAL
   */
  readonly classification?: DataClassification;
  /**
   * Description of the secret.
   * @default - "Agent secret <path>"
   */
  readonly description?: string;
  /**
   * Name of the secret.
   * @default - a name derived from the construct path when this construct creates the key (the
   * key policy names the secret by it), otherwise one CloudFormation generates
   */
  readonly secretName?: string;
  /**
   * How the first value is generated, e.g. the JSON template a hosted database rotation expects.
   * @default - an alphanumeric value of the key length (generated API key) or 32 characters
   */
  readonly generateSecretString?: secretsmanager.SecretStringGenerator;
}

/** Actions a reader gets, exactly. */
const READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
/** Actions a writer gets, exactly. */
const WRITE_ACTIONS = ['secretsmanager:PutSecretValue'];
/** The crypto operations the created key's policy limits to Secrets Manager and this secret. */
const KEY_CRYPTO_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/**
 * A secret an agent uses (e.g. an API key), locked to its readers and rotated.
 *
 * - Encrypted with a customer managed key; a key created here may be used only through Secrets
 *   Manager (`kms:ViaService`) and only for this secret (`kms:EncryptionContext:SecretARN`).
 * - Readers get GetSecretValue and DescribeSecret, writers PutSecretValue, both under the ABAC
 *   tenant and classification conditions; the resource policy denies GetSecretValue to every
 *   other principal, so a wider grant elsewhere in the account cannot leak it.
 * - Tagged `ai:tenant` / `ai:classification` like any data store.
 */
export class AgentSecret extends Construct {
  /** The Secrets Manager secret. */
  public readonly secret: secretsmanager.Secret;
  /** ARN of the secret. */
  public readonly secretArn: string;
  /** The key that encrypts the secret. */
  public readonly encryptionKey: kms.IKey;
  /** The tenant the secret belongs to, if any. */
  public readonly tenant?: string;
  /** The classification of the secret. */
  public readonly classification: DataClassification;
  /** The kind of rotation, e.g. `generated-api-key`. */
  public readonly rotationKind: string;
  /** The Secrets Manager schedule expression, e.g. `rate(30 days)`. */
  public readonly rotationSchedule: string;
  /** The rotation function, unless the rotation is hosted. */
  public readonly rotationFunction?: lambda.IFunction;
  /** The role the rotation function runs as, unless the rotation is hosted. */
  public readonly rotationRole?: iam.IRole;

  private readonly readers: IAgentIdentity[];
  private readonly writers: IAgentIdentity[];
  /** ARNs exempt from the read lock, in grant order: readers' roles (agents or not). */
  private readonly readerArns: string[] = [];

  constructor(scope: Construct, id: string, props: AgentSecretProps) {
    super(scope, id);
    if (!props.rotation || typeof props.rotation.bind !== 'function') {
      failAt(this, 'rotation is required; use SecretRotation.generatedApiKey(), lambda(fn) or hosted(...)');
    }
    this.readers = validateAgents(this, 'readers', props.readers ?? []);
    this.readerArns.push(...this.readers.map((r) => r.roleArn));
    this.writers = validateAgents(this, 'writers', props.writers ?? []);
    if (this.readers.length === 0) {
      failAt(this, 'readers is empty; name at least one agent that reads the secret, e.g. readers: [agent]');
    }
    this.classification = props.classification ?? DataClassification.INTERNAL;
    if (!Object.values(DataClassification).includes(this.classification)) {
      failAt(
        this,
        `classification ${show(this.classification)} is not a DataClassification; use e.g. DataClassification.INTERNAL`,
      );
    }
    this.tenant = resolveTenant(this, props.tenant, [...this.readers, ...this.writers]);
    for (const agent of [...this.readers, ...this.writers]) checkClearance(this, agent, this.classification);

    const ownKey = props.encryptionKey === undefined;
    const secretName =
      props.secretName ?? (ownKey ? Names.uniqueResourceName(this, { maxLength: 256 }) : undefined);
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        enableKeyRotation: true,
        description: `Encrypts agent secret ${this.node.path}`,
      });

    this.secret = new secretsmanager.Secret(this, 'Resource', {
      secretName,
      description: props.description ?? `Agent secret ${this.node.path}`,
      // A reference, not the key itself: the Secret L2 would add account-wide wildcard grants
      // (kms:GenerateDataKey*, kms:ReEncrypt*) to the key policy; access is granted exactly below.
      encryptionKey: kms.Key.fromKeyArn(this, 'KeyReference', this.encryptionKey.keyArn),
      generateSecretString: props.generateSecretString ?? props.rotation.initialValue(),
    });
    this.secretArn = this.secret.secretArn;
    this.node.defaultChild = this.secret.node.defaultChild;

    if (ownKey) this.lockKeyToSecret(this.encryptionKey as kms.Key, secretName as string);
    this.tag(ownKey);

    const rotation = props.rotation.bind(this, { secret: this.secret, encryptionKey: this.encryptionKey });
    this.rotationKind = rotation.kind;
    this.rotationSchedule = rotation.scheduleExpression;
    this.rotationFunction = rotation.rotationFunction;
    this.rotationRole = rotation.rotationRole;
    this.denyReadToOthers(rotation.rotationRoleArn);
    this.denyWritesToOthers(rotation.rotationRoleArn);

    for (const reader of this.readers) this.grant(reader, READ_ACTIONS, ['kms:Decrypt'], 'READ');
    for (const writer of this.writers)
      this.grant(writer, WRITE_ACTIONS, ['kms:GenerateDataKey', 'kms:Decrypt'], 'WRITE');
  }

  /**
   * Lets `grantee` read the secret (GetSecretValue, DescribeSecret, and `kms:Decrypt` on its key
   * through Secrets Manager for this secret), from the secret's side; the resource policy's read
   * lock then exempts it too.
   *
   * - An agent (the `AgentIdentity`, its `role`, or a construct that runs as its role) becomes a
   *   reader exactly as if it were listed in `readers`: same stack, same tenant as the secret,
   *   clearance at or above its classification, the ABAC conditions, the recorded entitlement.
   * - Any other IAM role of the same stack (or a construct that runs as one, e.g. a Lambda function)
   *   gets the same actions on this secret's exact ARN, conditioned on the secret's
   *   `ai:classification` being at or below the classification it was created with and with no
   *   tenant condition (such a role has no tenant; the exact ARN is the boundary), and its role ARN
   *   is exempted from the read lock. Users, groups and principals without an identity policy in
   *   this app are refused: the lock names readers by role ARN (`aws:PrincipalArn`).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const resolved = resolveGrantee(grantee, `secret ${this.node.path}`, this);
    if (resolved.agent) {
      const agent = validateAgents(this, 'grantRead', [resolved.agent])[0];
      if (this.readers.includes(agent)) {
        failAt(this, `agent ${show(agent.agentName)} already reads this secret; grant each reader once`);
      }
      resolveTenant(this, this.tenant, [agent], true);
      checkClearance(this, agent, this.classification);
      this.readers.push(agent);
      this.readerArns.push(agent.roleArn);
      return this.grant(agent, READ_ACTIONS, ['kms:Decrypt'], 'READ');
    }
    const role = readerRole(this, resolved.principal);
    if (this.readerArns.includes(role.roleArn)) {
      failAt(this, `${role.node.path} already reads this secret; grant each reader once`);
    }
    this.readerArns.push(role.roleArn);
    return this.grantTo(role, READ_ACTIONS, ['kms:Decrypt'], {
      StringEquals: {
        [`aws:ResourceTag/${AgentTagKeys.CLASSIFICATION}`]: classificationsAtOrBelow(this.classification),
      },
    });
  }

  /** Grants one agent its actions on this secret and the key through Secrets Manager. */
  private grant(agent: IAgentIdentity, actions: string[], keyActions: string[], level: string): iam.Grant {
    const grant = this.grantTo(agent, actions, keyActions, this.abacConditions(agent));
    agent.recordEntitlement({
      kind: 'secret',
      description: `${level} secret ${this.node.path} (${actions.join(', ')}; rotation ${this.rotationKind} ${this.rotationSchedule})`,
      // Secrets Manager API calls, GetSecretValue included, are CloudTrail management events;
      // there is no Secrets Manager data resource type for event selectors.
      auditedResources: [],
    });
    return grant;
  }

  /** The statements of a grant: `actions` on the secret under `conditions`, `keyActions` through Secrets Manager. */
  private grantTo(
    grantee: iam.IGrantable,
    actions: string[],
    keyActions: string[],
    conditions: Record<string, Record<string, unknown>>,
  ): iam.Grant {
    const onSecret = iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.secretArn],
      conditions,
    });
    const onKey = iam.Grant.addToPrincipal({
      grantee,
      actions: keyActions,
      resourceArns: [this.encryptionKey.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': this.viaService(),
          'kms:EncryptionContext:SecretARN': this.secretArn,
        },
      },
    });
    return onSecret.combine(onKey);
  }

  /** The same tenant and classification conditions every data store grant carries. */
  private abacConditions(agent: IAgentIdentity): Record<string, Record<string, unknown>> {
    const tenantKey = `aws:ResourceTag/${AgentTagKeys.TENANT}`;
    const conditions: Record<string, Record<string, unknown>> = {
      StringEquals: {
        [`aws:ResourceTag/${AgentTagKeys.CLASSIFICATION}`]: classificationsAtOrBelow(agent.clearance),
      },
    };
    if (agent.tenant === undefined) {
      conditions.Null = { [tenantKey]: 'true' };
    } else {
      conditions.StringEquals[tenantKey] = `\${aws:PrincipalTag/${AgentTagKeys.TENANT}}`;
    }
    return conditions;
  }

  /**
   * Denies GetSecretValue to every principal that is not a reader or the rotation function. With
   * hosted rotation the rotation role is not known, so only other agents (principals tagged
   * `ai:agent`) are denied.
   */
  private denyReadToOthers(rotationRoleArn: string | undefined): void {
    // read when the template is rendered, so readers granted after construction (grantRead) count
    const allowed = Lazy.list({
      produce: () => [...this.readerArns, ...(rotationRoleArn === undefined ? [] : [rotationRoleArn])],
    });
    const conditions: Record<string, Record<string, unknown>> = {
      ArnNotEquals: { 'aws:PrincipalArn': allowed },
    };
    if (rotationRoleArn === undefined) {
      conditions.Null = { [`aws:PrincipalTag/${AgentTagKeys.AGENT}`]: 'false' };
      Annotations.of(this).addWarningV2(
        'cdk-agent-identity:hosted-rotation-read-lock',
        'hosted rotation runs as a role this library cannot name, so the resource policy denies GetSecretValue only to other agents (principals tagged ai:agent), not to every other principal',
      );
    }
    const result = this.secret.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyReadExceptReadersAndRotation',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.secretArn],
        conditions,
      }),
    );
    if (!result.statementAdded) {
      failAt(this, 'could not add the resource policy that locks the secret to its readers');
    }
  }

  /**
   * Locks writes as reads are locked, in three statements of the resource policy:
   * - the value and its stages (PutSecretValue, UpdateSecretVersionStage): denied to every
   *   principal that is not a writer or the rotation function;
   * - versions and rotation (RestoreSecret, CancelRotateSecret, RotateSecret): denied to every
   *   agent that is not a writer (CloudFormation calls RotateSecret and CancelRotateSecret for the
   *   rotation schedule, and administrators restore deleted secrets, so only agents are denied);
   * - everything else that changes the secret (UpdateSecret, DeleteSecret, its resource policy,
   *   tags, replication — derived from the IAM catalog): denied to every agent.
   * With hosted rotation the rotation role is unknown, so the first statement, too, denies agents only.
   */
  private denyWritesToOthers(rotationRoleArn: string | undefined): void {
    const actions = secretWriteLockActions();
    const exempt = this.writers.map((w) => w.roleArn);
    if (rotationRoleArn !== undefined) exempt.push(rotationRoleArn);
    type Conditions = Record<string, Record<string, unknown>>;
    const agentsOnly: Conditions = { Null: { [`aws:PrincipalTag/${AgentTagKeys.AGENT}`]: 'false' } };
    const except: Conditions = exempt.length > 0 ? { ArnNotEquals: { 'aws:PrincipalArn': exempt } } : {};
    const statements: [string, string[], Conditions][] = [
      [
        'DenyValueWritesExceptWritersAndRotation',
        actions.value,
        rotationRoleArn === undefined ? { ...except, ...agentsOnly } : except,
      ],
      ['DenyVersionChangesByOtherAgents', actions.versions, { ...except, ...agentsOnly }],
      ['DenySecretChangesByAgents', actions.administration, agentsOnly],
    ];
    for (const [sid, denied, conditions] of statements) {
      const result = this.secret.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: denied,
          resources: [this.secretArn],
          conditions: Object.keys(conditions).length > 0 ? conditions : undefined,
        }),
      );
      if (!result.statementAdded) {
        failAt(this, 'could not add the resource policy that locks the secret to its writers');
      }
    }
  }

  /** Limits a key created here to Secrets Manager and to this one secret. */
  private lockKeyToSecret(key: kms.Key, secretName: string): void {
    const stack = Stack.of(this);
    const secretArnPattern = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${secretName}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyUseOutsideSecretsManager',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: KEY_CRYPTO_ACTIONS,
        resources: ['*'],
        conditions: { StringNotEquals: { 'kms:ViaService': this.viaService() } },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyUseForOtherSecrets',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: KEY_CRYPTO_ACTIONS,
        resources: ['*'],
        conditions: { StringNotLike: { 'kms:EncryptionContext:SecretARN': secretArnPattern } },
      }),
    );
    // Grants hand key use to whoever holds them, past this policy: only AWS services may get one
    // (AWS Control Tower CT.KMS.PR.3). Secrets Manager itself needs none.
    key.addToResourcePolicy(denyGrantsExceptForAwsServices());
  }

  private tag(ownKey: boolean): void {
    const targets: Construct[] = [this.secret];
    if (ownKey) targets.push(this.encryptionKey as kms.Key);
    for (const target of targets) {
      const tags = Tags.of(target);
      tags.add(AgentTagKeys.CLASSIFICATION, this.classification, { priority: 1000 });
      if (this.tenant !== undefined) tags.add(AgentTagKeys.TENANT, this.tenant, { priority: 1000 });
    }
  }

  private viaService(): string {
    return `secretsmanager.${Stack.of(this).region}.amazonaws.com`;
  }
}

function validateAgents(scope: Construct, prop: string, agents: IAgentIdentity[]): IAgentIdentity[] {
  if (!Array.isArray(agents)) failAt(scope, `${prop} must be a list of AgentIdentity, e.g. [agent]`);
  const seen = new Set<IAgentIdentity>();
  for (const agent of agents) {
    if (!agent || typeof agent.recordEntitlement !== 'function' || !agent.role) {
      failAt(scope, `${prop} must hold AgentIdentity instances, got ${show(String(agent))}`);
    }
    if (Stack.of(agent) !== Stack.of(scope)) {
      failAt(
        scope,
        `${prop} agent ${show(agent.agentName)} is in stack ${show(Stack.of(agent).node.path)}, the secret in ${show(Stack.of(scope).node.path)}; define them in the same stack (the role policy and the secret's resource policy refer to each other)`,
      );
    }
    if (seen.has(agent))
      failAt(scope, `${prop} lists agent ${show(agent.agentName)} twice; list each agent once`);
    seen.add(agent);
  }
  return [...agents];
}

/**
 * The secret's tenant: the given one, else the one all agents share; mixed tenants are refused.
 * `settled`: the secret already exists and `tenant` is its tenant (undefined = a platform secret).
 */
function resolveTenant(
  scope: Construct,
  tenant: string | undefined,
  agents: IAgentIdentity[],
  settled = false,
): string | undefined {
  if (tenant !== undefined && !settled) validateTagValue(scope, 'tenant', tenant);
  const tenants = new Set(agents.map((a) => a.tenant));
  const resolved = settled ? tenant : (tenant ?? (tenants.size === 1 ? [...tenants][0] : undefined));
  if (tenant === undefined && tenants.size > 1) {
    failAt(
      scope,
      `readers and writers serve different tenants (${show([...tenants].map((t) => t ?? 'platform'))}); a secret belongs to one tenant, so create one secret per tenant`,
    );
  }
  for (const agent of agents) {
    if (Token.isUnresolved(agent.tenant ?? '') || Token.isUnresolved(resolved ?? '')) continue;
    if (agent.tenant !== resolved) {
      failAt(
        scope,
        `agent ${show(agent.agentName)} serves tenant ${show(agent.tenant ?? 'platform')} but the secret belongs to ${show(resolved ?? 'platform')}; grant it a secret of its own tenant`,
      );
    }
  }
  return resolved;
}

function checkClearance(scope: Construct, agent: IAgentIdentity, classification: DataClassification): void {
  if (!isCleared(agent.clearance, classification)) {
    failAt(
      scope,
      `agent ${show(agent.agentName)} has clearance ${show(agent.clearance)}, below the secret's classification ${show(classification)}; raise its clearance or lower the classification`,
    );
  }
}

/** The role of a reader that is not an agent: the lock names it by `aws:PrincipalArn`. */
function readerRole(secret: Construct, principal: iam.IPrincipal & IConstruct): iam.IRole {
  const role = principal as Partial<iam.IRole>;
  if (typeof role.roleArn !== 'string') {
    failAt(
      secret,
      `grantRead needs an agent or an IAM role (or a construct that runs as one, e.g. a Lambda function), got ${show(principal.node.path)}; ` +
        `the secret's resource policy names its readers by role ARN (aws:PrincipalArn), which a user or group does not have`,
    );
  }
  if (Stack.of(principal) !== Stack.of(secret)) {
    failAt(
      secret,
      `grantRead role ${show(principal.node.path)} is in stack ${show(Stack.of(principal).node.path)}, the secret in ${show(Stack.of(secret).node.path)}; ` +
        `define them in the same stack (the role policy and the secret's resource policy refer to each other)`,
    );
  }
  return principal as unknown as iam.IRole;
}
