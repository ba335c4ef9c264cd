import { encodeMp3OffThread } from '@parley/audio';
import { RT_SAMPLE_RATE } from '@parley/contracts';
import type { DecoderPool, StreamingRecognizer, Transcriber } from '@parley/providers';
import type { RecognizerPort, RecognizerStream } from './ports';

/**
 * Offline: pocketsphinx decodes each frame as it arrives on a warm decoder from the pool, so the final transcript is
 * ready moments after speech ends. A decoder is taken when an utterance starts; frames written meanwhile wait.
 */
export function pooledRecognizer(pool: DecoderPool): RecognizerPort {
  return { open: () => new PooledStream(pool) };
}

class PooledStream implements RecognizerStream {
  private recognizer: StreamingRecognizer | null = null;
  private readonly waiting: Int16Array[] = [];
  private readonly controller = new AbortController();
  private readonly ready: Promise<StreamingRecognizer>;

  constructor(pool: DecoderPool) {
    this.ready = pool.open(this.controller.signal).then((recognizer) => {
      for (const pcm of this.waiting.splice(0)) recognizer.write(pcm);
      this.recognizer = recognizer;
      return recognizer;
    });
    this.ready.catch(() => undefined);
  }

  write(pcm: Int16Array): void {
    if (this.recognizer) this.recognizer.write(pcm);
    else this.waiting.push(pcm.slice());
  }

  partial(): string {
    return this.recognizer?.partial() ?? '';
  }

  async finish(): Promise<string> {
    return (await this.ready).finish();
  }

  cancel(): void {
    this.controller.abort();
    void this.recognizer?.cancel();
  }
}

/**
 * A provider without streaming (an OpenAI-compatible transcription endpoint): each utterance is sent once the voice
 * activity detector closes it.
 */
export function utteranceRecognizer(transcriber: Transcriber, language: string | undefined): RecognizerPort {
  return {
    open: () => {
      const chunks: Int16Array[] = [];
      const controller = new AbortController();
      return {
        write: (pcm) => void chunks.push(pcm.slice()),
        partial: () => '',
        finish: async () => {
          const samples = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
          let at = 0;
          for (const chunk of chunks) {
            samples.set(chunk, at);
            at += chunk.length;
          }
          if (!samples.length) return '';
          // On the encoder thread: a few seconds of audio would hold up every conversation's frames for tens of ms.
          const mp3 = await encodeMp3OffThread(samples, RT_SAMPLE_RATE, 32);
          return (await transcriber.transcribe(mp3, { language, signal: controller.signal })).text;
        },
        cancel: () => controller.abort(),
      };
    },
  };
}
