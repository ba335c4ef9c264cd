import type OpenAI from 'openai';
import { decodeWav, encodeMp3OffThread, mp3DurationMs, pcm16FromBytes, resampleLinear } from '@parley/audio';
import { callProvider, type CallPolicy } from '../call';
import { BadResponseError } from '../errors';
import { conversationMessages, OPENING_CUE, roleplayerSystemPrompt } from '../prompts';
import type { RoleplayRequest } from '../types';
import type { AudioDelta } from './client';

export interface OmniRequest extends RoleplayRequest {
  /**
   * The trainee's turn as MP3; `history` is the conversation before it. Without audio the persona opens the
   * conversation (empty history) or answers the history as text.
   */
  audio?: Buffer;
}

export interface OmniReply {
  text: string;
  /** 16 kHz mono MP3. */
  mp3: Buffer;
  durationMs: number;
  model: string;
  /** Request → first text token. */
  firstTokenMs: number;
  /** Request → first audio byte. */
  firstAudioMs: number;
}

export interface OmniResponderOptions {
  client: OpenAI;
  model: string;
  policy: CallPolicy;
  voice: string;
  /**
   * Requested output format. OpenAI's audio models stream only `pcm16`; Qwen-Omni takes `wav` and streams raw
   * PCM. Either way the bytes are 16-bit PCM at `outputSampleRate`, with a WAV header only if the server adds one.
   */
  audioFormat: 'pcm16' | 'wav';
  /** 24 kHz for both OpenAI and Qwen-Omni. */
  outputSampleRate?: number;
}

/**
 * Speech in, speech out, in one streamed chat completion (`LLM_AUDIO=true`, e.g. qwen3-omni-flash): the trainee's
 * MP3 goes up as `input_audio`, the persona's reply comes back as text plus PCM, re-encoded here to 16 kHz mono MP3.
 */
export class OmniResponder {
  constructor(private readonly options: OmniResponderOptions) {}

  async respond({ scenario, history, audio, signal, onDelta }: OmniRequest): Promise<OmniReply> {
    const { client, model, policy, voice, audioFormat } = this.options;
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: roleplayerSystemPrompt(scenario) },
      ...conversationMessages(history),
    ];
    if (audio) {
      messages.push({
        role: 'user',
        content: [{ type: 'input_audio', input_audio: { data: audio.toString('base64'), format: 'mp3' } }],
      });
    } else if (history.length === 0) {
      messages.push({ role: 'user', content: OPENING_CUE });
    }

    const started = performance.now();
    const result = await callProvider('omni', policy, signal, async (attempt) => {
      const stream = await client.chat.completions.create(
        {
          model,
          messages,
          stream: true,
          stream_options: { include_usage: true },
          modalities: ['text', 'audio'],
          audio: { voice, format: audioFormat },
        },
        { signal: attempt.signal },
      );
      // Qwen-Omni sends the text as content; OpenAI sends it as the audio's transcript.
      let content = '';
      let transcript = '';
      const pcmChunks: Buffer[] = [];
      let firstTokenMs: number | undefined;
      let firstAudioMs: number | undefined;
      for await (const chunk of stream) {
        attempt.progress();
        const delta = chunk.choices[0]?.delta as (OpenAI.ChatCompletionChunk.Choice.Delta & AudioDelta) | undefined;
        const text = delta?.content || delta?.audio?.transcript;
        if (text) {
          firstTokenMs ??= performance.now() - started;
          if (delta?.content) content += text;
          else transcript += text;
          onDelta?.({ text, attempt: attempt.number });
        }
        if (delta?.audio?.data) {
          firstAudioMs ??= performance.now() - started;
          pcmChunks.push(Buffer.from(delta.audio.data, 'base64'));
        }
      }
      attempt.signal.throwIfAborted();
      const text = (content || transcript).trim();
      if (!text || pcmChunks.length === 0) throw new BadResponseError('the model returned no text or no audio');
      const speech = this.toSpeech(Buffer.concat(pcmChunks));
      const mp3 = await encodeMp3OffThread(resampleLinear(speech.pcm, speech.sampleRate, 16_000), 16_000, 32);
      const elapsed = performance.now() - started;
      return {
        text,
        mp3,
        durationMs: mp3DurationMs(mp3),
        firstTokenMs: Math.round(firstTokenMs ?? elapsed),
        firstAudioMs: Math.round(firstAudioMs ?? elapsed),
      };
    });
    return { ...result, model };
  }

  private toSpeech(bytes: Buffer): { pcm: Int16Array; sampleRate: number } {
    if (bytes.toString('ascii', 0, 4) === 'RIFF') {
      const wav = decodeWav(bytes);
      if (wav.channels !== 1) throw new BadResponseError(`the model returned ${wav.channels}-channel audio`);
      return wav;
    }
    return { pcm: pcm16FromBytes(bytes), sampleRate: this.options.outputSampleRate ?? 24_000 };
  }
}
