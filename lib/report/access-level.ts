import { matchingActions } from '../shared/iam-catalog';
import { AccessLevel } from './entitlement-report-schema';

/**
 * Services whose resources the report lists as data stores. Bedrock (models) and Secrets Manager
 * (secrets) have their own sections; every other service lands in "other permissions".
 */
export const DATA_STORE_SERVICES: readonly string[] = [
  'athena',
  'aoss',
  'cassandra',
  'dax',
  'dynamodb',
  'elasticfilesystem',
  'es',
  'firehose',
  'glue',
  'kafka-cluster',
  'kinesis',
  'kms',
  'rds-data',
  'rds-db',
  's3',
  's3express',
  's3tables',
  's3vectors',
  'sns',
  'sqs',
  'timestream',
];

const DELETE = /^(batch)?delete|^purge|^remove|^partiqldelete/i;
const READ =
  /^(get|batchget|list|describe|query|scan|select|receive|head|decrypt|retrieve|search|read|lookup|conditioncheck|partiqlselect|verify)/i;
const ORDER = [AccessLevel.READ, AccessLevel.WRITE, AccessLevel.DELETE];

/**
 * The access levels an action (wildcards allowed) amounts to, judged by action name: names that
 * delete are `delete`, names that only read are `read`, everything else changes data and is `write`.
 * A wildcard counts as every level of the actions it matches (`s3:*` is read, write and delete).
 */
export function accessLevelsOf(action: string): AccessLevel[] {
  if (action === '*') return [...ORDER];
  const [, name = ''] = action.split(':');
  if (!/[*?]/.test(name)) return [levelOfName(name)];
  const levels = new Set<AccessLevel>();
  const matches = matchingActions(action);
  if (matches.length > 0) {
    for (const m of matches) levels.add(levelOfName(m.name));
  } else {
    const prefix = name.split(/[*?]/)[0];
    if (prefix === '') return [...ORDER];
    levels.add(levelOfName(prefix));
  }
  return ORDER.filter((l) => levels.has(l));
}

/** The union of the access levels of several actions, in the order read, write, delete. */
export function accessLevelsOfAll(actions: string[]): AccessLevel[] {
  const levels = new Set(actions.flatMap(accessLevelsOf));
  return ORDER.filter((l) => levels.has(l));
}

function levelOfName(name: string): AccessLevel {
  if (DELETE.test(name)) return AccessLevel.DELETE;
  if (READ.test(name)) return AccessLevel.READ;
  return AccessLevel.WRITE;
}
