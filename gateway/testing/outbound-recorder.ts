import dgram from 'node:dgram';
import dns from 'node:dns';
import { writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { formatAttempt, isLoopback, type OutboundAttempt } from './outbound-attempts.ts';

/**
 * A preload (`node --import tsx --import ./gateway/testing/outbound-recorder.ts <entry>`) for
 * tests that must know every connection a process tries to open. It writes one stderr line per
 * attempt (see outbound-attempts.ts) and refuses anything that would leave the machine, so the
 * check needs no network and cannot reach one:
 * - TCP: every client socket connects through net.Socket.prototype.connect, whether made by
 *   net.connect, tls.connect, node:http(s), undici or the global fetch;
 * - UDP: dgram sends and connects;
 * - DNS: dns.lookup and every resolver method, callback and promise forms (a resolver query
 *   goes to a name server, so even a lookup of a local name counts as leaving the machine).
 * Written synchronously, so attempts made while the process exits are not lost.
 */

function record(attempt: OutboundAttempt): void {
  writeSync(2, formatAttempt(attempt));
}

function refusal(destination: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`outbound-recorder refused ${destination}`), { code });
}

interface Endpoint {
  destination: string;
  local: boolean;
}

/** net.connect passes its normalised arguments as one array; callers of socket.connect pass options or (port, host). */
function endpointOf(args: unknown[]): Endpoint {
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (typeof first === 'object' && first !== null) {
    const options = first as { port?: unknown; host?: unknown; path?: unknown };
    if (typeof options.path === 'string') return { destination: options.path, local: true };
    const host = typeof options.host === 'string' ? options.host : 'localhost';
    return { destination: `${host}:${String(options.port)}`, local: isLoopback(host) };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { destination: first, local: true };
  const host = typeof second === 'string' ? second : 'localhost';
  return { destination: `${host}:${String(first)}`, local: isLoopback(host) };
}

const connect = Reflect.get(net.Socket.prototype, 'connect') as (this: net.Socket, ...args: unknown[]) => net.Socket;
net.Socket.prototype.connect = function recordedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
  const { destination, local } = endpointOf(args);
  record({ kind: 'tcp', destination, blocked: !local });
  if (local) return Reflect.apply(connect, this, args);
  process.nextTick(() => this.destroy(refusal(destination, 'ECONNREFUSED')));
  return this;
};

/** connect(port, address?, cb?) / send(msg, [offset, length,] port?, address?, cb?); a connected socket's send names no port. */
function udpEndpoint(method: 'send' | 'connect', args: unknown[]): Endpoint | null {
  const numbers = (method === 'send' ? args.slice(1) : args).filter((arg) => typeof arg === 'number');
  const port = method === 'send' ? numbers.at(-1) : numbers[0];
  if (port === undefined) return null;
  const address = args.find((arg) => typeof arg === 'string');
  const host = typeof address === 'string' ? address : 'localhost';
  return { destination: `${host}:${String(port)}`, local: isLoopback(host) };
}

for (const method of ['send', 'connect'] as const) {
  const prototype = dgram.Socket.prototype as unknown as Record<typeof method, (...args: unknown[]) => unknown>;
  const original = prototype[method];
  prototype[method] = function recordedUdp(this: dgram.Socket, ...args: unknown[]): unknown {
    const endpoint = udpEndpoint(method, args);
    if (endpoint) record({ kind: 'udp', destination: endpoint.destination, blocked: !endpoint.local });
    if (!endpoint || endpoint.local) return Reflect.apply(original, this, args);
    const error = refusal(endpoint.destination, 'ECONNREFUSED');
    const callback = args.findLast((arg) => typeof arg === 'function') as ((error: Error) => void) | undefined;
    process.nextTick(() => (callback ? callback(error) : this.emit('error', error)));
    return undefined;
  };
}

type Callback = (error: NodeJS.ErrnoException | null, ...results: unknown[]) => void;

const lookup = dns.lookup;
dns.lookup = function recordedLookup(hostname: string, ...rest: unknown[]): void {
  // An address "resolves" to itself without asking anyone (undici looks up even those).
  if (net.isIP(hostname)) {
    Reflect.apply(lookup, dns, [hostname, ...rest]);
    return;
  }
  const local = isLoopback(hostname);
  record({ kind: 'dns', destination: hostname, blocked: !local });
  if (local) {
    Reflect.apply(lookup, dns, [hostname, ...rest]);
    return;
  }
  const callback = rest.at(-1) as Callback;
  process.nextTick(() => callback(refusal(hostname, 'ENOTFOUND')));
} as typeof dns.lookup;

const lookupPromise = dns.promises.lookup;
dns.promises.lookup = async function recordedLookupPromise(hostname: string, ...rest: unknown[]): Promise<unknown> {
  if (net.isIP(hostname) === 0) {
    const local = isLoopback(hostname);
    record({ kind: 'dns', destination: hostname, blocked: !local });
    if (!local) throw refusal(hostname, 'ENOTFOUND');
  }
  return Reflect.apply(lookupPromise, dns.promises, [hostname, ...rest]) as Promise<unknown>;
} as typeof dns.promises.lookup;

/** Resolver queries (resolve4, resolveTxt, reverse, …): refused outright, whatever the name. */
function refuseResolverMethods(target: object, promises: boolean): void {
  const methods = target as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(target)) {
    if (!/^(resolve|reverse)/.test(name) || typeof methods[name] !== 'function') continue;
    methods[name] = (query: unknown, ...rest: unknown[]) => {
      const destination = String(query);
      record({ kind: 'dns', destination, blocked: true });
      if (promises) return Promise.reject(refusal(destination, 'ENOTFOUND'));
      const callback = rest.at(-1) as Callback;
      process.nextTick(() => callback(refusal(destination, 'ENOTFOUND')));
      return undefined;
    };
  }
}
refuseResolverMethods(dns, false);
refuseResolverMethods(dns.Resolver.prototype, false);
refuseResolverMethods(dns.promises, true);
refuseResolverMethods(dns.promises.Resolver.prototype, true);

// ES modules that import { lookup } from 'node:dns' see the replacements too.
syncBuiltinESMExports();
