import { Socket } from 'node:net';
import { connect, type AmqpConnectionManager } from 'amqp-connection-manager';
import type { ReadinessCheck } from '../http/health.ts';
import type { Logger } from '../logging/logger.ts';

export type { AmqpConnectionManager };

export interface MessagingSettings {
  url: string;
  /** Prefix of every exchange and queue this process declares. */
  prefix: string;
  /** Longest an idle outbox relay waits before looking again. */
  outboxPollMs: number;
  /** Tries per message before a consumer parks it in its dead-letter queue. */
  deliveryLimit: number;
}

/**
 * One broker connection per process that reconnects by itself; channels made from it re-run
 * their setup (topology, consumers) on every reconnect. Never throws while the broker is down:
 * readiness reports it instead.
 */
export function createMessagingConnection(settings: Pick<MessagingSettings, 'url'>, logger: Logger): AmqpConnectionManager {
  const log = logger.child({ component: 'rabbitmq' });
  // noDelay: amqplib leaves Nagle on, so a publish (method, header and body frames) waited for the
  // broker's delayed ACK, about 40 ms per saga hop on an idle machine.
  const manager = connect([settings.url], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1, connectionOptions: { noDelay: true } });
  let lastState = '';
  manager.on('connect', ({ connection }: { connection: unknown }) => {
    coalesceWrites(connection);
    if (lastState !== 'connected') log.info('rabbitmq connected');
    lastState = 'connected';
  });
  manager.on('disconnect', ({ err }: { err: Error }) => {
    if (lastState !== 'down') log.warn({ err: err?.message }, 'rabbitmq disconnected; reconnecting in the background');
    lastState = 'down';
  });
  manager.on('connectFailed', ({ err }: { err: Error }) => {
    if (lastState !== 'down') log.warn({ err: err?.message }, 'rabbitmq unavailable; retrying in the background');
    lastState = 'down';
  });
  return manager;
}

/**
 * amqplib writes every frame to the socket on its own (a publish, an ack): one system call each,
 * and on a busy two-core machine each costs more than the frame. Corking the socket from the first
 * write of a tick until the next one sends what the tick wrote in one go, with no added delay
 * (unlike Nagle's algorithm, which noDelay turns off).
 */
function coalesceWrites(channelModel: unknown): void {
  const socket = (channelModel as { connection?: { stream?: unknown } } | null)?.connection?.stream;
  if (!(socket instanceof Socket)) return;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  });
}

/** A process is ready only while its broker connection is up (its outbox would pile up otherwise). */
export function rabbitmqReadiness(manager: AmqpConnectionManager): ReadinessCheck {
  return {
    name: 'rabbitmq',
    check: async () => {
      if (!manager.isConnected()) throw new Error('not connected');
    },
  };
}

/** Resolves once connected, or rejects after the deadline. */
export async function waitForMessaging(manager: AmqpConnectionManager, timeoutMs = 5_000): Promise<void> {
  if (manager.isConnected()) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      manager.off('connect', onConnect);
      reject(new Error(`RabbitMQ not connected after ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnect = () => {
      clearTimeout(timer);
      resolve();
    };
    manager.once('connect', onConnect);
  });
}
