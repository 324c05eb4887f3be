export { AgentTagKeys } from './tag-keys';
