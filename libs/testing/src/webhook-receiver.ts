import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A POST the receiver got: its path and JSON body. */
export interface ReceivedPost {
  path: string;
  body: Record<string, unknown>;
}

/**
 * A local webhook receiver on a free port: records every POST, answers with the statuses
 * queued in `statuses` (else 200).
 */
export class WebhookReceiver {
  readonly received: ReceivedPost[] = [];
  readonly statuses: number[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        this.received.push({
          path: req.url ?? '',
          body: JSON.parse(text) as Record<string, unknown>,
        });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end('ok');
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The POSTs to `path`, in arrival order. */
  at(path: string): ReceivedPost[] {
    return this.received.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
