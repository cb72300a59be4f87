/** AWS credentials, as the AWS SDK's providers return them. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

export interface SigningOptions {
  /** The API's region, e.g. `us-east-1`. */
  region: string;
  /** Default: the AWS SDK's default chain (environment, profile, SSO, container, instance). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Default `execute-api`, what API Gateway's IAM authorizer checks. */
  service?: string;
}

/** The parts of a request SigV4 signs, as they go on the wire. */
export interface RequestToSign {
  method: string;
  url: URL;
  /** The path as sent (percent-encoded once); the signer encodes it once more, as SigV4 wants. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: string | undefined;
}

export type Sign = (request: RequestToSign) => Promise<Record<string, string>>;

/**
 * A SigV4 signer made with `@smithy/signature-v4` (the AWS SDK's own),
 * loaded on first use so that a client without signing needs none of it.
 * Returns the headers to send: the given ones plus `authorization`,
 * `x-amz-date` and, for temporary credentials, `x-amz-security-token`.
 */
export function createSigner(options: SigningOptions): Sign {
  let signer: Promise<{ sign: Sign }> | undefined;
  return async (request) => {
    signer ??= load(options);
    return (await signer).sign(request);
  };
}

async function load(options: SigningOptions): Promise<{ sign: Sign }> {
  const [{ SignatureV4 }, { Hash }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@smithy/hash-node'),
  ]);
  const credentials =
    options.credentials ?? (await import('@aws-sdk/credential-provider-node')).defaultProvider();
  const signatureV4 = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  return {
    sign: async ({ method, url, path, query, headers, body }) => {
      const signed = await signatureV4.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port && { port: Number(url.port) }),
        path,
        query,
        headers: { ...headers, host: url.host },
        body,
      });
      // fetch sets Host itself, from the URL the signature covers.
      const { host: _host, ...rest } = signed.headers as Record<string, string>;
      return rest;
    },
  };
}
