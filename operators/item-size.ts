// What an item weighs against DynamoDB's 400 KB item limit, by the rules of the Developer Guide ("DynamoDB item sizes
// and formats"): the UTF-8 bytes of every attribute name (a map's keys too) plus the size of its value; a string is
// its UTF-8 bytes (characters are not bytes: 'é' is two), a Boolean or null 1 byte, a list or map 3 bytes plus 1 per
// element. A number is what the guide calls "approximately 1 byte per two significant digits, plus 1": exactly, its
// base-100 digits counted from the decimal point, plus 1, plus 1 for a negative number. DynamoDB Local agrees to the
// byte at the limit (tests/integration/item-size.test.ts). Items here hold JSON values only (no binary, no sets).

/** DynamoDB's largest item: 400 KB, names and values together. */
export const MAX_ITEM_BYTES = 400 * 1024;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A number as DynamoDB stores it: its digits in pairs aligned on the decimal point, zero pairs at either end dropped. */
function numberBytes(value: number): number {
  if (value === 0) return 1;
  // The text the SDK sends, e.g. -1.23e-10: its digits and where the decimal point falls among them.
  const [mantissa = '', exponent = '0'] = Math.abs(value).toString().split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  /** The base-100 position of the digit at `index`: 0 for units and tens, -1 for tenths and hundredths. */
  const pair = (index: number) => Math.floor((point - 1 - index) / 2);
  const highest = pair(digits.search(/[1-9]/));
  const lowest = pair(digits.length - 1 - [...digits].reverse().join('').search(/[1-9]/));
  return highest - lowest + 1 + 1 + (value < 0 ? 1 : 0);
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number') return numberBytes(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 3);
  return 3 + attributesBytes(value as Record<string, unknown>, 1);
}

/** Each attribute's name and value, plus `overhead` each (undefined ones are not stored: the client removes them). */
function attributesBytes(attributes: Record<string, unknown>, overhead: number): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) bytes += overhead + utf8Bytes(name) + valueBytes(value);
  }
  return bytes;
}

/** The size of an item as DynamoDB counts it, in bytes. */
export const itemBytes = (item: object): number => attributesBytes(item as Record<string, unknown>, 0);

/** Why DynamoDB would refuse to store this item (it is over the limit), or undefined. */
export function tooLarge(item: object): string | undefined {
  const bytes = itemBytes(item);
  if (bytes <= MAX_ITEM_BYTES) return undefined;
  const count = (n: number) => n.toLocaleString('en-US');
  return `the item is ${count(bytes)} bytes as stored, over DynamoDB's limit of ${count(MAX_ITEM_BYTES)} (400 KB)`;
}
