import type { Logger } from '../logging/logger.ts';

export interface PeriodicJobOptions<T> {
  /** What one run is called in logs: a failure is logged as "<name> failed". */
  name: string;
  /** The component's logger (already a child with its `component`). */
  logger: Logger;
  /**
   * One run. `stopping` is aborted once stop() is called: a run that loops over batches checks it
   * to end early rather than hold shutdown until everything is done.
   */
  run(stopping: AbortSignal): Promise<T>;
}

/** Plain functions, not methods: they close over the job, so a user can hand them on detached. */
export interface PeriodicJob<T> {
  /** Runs now, or joins the run in flight (never two at once); resolves or rejects like that run. */
  runOnce: () => Promise<T>;
  /** Runs every `intervalMs` (the first one interval after start) until stop(); a second start is a no-op. */
  start: (intervalMs: number) => void;
  /**
   * Stops the timer, tells the run in flight it is stopping, and waits for it (its failure ignored).
   * The signal stays aborted: runs called after stop() see it too.
   */
  stop: () => Promise<void>;
}

/**
 * The loop behind the sweepers and the retention job: a run every interval, never two at once
 * per process (a slow run is not overtaken by the next tick), a failed run logged at error and
 * tried again at the next tick. The timer is unref'd: it never keeps a process alive by itself.
 */
export function createPeriodicJob<T>(options: PeriodicJobOptions<T>): PeriodicJob<T> {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<T> | null = null;

  const runOnce = (): Promise<T> => {
    // async: a run that throws before its first await still becomes a rejection, not a throw in the timer.
    running ??= (async () => options.run(stopping.signal))().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    runOnce,
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(() => {
        // A tick during a run leaves it alone, so one failure is logged once, not once per tick it spanned.
        if (running) return;
        runOnce().catch((error: unknown) => options.logger.error({ err: error }, `${options.name} failed`));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      stopping.abort();
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
