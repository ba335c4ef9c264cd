import { probeMp3 } from './mp3-frames';

/** What both encoders (lamejs in-process, LAME in WebAssembly on the worker) refuse before encoding. */
export function refuseEmptyInput(samples: number): void {
  if (samples === 0) throw new RangeError('encodeMp3: no samples to encode');
}

/**
 * LAME picks its output rate from the bitrate and resamples when it differs from the input's, and input that starts
 * with silence then comes out silent (24 kHz at 32 kbit/s does that): such output is refused.
 */
export function checkOutputRate(mp3: Uint8Array, sampleRate: number, kbps: number): void {
  const outputRate = probeMp3(mp3, { allowStereo: true }).sampleRate;
  if (outputRate !== sampleRate) {
    throw new RangeError(`encodeMp3: LAME resampled ${sampleRate} Hz to ${outputRate} Hz at ${kbps} kbit/s; resample to 16 kHz first`);
  }
}
