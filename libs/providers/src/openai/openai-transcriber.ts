import type OpenAI from 'openai';
import { toFile } from 'openai';
import { probeMp3 } from '@parley/audio';
import { callProvider, type CallPolicy } from '../call';
import type { TranscribeOptions, Transcriber, Transcription } from '../types';

export interface OpenAiTranscriberOptions {
  client: OpenAI;
  model: string;
  policy: CallPolicy;
}

/** `/v1/audio/transcriptions` (OpenAI, a local whisper server...). */
export class OpenAiTranscriber implements Transcriber {
  readonly name = 'openai';

  constructor(private readonly options: OpenAiTranscriberOptions) {}

  async transcribe(mp3: Buffer, { language, signal }: TranscribeOptions = {}): Promise<Transcription> {
    const { client, model, policy } = this.options;
    probeMp3(mp3, { allowStereo: true }); // refuse garbage here rather than pay for an upload the server rejects
    const result = await callProvider('transcription', policy, signal, async (attempt) =>
      client.audio.transcriptions.create(
        {
          file: await toFile(mp3, 'turn.mp3', { type: 'audio/mpeg' }),
          model,
          response_format: 'json',
          // The API takes ISO 639-1 ("en"), scenarios carry BCP 47 ("en-US").
          ...(language ? { language: language.split('-')[0].toLowerCase() } : {}),
        },
        { signal: attempt.signal },
      ),
    );
    return { text: result.text.trim(), model };
  }
}
