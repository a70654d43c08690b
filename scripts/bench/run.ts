/** `npm run bench` lists the benchmarks; `npm run bench <name> [-- flags]` runs one. */
const BENCHMARKS: Record<string, { summary: string; usage: string; run: (args: string[]) => Promise<unknown> }> = {
  catalog: {
    summary: 'product listing through the gateway vs the catalog subgraph alone, then 1,000 connections on the gateway',
    usage:
      '[--duration 10] [--connections 50] [--stress-connections 1000] [--stress-duration 20] [--warmup 50] ' +
      '[--compare [--variants stock,keep-alive,undici,2-workers]] [--against <checkout>] [--rounds 3] [--cpu-prof]',
    // Loaded only when run: listing the benchmarks must not need the whole stack's code.
    run: async (args) => {
      const { parseCatalogBenchArgs, runCatalogBenchmark } = await import('./catalog.ts');
      return runCatalogBenchmark(parseCatalogBenchArgs(args));
    },
  },
  checkout: {
    summary: 'orders/s and placeOrder → CONFIRMED p50/p95/p99 for N shoppers at once (oversell, open orders checked), then reservations/s on one hot SKU',
    usage: '[--shoppers 10,50,200] [--poll 500] [--deadline 60] [--hot-sku-concurrency 50] [--hot-sku-duration 5] [--warm-up 50] [--warm-up-rounds 20] [--keep-databases]',
    run: async (args) => {
      const { parseCheckoutBenchArgs, runCheckoutBenchmark } = await import('./checkout.ts');
      return runCheckoutBenchmark(parseCheckoutBenchArgs(args));
    },
  },
  cost: {
    summary: "the issue's fan-out refused for its cost (latency, one at a time and at once), and the listing's latency idle vs. while fan-outs loop",
    usage: '[--sequential 500] [--connections 10] [--duration 10] [--listing-connections 10] [--fan-out-senders 10] [--warmup 50]',
    run: async (args) => {
      const { parseCostBenchArgs, runCostBenchmark } = await import('./cost.ts');
      return runCostBenchmark(parseCostBenchArgs(args));
    },
  },
  edge: {
    summary: 'the listing as a persisted GET vs a plain POST, and the gateway with vs without the rate limiter and cost check',
    usage: '[--duration 10] [--connections 50] [--warmup 50] [--rounds 3]',
    run: async (args) => {
      const { parseEdgeBenchArgs, runEdgeBenchmark } = await import('./edge.ts');
      return runEdgeBenchmark(parseEdgeBenchArgs(args));
    },
  },
};

const [name, ...args] = process.argv.slice(2);
const benchmark = name ? BENCHMARKS[name] : undefined;
if (!benchmark) {
  if (name) console.error(`Unknown benchmark "${name}".\n`);
  console.log('Benchmarks (npm run bench <name> -- [flags]):');
  for (const [key, value] of Object.entries(BENCHMARKS)) console.log(`  ${key.padEnd(10)} ${value.summary}\n  ${''.padEnd(10)} ${value.usage}`);
  process.exitCode = name ? 1 : 0;
} else {
  try {
    await benchmark.run(args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
