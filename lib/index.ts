export * from './shared';
export * from './identity';
export * from './data';
export * from './models';
export * from './secrets';
export * from './audit';
export * from './checks';
export * from './report';
