import {
  createSourceEventStream,
  execute,
  getOperationAST,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from "graphql";

/**
 * Subscription fields whose events are executed once per event, document and variables, and the
 * one result sent to every subscriber that asked the same thing.
 *
 * `runEvents` qualifies: its events are the stored RunEvent rows, read once for all of a run's
 * subscribers in one workspace (run-stream.ts: the same row objects reach each of them), and a
 * RunEvent's fields are that row's columns, the same for every caller. Who may subscribe is still
 * checked for each subscriber, when it subscribes (the field's `subscribe`, run per subscriber as
 * before); only the turning of a row into its result is shared. A field whose result depends on
 * the caller (its context) must not be listed here.
 *
 * Measured (bench/RESULTS.md, eleventh measurement): at 1,000 subscribers of a run the gateway's
 * CPU per run fell from 1,090–1,170 to 570–800 ms; executing each event once per subscriber
 * through type-graphql's resolver was the largest cost after the socket writes.
 */
export const SHARED_EVENT_FIELDS: ReadonlySet<string> = new Set(["runEvents"]);

type Result = ExecutionResult | Promise<ExecutionResult>;

/** By event, then document, then operation name and variables; an event's entries go with it. */
const sharedResults = new WeakMap<object, WeakMap<DocumentNode, Map<string, Result>>>();

/**
 * graphql-js' `subscribe`, except that the events of SHARED_EVENT_FIELDS are executed once each,
 * and that `ended` is called as soon as the subscription's end is asked for (see mapEvents).
 */
export async function subscribeSharingEvents(
  args: ExecutionArgs,
  ended: () => void = () => {},
): Promise<AsyncGenerator<ExecutionResult, undefined> | ExecutionResult> {
  const events = await createSourceEventStream(args);
  // Not a stream: the errors of setting it up (or of the field's own `subscribe`), as graphql-js.
  if (!isAsyncGenerator(events)) return events as ExecutionResult;
  const execution = (event: unknown): Result => execute({ ...args, rootValue: event });
  const roots = getOperationAST(args.document, args.operationName)?.selectionSet.selections ?? [];
  const root = roots.length === 1 ? roots[0] : undefined;
  if (root?.kind !== "Field" || !SHARED_EVENT_FIELDS.has(root.name.value)) {
    return mapEvents(events, execution, ended);
  }
  const key = `${args.operationName ?? ""}:${JSON.stringify(args.variableValues ?? null)}`;
  return mapEvents(
    events,
    (event) => {
      if (typeof event !== "object" || event === null) return execution(event);
      let byDocument = sharedResults.get(event);
      if (!byDocument) sharedResults.set(event, (byDocument = new WeakMap()));
      let byKey = byDocument.get(args.document);
      if (!byKey) byDocument.set(args.document, (byKey = new Map()));
      let result = byKey.get(key);
      if (!result) byKey.set(key, (result = execution(event)));
      return result;
    },
    ended,
  );
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<unknown> {
  return typeof (value as AsyncGenerator<unknown> | null)?.[Symbol.asyncIterator] === "function";
}

/**
 * `source` with each value mapped, and `return` passed on to the source, as graphql-js' own
 * mapAsyncIterator does (which it does not export). An async generator waiting inside its body
 * (a run stream waiting for a NOTIFY) takes that `return` only after its next value, which for a
 * run waiting at an approval may be days away; so `ended` is called first, and the streams stop
 * waiting on it (GatewayContext.subscriptionEnded).
 */
export function mapEvents<T, R>(
  source: AsyncGenerator<T>,
  map: (value: T) => R | Promise<R>,
  ended: () => void = () => {},
): AsyncGenerator<R, undefined> {
  const done = { value: undefined, done: true } as const;
  const mapped = async (result: IteratorResult<T>): Promise<IteratorResult<R, undefined>> =>
    result.done ? done : { value: await map(result.value), done: false };
  const iterator: AsyncGenerator<R, undefined> = {
    next: () => source.next().then(mapped),
    return: async () => {
      ended();
      await source.return(undefined);
      return done;
    },
    throw: async (error: unknown) => {
      ended();
      await source.return(undefined);
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
