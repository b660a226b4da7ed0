import { Connection, type ConnectionOptions } from "@temporalio/client";

type CallContext = NonNullable<ReturnType<Connection["callContextStorage"]["getStore"]>>;

/**
 * A lazy Temporal client connection whose per-call context does not turn on async hooks.
 *
 * The client keeps each call's extras (the namespace header it adds to every call, deadlines,
 * abort signals) in an AsyncLocalStorage that it enters on every call. On Node 20 the first
 * `run` of any AsyncLocalStorage turns on async hooks for every promise of the process, for good;
 * in the gateway that cost 20% of the throughput of a trivial query and 10% of the runs list
 * (bench scenario 6 with and without a storage entered at start; bench/RESULTS.md, sixth
 * measurement). The client reads that storage synchronously, as a call begins
 * (`Connection.generateRPCImplementation`), so a scope that lasts for the synchronous part of
 * `run` hands it the same values. What it would not carry is a scope around asynchronous work
 * (`await conn.withDeadline(d, async () => { await x; await call() })`): the gateway has none.
 * Tested in temporal-connection.int.test.ts, which fails if a client release reads it later.
 */
export function lazyConnection(options: ConnectionOptions): Connection {
  const connection = Connection.lazy(options);
  let current: CallContext | undefined;
  Object.assign(connection.callContextStorage, {
    getStore: () => current,
    run: <R>(store: CallContext, fn: (...args: unknown[]) => R, ...args: unknown[]): R => {
      const previous = current;
      current = store;
      try {
        return fn(...args);
      } finally {
        current = previous;
      }
    },
  });
  return connection;
}
