import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreApiError, EventStoreClient } from '../../client/index.js';
import { type ApiRuntime, startApiRuntime } from '../support/api-runtime.js';
import { streamId } from '../support/dynamodb.js';

/**
 * Stands in for API Gateway's IAM authorizer: it signs each request again,
 * as it arrived (path as sent, query decoded, the signed headers, the body),
 * with the same library and the secret it knows for the key id, and passes
 * it on to the local API only when the signatures agree. This proves the
 * client signs exactly what it sends; it does not prove that AWS accepts it.
 */
const secrets: Record<string, string> = { AKIDCLIENT: 'client-secret', AKIDENV: 'env-secret' };
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=(\w+)\/(\d{8})\/([\w-]+)\/([\w-]+)\/aws4_request, SignedHeaders=([\w;-]+), Signature=([0-9a-f]{64})$/;

let api: ApiRuntime;
let verifier: Server;
let verifierUrl: string;
const seen: { authorization: string; signedHeaders: string[]; token: string | undefined }[] = [];

beforeAll(async () => {
  api = await startApiRuntime('client-signing');
  verifier = createServer((req, res) => void verifyThenForward(req, res));
  await new Promise<void>((resolve) => verifier.listen(0, '127.0.0.1', resolve));
  verifierUrl = `http://127.0.0.1:${(verifier.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => verifier.close(resolve));
  await api.stop();
});

async function verifyThenForward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const authorization = req.headers.authorization ?? '';
  const match = AUTHORIZATION.exec(authorization);
  const refuse = (message: string) => {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message }));
  };
  if (!match) return refuse('Missing or malformed Authorization');
  const [, keyId = '', , region = '', service = '', signed = ''] = match;
  const signedHeaders = signed.split(';');
  seen.push({
    authorization,
    signedHeaders,
    token: req.headers['x-amz-security-token'] as string | undefined,
  });
  const [path = '/', rawQuery = ''] = (req.url ?? '/').split('?');
  const query: Record<string, string | string[]> = {};
  for (const part of rawQuery.split('&').filter(Boolean)) {
    const [k = '', v = ''] = part.split('=').map(decodeURIComponent);
    const had = query[k];
    query[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
  }
  const headers = Object.fromEntries(signedHeaders.map((h) => [h, String(req.headers[h])]));
  const amzDate = String(req.headers['x-amz-date']);
  const signingDate = new Date(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  const token = req.headers['x-amz-security-token'] as string | undefined;
  const again = await new SignatureV4({
    service,
    region,
    credentials: {
      accessKeyId: keyId,
      secretAccessKey: secrets[keyId] ?? 'unknown',
      ...(token && { sessionToken: token }),
    },
    sha256: Hash.bind(null, 'sha256'),
  }).sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path,
      query,
      headers,
      ...(body && { body }),
    },
    { signingDate },
  );
  if (again.headers.authorization !== authorization) return refuse('Signature mismatch');
  const answer = await fetch(`${api.runtime.url}${req.url}`, {
    method: req.method ?? 'GET',
    headers: { 'content-type': 'application/json' },
    ...(body && { body }),
  });
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(await answer.text());
}

describe('SigV4 signing', () => {
  it('signs every request so that re-signing it as it arrived gives the same signature', async () => {
    // Prepare
    const client = new EventStoreClient({
      url: verifierUrl,
      signing: {
        region: 'eu-west-1',
        credentials: {
          accessKeyId: 'AKIDCLIENT',
          secretAccessKey: 'client-secret',
          sessionToken: 'session-token',
        },
      },
    });
    const inPath = `${streamId('signed')}/a b+c%d`;
    const inQuery = `${streamId('signed')}?x#y`;
    seen.length = 0;

    // Act
    const appended = await client.appendToStream(inPath, [{ type: 'A', data: { é: 1 } }]);
    await client.appendToStream(inQuery, [{ type: 'B', data: 2 }]);
    const head = await client.getStreamHead(inQuery);
    const read = await client.readAllPage({
      fromPosition: appended.firstPosition ?? 1,
      eventTypes: ['A', 'B'],
      streamPrefix: 'signed',
    });

    // Assess
    expect(head?.version).toBe(1);
    expect(read.events.map((e) => e.streamId)).toEqual([inPath, inQuery]);
    expect(seen).toHaveLength(4);
    for (const request of seen) {
      expect(request.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDCLIENT\/\d{8}\/eu-west-1\/execute-api\/aws4_request, /,
      );
      expect(request.signedHeaders).toEqual(
        expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']),
      );
      expect(request.token).toBe('session-token');
    }
  });

  it('is refused by the verifier when signed with another secret', async () => {
    // Prepare
    const client = new EventStoreClient({
      url: verifierUrl,
      signing: {
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDCLIENT', secretAccessKey: 'wrong' },
      },
    });

    // Act
    const reading = client.getStreamHead('a');

    // Assess
    await expect(reading).rejects.toThrow(EventStoreApiError);
    await expect(reading).rejects.toMatchObject({ status: 403, code: 'Http403' });
  });

  it("takes credentials from the AWS SDK's default chain when none are given", async () => {
    // Prepare
    const names = [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
    ];
    const saved = names.map((name) => [name, process.env[name]] as const);
    process.env.AWS_ACCESS_KEY_ID = 'AKIDENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    seen.length = 0;

    // Act
    try {
      const client = new EventStoreClient({ url: verifierUrl, signing: { region: 'us-east-1' } });
      await client.health();
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }

    // Assess
    expect(seen[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDENV\/\d{8}\/us-east-1\//,
    );
  });
});
