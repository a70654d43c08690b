import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One email the sink accepted, as a person (or a test) reads it. */
export interface SinkMessage {
  /** The envelope's recipients (RCPT TO), which is where the mail really went. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The Message-ID header, angle brackets included. */
  messageId: string;
  receivedAt: string;
}

export interface SmtpSink {
  /** The port SMTP clients connect to (SMTP_PORT of the worker). */
  smtpPort: number;
  /** e.g. http://127.0.0.1:8025 (GET /messages), or null when started without the HTTP listing. */
  httpUrl: string | null;
  /** Every message kept, oldest first. */
  messages(): SinkMessage[];
  clear(): void;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  host?: string;
  /** 0: any free port (tests). */
  smtpPort: number;
  /** The HTTP listing's port; null: none (tests read `messages()`). */
  httpPort: number | null;
  /** The newest this many are kept; older ones are dropped. */
  maxMessages?: number;
  /**
   * False: every mail is accepted and discarded unread. For a sink nobody reads (the benchmarks'
   * stack), where parsing each mail would spend the CPU being measured on the stand-in for the
   * outside world.
   */
  keep?: boolean;
}

/**
 * A local SMTP server that accepts every mail and keeps it in memory, for development and
 * tests: nothing leaves the machine. `npm start` runs one on SMTP_SINK_PORT (2525) with its
 * listing at http://127.0.0.1:8025/messages (JSON; DELETE empties it); tests start their own on
 * port 0. Plain SMTP without authentication, on loopback only: it is no mail server.
 */
export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const maxMessages = options.maxMessages ?? 1_000;
  const kept: SinkMessage[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    // Mails bigger than this are refused; ours are a few kilobytes.
    size: 5 * 1024 * 1024,
    // Senders keep pooled connections open; on close they are cut after this, not 30 s.
    closeTimeout: 500,
    onData(stream, session, callback) {
      if (options.keep === false) {
        stream.on('end', () => callback());
        stream.resume();
        return;
      }
      simpleParser(stream)
        .then((parsed) => {
          kept.push({
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId ?? '',
            receivedAt: new Date().toISOString(),
          });
          if (kept.length > maxMessages) kept.splice(0, kept.length - maxMessages);
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(options.smtpPort, host, () => {
      smtp.server.off('error', reject);
      resolve();
    });
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const closeSmtp = () => new Promise<void>((resolve) => smtp.close(() => resolve()));

  let http: Server | null = null;
  if (options.httpPort !== null) {
    http = createServer((req, res) => {
      const path = (req.url ?? '/').split('?', 1)[0];
      if (path !== '/messages') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      if (req.method === 'DELETE') {
        kept.length = 0;
        res.writeHead(204).end();
        return;
      }
      const body = JSON.stringify(kept, null, 2);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    });
    const server = http;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.httpPort ?? 0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await closeSmtp();
      throw error;
    }
  }
  const httpUrl = http ? `http://${host}:${(http.address() as AddressInfo).port}` : null;
  return {
    smtpPort,
    httpUrl,
    messages: () => [...kept],
    clear: () => {
      kept.length = 0;
    },
    async close() {
      await closeSmtp();
      if (http) {
        const server = http;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
