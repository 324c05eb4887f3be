import { randomUUID } from 'crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

export const ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:agent-key-AbCdEf';
export const ORIGINAL = 'OriginalKeyValue0123456789abcdefOriginalKeyValue0123456789abcdef';
export const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type Step = (typeof STEPS)[number];

interface Version {
  value?: string;
  stages: string[];
}

/**
 * An in-memory Secrets Manager that keeps versions and staging labels the way the service does
 * (labels move, AWSPREVIOUS follows AWSCURRENT), behind aws-sdk-client-mock.
 */
export class FakeSecretsManager {
  public rotationEnabled = true;
  public readonly versions = new Map<string, Version>();
  public readonly mock = mockClient(SecretsManagerClient);
  /** Commands to fail, by name, with the error to throw. */
  public readonly failures = new Map<string, Error>();

  constructor(original: string = ORIGINAL) {
    this.versions.set('v-original', { value: original, stages: ['AWSCURRENT'] });
    this.mock.on(DescribeSecretCommand).callsFake(() => {
      this.maybeFail('DescribeSecret');
      const map: Record<string, string[]> = {};
      for (const [id, v] of this.versions) if (v.stages.length > 0) map[id] = [...v.stages];
      return { ARN, RotationEnabled: this.rotationEnabled, VersionIdsToStages: map };
    });
    this.mock.on(GetSecretValueCommand).callsFake((input) => {
      this.maybeFail('GetSecretValue');
      const id = input.VersionId ?? this.versionWith(input.VersionStage ?? 'AWSCURRENT');
      const version = id === undefined ? undefined : this.versions.get(id);
      if (
        !version ||
        version.value === undefined ||
        (input.VersionStage && !version.stages.includes(input.VersionStage))
      ) {
        throw new ResourceNotFoundException({
          message: 'Secrets Manager can’t find the specified secret value',
          $metadata: {},
        });
      }
      return { ARN, VersionId: id, SecretString: version.value, VersionStages: [...version.stages] };
    });
    this.mock.on(PutSecretValueCommand).callsFake((input) => {
      this.maybeFail('PutSecretValue');
      const token = input.ClientRequestToken as string;
      const existing = this.versions.get(token);
      if (existing?.value !== undefined) {
        if (existing.value === input.SecretString) return { ARN, VersionId: token };
        throw new ResourceExistsException({
          message: 'a version with this token already exists',
          $metadata: {},
        });
      }
      const stages: string[] = input.VersionStages ?? ['AWSCURRENT'];
      for (const stage of stages) this.moveStage(stage, token);
      this.versions.set(token, {
        value: input.SecretString,
        stages: [...new Set([...(existing?.stages ?? []), ...stages])],
      });
      return { ARN, VersionId: token, VersionStages: stages };
    });
    this.mock.on(UpdateSecretVersionStageCommand).callsFake((input) => {
      this.maybeFail('UpdateSecretVersionStage');
      const holder = this.versionWith(input.VersionStage as string);
      if (holder !== undefined && holder !== input.MoveToVersionId && holder !== input.RemoveFromVersionId) {
        throw new InvalidRequestException({ message: 'label is attached to another version', $metadata: {} });
      }
      this.moveStage(input.VersionStage as string, input.MoveToVersionId as string);
      return { ARN };
    });
  }

  /** What Secrets Manager does before calling createSecret: a new version id staged AWSPENDING. */
  public startRotation(): string {
    const token = randomUUID();
    this.versions.set(token, { stages: ['AWSPENDING'] });
    return token;
  }

  public valueOf(stage: string): string | undefined {
    const id = this.versionWith(stage);
    return id === undefined ? undefined : this.versions.get(id)?.value;
  }

  public versionWith(stage: string): string | undefined {
    for (const [id, v] of this.versions) if (v.stages.includes(stage)) return id;
    return undefined;
  }

  public calls(command: string): number {
    return this.mock.calls().filter((c) => c.args[0].constructor.name === `${command}Command`).length;
  }

  private moveStage(stage: string, to: string): void {
    const from = this.versionWith(stage);
    if (from === to) return;
    if (from !== undefined) {
      const v = this.versions.get(from)!;
      v.stages = v.stages.filter((s) => s !== stage);
      if (stage === 'AWSCURRENT') this.moveStage('AWSPREVIOUS', from);
    }
    const target = this.versions.get(to) ?? { stages: [] };
    target.stages = [...new Set([...target.stages, stage])];
    this.versions.set(to, target);
  }

  private maybeFail(command: string): void {
    const error = this.failures.get(command);
    if (error) throw error;
  }
}
