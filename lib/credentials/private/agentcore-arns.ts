import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AgentCoreIdentityNames } from '../../shared/agentcore-identity';

/** ARN of the account's default workload identity directory (parent of every workload identity). */
export function directoryArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({
    service: 'bedrock-agentcore',
    resource: AgentCoreIdentityNames.DEFAULT_DIRECTORY,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

/** ARN of the account's default token vault (parent of every credential provider). */
export function tokenVaultArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({
    service: 'bedrock-agentcore',
    resource: AgentCoreIdentityNames.DEFAULT_TOKEN_VAULT,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

/** Every resource of the account's token vaults (vaults and their credential providers). */
export function tokenVaultWildcardArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({
    service: 'bedrock-agentcore',
    resource: 'token-vault',
    resourceName: '*',
  });
}

/**
 * The Secrets Manager resource of a provider's stored credential: the literal secret ARN when it
 * is known (an imported provider), else the token vault's secret name prefix — a provider
 * created in the same deployment exposes its secret ARN only as an object attribute that IAM
 * cannot take.
 */
export function vaultSecretResource(scope: IConstruct, secretArn: string | undefined): string {
  if (secretArn !== undefined && secretArn !== '' && !Token.isUnresolved(secretArn)) return secretArn;
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${AgentCoreIdentityNames.VAULT_SECRET_PREFIX}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
