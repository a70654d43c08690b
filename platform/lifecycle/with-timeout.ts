/** Resolves like `work`, or rejects with "<label> timed out after N ms"; the timer never outlives the race. */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, label = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${label} timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
