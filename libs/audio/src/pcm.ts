/** Raw mono samples: 16-bit integers or floats in [-1, 1]. */
export type Pcm = Int16Array | Float32Array;

export function int16ToFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i] / 32768;
  return out;
}

/** Floats outside [-1, 1] are clipped rather than wrapped around. */
export function float32ToInt16(pcm: Float32Array): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    const sample = Math.max(-1, Math.min(1, pcm[i]));
    out[i] = Math.round(sample < 0 ? sample * 32768 : sample * 32767);
  }
  return out;
}

/** 16-bit little-endian samples (raw PCM16, a WAV data chunk); a trailing odd byte is dropped. */
export function pcm16FromBytes(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function toInt16(pcm: Pcm): Int16Array {
  return pcm instanceof Int16Array ? pcm : float32ToInt16(pcm);
}

/** Mixes planar channels down to one by averaging them. */
export function toMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0];
  const length = Math.min(...channels.map((c) => c.length));
  const out = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i++) out[i] += channel[i];
  }
  for (let i = 0; i < length; i++) out[i] /= channels.length;
  return out;
}

/**
 * Linear-interpolation resampler. Good enough for speech between the rates used here (24 → 16 kHz, 44.1 → 16 kHz):
 * interpolation smooths a little, and the ASR and MP3 paths only care about the speech band.
 */
export function resampleLinear(pcm: Int16Array, fromRate: number, toRate: number): Int16Array;
export function resampleLinear(pcm: Float32Array, fromRate: number, toRate: number): Float32Array;
export function resampleLinear(pcm: Pcm, fromRate: number, toRate: number): Pcm {
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError(`sample rates must be positive (got ${fromRate} → ${toRate})`);
  if (fromRate === toRate) return pcm;
  const length = Math.floor((pcm.length * toRate) / fromRate);
  const integers = pcm instanceof Int16Array;
  const out = integers ? new Int16Array(length) : new Float32Array(length);
  const step = fromRate / toRate;
  const last = pcm.length - 1;
  for (let i = 0; i < length; i++) {
    const position = i * step;
    const index = Math.floor(position);
    const next = index < last ? index + 1 : last;
    const value = pcm[index] + (pcm[next] - pcm[index]) * (position - index);
    // Int16Array stores by truncating; round so a resampled signal has no bias towards zero.
    out[i] = integers ? Math.round(value) : value;
  }
  return out;
}
