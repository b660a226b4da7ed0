export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * Incremental server-sent-events parser (the WHATWG format the providers stream in): feed it
 * chunks as they arrive, get whole events back. Chunks may split lines and even UTF-8 sequences.
 */
export class SseParser {
  private buffer = "";
  private readonly decoder = new TextDecoder();
  private event: string | undefined;
  private data: string[] = [];

  push(chunk: Uint8Array): SseEvent[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = final ? "" : (lines.pop() ?? "");
    for (const line of lines) {
      if (line === "") {
        this.dispatch(out);
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") this.data.push(value);
      else if (field === "event") this.event = value;
    }
    if (final) this.dispatch(out);
    return out;
  }

  private dispatch(out: SseEvent[]) {
    if (this.data.length)
      out.push({ ...(this.event ? { event: this.event } : {}), data: this.data.join("\n") });
    this.data = [];
    this.event = undefined;
  }
}
