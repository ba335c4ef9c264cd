import type OpenAI from 'openai';
import { APIError } from 'openai';
import { decodeMp3, encodeMp3OffThread, float32ToInt16, InvalidAudioError, probeMp3, resampleLinear } from '@parley/audio';
import { callProvider, type CallPolicy } from '../call';
import { BadResponseError, ProviderError } from '../errors';
import type { PcmSynthesisResult, SpeechSynthesizer, SynthesisResult } from '../types';

export const OPENAI_VOICES = [
  'alloy', 'ash', 'ballad', 'cedar', 'coral', 'echo', 'fable', 'marin', 'nova', 'onyx', 'sage', 'shimmer', 'verse',
] as const;

/** Every MP3 Parley sends is 16 kHz mono at this bitrate (about 4 KB per second). */
const OUTPUT_RATE = 16_000;
const OUTPUT_KBPS = 32;
/** `response_format: 'pcm'` is headerless PCM16 little-endian mono at 24 kHz (OpenAI's API reference). */
const RAW_PCM_RATE = 24_000;

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
 * `/v1/audio/speech`. Stored speech is asked as MP3, and audio that is not already 16 kHz mono (OpenAI sends
 * 24 kHz) is decoded, mixed down, resampled and re-encoded, so clients always get the same format. Live speech is
 * asked as raw PCM, which needs no decoding; a server that refuses `pcm` is asked for MP3 from then on. Each body is
 * read with the no-progress timer running.
 */
export class OpenAiSynthesizer implements SpeechSynthesizer {
  readonly name = 'openai';
  private readonly voices: ReadonlySet<string>;
  /** Set once the server refused `response_format: 'pcm'` (not every OpenAI-compatible server speaks it). */
  private pcmRefused = false;

  constructor(private readonly options: OpenAiSynthesizerOptions) {
    this.voices = new Set([...(options.voices ?? OPENAI_VOICES), options.defaultVoice].map((v) => v.toLowerCase()));
  }

  async synthesize(text: string, voice?: string, options: { signal?: AbortSignal } = {}): Promise<SynthesisResult> {
    return this.speak(text, voice, options.signal, 'mp3', async (mp3) => toMono16k(mp3));
  }

  /**
   * The same speech as mono PCM16 for live playback, at the provider's rate when it is 16 or 24 kHz (resampled to
   * 16 kHz otherwise). Asked as raw PCM; MP3, decoded and mixed down, from a server without it.
   */
  async synthesizePcm(text: string, voice?: string, options: { signal?: AbortSignal } = {}): Promise<PcmSynthesisResult> {
    if (!this.pcmRefused) {
      try {
        return await this.speak(text, voice, options.signal, 'pcm', async (body, contentType) =>
          // A server that ignores the format answers with its default, MP3.
          isMp3(body, contentType) ? toPcm16(body) : rawPcm16(body),
        );
      } catch (error) {
        if (!refusedFormat(error)) throw error;
        this.pcmRefused = true;
      }
    }
    return this.speak(text, voice, options.signal, 'mp3', async (mp3) => toPcm16(mp3));
  }

  /** One speech request (timeout, retries, first-byte time), its MP3 turned into what the caller needs. */
  private async speak<T extends object>(
    text: string,
    voice: string | undefined,
    signal: AbortSignal | undefined,
    format: 'mp3' | 'pcm',
    convert: (body: Buffer, contentType: string) => Promise<T>,
  ): Promise<T & { firstByteMs: number; voice: string }> {
    const { client, model, policy } = this.options;
    const chosen = this.voiceFor(voice);
    const started = performance.now();
    return callProvider('speech_synthesis', policy, signal, async (attempt) => {
      const response = await client.audio.speech.create(
        { model, voice: chosen, input: text, response_format: format },
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
      const converted = await convert(Buffer.concat(chunks), response.headers.get('content-type') ?? '');
      return { ...converted, firstByteMs: Math.round(firstByteMs ?? performance.now() - started), voice: chosen };
    });
  }

  private voiceFor(voice: string | undefined): string {
    const requested = voice?.trim().toLowerCase();
    return requested && this.voices.has(requested) ? requested : this.options.defaultVoice;
  }
}

/** A 400 or 422 for the request itself: here, a server that does not know `response_format: 'pcm'`. */
function refusedFormat(error: unknown): boolean {
  return error instanceof ProviderError && error.cause instanceof APIError && (error.cause.status === 400 || error.cause.status === 422);
}

function isMp3(body: Buffer, contentType: string): boolean {
  // A frame sync is no test here: raw PCM may start with the same two bytes (a sample of -1 is ff ff).
  return /audio\/(mpeg|mp3)/i.test(contentType) || body.subarray(0, 3).toString('latin1') === 'ID3';
}

async function rawPcm16(body: Buffer): Promise<{ pcm: Int16Array; sampleRate: number }> {
  if (body.length === 0 || body.length % 2 !== 0) throw new BadResponseError(`the raw speech is ${body.length} bytes, not whole PCM16 samples`);
  const pcm = new Int16Array(body.length / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = body.readInt16LE(i * 2);
  return { pcm, sampleRate: RAW_PCM_RATE };
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
