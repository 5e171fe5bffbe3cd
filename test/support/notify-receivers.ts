/**
 * Real receivers for notification tests: an SMTP server (smtp-server) that
 * parses what it gets (mailparser), and an HTTP server standing in for IM
 * group robots. Both listen on 127.0.0.1, on a random port.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  language: string | null;
}

export interface SmtpReceiver {
  url: string;
  mails: ReceivedMail[];
  stop(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            language: (parsed.headers.get('content-language') as string | undefined) ?? null,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface RobotPost {
  path: string;
  body: Record<string, any>;
}

export interface ImReceiver {
  url: string;
  posts: RobotPost[];
  /** Answers HTTP 503 to the next n posts (a robot that is down for a while). */
  failNext(n: number): void;
  stop(): Promise<void>;
}

export async function startImReceiver(): Promise<ImReceiver> {
  const posts: RobotPost[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(503).end();
        return;
      }
      posts.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any> });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    failNext: (n) => {
      failures = n;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
