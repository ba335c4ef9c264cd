import { Inject, Injectable, Logger } from '@nestjs/common';
import { CHAT_STREAM_TTL_SEC, chatStreamKey, type ChatStreamEntry } from '@parley/contracts';
import { JobQueues } from '@parley/queue';
import { SESSION_CONFIG, type SessionConfig } from '../config';

/** Entries kept per reply stream: far more tokens than any reply has. */
const MAX_ENTRIES = 20_000;

/**
 * The session service's side of the reply streams (Redis streams read by every gateway replica): it opens a stream
 * when a message is accepted and closes it with `done` (the stored AI turn) or `error`.
 */
@Injectable()
export class ChatStreams {
  private readonly logger = new Logger(ChatStreams.name);

  constructor(
    private readonly queues: JobQueues,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
  ) {}

  async append(streamId: string, entry: ChatStreamEntry): Promise<void> {
    const key = chatStreamKey(this.config.PARLEY_NAMESPACE, streamId);
    await this.queues.redis
      .multi()
      .xadd(key, 'MAXLEN', '~', MAX_ENTRIES, '*', 'entry', JSON.stringify(entry))
      .expire(key, CHAT_STREAM_TTL_SEC)
      .exec();
  }

  /** Like {@link append}, for closing entries whose loss the reader survives (it times out): logged, not thrown. */
  async close(streamId: string, entry: ChatStreamEntry): Promise<void> {
    await this.append(streamId, entry).catch((err: Error) =>
      this.logger.warn({ streamId, err: err.message }, 'reply stream not closed'),
    );
  }
}
