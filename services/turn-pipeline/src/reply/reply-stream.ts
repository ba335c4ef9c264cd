import { Inject, Injectable } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Signals, chatStreamKey, type ChatStreamEntry } from '@parley/contracts';
import type { ReplyDelta } from '@parley/providers';
import { JobQueues } from '@parley/queue';
import { PIPELINE_CONFIG, type TurnPipelineConfig } from '../config';

const MAX_ENTRIES = 20_000;

/** The session ended while its reply was being generated: nothing is left to do, and nothing failed. */
export class SessionEndedError extends Error {
  constructor() {
    super('The session ended during the reply');
    this.name = 'SessionEndedError';
  }
}

/**
 * One reply being generated: cancellable (the session ending aborts the provider request at once, through a core
 * NATS signal every replica hears) and, for typed messages, streamed token by token to the reply's chat stream as
 * the roleplayer produces it. Once tokens went out a provider retry cannot take them back: a failure after that is
 * final (SPEC §8: the stream ends with `error` and the session with `provider_error`).
 */
export class ReplyStream {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly release: () => void;
  private written: Promise<unknown> = Promise.resolve();
  /** The first token that could not be written (reported by {@link finish}). */
  private failure: unknown = null;

  constructor(
    private readonly streams: ReplyStreams,
    readonly sessionId: string,
    readonly streamId: string | undefined,
  ) {
    this.signal = this.controller.signal;
    this.release = streams.bus.onSignal(Signals.SessionEnded(sessionId), () => this.controller.abort(new SessionEndedError()));
  }

  /** Tokens that reached a reader cannot be taken back: the provider must not start the reply over. */
  get restartable(): boolean {
    return !this.streamId;
  }

  /** The roleplayer's `onDelta`. */
  readonly onDelta = (delta: ReplyDelta): void => {
    if (!this.streamId || this.signal.aborted) return;
    const streamId = this.streamId;
    // Sent at once, not after the previous token's reply: one Redis connection executes commands in the order they
    // were sent, so tokens land in order without each waiting a round trip behind the one before.
    const appended = this.streams.append(streamId, { type: 'token', delta: delta.text }).catch((error: unknown) => {
      this.failure ??= error;
    });
    this.written = Promise.all([this.written, appended]);
  };

  /** The reason the reply was aborted, when it was: a provider failure or the session's end. */
  get abortReason(): unknown {
    return this.signal.aborted ? this.signal.reason : undefined;
  }

  /** Waits until every token is in the stream, then stops listening for the session's end. */
  async finish(): Promise<void> {
    try {
      await this.written;
    } finally {
      this.release();
    }
    if (this.failure) throw this.failure;
  }

}

/** Writes reply streams (Redis streams every gateway replica reads) and starts {@link ReplyStream}s. */
@Injectable()
export class ReplyStreams {
  constructor(
    readonly bus: Bus,
    private readonly queues: JobQueues,
    @Inject(PIPELINE_CONFIG) private readonly config: TurnPipelineConfig,
  ) {}

  start(sessionId: string, streamId?: string): ReplyStream {
    return new ReplyStream(this, sessionId, streamId);
  }

  /** One command per token: the stream's lifetime is set by the session service when it opens and closes it. */
  async append(streamId: string, entry: ChatStreamEntry): Promise<void> {
    await this.queues.redis.xadd(chatStreamKey(this.config.PARLEY_NAMESPACE, streamId), 'MAXLEN', '~', MAX_ENTRIES, '*', 'entry', JSON.stringify(entry));
  }

  /** Whether an earlier run of the reply already sent tokens (a retried job must not send a second reply). */
  async hasTokens(streamId: string): Promise<boolean> {
    const entries = await this.queues.redis.xrange(chatStreamKey(this.config.PARLEY_NAMESPACE, streamId), '-', '+', 'COUNT', 3);
    return entries.some(([, fields]) => (fields[1] ?? '').includes('"token"'));
  }
}
