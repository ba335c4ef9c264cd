/** What a periodic task reports its failures to. */
export interface PeriodicLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * Runs `work` every `intervalMs` (optionally once at start), never two runs at once: a slow run makes the next
 * one wait rather than pile up. A failing run is logged and tried again next time. `stop()` waits for a running one.
 */
export class Periodic {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: PeriodicLogger,
  ) {}

  start(options: { immediately?: boolean } = {}): this {
    if (this.timer) return this;
    if (options.immediately) this.trigger();
    this.timer = setInterval(() => this.trigger(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  private trigger(): void {
    this.running ??= this.work()
      .then(() => undefined)
      .catch((err: Error) => this.logger.warn({ task: this.name, err: err?.message ?? String(err) }, `${this.name} failed; retried next round`))
      .finally(() => (this.running = null));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
