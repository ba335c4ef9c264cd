import { APIError } from 'openai';
import { InvalidAudioError } from '@parley/audio';
import { callProvider, isRetryable, type CallPolicy } from './call';
import { BadResponseError, ProviderError, ProviderTimeoutError } from './errors';
import { Semaphore } from './semaphore';

const policy: CallPolicy = { timeoutMs: 100, retries: 2, backoffMs: 5 };

describe('callProvider', () => {
  it('retries retryable failures and reports each retry', async () => {
    const retries: number[] = [];
    let calls = 0;
    const result = await callProvider('roleplayer', { ...policy, onRetry: (e) => retries.push(e.attempt) }, undefined, async () => {
      calls += 1;
      if (calls < 3) throw new BadResponseError('empty');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(retries).toEqual([1, 2]);
  });

  it('times out an attempt that makes no progress, but not one that keeps making it', async () => {
    const stalled = callProvider('roleplayer', { ...policy, retries: 0 }, undefined, (attempt) => new Promise((_, reject) => {
      attempt.signal.addEventListener('abort', () => reject(attempt.signal.reason));
    }));
    await expect(stalled).rejects.toMatchObject({ name: 'ProviderError', attempts: 1, cause: expect.any(ProviderTimeoutError) });

    const flowing = await callProvider('roleplayer', { ...policy, retries: 0 }, undefined, async (attempt) => {
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, 40)); // 240 ms in all, never 100 ms without progress
        attempt.progress();
      }
      return 'done';
    });
    expect(flowing).toBe('done');
  });

  it('does not return a result produced after its attempt was aborted', async () => {
    let calls = 0;
    const result = await callProvider('roleplayer', policy, undefined, async (attempt) => {
      calls += 1;
      if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 150)); // the timer fires meanwhile
      return `attempt ${attempt.number}`;
    });
    expect(result).toBe('attempt 2');
  });

  it('stops at once for failures a retry cannot fix', async () => {
    let calls = 0;
    const badKey = new APIError(401, { message: 'bad key' }, 'bad key', new Headers());
    await expect(callProvider('objective_check', policy, undefined, async () => {
      calls += 1;
      throw badKey;
    })).rejects.toMatchObject({ attempts: 1, role: 'objective_check', code: 'provider_error', status: 502 });
    expect(calls).toBe(1);
    expect(isRetryable(new APIError(503, undefined, 'x', new Headers()))).toBe(true);
    expect(isRetryable(new APIError(429, undefined, 'x', new Headers()))).toBe(true);
    expect(isRetryable(new TypeError('bug'))).toBe(false);
  });

  it('lets invalid input through untouched', async () => {
    const invalid = new InvalidAudioError('stereo', 'stereo');
    await expect(callProvider('transcription', policy, undefined, async () => {
      throw invalid;
    })).rejects.toBe(invalid);
  });

  it('gives up at once when the caller aborts, also during the backoff', async () => {
    const controller = new AbortController();
    let calls = 0;
    const call = callProvider('roleplayer', { ...policy, backoffMs: 10_000 }, controller.signal, async () => {
      calls += 1;
      throw new BadResponseError('empty');
    });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
    await expect(callProvider('roleplayer', policy, controller.signal, async () => 'x')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('names the role, the attempts and the last failure', () => {
    const error = new ProviderError('speech_synthesis', 3, new Error('boom'));
    expect(error.message).toBe('The speech synthesis provider failed after 3 attempt(s): boom');
    expect(error.toJSON()).toMatchObject({ code: 'provider_error', retryable: true });
  });
});

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, in arrival order, and lets waiters give up', async () => {
    const slots = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (id: number) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(id);
      running -= 1;
      return id;
    };
    const controller = new AbortController();
    const gaveUp = slots.run(controller.signal, task(99));
    const results = Promise.all([1, 2, 3, 4].map((id) => slots.run(undefined, task(id))));
    controller.abort();
    await expect(gaveUp).resolves.toBe(99); // it already had a slot
    const waiting = new AbortController();
    const queued = slots.run(waiting.signal, task(100));
    waiting.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(await results).toEqual([1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(order).not.toContain(100);
  });
});
