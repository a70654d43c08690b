import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTimeout } from '../../../platform/lifecycle/with-timeout.ts';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../../../scripts/lib/smtp-sink.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { emailsForOrderConfirmed } from '../domain/email.ts';
import type { EmailOutcome } from '../infra/email.repository.ts';
import { createSmtpMailer, SmtpSendError, type Mailer } from '../infra/smtp-mailer.ts';
import { createFakeDirectory, createNotificationsHarness, type FakeDirectory, type NotificationsHarness } from '../testing/harness.ts';
import { sampleConfirmedOrder } from '../testing/sample-orders.ts';
import { createEmailSender, type EmailSender } from './email-sender.ts';

const DOMAIN = 'spec.notifications.test';
let harness: NotificationsHarness;
let sink: SmtpSink | null;
let smtpPort: number;
/** Every message any sink of this file accepted (a restarted sink starts empty). */
let delivered: SinkMessage[];
let directory: FakeDirectory;
let mailer: Mailer;
let sender: EmailSender;

const customerId = randomUUID();
const vendorId = randomUUID();

async function openSink(port: number) {
  sink = await startSmtpSink({ smtpPort: port, httpPort: null });
  smtpPort = sink.smtpPort;
}

async function closeSink() {
  if (!sink) return;
  delivered.push(...sink.messages());
  await sink.close();
  sink = null;
}

const allDelivered = () => [...delivered, ...(sink?.messages() ?? [])];

beforeAll(async () => {
  harness = createNotificationsHarness({ scope: 'sender' });
});

afterAll(async () => {
  await harness.close();
});

beforeEach(async () => {
  await harness.reset();
  delivered = [];
  await openSink(0);
  directory = createFakeDirectory();
  directory.users.set(customerId, { id: customerId, email: 'ada@example.com', name: 'Ada' });
  directory.vendors.set(vendorId, { id: vendorId, name: 'Quasar', ownerEmail: 'owner@quasar.example' });
  mailer = createSmtpMailer({ host: '127.0.0.1', port: smtpPort, secure: false, auth: null, timeoutMs: 2_000, maxConnections: 2, maxMessages: 100 }, 'Shop <no-reply@shop.test>', harness.logger);
  sender = createEmailSender({
    emails: harness.emails,
    directory,
    mailer,
    settings: { pollMs: 20, batchSize: 20, retryBaseMs: 20, retryMaxMs: 100, messageIdDomain: DOMAIN },
    logger: harness.logger,
  });
});

afterEach(async () => {
  await sender.stop();
  await mailer.close();
  await closeSink();
});

async function oweConfirmation() {
  const order = sampleConfirmedOrder({ customerId, vendorIds: [vendorId] });
  await harness.owe({ messageId: randomUUID() }, emailsForOrderConfirmed(order));
  return order;
}

describe('email sender', () => {
  it('sends each owed email once, to the address users gives, with a Message-ID made from the row', async () => {
    const order = await oweConfirmation();
    sender.start();
    sender.nudge();
    const rows = await waitFor('both emails sent', async () => {
      const stored = await harness.stored({ orderId: order.orderId });
      return stored.length === 2 && stored.every((row) => row.status === 'SENT') ? stored : undefined;
    });
    await sender.stop();
    // Nothing is due any more: another batch claims nothing and sends nothing.
    expect(await sender.runBatch()).toBe(0);
    const messages = allDelivered();
    expect(messages).toHaveLength(2);
    const byId = new Map(messages.map((message) => [message.messageId, message]));
    for (const row of rows) {
      const message = byId.get(`<${row.id}@${DOMAIN}>`);
      expect(message?.to).toEqual([row.toAddress]);
    }
    expect(rows.map((row) => row.toAddress).sort()).toEqual(['ada@example.com', 'owner@quasar.example']);
    expect(byId.get(`<${rows.find((row) => row.recipientKind === 'VENDOR')?.id}@${DOMAIN}>`)?.subject).toBe(`New order ${order.vendorOrders[0]?.number} for Quasar`);
  });

  it('gathers: the emails owed within gatherMs of a nudge go out in one batch, with one recipient lookup', async () => {
    let claims = 0;
    const gathering = createEmailSender({
      emails: { ...harness.emails, claimDue: (...args) => ((claims += 1), harness.emails.claimDue(...args)) },
      directory,
      mailer,
      settings: { pollMs: 60_000, batchSize: 20, retryBaseMs: 20, retryMaxMs: 100, messageIdDomain: DOMAIN, gatherMs: 2_000 },
      logger: harness.logger,
    });
    gathering.start();
    // The first loop finds nothing and sleeps for the poll: from here only nudges wake it.
    await waitFor('the first, empty claim done', async () => claims === 1);
    const orders: Awaited<ReturnType<typeof oweConfirmation>>[] = [];
    for (let i = 0; i < 3; i += 1) {
      orders.push(await oweConfirmation());
      gathering.nudge();
    }
    await waitFor('all six emails sent', async () => {
      const stored = await Promise.all(orders.map((order) => harness.stored({ orderId: order.orderId })));
      return stored.flat().filter((row) => row.status === 'SENT').length === 6;
    });
    await gathering.stop();
    expect(claims, 'the first empty claim, then one for the three orders').toBe(2);
    expect(directory.lookups).toBe(1);
  });

  it('SMTP down: the emails wait (attempts grow, nothing lost); SMTP back: each goes out once', async () => {
    const port = smtpPort;
    await closeSink();
    const order = await oweConfirmation();
    sender.start();
    await waitFor('a few failed attempts while SMTP is down', async () => {
      const stored = await harness.stored({ orderId: order.orderId });
      return stored.every((row) => row.status === 'PENDING' && row.attempts >= 2 && row.lastError !== null) ? stored : undefined;
    });
    expect(allDelivered()).toHaveLength(0);
    await openSink(port);
    const rows = await waitFor(
      'both emails sent after SMTP came back',
      async () => {
        const stored = await harness.stored({ orderId: order.orderId });
        return stored.every((row) => row.status === 'SENT') ? stored : undefined;
      },
      { timeoutMs: 10_000 },
    );
    await sender.stop();
    expect(await sender.runBatch()).toBe(0);
    const messages = allDelivered();
    expect(messages.map((message) => message.messageId).sort()).toEqual(rows.map((row) => `<${row.id}@${DOMAIN}>`).sort());
  });

  it('users unreachable: the emails wait and go out when it answers again', async () => {
    directory.down = true;
    const order = await oweConfirmation();
    sender.start();
    await waitFor('attempts while users is down', async () => {
      const stored = await harness.stored({ orderId: order.orderId });
      return stored.every((row) => row.status === 'PENDING' && row.attempts >= 2 && (row.lastError ?? '').startsWith('contacts:')) ? true : undefined;
    });
    expect(allDelivered()).toHaveLength(0);
    directory.down = false;
    await waitFor('sent once users answers', async () => ((await harness.stored({ orderId: order.orderId })).every((row) => row.status === 'SENT') ? true : undefined));
    expect(allDelivered()).toHaveLength(2);
  });

  it('a recipient users does not know: that email FAILED (never retried), the others still go out', async () => {
    directory.vendors.clear();
    const order = await oweConfirmation();
    const claimed = await sender.runBatch();
    expect(claimed).toBe(2);
    const rows = await harness.stored({ orderId: order.orderId });
    expect(rows.map((row) => [row.recipientKind, row.status])).toEqual(
      expect.arrayContaining([
        ['CUSTOMER', 'SENT'],
        ['VENDOR', 'FAILED'],
      ]),
    );
    expect(rows.find((row) => row.recipientKind === 'VENDOR')?.lastError).toBe('vendor unknown to users');
    expect(await sender.runBatch()).toBe(0);
    expect(allDelivered().map((message) => message.to)).toEqual([['ada@example.com']]);
  });

  it('a batch’s outcomes are written once: sent, refused for good (5xx) and unknown recipients together', async () => {
    const [refusedStore, unknownStore] = [randomUUID(), randomUUID()];
    directory.vendors.set(refusedStore, { id: refusedStore, name: 'Refused', ownerEmail: 'nobody@refused.example' });
    const orders = [
      sampleConfirmedOrder({ customerId, vendorIds: [vendorId, refusedStore, unknownStore] }),
      sampleConfirmedOrder({ customerId, vendorIds: [vendorId] }),
    ];
    for (const order of orders) await harness.owe({ messageId: randomUUID() }, emailsForOrderConfirmed(order));
    const writes: EmailOutcome[][] = [];
    const batched = createEmailSender({
      emails: { ...harness.emails, recordOutcomes: (outcomes) => (writes.push([...outcomes]), harness.emails.recordOutcomes(outcomes)) },
      directory,
      mailer: {
        send: async (mail) => {
          if (mail.to === 'nobody@refused.example') throw new SmtpSendError('EENVELOPE 550: mailbox unknown', true);
          await mailer.send(mail);
        },
        close: () => mailer.close(),
      },
      settings: { pollMs: 60_000, batchSize: 20, retryBaseMs: 20, retryMaxMs: 100, messageIdDomain: DOMAIN, parallelSends: 2 },
      logger: harness.logger,
    });

    expect(await batched.runBatch()).toBe(6);

    expect(writes.map((outcomes) => outcomes.length)).toEqual([6]);
    const rows = (await Promise.all(orders.map((order) => harness.stored({ orderId: order.orderId })))).flat();
    const byRecipient = (recipientId: string) => rows.filter((row) => row.recipientId === recipientId).map((row) => [row.status, row.toAddress, row.lastError]);
    expect(byRecipient(customerId)).toEqual([
      ['SENT', 'ada@example.com', null],
      ['SENT', 'ada@example.com', null],
    ]);
    expect(byRecipient(vendorId)).toEqual([
      ['SENT', 'owner@quasar.example', null],
      ['SENT', 'owner@quasar.example', null],
    ]);
    expect(byRecipient(refusedStore)).toEqual([['FAILED', null, 'EENVELOPE 550: mailbox unknown']]);
    expect(byRecipient(unknownStore)).toEqual([['FAILED', null, 'vendor unknown to users']]);
    expect(allDelivered()).toHaveLength(4);
  });

  it('SMTP failing mid-batch: the emails it accepted are SENT, the failed one and those not tried wait', async () => {
    for (let i = 0; i < 3; i += 1) await oweConfirmation();
    let sends = 0;
    const failing = createEmailSender({
      emails: harness.emails,
      directory,
      mailer: {
        send: async (mail) => {
          sends += 1;
          if (sends > 2) throw new SmtpSendError('ECONNECTION: connection refused', false);
          await mailer.send(mail);
        },
        close: () => mailer.close(),
      },
      settings: { pollMs: 60_000, batchSize: 20, retryBaseMs: 60_000, retryMaxMs: 60_000, messageIdDomain: DOMAIN, parallelSends: 2 },
      logger: harness.logger,
    });

    expect(await failing.runBatch()).toBe(6);

    const rows = await harness.stored();
    expect(rows.filter((row) => row.status === 'SENT')).toHaveLength(2);
    const waiting = rows.filter((row) => row.status === 'PENDING');
    expect(waiting).toHaveLength(4);
    expect(waiting.every((row) => row.lastError === 'ECONNECTION: connection refused' && row.attempts === 1)).toBe(true);
    expect(sends, 'no email tried after the failure showed, beyond the one already in flight').toBeLessThanOrEqual(4);
    expect(allDelivered()).toHaveLength(2);
    // They wait out their backoff: nothing is due now.
    expect(await failing.runBatch()).toBe(0);
  });

  it('a failing database: the loop backs off, and stop() does not wait out the backoff', async () => {
    let claims = 0;
    const broken = createEmailSender({
      emails: {
        ...harness.emails,
        claimDue: async () => {
          claims += 1;
          throw new Error('database unavailable (spec)');
        },
      },
      directory,
      mailer,
      // A minute between tries once it fails: far longer than the stop below may take.
      settings: { pollMs: 60_000, batchSize: 20, retryBaseMs: 20, retryMaxMs: 600_000, messageIdDomain: DOMAIN },
      logger: harness.logger,
    });
    broken.start();
    await waitFor('the first failed claim', () => (claims >= 1 ? true : undefined));
    await withTimeout(broken.stop(), 2_000, 'sender stop during a database backoff');
    expect(claims).toBe(1);
  });
});
