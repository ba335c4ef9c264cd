import { AppError } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import type { GenerationRequest, GeneratorEvent, GeneratorPort, HistoryEntry, RealtimeLogger } from '../ports';
import { RealtimeSocket, S2sUnavailable, type RealtimeSocketOptions, type ServerEvent } from './realtime-socket';

/** The provider's output: 16-bit little-endian PCM at 24 kHz (OpenAI Realtime, Qwen-Omni realtime). */
export const S2S_SAMPLE_RATE = 24_000;
/** A response that sends nothing for this long is given up. */
const SILENT_RESPONSE_MS = 15_000;
/** A cancelled response must end before the next one is created (one active response per conversation). */
const CANCEL_WAIT_MS = 1_000;
/** How long the next response waits for the client's playback report of a cut turn before truncating by estimate. */
const HEARD_WAIT_MS = 1_500;

export interface S2sOptions extends RealtimeSocketOptions {
  voice: string;
  /** The session instructions for the live settings: the scenario's persona (roleplayerSystemPrompt). */
  instructions: (settings: GenerationRequest['settings'] | null) => string;
  logger: RealtimeLogger;
  /** The socket is gone (refused on reconnect, dropped): the host switches the session to the cascade. */
  onLost: (reason: string) => void;
}

/** An item of the provider's conversation as we keep it in step with ours. */
interface MirrorItem {
  id: string;
  speaker: HistoryEntry['speaker'];
  text: string;
  /** The provider generated it (an AI turn with its own audio); it stands for our AI entry whatever its text. */
  generated: boolean;
}

interface Response {
  generationId: string;
  itemId: string | null;
  events: GeneratorEvent[];
  error: Error | null;
  ended: boolean;
  wake: (() => void) | null;
  createdAt: number;
  ttsFirstByteMs: number | null;
  transcript: string;
  /** Transcript not yet attached to audio: the words the next audio chunk starts to voice. */
  unvoiced: string;
  audioMs: number;
  deltas: number;
  /** Resolved when the provider says the response is over (done, cancelled or failed). */
  finished: Promise<void>;
  finish: () => void;
}

interface PendingCut {
  generationId: string;
  itemId: string;
  estimateMs: number;
  settled: Promise<void>;
  settle: () => void;
}

/**
 * The speech-to-speech engine as a {@link GeneratorPort} (SPEC §7.4): one OpenAI-Realtime-compatible WebSocket per
 * session. Our voice activity detection and turn-taking decide the turns and our recognizer makes the trainee's
 * transcript; each generation brings the provider's conversation in step with ours (items created or deleted as
 * text), then asks for a response whose audio and transcript deltas stream back as the AI's turn. Aborting a
 * generation cancels the response; a barge-in truncates the provider's item to what the trainee heard.
 */
export class S2sGenerator implements GeneratorPort {
  private readonly socket: RealtimeSocket;
  private mirror: MirrorItem[] = [];
  private current: Response | null = null;
  /** The item of each generation that produced audio, for truncation. */
  private readonly items = new Map<string, { itemId: string; audioMs: number }>();
  private lastVoiced: string | null = null;
  private pendingCut: PendingCut | null = null;
  private instructions = '';

  constructor(private readonly options: S2sOptions) {
    this.socket = new RealtimeSocket(
      options,
      (event) => this.onEvent(event),
      (reason) => {
        this.fail(new S2sUnavailable(reason));
        options.onLost(reason);
      },
    );
  }

  /** Opens the socket (bounded attempts) and configures the session; rejects with {@link S2sUnavailable}. */
  async connect(): Promise<void> {
    await this.socket.connect();
    this.instructions = this.options.instructions(null);
    this.socket.send({
      type: 'session.update',
      session: {
        modalities: ['audio', 'text'],
        instructions: this.instructions,
        voice: this.options.voice,
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm16',
        // Our detector and turn-taking state machine decide turns; the provider answers only when asked.
        turn_detection: null,
      },
    });
  }

  close(): void {
    this.socket.close();
    this.fail(new S2sUnavailable('closed'));
  }

  /** The conversation cut the AI's latest turn (barge-in or interrupt): its item is truncated once `heard` says how much. */
  interrupted(estimateMs: number): void {
    const generationId = this.lastVoiced;
    const item = generationId ? this.items.get(generationId) : undefined;
    if (!generationId || !item) return;
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    this.pendingCut = { generationId, itemId: item.itemId, estimateMs, settled, settle };
  }

  /** How much of a cut turn the trainee heard (from the client's playback report, when stored). */
  heard(generationId: string, heardMs: number): void {
    const cut = this.pendingCut;
    if (!cut || cut.generationId !== generationId) return;
    this.truncate(cut, heardMs);
  }

  async *start(request: GenerationRequest): AsyncGenerator<GeneratorEvent> {
    const { signal } = request;
    if (this.socket.lost) throw new S2sUnavailable(this.socket.lost);
    const previous = this.current;
    if (previous) {
      this.socket.send({ type: 'response.cancel' });
      await Promise.race([previous.finished, delay(CANCEL_WAIT_MS)]);
    }
    const cut = this.pendingCut;
    if (cut) {
      await Promise.race([cut.settled, delay(HEARD_WAIT_MS)]);
      if (this.pendingCut === cut) this.truncate(cut, cut.estimateMs);
    }
    if (signal.aborted) return;
    if (this.socket.lost) throw new S2sUnavailable(this.socket.lost);
    // Free practice may change its brief mid-session (`update_settings`): the provider follows.
    const instructions = this.options.instructions(request.settings);
    if (instructions !== this.instructions) {
      this.instructions = instructions;
      this.socket.send({ type: 'session.update', session: { instructions } });
    }
    this.sync(request.history);

    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const response: Response = {
      generationId: request.generationId,
      itemId: null,
      events: [],
      error: null,
      ended: false,
      wake: null,
      createdAt: performance.now(),
      ttsFirstByteMs: null,
      transcript: '',
      unvoiced: '',
      audioMs: 0,
      deltas: 0,
      finished,
      finish,
    };
    this.current = response;
    const cancel = () => {
      if (this.current === response && !response.ended) this.socket.send({ type: 'response.cancel' });
      response.wake?.();
    };
    signal.addEventListener('abort', cancel, { once: true });
    this.socket.send({ type: 'response.create', response: { modalities: ['audio', 'text'], voice: this.options.voice } });
    try {
      for (;;) {
        if (signal.aborted) return;
        const event = response.events.shift();
        if (event) {
          yield event;
          if (event.type === 'done') return;
          continue;
        }
        if (response.error) throw response.error;
        const arrived = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), SILENT_RESPONSE_MS);
          response.wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        response.wake = null;
        if (!arrived && !signal.aborted) throw new AppError('provider_error', 'The speech-to-speech reply stopped arriving');
      }
    } finally {
      signal.removeEventListener('abort', cancel);
      // Left early (aborted, or the consumer stopped): the provider must stop too.
      if (!response.ended && !signal.aborted) cancel();
    }
  }

  /**
   * Makes the provider's conversation match ours: the common prefix stays (an AI item the provider generated stands
   * for our AI entry: its truncation keeps them in step), everything after it is deleted and our entries created.
   */
  private sync(history: readonly HistoryEntry[]): void {
    let same = 0;
    while (same < this.mirror.length && same < history.length) {
      const item = this.mirror[same];
      const entry = history[same];
      if (item.speaker !== entry.speaker || (!item.generated && item.text !== entry.text)) break;
      same++;
    }
    for (const stale of this.mirror.splice(same)) this.socket.send({ type: 'conversation.item.delete', item_id: stale.id });
    for (const entry of history.slice(same)) {
      const id = itemId();
      const text = entry.text.trim() || '(inaudible)';
      this.socket.send({
        type: 'conversation.item.create',
        item: {
          id,
          type: 'message',
          role: entry.speaker === 'ai' ? 'assistant' : 'user',
          content: [{ type: entry.speaker === 'ai' ? 'text' : 'input_text', text }],
        },
      });
      this.mirror.push({ id, speaker: entry.speaker, text: entry.text, generated: false });
    }
  }

  private truncate(cut: PendingCut, heardMs: number): void {
    if (this.pendingCut === cut) this.pendingCut = null;
    cut.settle();
    if (!this.mirror.some((item) => item.id === cut.itemId)) return;
    const audioMs = this.items.get(cut.generationId)?.audioMs ?? heardMs;
    this.socket.send({
      type: 'conversation.item.truncate',
      item_id: cut.itemId,
      content_index: 0,
      audio_end_ms: Math.max(0, Math.min(Math.round(heardMs), Math.floor(audioMs))),
    });
  }

  private onEvent(event: ServerEvent): void {
    const response = this.current;
    switch (event.type) {
      case 'response.output_item.added':
        if (response && event.item?.id) this.adopt(response, event.item.id);
        return;
      case 'response.audio.delta':
      case 'response.output_audio.delta': {
        if (!response || response.ended || typeof event.delta !== 'string') return;
        const bytes = Buffer.from(event.delta, 'base64');
        if (bytes.length < 2) return;
        const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1).slice();
        response.ttsFirstByteMs ??= Math.round(performance.now() - response.createdAt);
        response.audioMs += (pcm.length / S2S_SAMPLE_RATE) * 1000;
        if (typeof event.item_id === 'string') this.adopt(response, event.item_id);
        if (response.itemId) {
          this.items.set(response.generationId, { itemId: response.itemId, audioMs: response.audioMs });
          this.lastVoiced = response.generationId;
        }
        const text = response.unvoiced || undefined;
        response.unvoiced = '';
        this.push(response, { type: 'audio', pcm, sampleRate: S2S_SAMPLE_RATE, ...(text ? { text } : {}) });
        return;
      }
      case 'response.audio_transcript.delta':
      case 'response.output_audio_transcript.delta':
      case 'response.text.delta':
        if (!response || response.ended || typeof event.delta !== 'string' || !event.delta) return;
        response.transcript += event.delta;
        response.unvoiced += event.delta;
        response.deltas += 1;
        this.push(response, { type: 'delta', text: event.delta });
        return;
      case 'response.done': {
        if (!response) return;
        const status = event.response?.status;
        const mirrored = this.mirror.find((item) => item.id === response.itemId);
        if (mirrored) mirrored.text = response.transcript;
        if (status === 'failed') {
          const message = event.response?.status_details?.error?.message ?? status;
          response.error ??= new AppError('provider_error', `The speech-to-speech reply failed: ${message}`);
          this.end(response);
          return;
        }
        this.push(response, {
          type: 'done',
          tokens: event.response?.usage?.output_tokens ?? response.deltas,
          ...(response.ttsFirstByteMs !== null ? { ttsFirstByteMs: response.ttsFirstByteMs } : {}),
        });
        this.end(response);
        return;
      }
      case 'error': {
        const message: string = event.error?.message ?? 'unknown error';
        const code: string = event.error?.code ?? '';
        // Cancelling a response that already ended, or truncating past the audio, changes nothing for us.
        if (/cancel|truncat|not_found|item/i.test(`${code} ${message}`)) {
          this.options.logger.debug({ code, message }, 'speech-to-speech: provider error ignored');
          return;
        }
        this.options.logger.warn({ code, message }, 'speech-to-speech: provider error');
        if (response && !response.ended) {
          response.error = new AppError('provider_error', `Speech-to-speech provider error: ${message}`);
          this.end(response);
        }
        return;
      }
      default:
        return;
    }
  }

  /** The response's assistant item: the provider keeps it (even cancelled); the next sync deletes it if no turn of ours has it. */
  private adopt(response: Response, id: string): void {
    if (response.itemId) return;
    response.itemId = id;
    this.mirror.push({ id, speaker: 'ai', text: '', generated: true });
  }

  private push(response: Response, event: GeneratorEvent): void {
    response.events.push(event);
    response.wake?.();
  }

  private end(response: Response): void {
    response.ended = true;
    response.finish();
    response.wake?.();
    if (this.current === response) this.current = null;
  }

  private fail(error: Error): void {
    const response = this.current;
    if (!response || response.ended) return;
    response.error = error;
    this.end(response);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
/** Client-made item ids: at most 32 characters. */
const itemId = () => `pl_${randomUUID().replace(/-/g, '').slice(0, 28)}`;
