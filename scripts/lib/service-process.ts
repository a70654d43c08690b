import { spawn, type ChildProcess } from 'node:child_process';
import { processEnv } from '../../platform/config/load-config.ts';

/**
 * SIGTERM, as an orchestrator stops a container, then SIGKILL if the process has not ended after
 * the grace period; resolves with the exit code (null when a signal ended it).
 */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls a service's `/health/ready` until it answers 200; fails at once when the process exits,
 * or at the deadline, with `describe()` (its log) in the message.
 */
export async function waitUntilReady(
  name: string,
  child: ChildProcess,
  healthUrl: string,
  options: { timeoutMs?: number; describe: () => string },
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${options.describe()}`);
    }
    try {
      if ((await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${options.describe()}`);
}

/** A service (gateway or subgraph) running as its own process, as an orchestrator runs it. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`: where it listens (it was started on port 0 and logged its URL). */
  origin: string;
  /** Its internal listener (/metrics, readiness details, the users subgraph's JWKS), also logged. */
  internalOrigin: string;
  /** `${origin}/graphql` */
  graphqlUrl: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended (null when a signal killed it). */
  exited: Promise<number | null>;
  /**
   * SIGTERM, as an orchestrator stops a container; resolves with the exit code. Like an
   * orchestrator, it kills the process (code null) if it has not ended after the grace period.
   */
  stop(graceMs?: number): Promise<number | null>;
}

export interface ServiceProcessOptions {
  name: string;
  /** Node's arguments, e.g. ['dist/gateway/main.js'] or ['--import', 'tsx', 'subgraphs/users/main.ts']. */
  args: string[];
  cwd: string;
  /** The whole environment of the process (besides PATH); `PORT` is forced to 0 (and so, by default, INTERNAL_PORT). */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

/** The first logged `url` of a GraphQL endpoint and its `internalUrl`: every service logs both when it listens. */
function listeningUrls(output: string): { url: string; internalUrl: string } | null {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const { url, internalUrl } = JSON.parse(line) as { url?: unknown; internalUrl?: unknown };
      if (typeof url === 'string' && /^http:\/\/[^/]+\/graphql$/.test(url) && typeof internalUrl === 'string') return { url, internalUrl };
    } catch {
      // a partial line: the rest arrives with the next chunk
    }
  }
  return null;
}

/**
 * Starts a service on a free port (PORT=0, so parallel runs never collide), learns its URL from
 * its log (LOG_LEVEL must let info lines through), and resolves once `/health/ready` answers 200.
 * Fails with the process' output if it exits or is not ready in time.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { PATH: processEnv().PATH ?? '', ...options.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service = (origin: string, internalOrigin: string): ServiceProcess => ({
    name: options.name,
    child,
    origin,
    internalOrigin,
    graphqlUrl: `${origin}/graphql`,
    output: () => output,
    exited,
    stop: (graceMs = 30_000) => stopChild(child, graceMs),
  });

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'it logged no listening URL';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    const urls = listeningUrls(output);
    if (urls) {
      const origin = new URL(urls.url).origin;
      try {
        const response = await fetch(`${urls.internalUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return service(origin, urls.internalUrl);
        lastProblem = `/health/ready answered ${response.status}: ${await response.text()}`;
      } catch (error) {
        lastProblem = `/health/ready failed: ${String(error)}`;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${options.name} was not ready within ${timeoutMs} ms (${lastProblem}):\n${output}`);
}

/** Stops services in the given order (callers pass the gateway first), each to its exit. */
export async function stopServiceProcesses(services: readonly ServiceProcess[]): Promise<Record<string, number | null>> {
  const codes: Record<string, number | null> = {};
  for (const service of services) codes[service.name] = await service.stop();
  return codes;
}
