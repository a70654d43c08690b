import cluster from 'node:cluster';
import { loadConfigOrExit, runService } from '../platform/lifecycle/run-service.ts';
import { createLogger } from '../platform/logging/logger.ts';
import { startGateway } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const config = loadConfigOrExit(loadGatewayConfig);

if (config.workers > 1 && cluster.isPrimary) {
  runPrimary(config.workers);
} else {
  await runService('gateway', config, (gatewayConfig, logger) => startGateway(gatewayConfig, logger));
}

/**
 * GATEWAY_WORKERS > 1: this process only forks workers that share the listening port
 * (node:cluster), forwards stop signals to them and exits when they have drained. A worker that
 * dies unexpectedly takes the whole group down, so a supervisor restarts it cleanly.
 */
function runPrimary(workers: number): void {
  const logger = createLogger({ service: 'gateway', level: config.logLevel, pretty: config.logPretty });
  let stopping = false;
  for (let i = 0; i < workers; i += 1) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      logger.fatal({ pid: worker.process.pid, code, signal }, 'gateway worker exited; stopping the others');
      stopping = true;
      process.exitCode = 1;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers }, 'stopping gateway workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
