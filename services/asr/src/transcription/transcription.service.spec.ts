import { Logger } from '@nestjs/common';
import { InvalidAudioError } from '@parley/audio';
import type { Bus } from '@parley/bus';
import { Events, type EventPayload } from '@parley/contracts';
import { Metrics } from '@parley/observability';
import { ProviderError, type Transcriber } from '@parley/providers';
import type { JobQueues } from '@parley/queue';
import { ObjectNotFoundError, type ObjectStorage } from '@parley/storage';
import { TranscriptionMetrics } from './transcription.metrics';
import type { TranscriptionRepository, TurnToTranscribe } from './transcription.repository';
import { TranscriptionService } from './transcription.service';

type Transcribed = EventPayload<typeof Events.TurnTranscribed>;

const turn = {
  sessionId: '6b0f1f5e-1111-4a4a-8888-000000000001',
  turnId: '6b0f1f5e-2222-4a4a-8888-000000000002',
  sequence: 1,
  audioKey: 'sessions/s/turns/00001-trainee-x.mp3',
  acceptedAt: Date.now() - 300,
};
const first = { number: 1, last: false };
const last = { number: 3, last: true };

function setup(options: { stored?: TurnToTranscribe | null | Error; audio?: Buffer | Error; transcript?: string | Error } = {}) {
  const published: { event: string; payload: Transcribed; messageId: string }[] = [];
  const languages: (string | undefined)[] = [];
  const bus = {
    publish: async (event: string, payload: Transcribed, { messageId }: { messageId: string }) => {
      published.push({ event, payload, messageId });
    },
  } as unknown as Bus;
  const storage = {
    get: async () => {
      const audio = options.audio ?? Buffer.from('mp3');
      if (audio instanceof Error) throw audio;
      return audio;
    },
  } as unknown as ObjectStorage;
  const repository = {
    turn: async () => {
      const stored = options.stored === undefined ? { status: 'pending', language: 'en-US' } : options.stored;
      if (stored instanceof Error) throw stored;
      return stored;
    },
  } as unknown as TranscriptionRepository;
  const transcriber: Transcriber = {
    name: 'fake',
    transcribe: async (_mp3, { language } = {}) => {
      languages.push(language);
      const transcript = options.transcript ?? 'I would like a refund';
      if (transcript instanceof Error) throw transcript;
      return { text: transcript, model: 'fake' };
    },
  };
  const service = new TranscriptionService(
    {} as JobQueues,
    bus,
    storage,
    repository,
    transcriber,
    new TranscriptionMetrics(new Metrics('asr-test')),
  );
  return { service, published, languages };
}

describe('TranscriptionService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('publishes the transcript, in the scenario language, once per turn', async () => {
    const { service, published, languages } = setup();
    await service.transcribe(turn, first);
    expect(languages).toEqual(['en-US']);
    expect(published).toHaveLength(1);
    expect(published[0]!.event).toBe(Events.TurnTranscribed);
    expect(published[0]!.messageId).toBe(`transcribed-${turn.turnId}`);
    const { sessionId, turnId, sequence } = turn;
    expect(published[0]!.payload).toMatchObject({ sessionId, turnId, sequence, status: 'done', text: 'I would like a refund' });
    expect(published[0]!.payload.transcriptMs).toBeGreaterThanOrEqual(300);
  });

  it.each([
    ['unusable audio', { transcript: new InvalidAudioError('not_mp3', 'This is not MP3 audio') }],
    ['a provider that failed for good', { transcript: new ProviderError('transcription', 3, new Error('timeout')) }],
    ['missing audio', { audio: new ObjectNotFoundError('k', 'b') }],
  ])('settles the turn as failed at once on %s', async (_what, options) => {
    const { service, published } = setup(options);
    await service.transcribe(turn, first);
    expect(published).toHaveLength(1);
    expect(published[0]!.payload).toMatchObject({ status: 'failed', text: '' });
    expect(published[0]!.payload.error).toEqual(expect.any(String));
  });

  it('hands other failures back to the queue, and settles the turn as failed on the last attempt', async () => {
    const outage = new Error('storage unreachable');
    const { service, published } = setup({ audio: outage });
    await expect(service.transcribe(turn, first)).rejects.toBe(outage);
    expect(published).toHaveLength(0);
    await service.transcribe(turn, last);
    expect(published[0]!.payload).toMatchObject({ status: 'failed', error: 'storage unreachable' });
  });

  it('transcribes without the language when the database stays down', async () => {
    const { service, published, languages } = setup({ stored: new Error('database down') });
    await expect(service.transcribe(turn, first)).rejects.toThrow('database down');
    await service.transcribe(turn, last);
    expect(languages).toEqual([undefined]);
    expect(published[0]!.payload.status).toBe('done');
  });

  it.each([
    ['already transcribed', { status: 'done', language: 'en-US' } as const],
    ['deleted', null],
  ])('does nothing for a turn that is %s', async (_what, stored) => {
    const { service, published, languages } = setup({ stored });
    await service.transcribe(turn, first);
    expect(published).toHaveLength(0);
    expect(languages).toHaveLength(0);
  });
});
