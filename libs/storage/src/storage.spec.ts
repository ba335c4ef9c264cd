import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ObjectNotFoundError,
  ObjectStorage,
  audioKey,
  createObjectStorage,
  isObjectNotFound,
  parseAudioKey,
  sessionPrefix,
  startS3rver,
  storageConfigFromEnv,
  type RunningS3rver,
} from './index';

const BUCKET = 'parley-audio-test';

describe('ObjectStorage against s3rver (real S3 protocol)', () => {
  let directory: string;
  let server: RunningS3rver;
  let storage: ObjectStorage;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'parley-s3rver-'));
    server = await startS3rver({ directory, port: 0, address: '127.0.0.1', buckets: [BUCKET] });
    storage = createObjectStorage({
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket: BUCKET,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      forcePathStyle: true,
    });
  });

  afterAll(async () => {
    storage?.close();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('starts s3rver on a free port with the bucket already created', async () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    await expect(storage.ping()).resolves.toBe(true);
  });

  it('round-trips bytes exactly and reports metadata', async () => {
    const body = randomBytes(128 * 1024); // the largest trainee turn
    const key = audioKey('sess_roundtrip', 1, 'trainee');
    await storage.put(key, body, 'audio/mpeg');

    const back = await storage.get(key);
    expect(back.equals(body)).toBe(true);

    const info = await storage.head(key);
    expect(info).toMatchObject({ key, size: body.length, contentType: 'audio/mpeg' });
    await expect(storage.exists(key)).resolves.toBe(true);
  });

  it('stores strings and empty bodies exactly', async () => {
    await storage.put('misc/hello.txt', 'héllo', 'text/plain; charset=utf-8');
    expect((await storage.get('misc/hello.txt')).toString('utf8')).toBe('héllo');
    await storage.put('misc/empty.bin', Buffer.alloc(0), 'application/octet-stream');
    expect((await storage.get('misc/empty.bin')).length).toBe(0);
  });

  it('throws a typed NotFound error for a missing key on get and head', async () => {
    const key = 'sessions/nope/turns/00000-ai.mp3';
    const getError = await storage.get(key).catch((e: unknown) => e);
    expect(getError).toBeInstanceOf(ObjectNotFoundError);
    expect(isObjectNotFound(getError)).toBe(true);
    expect(getError).toMatchObject({ code: 'not_found', key, bucket: BUCKET });

    await expect(storage.head(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.exists(key)).resolves.toBe(false);
  });

  it('deletes one object, and deleting it again is not an error', async () => {
    const key = audioKey('sess_delete', 0, 'ai');
    await storage.put(key, randomBytes(1000), 'audio/mpeg');
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.delete(key)).resolves.toBeUndefined();
  });

  it('deletes everything under a prefix across several list pages, and nothing else', async () => {
    const doomed = 'sess_many';
    const kept = 'sess_many2'; // shares the string prefix "sess_many" but not the folder prefix
    const bodies = new Map<string, Buffer>();
    // 1,050 objects: more than one ListObjectsV2 page (1,000) and more than one DeleteObjects batch.
    const keys = Array.from({ length: 1050 }, (_, i) => audioKey(doomed, i, i % 2 ? 'trainee' : 'ai'));
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => storage.put(k, Buffer.from(k), 'audio/mpeg')));
    }
    for (const seq of [0, 1]) {
      const key = audioKey(kept, seq, 'ai');
      const body = randomBytes(64);
      bodies.set(key, body);
      await storage.put(key, body, 'audio/mpeg');
    }

    await expect(storage.deletePrefix(sessionPrefix(doomed))).resolves.toBe(1050);
    await expect(storage.exists(keys[0]!)).resolves.toBe(false);
    await expect(storage.exists(keys[1049]!)).resolves.toBe(false);
    for (const [key, body] of bodies) expect((await storage.get(key)).equals(body)).toBe(true);

    await expect(storage.deletePrefix(sessionPrefix(doomed))).resolves.toBe(0);
    await expect(storage.deletePrefix('')).rejects.toThrow(/empty prefix/);
  }, 120_000);

  it('gives a presigned URL that downloads the exact bytes with plain fetch', async () => {
    const key = audioKey('sess_presign', 2, 'ai');
    const body = randomBytes(40_000);
    await storage.put(key, body, 'audio/mpeg');

    const url = await storage.presignGet(key, 900);
    expect(url.startsWith(`${server.endpoint}/${BUCKET}/`)).toBe(true);
    expect(url).toContain('X-Amz-Expires=900');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  });

  it('refuses an expired presigned URL with 403', async () => {
    const key = audioKey('sess_presign', 3, 'trainee');
    await storage.put(key, randomBytes(100), 'audio/mpeg');
    const url = await storage.presignGet(key, 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/AccessDenied|expired/i);
  });

  // No tampered-signature test: s3rver 3.7 checks a SigV4 URL's access key and expiry but not its signature
  // (MinIO and AWS do). Expiry is what the 15-minute audio URLs rely on, and it is checked above.

  it('rejects out-of-range TTLs and invalid keys', async () => {
    await expect(storage.presignGet('a', 0)).rejects.toThrow(RangeError);
    await expect(storage.presignGet('a', 8 * 24 * 3600)).rejects.toThrow(RangeError);
    await expect(storage.put('', Buffer.from('x'), 'text/plain')).rejects.toThrow(/Invalid object key/);
    await expect(storage.get('/leading-slash')).rejects.toThrow(/Invalid object key/);
  });

  it('ensureBucket creates a missing bucket and is idempotent', async () => {
    const other = createObjectStorage({ ...storageConfigFromEnv(envFor(server, 'parley-created-later')) });
    try {
      await expect(other.ping()).resolves.toBe(false);
      await other.ensureBucket();
      await other.ensureBucket();
      await expect(other.ping()).resolves.toBe(true);
      await other.put('k', Buffer.from([1, 2, 3]), 'application/octet-stream');
      expect([...(await other.get('k'))]).toEqual([1, 2, 3]);
    } finally {
      other.close();
    }
  });

  it('presigns against the public endpoint when one is configured', async () => {
    const publicStorage = createObjectStorage({
      ...storageConfigFromEnv(envFor(server, BUCKET)),
      publicEndpoint: 'http://localhost:9999',
    });
    try {
      const url = await publicStorage.presignGet('x', 60);
      expect(url.startsWith(`http://localhost:9999/${BUCKET}/x?`)).toBe(true);
    } finally {
      publicStorage.close();
    }
  });

  it('ping is false when the server is unreachable', async () => {
    const dead = createObjectStorage({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      bucket: BUCKET,
      accessKeyId: 'x',
      secretAccessKey: 'y',
      forcePathStyle: true,
    });
    try {
      await expect(dead.ping()).resolves.toBe(false);
    } finally {
      dead.close();
    }
  });
});

describe('object keys', () => {
  it('follows sessions/<id>/turns/<seq padded>-<speaker>.mp3 and parses back', () => {
    expect(audioKey('abc123', 7, 'trainee')).toBe('sessions/abc123/turns/00007-trainee.mp3');
    expect(audioKey('abc123', 0, 'ai')).toBe('sessions/abc123/turns/00000-ai.mp3');
    expect(parseAudioKey('sessions/abc123/turns/00007-trainee.mp3')).toEqual({
      sessionId: 'abc123',
      sequence: 7,
      speaker: 'trainee',
    });
    expect(parseAudioKey('sessions/abc123/other.txt')).toBeNull();
    expect(sessionPrefix('abc123')).toBe('sessions/abc123/');
  });

  it('sorts lexically in turn order', () => {
    const keys = [10, 2, 100, 0, 9].map((n) => audioKey('s', n, 'ai'));
    expect([...keys].sort()).toEqual([0, 2, 9, 10, 100].map((n) => audioKey('s', n, 'ai')));
  });

  it('refuses ids and sequences that could escape the session folder', () => {
    expect(() => audioKey('../x', 1, 'ai')).toThrow();
    expect(() => audioKey('a/b', 1, 'ai')).toThrow();
    expect(() => audioKey('a', -1, 'ai')).toThrow();
    expect(() => audioKey('a', 1.5, 'ai')).toThrow();
    expect(() => audioKey('a', 1, 'robot' as never)).toThrow();
    expect(() => sessionPrefix('')).toThrow();
  });
});

function envFor(server: RunningS3rver, bucket: string) {
  return {
    S3_ENDPOINT: server.endpoint,
    S3_BUCKET: bucket,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: server.accessKeyId,
    S3_SECRET_ACCESS_KEY: server.secretAccessKey,
  };
}
