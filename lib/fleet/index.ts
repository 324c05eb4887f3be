export { AgentFleet } from './agent-fleet';
export type { AgentFleetOptions } from './agent-fleet';
export type {
  FleetManifest,
  ManifestAgent,
  ManifestDataGrant,
  ManifestEksRuntime,
  ManifestModel,
} from './fleet-manifest';
