import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../scripts/lib/smtp-sink.ts';

let sink: SmtpSink | null = null;

afterEach(async () => {
  await sink?.close();
  sink = null;
});

async function send(to: SmtpSink, subject: string) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: to.smtpPort, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail({ from: 'shop@example.test', to: 'someone@example.test', subject, text: 'hello' });
  } finally {
    transport.close();
  }
}

describe('SMTP sink', () => {
  it('keeps what it accepts, as a reader sees it', async () => {
    sink = await startSmtpSink({ smtpPort: 0, httpPort: null });
    const sent = await send(sink, 'Kept');
    expect(sent.accepted).toEqual(['someone@example.test']);
    expect(sink.messages()).toMatchObject([{ to: ['someone@example.test'], subject: 'Kept', text: 'hello\n' }]);
  });

  it('accepts and discards unread when nobody reads it (the benchmarks)', async () => {
    sink = await startSmtpSink({ smtpPort: 0, httpPort: null, keep: false });
    const sent = await send(sink, 'Dropped');
    expect(sent.accepted).toEqual(['someone@example.test']);
    expect(sink.messages()).toEqual([]);
  });
});
