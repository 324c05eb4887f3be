/**
 * The maintained table of destination regions of Bedrock's geographic cross-region inference
 * profiles, by profile prefix (`us.`, `eu.`, ...). A profile of a given model routes to a subset of
 * its geography's regions; granting the foundation model in every region of the geography is safe
 * because those grants only hold through the profile (`bedrock:InferenceProfileArn`). When AWS adds a
 * region before this table does, pass `destinationRegions` to `BedrockModel.inferenceProfile`.
 *
 * Sources: the Bedrock user guide (Supported Regions and models for inference profiles) and the
 * geographies of aws-cdk's `CrossRegionInferenceProfileRegion`.
 */
export class InferenceProfileRegions {
  /** The prefix of global cross-region inference profiles (see `BedrockModel.globalInferenceProfile`). */
  public static readonly GLOBAL_PREFIX = 'global';

  /** The geographic prefixes this table knows, e.g. `us`, `eu`, `apac`. */
  public static knownPrefixes(): string[] {
    return Object.keys(DESTINATIONS).sort();
  }

  /** The destination regions of profiles with `prefix` (without the dot); undefined when unknown. */
  public static destinationRegions(prefix: string): string[] | undefined {
    const regions = Object.prototype.hasOwnProperty.call(DESTINATIONS, prefix)
      ? DESTINATIONS[prefix]
      : undefined;
    return regions ? [...regions] : undefined;
  }

  private constructor() {}
}

const DESTINATIONS: Record<string, readonly string[]> = {
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  ca: ['ca-central-1', 'ca-west-1'],
  eu: [
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
  ],
  apac: [
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-7',
    'me-central-1',
  ],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
};
