import pg from "pg";
import { RUN_EVENTS_CHANNEL, type RunEventNotice } from "@weft/schema";

type Handler = (notice: RunEventNotice) => void;

/**
 * One LISTEN connection per gateway process, fanned out to every subscriber in it. Postgres
 * delivers each NOTIFY to every listening connection, so any number of gateway instances each
 * see every event; subscribers then read the rows themselves (RLS-scoped) by sequence number.
 *
 * On a lost connection it reconnects with backoff and tells subscribers (`onReconnect`), who
 * re-read from their last sequence number: a notice missed while disconnected is never a gap.
 */
export class RunEventListener {
  private client: pg.Client | null = null;
  private readonly handlers = new Set<Handler>();
  private readonly reconnectHandlers = new Set<() => void>();
  private closed = false;
  private connecting: Promise<void> | null = null;
  private retryMs = 250;

  constructor(
    private readonly url: string,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /** Resolves once LISTEN is active; safe to call many times. */
  start(): Promise<void> {
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("notification", (msg) => {
      if (msg.channel !== RUN_EVENTS_CHANNEL || !msg.payload) return;
      let notice: RunEventNotice;
      try {
        notice = JSON.parse(msg.payload) as RunEventNotice;
      } catch {
        return;
      }
      for (const h of this.handlers) h(notice);
    });
    client.on("error", (err) => {
      this.log(`run-event listener lost its connection: ${err.message}`);
      void this.reconnect(client);
    });
    client.on("end", () => void this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
    this.client = client;
    this.retryMs = 250;
  }

  private async reconnect(dead: pg.Client): Promise<void> {
    if (this.closed || this.client !== dead) return;
    this.client = null;
    dead.removeAllListeners();
    void dead.end().catch(() => {});
    while (!this.closed) {
      await new Promise((r) => setTimeout(r, this.retryMs));
      this.retryMs = Math.min(this.retryMs * 2, 5_000);
      try {
        this.connecting = this.connect();
        await this.connecting;
        for (const h of this.reconnectHandlers) h();
        return;
      } catch (err) {
        this.log(`run-event listener reconnect failed: ${(err as Error).message}`);
      }
    }
  }

  /** How many subscribers it has now (diagnostics and tests). */
  get subscribers(): number {
    return this.handlers.size;
  }

  /** Returns an unsubscribe function. */
  subscribe(handler: Handler, onReconnect?: () => void): () => void {
    this.handlers.add(handler);
    if (onReconnect) this.reconnectHandlers.add(onReconnect);
    return () => {
      this.handlers.delete(handler);
      if (onReconnect) this.reconnectHandlers.delete(onReconnect);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      await client.end().catch(() => {});
    }
  }
}
