import { inParallel } from './in-parallel';

describe('inParallel', () => {
  it('runs both tasks at once and returns both results', async () => {
    const started: string[] = [];
    const task = (name: string, ms: number) => async () => {
      started.push(name);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return name;
    };
    const begin = Date.now();
    await expect(inParallel(task('speech', 60), task('verdict', 60))).resolves.toEqual(['speech', 'verdict']);
    expect(Date.now() - begin).toBeLessThan(110);
    expect(started).toEqual(['speech', 'verdict']);
  });

  it('aborts the other task when one fails, and throws the first failure', async () => {
    const failure = new Error('provider down');
    let aborted: unknown;
    const slow = (signal: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = signal.reason;
          reject(signal.reason);
        });
      });
    await expect(inParallel(slow, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(aborted).toBe(failure);
  });
});
