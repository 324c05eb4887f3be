export * from './tag-keys';
