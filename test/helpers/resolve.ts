/**
 * Resolves CloudFormation intrinsics in a synthesized template to concrete strings, the way
 * CloudFormation would in one fixed account and region, so policies can be handed to the IAM
 * simulator. Physical names are taken from the resource's name property when it is literal,
 * else from its logical id.
 */
export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NAME_PROPS: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudTrail::Trail': 'TrailName',
  'AWS::Bedrock::Guardrail': 'Name',
  'AWS::Bedrock::KnowledgeBase': 'Name',
  'AWS::BedrockAgentCore::WorkloadIdentity': 'Name',
  'AWS::BedrockAgentCore::OAuth2CredentialProvider': 'Name',
  'AWS::BedrockAgentCore::ApiKeyCredentialProvider': 'Name',
};

export class TemplateResolver {
  constructor(private readonly template: Json) {}

  public get resources(): Record<string, Json> {
    return this.template.Resources ?? {};
  }

  /** The physical name CloudFormation would give a resource. */
  public physicalName(logicalId: string): string {
    const res = this.resources[logicalId];
    if (!res) throw new Error(`no resource ${logicalId} in template`);
    const prop = NAME_PROPS[res.Type];
    const literal = prop ? res.Properties?.[prop] : undefined;
    if (typeof literal === 'string') return literal;
    return res.Type === 'AWS::S3::Bucket' ? logicalId.toLowerCase() : logicalId;
  }

  /** The ARN of a resource, as Fn::GetAtt [id, 'Arn'] would give it. */
  public arn(logicalId: string): string {
    const res = this.resources[logicalId];
    if (!res) throw new Error(`no resource ${logicalId} in template`);
    const name = this.physicalName(logicalId);
    const a = `arn:${PARTITION}`;
    switch (res.Type) {
      case 'AWS::IAM::Role':
        return `${a}:iam::${ACCOUNT}:role${res.Properties?.Path ?? '/'}${name}`;
      case 'AWS::IAM::ManagedPolicy':
        return `${a}:iam::${ACCOUNT}:policy${res.Properties?.Path ?? '/'}${name}`;
      case 'AWS::S3::Bucket':
        return `${a}:s3:::${name}`;
      case 'AWS::DynamoDB::Table':
        return `${a}:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
      case 'AWS::SecretsManager::Secret':
        return `${a}:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
      case 'AWS::KMS::Key':
        return `${a}:kms:${REGION}:${ACCOUNT}:key/${name}`;
      case 'AWS::SQS::Queue':
        return `${a}:sqs:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::SNS::Topic':
        return `${a}:sns:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::Lambda::Function':
        return `${a}:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      case 'AWS::Logs::LogGroup':
        return `${a}:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
      case 'AWS::CloudTrail::Trail':
        return `${a}:cloudtrail:${REGION}:${ACCOUNT}:trail/${name}`;
      case 'AWS::BedrockAgentCore::WorkloadIdentity':
        return `${a}:bedrock-agentcore:${REGION}:${ACCOUNT}:workload-identity-directory/default/workload-identity/${name}`;
      case 'AWS::BedrockAgentCore::OAuth2CredentialProvider':
        return `${a}:bedrock-agentcore:${REGION}:${ACCOUNT}:token-vault/default/oauth2credentialprovider/${name}`;
      case 'AWS::BedrockAgentCore::ApiKeyCredentialProvider':
        return `${a}:bedrock-agentcore:${REGION}:${ACCOUNT}:token-vault/default/apikeycredentialprovider/${name}`;
      case 'AWS::Bedrock::Guardrail':
        return `${a}:bedrock:${REGION}:${ACCOUNT}:guardrail/${name.toLowerCase()}`;
      case 'AWS::Bedrock::KnowledgeBase':
        return `${a}:bedrock:${REGION}:${ACCOUNT}:knowledge-base/${name}`;
      case 'AWS::BedrockAgentCore::Gateway':
        return `${a}:bedrock-agentcore:${REGION}:${ACCOUNT}:gateway/${name.toLowerCase()}`;
      default:
        throw new Error(`resolver does not know the ARN format of ${res.Type} (${logicalId})`);
    }
  }

  /** What `Ref` returns for a resource. */
  public ref(logicalId: string): string {
    switch (logicalId) {
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Region':
        return REGION;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'TestStack';
      case 'AWS::NoValue':
        return '';
    }
    const res = this.resources[logicalId];
    if (!res) {
      const param = this.template.Parameters?.[logicalId];
      if (param) return String(param.Default ?? logicalId);
      throw new Error(`cannot resolve Ref ${logicalId}`);
    }
    switch (res.Type) {
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
        return this.arn(logicalId);
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${this.physicalName(logicalId)}`;
      case 'AWS::Bedrock::Guardrail':
        return this.arn(logicalId);
      default:
        return this.physicalName(logicalId);
    }
  }

  /** Resolves every intrinsic in a value. */
  public resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [k] = keys;
      const arg = value[k];
      switch (k) {
        case 'Ref':
          return this.ref(arg);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
          return this.getAtt(id, attr);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg;
          return (this.resolve(parts) as Json[]).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg;
          return (this.resolve(list) as Json[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [sep, str] = arg;
          return String(this.resolve(str)).split(sep);
        }
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
          return String(text).replace(/\$\{([^}]+)\}/g, (_m: string, name: string) => {
            if (vars && name in vars) return String(this.resolve(vars[name]));
            if (name.includes('.')) {
              const [id, attr] = name.split('.');
              return String(this.getAtt(id, attr));
            }
            return String(this.ref(name));
          });
        }
        case 'Fn::ImportValue':
          return `imported-${JSON.stringify(arg)}`;
      }
    }
    const out: Json = {};
    for (const key of keys) out[key] = this.resolve(value[key]);
    return out;
  }

  private getAtt(id: string, attr: string): string {
    const res = this.resources[id];
    if (!res) throw new Error(`cannot resolve GetAtt ${id}.${attr}`);
    if (attr === 'Arn' || attr.endsWith('Arn')) {
      if (res.Type === 'AWS::Bedrock::Guardrail' && attr === 'GuardrailArn') return this.arn(id);
      if (res.Type === 'AWS::Bedrock::Guardrail' && attr === 'GuardrailId')
        return this.physicalName(id).toLowerCase();
      return this.arn(id);
    }
    if (attr === 'RoleId') return `AROA${id.toUpperCase().slice(0, 16)}`;
    if (attr === 'QueueName' || attr === 'TopicName' || attr === 'Name') return this.physicalName(id);
    if (attr === 'GuardrailId') return this.physicalName(id).toLowerCase();
    if (attr === 'Version') return '1';
    return `${id}.${attr}`;
  }
}

/**
 * The template with every `Fn::ImportValue` replaced by the value the exporting stack gives it,
 * as CloudFormation would when it deploys the importing stack after `exporters`.
 */
export function withImports(template: Json, exporters: Json[]): Json {
  const exports = new Map<string, Json>();
  for (const exporter of exporters) {
    for (const output of Object.values<Json>(exporter.Outputs ?? {})) {
      if (output.Export)
        exports.set(output.Export.Name, new TemplateResolver(exporter).resolve(output.Value));
    }
  }
  const substitute = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(substitute);
    if (value === null || typeof value !== 'object') return value;
    const name = value['Fn::ImportValue'];
    if (Object.keys(value).length === 1 && name !== undefined) {
      if (!exports.has(name)) throw new Error(`no stack exports ${JSON.stringify(name)}`);
      return exports.get(name);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  };
  return substitute(template);
}
