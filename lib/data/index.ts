export * from './data-access';
export * from './data-store';
export * from './data-tags';
export type { DynamoDbTableStoreOptions } from './dynamodb-table-kind';
export type { S3BucketStoreOptions } from './s3-bucket-kind';
export * from './support-access';
