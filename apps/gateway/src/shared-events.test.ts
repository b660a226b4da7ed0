import {
  GraphQLID,
  GraphQLInt,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionResult,
} from "graphql";
import { describe, expect, it } from "vitest";
import { mapEvents, subscribeSharingEvents } from "./shared-events.ts";

/** Events as run-stream.ts hands them out: the same objects to every subscriber. */
const events = [{ seq: 1 }, { seq: 2 }, { seq: 3 }];

function schemaCounting() {
  const resolved = { runEvents: 0, other: 0 };
  const Event = new GraphQLObjectType({ name: "Event", fields: { seq: { type: GraphQLInt } } });
  const field = (name: keyof typeof resolved) => ({
    type: Event,
    args: { runId: { type: GraphQLID } },
    subscribe: (_root: unknown, args: { runId?: string }) => {
      if (args.runId === "refused") throw new Error("not allowed");
      return (async function* () {
        yield* events;
      })();
    },
    resolve: async (event: { seq: number }, _args: unknown, context: { who: string }) => {
      resolved[name] += 1;
      return { seq: event.seq, who: context.who };
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: "Subscription",
      fields: { runEvents: field("runEvents"), other: field("other") },
    }),
  });
  return { schema, resolved };
}

async function collect(
  result: AsyncGenerator<ExecutionResult, undefined> | ExecutionResult,
): Promise<ExecutionResult[]> {
  if (!(Symbol.asyncIterator in result)) throw new Error(`not a stream: ${JSON.stringify(result)}`);
  const out: ExecutionResult[] = [];
  for await (const r of result) out.push(r);
  return out;
}

describe("subscribeSharingEvents", () => {
  it("executes each runEvents event once for every subscriber asking the same, and they all get it", async () => {
    const { schema, resolved } = schemaCounting();
    const document = parse(`subscription($id: ID) { runEvents(runId: $id) { seq } }`);
    const streams = await Promise.all(
      ["a", "b", "c"].map((who) =>
        subscribeSharingEvents({ schema, document, variableValues: { id: "r1" }, contextValue: { who } }),
      ),
    );
    const received = await Promise.all(streams.map(collect));
    expect(resolved.runEvents).toBe(3);
    for (const results of received) {
      expect(results).toEqual(events.map(({ seq }) => ({ data: { runEvents: { seq } } })));
    }
    // Other variables are another question: executed again.
    await collect(
      await subscribeSharingEvents({ schema, document, variableValues: { id: "r2" }, contextValue: {} }),
    );
    expect(resolved.runEvents).toBe(6);
  });

  it("executes a field not listed once per subscriber, as graphql-js does", async () => {
    const { schema, resolved } = schemaCounting();
    const document = parse(`subscription { other { seq } }`);
    for (const who of ["a", "b"]) {
      await collect(await subscribeSharingEvents({ schema, document, contextValue: { who } }));
    }
    expect(resolved.other).toBe(6);
  });

  it("answers a refused subscribe with its error, not a stream", async () => {
    const { schema } = schemaCounting();
    const result = await subscribeSharingEvents({
      schema,
      document: parse(`subscription { runEvents(runId: "refused") { seq } }`),
      contextValue: {},
    });
    expect(result).toMatchObject({ errors: [{ message: "not allowed" }] });
  });
});

describe("mapEvents", () => {
  it("maps each value and passes return on to the source, which runs its finally", async () => {
    let closed = false;
    const source = (async function* () {
      try {
        yield 1;
        yield 2;
        yield 3;
      } finally {
        closed = true;
      }
    })();
    const mapped = mapEvents(source, async (n) => n * 10);
    expect(await mapped.next()).toEqual({ value: 10, done: false });
    expect(await mapped.next()).toEqual({ value: 20, done: false });
    expect(await mapped.return(undefined)).toEqual({ value: undefined, done: true });
    expect(closed).toBe(true);
    expect(await mapped.next()).toEqual({ value: undefined, done: true });
  });
});
