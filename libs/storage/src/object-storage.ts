import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface ObjectStorageConfig {
  /** S3-compatible endpoint (MinIO, s3rver...); omit for AWS S3 itself. */
  endpoint?: string;
  /**
   * Endpoint written into presigned URLs when clients reach the storage under another address than the services
   * do (e.g. `http://localhost:9000` while services use `http://minio:9000`). Defaults to `endpoint`.
   */
  publicEndpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`); required by MinIO and s3rver. Defaults to true. */
  forcePathStyle?: boolean;
  /** Per-request timeout; a hung storage call fails instead of holding a turn forever. */
  requestTimeoutMs?: number;
}

export interface ObjectInfo {
  key: string;
  size: number;
  contentType?: string;
  etag?: string;
  lastModified?: Date;
}

/** The object does not exist (or the bucket does not). Callers map it to their own not-found handling. */
export class ObjectNotFoundError extends Error {
  readonly code = 'not_found' as const;

  constructor(
    readonly key: string,
    readonly bucket: string,
  ) {
    super(`Object not found: ${bucket}/${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

export function isObjectNotFound(error: unknown): error is ObjectNotFoundError {
  return error instanceof ObjectNotFoundError;
}

/** Longest lifetime S3 accepts for a SigV4 presigned URL. */
const MAX_PRESIGN_TTL_SEC = 7 * 24 * 3600;
/** DeleteObjects takes at most 1000 keys per call. */
const DELETE_BATCH = 1000;

/** Anything the SDK throws that means "no such object/bucket". */
function isMissing(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e) return false;
  return (
    e.$metadata?.httpStatusCode === 404 ||
    e.name === 'NoSuchKey' ||
    e.name === 'NotFound' ||
    e.name === 'NoSuchBucket' ||
    e.Code === 'NoSuchKey'
  );
}

function clientConfig(config: ObjectStorageConfig, endpoint: string | undefined): S3ClientConfig {
  return {
    region: config.region,
    endpoint,
    forcePathStyle: config.forcePathStyle ?? true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // With the SDK's defaults (WHEN_SUPPORTED) a PutObject may be sent with aws-chunked checksum framing, which
    // S3-compatible servers store inside the object. Only compute/verify checksums where the API demands them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    ...(config.requestTimeoutMs ? { requestHandler: { requestTimeout: config.requestTimeoutMs } } : {}),
  };
}

/**
 * The one bucket of audio objects. Every method takes a key relative to the bucket; missing objects surface as
 * {@link ObjectNotFoundError}; nothing here logs object contents.
 */
export class ObjectStorage {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly presignClient: S3Client;

  constructor(config: ObjectStorageConfig) {
    if (!config.bucket) throw new Error('ObjectStorage: bucket is required');
    this.bucket = config.bucket;
    // On Node < 22 the SDK warns about its releases after January 2027, which we do not install. Its documented switch
    // is set here, the one place that builds clients, so no service prints the notice at start (sdk-warning.spec.ts);
    // a value set by the operator wins.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client(clientConfig(config, config.endpoint));
    this.presignClient =
      config.publicEndpoint && config.publicEndpoint !== config.endpoint
        ? new S3Client(clientConfig(config, config.publicEndpoint))
        : this.client;
  }

  /** Creates the bucket unless it exists. Safe to call from every replica at boot. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      // Another replica won the race.
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    }
  }

  async put(key: string, body: Buffer | Uint8Array | string, contentType: string): Promise<void> {
    assertKey(key);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.byteLength,
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    assertKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) return Buffer.alloc(0);
      return Buffer.from(await res.Body.transformToByteArray());
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(key, this.bucket);
      throw error;
    }
  }

  /** Metadata of an object; {@link ObjectNotFoundError} when it does not exist. */
  async head(key: string): Promise<ObjectInfo> {
    assertKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        contentType: res.ContentType,
        etag: res.ETag,
        lastModified: res.LastModified,
      };
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(key, this.bucket);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.head(key);
      return true;
    } catch (error) {
      if (isObjectNotFound(error)) return false;
      throw error;
    }
  }

  /** Deletes one object; deleting a missing object is not an error (S3 semantics), so retries are safe. */
  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * Deletes every object under `prefix`, one listed page (up to 1000 keys) and one DeleteObjects batch at a time, so
   * memory stays bounded however many objects there are. Returns how many were deleted. An empty prefix is refused:
   * it would empty the bucket.
   *
   * Pages are walked with ListObjects (v1) and a key marker rather than v2 continuation tokens: every S3-compatible
   * server supports it, a marker stays valid while the keys before it are deleted, and s3rver 3.7 cannot mint v2
   * continuation tokens on OpenSSL 3 (it uses DES).
   */
  async deletePrefix(prefix: string): Promise<number> {
    if (!prefix) throw new Error('deletePrefix: refusing an empty prefix (it would delete the whole bucket)');
    let deleted = 0;
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, Marker: marker, MaxKeys: DELETE_BATCH }),
      );
      const keys = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => !!k);
      if (keys.length > 0) {
        const res = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failures = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
        if (failures.length > 0) {
          const first = failures[0]!;
          throw new Error(`deletePrefix: ${failures.length} object(s) not deleted, first ${first.Key}: ${first.Code}`);
        }
        deleted += keys.length;
      }
      if (!page.IsTruncated || keys.length === 0) return deleted;
      marker = page.NextMarker ?? keys[keys.length - 1];
    }
  }

  /** Every key under `prefix` (ListObjects v1 with a marker, for the same reasons as {@link deletePrefix}). */
  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, Marker: marker, MaxKeys: DELETE_BATCH }));
      const batch = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => !!k);
      keys.push(...batch);
      if (!page.IsTruncated || batch.length === 0) return keys;
      marker = page.NextMarker ?? batch[batch.length - 1];
    }
  }

  /** A GET URL anyone holding it may use until it expires `ttlSec` seconds from now. */
  async presignGet(key: string, ttlSec: number): Promise<string> {
    assertKey(key);
    if (!Number.isInteger(ttlSec) || ttlSec < 1 || ttlSec > MAX_PRESIGN_TTL_SEC) {
      throw new RangeError(`presignGet: ttlSec must be an integer in 1..${MAX_PRESIGN_TTL_SEC}`);
    }
    return getSignedUrl(this.presignClient, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: ttlSec,
    });
  }

  /** Readiness: true when the bucket answers. Never throws. */
  async ping(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.client.destroy();
    if (this.presignClient !== this.client) this.presignClient.destroy();
  }
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024 || key.startsWith('/')) {
    throw new Error(`Invalid object key: ${JSON.stringify(key)}`);
  }
}

export function createObjectStorage(config: ObjectStorageConfig): ObjectStorage {
  return new ObjectStorage(config);
}

/** The `S3_*` variables as parsed by `@parley/config`'s S3Env (plus the optional public endpoint). */
export interface S3EnvLike {
  S3_ENDPOINT?: string;
  S3_PUBLIC_ENDPOINT?: string;
  S3_BUCKET: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
}

export function storageConfigFromEnv(env: S3EnvLike): ObjectStorageConfig {
  return {
    endpoint: env.S3_ENDPOINT || undefined,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT || undefined,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  };
}
