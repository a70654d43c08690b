import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logging/logger.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { createSmtpMailer, type OutgoingMail } from './smtp-mailer.ts';

/** An SMTP server that counts the connections opened to it (the dev sink does not say). */
async function countingServer() {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      counts.connections += 1;
      callback();
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        counts.mails += 1;
        callback();
      });
    },
  });
  const counts = { connections: 0, mails: 0, open: () => server.connections.size };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, counts, port: (server.server.address() as AddressInfo).port };
}

const mail = (n: number): OutgoingMail => ({ messageId: `<${n}@spec.test>`, to: 'ada@example.com', subject: `Mail ${n}`, text: 'Hello', html: '<p>Hello</p>' });

let closeServer: (() => Promise<void>) | null = null;
afterEach(async () => {
  await closeServer?.();
  closeServer = null;
});

describe('smtp mailer', () => {
  it('reuses its pooled connections from mail to mail and batch to batch, at most maxConnections, and close() ends them', async () => {
    const { server, counts, port } = await countingServer();
    closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const logger = createLogger({ service: 'smtp-mailer-spec', level: 'silent', pretty: false });
    const mailer = createSmtpMailer({ host: '127.0.0.1', port, secure: false, auth: null, timeoutMs: 2_000, maxConnections: 2, maxMessages: 100 }, 'Shop <no-reply@shop.test>', logger);

    for (let n = 0; n < 5; n += 1) await mailer.send(mail(n));
    expect(counts).toMatchObject({ connections: 1, mails: 5 });
    await Promise.all(Array.from({ length: 6 }, (_, n) => mailer.send(mail(10 + n))));
    expect(counts).toMatchObject({ connections: 2, mails: 11 });

    await mailer.close();
    await waitFor('the pooled connections closed', () => (counts.open() === 0 ? true : undefined));
  });
});
