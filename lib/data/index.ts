export { DataAccess } from './data-access';
export { DataStore } from './data-store';
export { DataTags } from './data-tags';
export type { DataTagsProps } from './data-tags';
export type { DynamoDbTableStoreOptions } from './dynamodb-table-kind';
export type { S3BucketStoreOptions } from './s3-bucket-kind';
export { SupportAccess } from './support-access';
export type { SupportAccessProps } from './support-access';
