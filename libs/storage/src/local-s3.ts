import { mkdir } from 'node:fs/promises';

export interface S3rverOptions {
  /** Where objects are stored on disk. */
  directory: string;
  /** 0 picks a free port. */
  port?: number;
  address?: string;
  /** Buckets created before the server answers. */
  buckets?: string[];
}

export interface RunningS3rver {
  /** `http://<address>:<port>`, for `ObjectStorageConfig.endpoint`. */
  endpoint: string;
  port: number;
  /** s3rver accepts only these credentials. */
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Starts s3rver, a real S3-protocol server written in Node, for local runs and tests (no MinIO or Docker needed).
 * Loaded lazily so services that only talk to real S3 never load it.
 */
export async function startS3rver(options: S3rverOptions): Promise<RunningS3rver> {
  await mkdir(options.directory, { recursive: true });
  const { default: S3rver } = await import('s3rver');
  const address = options.address ?? '127.0.0.1';
  const server = new S3rver({
    directory: options.directory,
    port: options.port ?? 0,
    address,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const info = await server.run();
  const host = info.address.includes(':') ? `[${info.address}]` : info.address;
  let closed = false;
  return {
    endpoint: `http://${host}:${info.port}`,
    port: info.port,
    ...S3RVER_CREDENTIALS,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}
