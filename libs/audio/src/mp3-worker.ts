import { Worker } from 'node:worker_threads';
import type { Pcm } from './pcm';
import { toInt16 } from './pcm';

/**
 * MP3 encoding on a worker thread. lamejs is plain JavaScript and takes ~50-100 ms of CPU per second of speech:
 * a service that handles live audio frames (realtime conversations) must not block its event loop that long.
 * One worker, created on first use, encodes requests in order.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { encodeMp3 } = require(workerData.audioLib);
parentPort.on('message', ({ id, pcm, sampleRate, kbps }) => {
  try {
    const mp3 = encodeMp3(new Int16Array(pcm), sampleRate, kbps);
    parentPort.postMessage({ id, mp3: new Uint8Array(mp3) });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (mp3: Buffer) => void; reject: (error: Error) => void }>();

function encoder(): Worker {
  if (worker) return worker;
  // The compiled library: the worker cannot load TypeScript sources.
  const audioLib = require.resolve('@parley/audio');
  const created = new Worker(WORKER_SOURCE, { eval: true, workerData: { audioLib } });
  created.unref();
  created.on('message', ({ id, mp3, error }: { id: number; mp3?: Uint8Array; error?: string }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error || !mp3) waiter?.reject(new RangeError(error ?? 'encodeMp3: no output'));
    else waiter?.resolve(Buffer.from(mp3.buffer, mp3.byteOffset, mp3.byteLength));
  });
  created.on('error', (error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    worker = null;
  });
  worker = created;
  return created;
}

/** {@link encodeMp3} without blocking the event loop. */
export function encodeMp3OffThread(pcm: Pcm, sampleRate = 16_000, kbps = 32): Promise<Buffer> {
  const samples = toInt16(pcm);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const copy = samples.slice();
    encoder().postMessage({ id, pcm: copy.buffer, sampleRate, kbps }, [copy.buffer]);
  });
}
