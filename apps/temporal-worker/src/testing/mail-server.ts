import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Authenticated user, if any. */
  user: string | undefined;
  headers: Record<string, string>;
  subject: string;
  text: string;
  raw: string;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that requires AUTH and keeps what it receives.
 * STARTTLS is off: the client would refuse a self-signed certificate, and TLS is not under test.
 */
export class MailServer {
  readonly messages: ReceivedMail[] = [];
  readonly user = "digest@weft.test";
  readonly pass = "smtp-pass-5d1c";
  private server!: SMTPServer;
  port = 0;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, cb) =>
        auth.username === this.user && auth.password === this.pass
          ? cb(null, { user: auth.username })
          : cb(new Error("Invalid username or password")),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          this.messages.push(parse(Buffer.concat(chunks).toString("utf8"), session));
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://${encodeURIComponent(this.user)}:${encodeURIComponent(this.pass)}@127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function parse(
  raw: string,
  session: {
    envelope: { mailFrom: false | { address: string }; rcptTo: Array<{ address: string }> };
    user?: unknown;
  },
): ReceivedMail {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let text = raw.slice(split + 4);
  if (/quoted-printable/i.test(headers["content-transfer-encoding"] ?? "")) {
    text = Buffer.from(
      text
        .replace(/=\r\n/g, "")
        .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    ).toString("utf8");
  }
  return {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
    to: session.envelope.rcptTo.map((r) => r.address),
    user: typeof session.user === "string" ? session.user : undefined,
    headers,
    subject: headers.subject ?? "",
    // SMTP carries CRLF line ends; compare text as written.
    text: text.replace(/\r\n$/, "").replace(/\r\n/g, "\n"),
    raw,
  };
}
