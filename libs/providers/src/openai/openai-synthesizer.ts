import type OpenAI from 'openai';
import { decodeMp3, encodeMp3OffThread, float32ToInt16, InvalidAudioError, probeMp3, resampleLinear } from '@parley/audio';
import { callProvider, type CallPolicy } from '../call';
import { BadResponseError } from '../errors';
import type { PcmSynthesisResult, SpeechSynthesizer, SynthesisResult } from '../types';

export const OPENAI_VOICES = [
  'alloy', 'ash', 'ballad', 'cedar', 'coral', 'echo', 'fable', 'marin', 'nova', 'onyx', 'sage', 'shimmer', 'verse',
] as const;

/** Every MP3 Parley sends is 16 kHz mono at this bitrate (about 4 KB per second). */
const OUTPUT_RATE = 16_000;
const OUTPUT_KBPS = 32;

export interface OpenAiSynthesizerOptions {
  client: OpenAI;
  model: string;
  policy: CallPolicy;
  /** Used when a persona's voice is not one of `voices`. */
  defaultVoice: string;
  /** Voices the server knows; OpenAI's by default. */
  voices?: readonly string[];
}

/**
 * `/v1/audio/speech` as MP3. The body is read with the no-progress timer running, and audio that is not already
 * 16 kHz mono (OpenAI sends 24 kHz) is decoded, mixed down, resampled and re-encoded, so clients always get the same
 * format.
 */
export class OpenAiSynthesizer implements SpeechSynthesizer {
  readonly name = 'openai';
  private readonly voices: ReadonlySet<string>;

  constructor(private readonly options: OpenAiSynthesizerOptions) {
    this.voices = new Set([...(options.voices ?? OPENAI_VOICES), options.defaultVoice].map((v) => v.toLowerCase()));
  }

  async synthesize(text: string, voice?: string, options: { signal?: AbortSignal } = {}): Promise<SynthesisResult> {
    return this.speak(text, voice, options.signal, async (mp3) => toMono16k(mp3));
  }

  /**
   * The same speech as mono PCM16 for live playback: asked as MP3 (what every OpenAI-compatible server speaks),
   * decoded, mixed down, and kept at the provider's rate when it is 16 or 24 kHz (resampled to 16 kHz otherwise).
   */
  async synthesizePcm(text: string, voice?: string, options: { signal?: AbortSignal } = {}): Promise<PcmSynthesisResult> {
    return this.speak(text, voice, options.signal, async (mp3) => toPcm16(mp3));
  }

  /** One speech request (timeout, retries, first-byte time), its MP3 turned into what the caller needs. */
  private async speak<T extends object>(
    text: string,
    voice: string | undefined,
    signal: AbortSignal | undefined,
    convert: (mp3: Buffer) => Promise<T>,
  ): Promise<T & { firstByteMs: number; voice: string }> {
    const { client, model, policy } = this.options;
    const chosen = this.voiceFor(voice);
    const started = performance.now();
    return callProvider('speech_synthesis', policy, signal, async (attempt) => {
      const response = await client.audio.speech.create(
        { model, voice: chosen, input: text, response_format: 'mp3' },
        { signal: attempt.signal },
      );
      if (!response.body) throw new BadResponseError('the speech response has no body');
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let firstByteMs: number | undefined;
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        attempt.progress();
        firstByteMs ??= performance.now() - started;
        chunks.push(read.value);
      }
      attempt.signal.throwIfAborted();
      const converted = await convert(Buffer.concat(chunks));
      return { ...converted, firstByteMs: Math.round(firstByteMs ?? performance.now() - started), voice: chosen };
    });
  }

  private voiceFor(voice: string | undefined): string {
    const requested = voice?.trim().toLowerCase();
    return requested && this.voices.has(requested) ? requested : this.options.defaultVoice;
  }
}

async function toPcm16(mp3: Buffer): Promise<{ pcm: Int16Array; sampleRate: number }> {
  try {
    const decoded = await decodeMp3(mp3);
    const pcm = float32ToInt16(decoded.pcm);
    if (decoded.sampleRate === 16_000 || decoded.sampleRate === 24_000) return { pcm, sampleRate: decoded.sampleRate };
    return { pcm: resampleLinear(pcm, decoded.sampleRate, OUTPUT_RATE), sampleRate: OUTPUT_RATE };
  } catch (error) {
    if (error instanceof InvalidAudioError) throw new BadResponseError(`the speech is not usable MP3: ${error.message}`);
    throw error;
  }
}

async function toMono16k(mp3: Buffer): Promise<{ mp3: Buffer; sampleRate: number; durationMs: number }> {
  try {
    const info = probeMp3(mp3, { allowStereo: true });
    if (info.sampleRate === OUTPUT_RATE && info.channels === 1) {
      return { mp3, sampleRate: OUTPUT_RATE, durationMs: info.durationMs };
    }
    const decoded = await decodeMp3(mp3);
    const reencoded = await encodeMp3OffThread(resampleLinear(decoded.pcm, decoded.sampleRate, OUTPUT_RATE), OUTPUT_RATE, OUTPUT_KBPS);
    return { mp3: reencoded, sampleRate: OUTPUT_RATE, durationMs: probeMp3(reencoded).durationMs };
  } catch (error) {
    // Unusable audio from the provider is the provider's failure, not the caller's input: retry it.
    if (error instanceof InvalidAudioError) throw new BadResponseError(`the speech is not usable MP3: ${error.message}`);
    throw error;
  }
}
