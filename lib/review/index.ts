export * from './access-review';
export * from './review-cli';
export * from './review-errors';
export * from './review-format';
