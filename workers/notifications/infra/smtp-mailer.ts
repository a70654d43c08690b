import nodemailer from 'nodemailer';
import type { Logger } from '../../../platform/logging/logger.ts';

export interface OutgoingMail {
  /** Deterministic per email (`<email id>@<domain>`): a resend after a crash is the same message. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What the sender needs of SMTP; `send` throws SmtpSendError when the server did not take the mail. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/** The server did not take a mail; `permanent` when it refused it for good (a 5xx reply to the mail itself). */
export class SmtpSendError extends Error {
  override name = 'SmtpSendError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | null;
  timeoutMs: number;
  /** Connections kept open and reused from mail to mail (a mail waits for a free one). */
  maxConnections: number;
  /** Mails over one connection before it is replaced. */
  maxMessages: number;
}

/**
 * SMTP through nodemailer's pooled transport: a connection (TCP, greeting, EHLO, STARTTLS, AUTH)
 * serves up to `maxMessages` mails, not one, and stays open between batches until the server or
 * nodemailer's idle timeout closes it; `close()` ends them at shutdown. A server that is down or
 * slow is a transient failure (the email waits and is tried again); a 5xx answer to the envelope
 * or the message (an unknown mailbox, a refused sender) is permanent: retrying would be refused
 * again.
 */
export function createSmtpMailer(settings: SmtpSettings, from: string, logger: Logger): Mailer {
  const log = logger.child({ component: 'smtp-mailer' });
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: settings.maxConnections,
    maxMessages: settings.maxMessages,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.auth ? { auth: settings.auth } : {}),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  return {
    async send(mail) {
      try {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId });
      } catch (error) {
        const smtp = error as { responseCode?: number; code?: string; message?: string };
        const permanent = typeof smtp.responseCode === 'number' && smtp.responseCode >= 500 && (smtp.code === 'EENVELOPE' || smtp.code === 'EMESSAGE');
        log.debug({ code: smtp.code, responseCode: smtp.responseCode, permanent }, 'smtp send failed');
        throw new SmtpSendError(`${smtp.code ?? 'SMTP'}${smtp.responseCode ? ` ${smtp.responseCode}` : ''}: ${smtp.message ?? String(error)}`, permanent);
      }
    },
    async close() {
      transport.close();
    },
  };
}
