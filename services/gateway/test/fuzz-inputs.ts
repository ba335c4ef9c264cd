/** Seeded random inputs for the fuzz suite: the same seed gives the same sequence of requests. */

/** mulberry32: tiny, fast and good enough to pick inputs; reproducible from its 32-bit seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}

/** Strings that have broken parsers, databases and loggers before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '😀'.repeat(50),
  '\u202e\u0627\u0644\u0639\u0631\u0628\u064a\u0629',
  'Z̸̢͓̦̈́a̴̛͎l̷͙̈g̶̗̍o̵̩͝',
  '\r\n\r\nHTTP/1.1 200 OK',
  "'; DROP TABLE practice_sessions; --",
  '%00%2e%2e%2f',
  '../../etc/passwd',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '0x7fffffff',
  '9'.repeat(400),
  'true',
  'null',
  '2026-02-30T25:61:61Z',
  '0000-00-00T00:00:00Z',
  '275760-09-13T00:00:00.001Z',
  new Date().toISOString(),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

const NASTY_NUMBERS = [0, -0, -1, 1, 1.5, -1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 1, -(2 ** 53) - 1, 1e308, -1e308, Number.MIN_VALUE, 4001, 128 * 1024 + 1, 3_600_001];

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];

/** A random JSON-able value; `depth` bounds nesting for ordinary values. */
export function randomValue(rng: Rng, depth = 3): unknown {
  switch (rng.int(depth > 0 ? 10 : 7)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(NASTY_NUMBERS);
    case 3:
      return (rng.next() - 0.5) * 10 ** rng.int(20);
    case 4:
      return rng.pick(NASTY_STRINGS);
    case 5:
      return randomString(rng);
    case 6:
      return rng.chance(0.2) ? 'x'.repeat(4001 + rng.int(70_000)) : String.fromCharCode(...Array.from({ length: rng.int(30) }, () => rng.int(0xffff)));
    case 7:
      return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth - 1));
    case 8:
      return randomObject(rng, depth - 1);
    default:
      return pollutedObject(rng);
  }
}

/** Code points, so that a pick never splits a surrogate pair. */
const ALPHABET = Array.from('abcXYZ019 -_.:/\\"\'`{}[]<>%&=?#@!éß中文🙂');

function randomString(rng: Rng): string {
  return Array.from({ length: 1 + rng.int(40) }, () => rng.pick(ALPHABET)).join('');
}

/** encodeURIComponent refuses lone surrogates; a client would send U+FFFD in their place. */
const encode = (text: string) =>
  encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

export function randomObject(rng: Rng, depth = 2): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = rng.int(5); i > 0; i--) out[rng.chance(0.3) ? rng.pick(NASTY_STRINGS) : randomString(rng)] = randomValue(rng, depth);
  return out;
}

/** JSON text whose keys would pollute Object.prototype if merged carelessly (JSON.parse keeps `__proto__` as a key). */
function pollutedObject(rng: Rng): Record<string, unknown> {
  return JSON.parse(`{"${rng.pick(POLLUTION_KEYS)}": {"polluted": true, "isAdmin": true, "roles": ["author"]}, "sessionId": "x"}`);
}

/** Nesting far deeper than any schema: `[[[[...]]]]` or `{"a":{"a":...}}`. */
export function deepNesting(rng: Rng): string {
  const depth = 500 + rng.int(20_000);
  return rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A valid body with one thing wrong: a field replaced, removed, duplicated as an array, or an extra one added. */
export function mutate(rng: Rng, valid: Record<string, unknown>): unknown {
  const keys = Object.keys(valid);
  const copy: Record<string, unknown> = { ...valid };
  const key = keys.length ? rng.pick(keys) : 'x';
  switch (rng.int(8)) {
    case 0:
      delete copy[key];
      return copy;
    case 1:
      copy[key] = [copy[key]];
      return copy;
    case 2:
      copy[key] = { value: copy[key] };
      return copy;
    case 3:
      copy[rng.chance(0.5) ? rng.pick(POLLUTION_KEYS) : randomString(rng)] = randomValue(rng);
      return copy;
    case 4:
      return [valid];
    case 5:
      return rng.pick([null, 0, 'text', true, []]);
    default:
      copy[key] = randomValue(rng);
      return copy;
  }
}

/** What a `Content-Type: application/json` body may actually hold, with a label naming the kind. */
export function rawBody(rng: Rng, valid: unknown): { body: string | Uint8Array; contentType: string; label: string } {
  switch (rng.int(9)) {
    case 0:
      return { body: rng.bytes(1 + rng.int(2048)), contentType: 'application/json', label: 'binary' };
    case 1:
      return { body: JSON.stringify(valid).slice(0, -1 - rng.int(5)), contentType: 'application/json', label: 'truncated json' };
    case 2:
      return { body: deepNesting(rng), contentType: 'application/json', label: 'deep nesting' };
    case 3:
      // Over body-parser's limit (100 KB by default).
      return { body: JSON.stringify({ ...(valid as object), pad: 'x'.repeat(110_000 + rng.int(1_000_000)) }), contentType: 'application/json', label: 'oversize' };
    case 4:
      return {
        body: JSON.stringify(valid),
        contentType: rng.pick(['text/plain', 'application/xml', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/octet-stream']),
        label: 'other content type',
      };
    case 5:
      return { body: 'sessionId=x&message[$ne]=1&__proto__[admin]=1', contentType: 'application/x-www-form-urlencoded', label: 'form' };
    case 6:
      return { body: '\ufeff' + JSON.stringify(valid), contentType: 'application/json; charset=utf-16', label: 'bom' };
    case 7:
      return {
        body: rng.pick(['', 'null', '0', '"str"', 'NaN', '[]', '{"a":1,"a":2}', '{"__proto__":{"x":1}}', '1e999999']),
        contentType: 'application/json',
        label: 'odd json',
      };
    default:
      return { body: JSON.stringify(valid), contentType: 'application/json', label: 'valid json' };
  }
}

/** A path segment where an id belongs. */
export function randomId(rng: Rng, real: string[]): string {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(real);
    case 1:
      return encode(rng.pick(NASTY_STRINGS) || 'x');
    case 2:
      return 'a'.repeat(1 + rng.int(5000));
    case 3:
      return encode(randomString(rng));
    case 4:
      return rng.pick(['%00', '%ff', '%', '..', '%2e%2e', '%252e', 'null', 'undefined', '-1']);
    default:
      return randomUuid(rng);
  }
}

/** A well-formed UUID that names nothing (drawn from the seeded generator, so runs repeat). */
export function randomUuid(rng: Rng): string {
  const hex = rng.bytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A query string of random and hostile parameters (arrays, nested brackets, repeats). */
export function randomQuery(rng: Rng, names: string[]): string {
  const parts: string[] = [];
  for (let i = rng.int(6); i > 0; i--) {
    const name = rng.chance(0.7) ? rng.pick(names) : rng.pick(['__proto__[x]', 'constructor[prototype][x]', 'a[b][c][d]', 'x[]', randomString(rng)]);
    const value = typeof randomValue(rng, 0) === 'string' ? String(randomValue(rng, 0)) : String(rng.pick(NASTY_STRINGS));
    parts.push(`${encode(name).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encode(value.slice(0, 3000))}`);
    if (rng.chance(0.2)) parts.push(`${encode(name)}=${encode(value.slice(0, 10))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Audio that is not what a turn needs: noise, truncated or corrupted MP3, another format, nothing. */
export function badAudio(rng: Rng, goodMp3: Buffer): Buffer {
  switch (rng.int(7)) {
    case 0:
      return rng.bytes(1 + rng.int(4096));
    case 1:
      return goodMp3.subarray(0, 1 + rng.int(Math.min(600, goodMp3.length - 1)));
    case 2: {
      const copy = Buffer.from(goodMp3);
      for (let i = 0; i < 50; i++) copy[rng.int(copy.length)] = rng.int(256);
      return copy;
    }
    case 3:
      return Buffer.concat([Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEfmt '), rng.bytes(2000)]);
    case 4:
      return Buffer.concat([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000'), rng.bytes(500)]);
    case 5:
      return Buffer.alloc(128 * 1024 + 1 + rng.int(50_000), 0xff);
    default:
      return Buffer.from('{"not":"audio"}');
  }
}
