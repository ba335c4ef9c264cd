import { Worker } from 'node:worker_threads';
import { checkOutputRate, refuseEmptyInput } from './mp3-checks';
import { int16ToFloat32, toInt16, type Pcm } from './pcm';

/**
 * MP3 encoding for the services, on a worker thread with LAME compiled to WebAssembly (`wasm-media-encoders`): about
 * 4 ms of CPU per second of speech, where lamejs (plain JavaScript, {@link encodeMp3}) takes 25-50 ms, and none of it
 * on the event loop that handles live audio frames. One worker, created on first use, encodes requests in order.
 * Constant bitrate at the input's rate, as {@link encodeMp3}.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createMp3Encoder } = require(workerData.encoders);
const ready = createMp3Encoder();
parentPort.on('message', async ({ id, pcm, sampleRate, kbps }) => {
  try {
    const encoder = await ready;
    // From configure to finalize without a pause: requests never interleave on the one encoder.
    encoder.configure({ sampleRate, channels: 1, bitrate: kbps });
    const head = encoder.encode([new Float32Array(pcm)]).slice(); // a view of the encoder's memory, reused next call
    const tail = encoder.finalize();
    const mp3 = new Uint8Array(head.length + tail.length);
    mp3.set(head);
    mp3.set(tail, head.length);
    parentPort.postMessage({ id, mp3 }, [mp3.buffer]);
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
  const created = new Worker(WORKER_SOURCE, { eval: true, workerData: { encoders: require.resolve('wasm-media-encoders') } });
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

/** {@link encodeMp3}'s mono MP3 with the same checks, without blocking the event loop. */
export async function encodeMp3OffThread(pcm: Pcm, sampleRate = 16_000, kbps = 32): Promise<Buffer> {
  refuseEmptyInput(pcm.length);
  // LAME takes floats; the copy in them is the one handed over to the worker. Through 16 bits first, so floats are
  // clipped to [-1, 1] as encodeMp3 clips them.
  const floats = int16ToFloat32(toInt16(pcm));
  const id = nextId++;
  const mp3 = await new Promise<Buffer>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    encoder().postMessage({ id, pcm: floats.buffer, sampleRate, kbps }, [floats.buffer as ArrayBuffer]);
  });
  checkOutputRate(mp3, sampleRate, kbps);
  return mp3;
}
