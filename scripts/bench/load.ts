import autocannon from 'autocannon';
import { withGatewaySignature, type GatewaySigner } from '../../platform/graphql/gateway-signature.ts';

export interface LoadTarget {
  label: string;
  /** For a GET, with the operation in its query string. */
  url: string;
  /** POST (the default) sends `body`; GET sends none. */
  method?: 'GET' | 'POST';
  /** A JSON GraphQL request body (POST). */
  body?: string;
  /** Sent with every request, beside content-type for a POST. */
  headers?: Record<string, string>;
  /** Signs each request as the gateway does: a subgraph answers nothing else. */
  signer?: GatewaySigner;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The target's request headers, with a fresh signature (its time is part of it) when it has a signer. */
function headersFor(target: LoadTarget): Record<string, string> {
  const method = target.method ?? 'POST';
  const headers = { ...(method === 'POST' ? JSON_HEADERS : {}), ...target.headers };
  return target.signer ? withGatewaySignature(target.signer, { method, url: target.url, headers, body: target.body ?? '' }) : headers;
}

export interface LoadFigures {
  label: string;
  url: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Answers that differ from the reference answer (wrong data, GraphQL errors). */
  mismatches: number;
  /** CPU milliseconds each watched process spent per answered request (from its /metrics). */
  cpuMsPerRequest: Record<string, number>;
}

/** A process' total CPU seconds so far, from the `process_cpu_seconds_total` of its /metrics (on its internal listener). */
export async function cpuSeconds(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const match = /^process_cpu_seconds_total(?:\{[^}]*\})? ([0-9.e+-]+)$/m.exec(text);
  if (!match?.[1]) throw new Error(`${baseUrl}/metrics has no process_cpu_seconds_total`);
  return Number(match[1]);
}

/** Sends one request and returns the body text, failing on a non-200 or a GraphQL error. */
export async function referenceAnswer(target: LoadTarget): Promise<string> {
  const response = await fetch(target.url, { method: target.method ?? 'POST', headers: headersFor(target), body: target.body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${target.label} answered ${response.status}: ${text.slice(0, 300)}`);
  const parsed = JSON.parse(text) as { errors?: unknown[] };
  if (parsed.errors?.length) throw new Error(`${target.label} answered with errors: ${text.slice(0, 300)}`);
  return text;
}

/** Requests one at a time, so caches (Redis, query plans, prepared statements) are warm before measuring. */
export async function warmUp(target: LoadTarget, requests: number): Promise<void> {
  for (let i = 0; i < requests; i += 1) await referenceAnswer(target);
}

/**
 * Holds `connections` keep-alive connections busy for `durationSeconds`, checking every answer
 * against `expectBody` (so a fast stream of errors cannot pass for throughput).
 */
export async function measure(
  target: LoadTarget,
  options: {
    connections: number;
    durationSeconds: number;
    expectBody: string;
    timeoutSeconds?: number;
    /** Processes whose CPU time to attribute to the run: name → internal listener URL (serving /metrics). */
    watch?: Record<string, string>;
  },
): Promise<LoadFigures> {
  const watched = Object.entries(options.watch ?? {});
  const cpuBefore = await Promise.all(watched.map(([, url]) => cpuSeconds(url)));
  const result = await autocannon({
    url: target.url,
    method: target.method ?? 'POST',
    headers: headersFor(target),
    ...(target.body === undefined ? {} : { body: target.body }),
    // Signed per request, since a signature is only accepted for a short while.
    ...(target.signer ? { requests: [{ setupRequest: (request) => ({ ...request, headers: headersFor(target) }) }] } : {}),
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: options.timeoutSeconds ?? 10,
    // A function rather than `expectBody`, which autocannon refuses beside per-request setup.
    verifyBody: (body) => body === options.expectBody,
  });
  const cpuAfter = await Promise.all(watched.map(([, url]) => cpuSeconds(url)));
  const round = (value: number) => Math.round(value * 100) / 100;
  const answered = Math.max(result['2xx'], 1);
  return {
    label: target.label,
    url: target.url,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    requests: result.requests.total,
    rps: round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: round(result.latency.mean), max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    cpuMsPerRequest: Object.fromEntries(
      watched.map(([name], i) => [name, round(((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) * 1000 / answered)]),
    ),
  };
}

/** A fixed-width table for the terminal. */
export function table(rows: LoadFigures[]): string {
  const header = ['scenario', 'conns', 'secs', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'timeouts', 'non-2xx', 'mismatch'];
  const lines = rows.map((r) => [
    r.label,
    String(r.connections),
    String(r.durationSeconds),
    r.rps.toFixed(0),
    String(r.latencyMs.p50),
    String(r.latencyMs.p99),
    String(r.errors),
    String(r.timeouts),
    String(r.non2xx),
    String(r.mismatches),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}
