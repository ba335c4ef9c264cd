import { AppError, Commands, sessionRoom, terminationMessages } from '@parley/contracts';
import type { PracticeGateway } from './practice.gateway';
import { PracticePushes } from './practice-pushes.service';

describe('practice pushes', () => {
  const sessionId = '3f2c1d7e-8a9b-4c5d-9e0f-1a2b3c4d5e6f';
  const context = { correlationId: 'corr-1', traceparent: undefined };
  let emitted: Array<{ room: string; event: string; payload: unknown }>;
  let bus: { request: jest.Mock };
  let pushes: PracticePushes;

  beforeEach(() => {
    emitted = [];
    bus = { request: jest.fn() };
    const server = {
      to: (room: string) => ({ emit: (event: string, payload: unknown) => void emitted.push({ room, event, payload }) }),
    };
    pushes = new PracticePushes({ server } as unknown as PracticeGateway, bus as never);
  });

  it('pushes a termination with its reason and message', () => {
    pushes.sessionEnded({ sessionId, userId: 'u', reason: 'provider_error', status: 'ended', endedAt: '2026-01-01T00:00:00Z' });
    expect(emitted).toEqual([
      {
        room: sessionRoom(sessionId),
        event: 'termination',
        payload: { sessionId, reason: 'provider_error', message: terminationMessages.provider_error },
      },
    ]);
  });

  it('fetches a recorded turn and pushes it only when the AI spoke', async () => {
    const aiTurn = { id: 't0', sequence: 0, speaker: 'ai', text: 'Hello' };
    bus.request.mockResolvedValueOnce(aiTurn).mockResolvedValueOnce({ id: 't1', sequence: 1, speaker: 'trainee' });
    await pushes.turnRecorded({ sessionId, userId: 'u', turnId: 't0', sequence: 0 }, context);
    await pushes.turnRecorded({ sessionId, userId: 'u', turnId: 't1', sequence: 1 }, context);
    expect(bus.request).toHaveBeenCalledWith(Commands.TurnGet, { sessionId, turnId: 't0' }, context);
    expect(emitted).toEqual([{ room: sessionRoom(sessionId), event: 'ai_turn', payload: { sessionId, turn: aiTurn } }]);
  });

  it('drops a turn that no longer exists but lets other failures be retried', async () => {
    bus.request.mockRejectedValueOnce(new AppError('not_found', 'No such turn'));
    await expect(pushes.turnRecorded({ sessionId, userId: 'u', turnId: 't0', sequence: 0 }, context)).resolves.toBeUndefined();
    bus.request.mockRejectedValueOnce(new AppError('unavailable', 'No service is answering'));
    await expect(pushes.turnRecorded({ sessionId, userId: 'u', turnId: 't0', sequence: 0 }, context)).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(emitted).toEqual([]);
  });

  it('pushes transcripts and finished evaluations', () => {
    pushes.transcribed({ sessionId, turnId: 't1', sequence: 1, status: 'done', text: 'hi there', transcriptMs: 120, acceptedAt: 1 });
    pushes.evaluationCompleted({ sessionId, userId: 'u', evaluationId: 'e1', status: 'succeeded' });
    expect(emitted).toEqual([
      {
        room: sessionRoom(sessionId),
        event: 'transcript',
        payload: { sessionId, turnId: 't1', sequence: 1, text: 'hi there', status: 'done' },
      },
      { room: sessionRoom(sessionId), event: 'evaluation_ready', payload: { sessionId, status: 'succeeded' } },
    ]);
  });
});
