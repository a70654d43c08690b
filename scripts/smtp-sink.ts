import { startSmtpSink } from './lib/smtp-sink.ts';
import { scriptsConfig } from './lib/scripts-config.ts';

/**
 * `npm run smtp-sink`: the development SMTP sink on its own (npm start runs one already), e.g.
 * for docker-compose or a worker started by hand. Accepts mail on SMTP_SINK_PORT (2525) and lists
 * it at GET http://<host>:SMTP_SINK_HTTP_PORT/messages (8025); keeps it in memory only.
 */
const sink = await startSmtpSink({ host: scriptsConfig.SMTP_SINK_HOST, smtpPort: scriptsConfig.SMTP_SINK_PORT, httpPort: scriptsConfig.SMTP_SINK_HTTP_PORT });
console.log(`SMTP sink: smtp://${scriptsConfig.SMTP_SINK_HOST}:${sink.smtpPort} · messages at ${sink.httpUrl ?? ''}/messages`);
const stop = () => void sink.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
