/**
 * Runs two tasks at once and waits for both. When one fails the other is aborted through its signal (it need not
 * finish work nobody will use) and the first failure is thrown.
 */
export async function inParallel<A, B>(
  first: (signal: AbortSignal) => Promise<A>,
  second: (signal: AbortSignal) => Promise<B>,
): Promise<[A, B]> {
  const controller = new AbortController();
  const abortOthers = <T>(task: Promise<T>): Promise<T> =>
    task.catch((error: unknown) => {
      controller.abort(error);
      throw error;
    });
  return Promise.all([abortOthers(first(controller.signal)), abortOthers(second(controller.signal))]);
}
