import type { Mp3EncoderFactory } from './mp3-encoder';

let factory: Promise<Mp3EncoderFactory> | undefined;

/**
 * LAME for the page, loaded on first use (it is ~250 KB): Vite bundles the ES module build of
 * `@breezystack/lamejs` as a separate chunk.
 */
export function loadLameFactory(): Promise<Mp3EncoderFactory> {
  factory ??= import('@breezystack/lamejs').then(
    ({ Mp3Encoder }): Mp3EncoderFactory =>
      (channels, sampleRate, kbps) =>
        new Mp3Encoder(channels, sampleRate, kbps),
  );
  return factory;
}
