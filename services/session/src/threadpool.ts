/**
 * Imported first by main.ts: libuv reads UV_THREADPOOL_SIZE when its thread pool starts (the first async file,
 * DNS or native call), and every realtime decoder call runs on that pool beside file and DNS work: with as many
 * decoders as threads (the default 4), file and DNS work would wait behind decoding.
 */
const wanted = Number(process.env.RT_DECODERS ?? 4) + 4;
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.min(Math.max(wanted, 8), 64));
