// The push's connections table on DynamoDB Local, created from serverless.yml: a connection kept with its owner and
// token digest until a TTL past API Gateway's 2 hours, an owner's connections read at once (a connection made just
// before a change hears of it), forgotten by owner and id, or by id alone ($disconnect).
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { CONNECTION_SECONDS, createConnectionStore } from '../../lib/push/connections.ts';
import { createTables, localDocumentClient } from '../../infra/dynamodb.ts';
import { tableDeclarations } from '../../infra/serverless-yml.ts';

const endpoint = inject('dynamoDbEndpoint');
const stage = `test${randomUUID().slice(0, 8)}`;
await createTables(endpoint, stage);
const table = tableDeclarations(stage)
  .map(({ create }) => String(create.TableName))
  .find((name) => name.endsWith('-connections'))!;
const client = localDocumentClient(endpoint);
const connections = createConnectionStore(client, table);

const connection = (owner: string, n: number) => ({ owner, connectionId: `conn-${n}-${owner}`, tokenDigest: `d${n}` });

describe('the connections table', () => {
  it('keeps a connection with its owner and token digest, read back at once with the owner’s others only', async () => {
    const [owner, other] = [randomUUID(), randomUUID()];
    const mine = Array.from({ length: 3 }, (_, n) => connection(owner, n));
    await Promise.all([...mine, connection(other, 9)].map((each) => connections.add(each)));
    expect((await connections.ofOwner(owner)).sort((a, b) => a.connectionId.localeCompare(b.connectionId))).toEqual(
      mine,
    );
  });

  it('expires a connection (DynamoDB’s TTL) a little after API Gateway closes it', async () => {
    const owner = randomUUID();
    const before = Math.floor(Date.now() / 1000);
    await connections.add(connection(owner, 1));
    const { Items = [] } = await client.send(new ScanCommand({ TableName: table }));
    const stored = Items.find((item) => item.owner === owner) as { expires_at: number; connected_at: number };
    expect(stored.expires_at - stored.connected_at).toBe(CONNECTION_SECONDS);
    expect(CONNECTION_SECONDS).toBeGreaterThan(2 * 3600);
    expect(stored.connected_at).toBeGreaterThanOrEqual(before);
  });

  it('forgets a connection by owner and id, or by its id alone, and an unknown id is no error', async () => {
    const owner = randomUUID();
    const [first, second] = [connection(owner, 1), connection(owner, 2)];
    await Promise.all([connections.add(first), connections.add(second)]);
    await connections.forget(first);
    await connections.forgetById(second.connectionId);
    await connections.forgetById('never-connected');
    expect(await connections.ofOwner(owner)).toEqual([]);
  });
});
