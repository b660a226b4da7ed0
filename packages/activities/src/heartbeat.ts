import { Context } from "@temporalio/activity";

/**
 * Runs an activity's work while it heartbeats every second (Temporal throttles the calls to one
 * per few seconds): its worker is seen alive for the whole attempt, database waits included, and
 * a cancellation of the activity reaches it (on a heartbeat's answer) as ctx.cancellationSignal.
 */
export async function heartbeating<T>(work: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), 1_000);
  try {
    return await work(ctx);
  } finally {
    clearInterval(timer);
  }
}
