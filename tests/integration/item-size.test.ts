// The import's size check (operators/item-size.ts) counts an item as DynamoDB does: at the limit to the byte,
// DynamoDB Local stores the item the check lets through and refuses one byte more, whatever the item holds.
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect, inject, it } from 'vitest';
import { createTables, localDocumentClient } from '../../infra/dynamodb.ts';
import { MAX_ITEM_BYTES, itemBytes, tooLarge } from '../../operators/item-size.ts';

const endpoint = inject('dynamoDbEndpoint');
const tables = await createTables(endpoint, `size${randomUUID().slice(0, 8)}`);
const client = localDocumentClient(endpoint);

const stored = (item: Record<string, unknown>) =>
  client.send(new PutCommand({ TableName: tables.instances, Item: item })).then(
    () => true,
    (error: Error) => {
      expect(error.message).toBe('Item size has exceeded the maximum allowed size');
      return false;
    },
  );

const NUMBERS = [0, 1.5, 12.5, 0.5, 100, 0.00012, 1.23e-10, 12345.678, 123456789, Number.MAX_SAFE_INTEGER];

it.each([
  ['UTF-8 text, two bytes a character', { name: 'é'.repeat(1000), note: '日本' }],
  [
    'numbers of every shape, negative ones too',
    Object.fromEntries(
      NUMBERS.flatMap((n, i) => [
        [`p${i}`, n],
        [`n${i}`, -n],
      ]),
    ),
  ],
  ['nested maps and lists, empty ones too', { info: { ключ: ['ü', [], {}, null, true], slaves: 2 }, applications: [] }],
])('%s: DynamoDB Local stores what the check lets through, and refuses a byte more', async (_, content) => {
  const filler = (bytes: number) => ({ ...content, uuid: randomUUID(), filler: 'y'.repeat(bytes) });
  const fits = MAX_ITEM_BYTES - itemBytes(filler(0));
  expect(tooLarge(filler(fits))).toBeUndefined();
  expect(tooLarge(filler(fits + 1))).toBe(
    `the item is 409,601 bytes as stored, over DynamoDB's limit of 409,600 (400 KB)`,
  );
  expect(await stored(filler(fits))).toBe(true);
  expect(await stored(filler(fits + 1))).toBe(false);
});
