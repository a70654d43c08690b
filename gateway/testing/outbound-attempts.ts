/**
 * The record outbound-recorder.ts writes to stderr for every connection or name lookup a process
 * attempts, one line each, and how a test reads them back.
 */
export const OUTBOUND_ATTEMPT_PREFIX = 'outbound-attempt ';

export interface OutboundAttempt {
  /** `tcp` (net, tls, http, undici, fetch), `udp`, or `dns` (a name lookup). */
  kind: 'tcp' | 'udp' | 'dns';
  /** `host:port`, a socket path, or the name looked up. */
  destination: string;
  /** Refused by the recorder instead of attempted (anything not on this machine). */
  blocked: boolean;
}

export function formatAttempt(attempt: OutboundAttempt): string {
  return `${OUTBOUND_ATTEMPT_PREFIX}${JSON.stringify(attempt)}\n`;
}

export function attemptsIn(output: string): OutboundAttempt[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(OUTBOUND_ATTEMPT_PREFIX))
    .map((line) => JSON.parse(line.slice(OUTBOUND_ATTEMPT_PREFIX.length)) as OutboundAttempt);
}

/** Addresses that never leave the machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(host);
}
