import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { failAt, show } from '../shared/errors';
import { AuditObjectLockMode } from './audit-object-lock-mode';

/** Context key that marks an app or stack as production: `cdk-agent-identity:environment = production`. */
export const ENVIRONMENT_CONTEXT_KEY = 'cdk-agent-identity:environment';
/** Stack tag key that marks a stack as production (`environment = production`, any case). */
export const ENVIRONMENT_TAG_KEY = 'environment';
/** Values of the context key or stack tag that mean production. */
const PRODUCTION_VALUES = new Set(['production', 'prod']);
/** Retention of a sandbox trail when none is given. */
export const SANDBOX_DEFAULT_RETENTION = Duration.days(1);
/** The longest retention a sandbox trail accepts: beyond it, use a production trail. */
export const SANDBOX_MAX_RETENTION = Duration.days(30);
/** Id of the warning every sandbox trail raises. */
export const SANDBOX_WARNING_ID = 'cdk-agent-identity:audit-trail-sandbox';

/** How a trail keeps its records: production (locked, retained) or sandbox (short, removable). */
export interface TrailKeeping {
  readonly sandbox: boolean;
  readonly retentionDays: number;
  readonly objectLockMode: AuditObjectLockMode;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The keeping of a sandbox trail: GOVERNANCE Object Lock, 1 to 30 days, removed with the stack.
 * Refused at once when the app's context marks production, and again at synth when the stack is
 * tagged `environment=production` (tags are applied by aspects, so only known then). A warning
 * says what was given up.
 */
export function sandboxKeeping(
  trail: Construct,
  retention: Duration | undefined,
  objectLockMode: AuditObjectLockMode | undefined,
): TrailKeeping {
  const retentionDays = sandboxRetentionDays(trail, retention ?? SANDBOX_DEFAULT_RETENTION);
  if (objectLockMode !== undefined && objectLockMode !== AuditObjectLockMode.GOVERNANCE) {
    failAt(
      trail,
      `sandbox trails use AuditObjectLockMode.GOVERNANCE so they can be torn down; remove objectLockMode ${show(objectLockMode)} or sandbox`,
    );
  }
  const refusal = productionMarker(trail);
  if (refusal) failAt(trail, sandboxRefusal(refusal));
  trail.node.addValidation({
    validate: () => {
      const marker = productionMarker(trail);
      return marker ? [sandboxRefusal(marker)] : [];
    },
  });
  Annotations.of(trail).addWarningV2(
    SANDBOX_WARNING_ID,
    `sandbox audit trail: log files are kept ${retentionDays} day(s) under GOVERNANCE Object Lock (deletable with ` +
      's3:BypassGovernanceRetention) and the buckets, log group and key are removed with the stack. ' +
      `Not evidence for production: mark production stacks with the tag ${ENVIRONMENT_TAG_KEY}=production so a sandbox trail is refused there`,
  );
  return {
    sandbox: true,
    retentionDays,
    objectLockMode: AuditObjectLockMode.GOVERNANCE,
    removalPolicy: RemovalPolicy.DESTROY,
  };
}

/** What marks the trail's stack as production, or undefined when nothing does. */
export function productionMarker(scope: IConstruct): string | undefined {
  const context = scope.node.tryGetContext(ENVIRONMENT_CONTEXT_KEY);
  if (typeof context === 'string' && PRODUCTION_VALUES.has(context.toLowerCase())) {
    return `context ${ENVIRONMENT_CONTEXT_KEY}=${context}`;
  }
  const tags = Stack.of(scope).tags.tagValues();
  for (const [key, value] of Object.entries(tags)) {
    if (key.toLowerCase() === ENVIRONMENT_TAG_KEY && PRODUCTION_VALUES.has(String(value).toLowerCase())) {
      return `stack tag ${key}=${value}`;
    }
  }
  return undefined;
}

function sandboxRefusal(marker: string): string {
  return (
    `a sandbox audit trail is refused in a production stack (${marker}): production evidence needs COMPLIANCE ` +
    'Object Lock and a retention of at least six months; remove sandbox: true'
  );
}

function sandboxRetentionDays(scope: Construct, retention: Duration): number {
  const max = SANDBOX_MAX_RETENTION.toDays();
  const days =
    retention && typeof retention.toDays === 'function' && !retention.isUnresolved()
      ? retention.toDays({ integral: false })
      : NaN;
  if (!Number.isInteger(days) || days < 1 || days > max) {
    failAt(
      scope,
      `sandbox retention ${retention && typeof retention.toHumanString === 'function' ? retention.toHumanString() : show(retention)} ` +
        `must be whole days from 1 to ${max}, e.g. Duration.days(1); longer keeping is production: drop sandbox`,
    );
  }
  return days;
}
