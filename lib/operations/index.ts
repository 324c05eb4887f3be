export { AgentRevocation } from './agent-revocation';
