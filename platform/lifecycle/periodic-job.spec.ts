import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { createPeriodicJob } from './periodic-job.ts';

/** A promise the test settles by hand: a run that lasts exactly as long as the test says. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  return { promise, resolve, reject };
}

interface LogLine {
  level: number;
  msg: string;
  err?: { message: string };
}

/** A logger whose JSON lines the test reads. */
function recordingLogger() {
  const lines: LogLine[] = [];
  const logger = createLogger({ service: 'spec', level: 'info', pretty: false }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { lines, logger };
}

const ERROR_LEVEL = 50;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a periodic job', () => {
  it('runs every interval, the first one interval after start, and never once stopped', async () => {
    let runs = 0;
    const job = createPeriodicJob({ name: 'count', logger: recordingLogger().logger, run: async () => (runs += 1) });
    job.start(1_000);
    job.start(1_000); // a second start keeps the one timer
    await vi.advanceTimersByTimeAsync(999);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runs).toBe(3);
    await job.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(3);
  });

  it('never runs twice at once: ticks during a slow run leave it alone, runOnce joins it', async () => {
    const slow = deferred<string>();
    let runs = 0;
    const job = createPeriodicJob({
      name: 'slow',
      logger: recordingLogger().logger,
      run: () => {
        runs += 1;
        return runs === 1 ? slow.promise : Promise.resolve('quick');
      },
    });
    job.start(1_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(1);
    const joined = job.runOnce();
    expect(runs).toBe(1);
    slow.resolve('slow');
    expect(await joined).toBe('slow');
    expect(await job.runOnce()).toBe('quick');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(3);
    await job.stop();
  });

  it('logs a failed run once at error under its name, and runs again at the next tick', async () => {
    const { lines, logger } = recordingLogger();
    const failing = deferred<number>();
    let runs = 0;
    const job = createPeriodicJob({
      name: 'widget sweep',
      logger,
      run: () => {
        runs += 1;
        return runs === 1 ? failing.promise : Promise.resolve(0);
      },
    });
    job.start(1_000);
    await vi.advanceTimersByTimeAsync(3_000); // the first run spans three ticks
    failing.reject(new Error('database gone'));
    await vi.advanceTimersByTimeAsync(0);
    expect(lines.map(({ level, msg, err }) => ({ level, msg, err: err?.message }))).toEqual([{ level: ERROR_LEVEL, msg: 'widget sweep failed', err: 'database gone' }]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    expect(lines).toHaveLength(1);
    await job.stop();
  });

  it('turns a run that throws before its first await into a logged failure', async () => {
    const { lines, logger } = recordingLogger();
    const job = createPeriodicJob<number>({
      name: 'eager',
      logger,
      run: () => {
        throw new Error('no connection');
      },
    });
    await expect(job.runOnce()).rejects.toThrow('no connection');
    job.start(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lines.map(({ msg }) => msg)).toEqual(['eager failed']);
    await job.stop();
  });

  it('stop() tells the run in flight it is stopping and waits for it, failure or not', async () => {
    const first = deferred<void>();
    const batches = [first, deferred<void>()];
    const signals: AbortSignal[] = [];
    let batchesDone = 0;
    const job = createPeriodicJob({
      name: 'batches',
      logger: recordingLogger().logger,
      run: async (stopping) => {
        signals.push(stopping);
        for (const batch of batches) {
          await batch.promise;
          batchesDone += 1;
          if (stopping.aborted) throw new Error('cut short');
        }
      },
    });
    const run = job.runOnce();
    run.catch(() => undefined);
    let stopped = false;
    const stop = job.stop().then(() => {
      stopped = true;
    });
    expect(signals.map((signal) => signal.aborted)).toEqual([true]);
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    first.resolve();
    await stop;
    expect(stopped).toBe(true);
    expect(batchesDone).toBe(1); // ended after the batch in flight, not after every batch
    await expect(run).rejects.toThrow('cut short');
  });
});
