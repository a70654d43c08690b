import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Prints the closing line CI counts: `N passed, N failed`. Every failure counts, not only failed
 * tests: a file whose beforeAll/afterAll (or import) failed is one failure even when its tests
 * were skipped or passed, and so is every unhandled error.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const counts = summarize(testModules, unhandledErrors.length);
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}\n`);
  }
}

function summarize(testModules: ReadonlyArray<TestModule>, unhandledErrors: number): { passed: number; failed: number; skipped: number } {
  let passed = 0;
  let failed = unhandledErrors;
  let skipped = 0;
  for (const module of testModules) {
    let failedHere = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') passed += 1;
      else if (state === 'failed') failedHere += 1;
      else skipped += 1;
    }
    failed += failedHere;
    if (module.state() === 'failed' && failedHere === 0) failed += 1;
  }
  return { passed, failed, skipped };
}
