import { encodeMp3OffThread, mp3DurationMs, synthesizeFlite } from '@parley/audio';
import { ProviderError } from './errors';
import type { PcmSynthesisResult, SpeechSynthesizer, SynthesisResult } from './types';

/**
 * Offline speech: Flite (WebAssembly) at 16 kHz, encoded to mono MP3 without resampling (on the encoder thread). It
 * runs in-process (real-time factor ~0.03 including encoding), so there is nothing to time out or retry; a failure is
 * reported as a ProviderError like any other provider's.
 */
export class FliteSynthesizer implements SpeechSynthesizer {
  readonly name = 'flite';

  constructor(private readonly options: { kbps?: 24 | 32 } = {}) {}

  async synthesize(text: string, voice?: string, options: { signal?: AbortSignal } = {}): Promise<SynthesisResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    const started = performance.now();
    try {
      const speech = await synthesizeFlite(text, { voice });
      const mp3 = await encodeMp3OffThread(speech.pcm, speech.sampleRate, this.options.kbps ?? 32);
      signal?.throwIfAborted();
      return {
        mp3,
        sampleRate: speech.sampleRate,
        durationMs: mp3DurationMs(mp3), // what a player shows: encoder delay and padding included
        // Not streamed: the first byte is available when all of it is.
        firstByteMs: Math.round(performance.now() - started),
        voice: speech.voice,
      };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new ProviderError('speech_synthesis', 1, error);
    }
  }

  /** Flite's own 16 kHz mono PCM16, unencoded (live playback). */
  async synthesizePcm(text: string, voice?: string, options: { signal?: AbortSignal } = {}): Promise<PcmSynthesisResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    const started = performance.now();
    try {
      const speech = await synthesizeFlite(text, { voice });
      signal?.throwIfAborted();
      return { pcm: speech.pcm, sampleRate: speech.sampleRate, firstByteMs: Math.round(performance.now() - started), voice: speech.voice };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new ProviderError('speech_synthesis', 1, error);
    }
  }
}
