import { inParallel } from './in-parallel';

describe('inParallel', () => {
  it('runs both tasks at once and returns both results', async () => {
    const started: string[] = [];
    let startedBeforeFirstFinished: string[] = [];
    const speech = async () => {
      started.push('speech');
      await new Promise((resolve) => setImmediate(resolve));
      startedBeforeFirstFinished = [...started];
      return 'speech';
    };
    const verdict = async () => {
      started.push('verdict');
      return 'verdict';
    };
    await expect(inParallel(speech, verdict)).resolves.toEqual(['speech', 'verdict']);
    // Run one after the other, the verdict would start only once the speech had finished.
    expect(startedBeforeFirstFinished).toEqual(['speech', 'verdict']);
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
