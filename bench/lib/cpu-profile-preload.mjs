// Preloaded with `node --import` (NODE_OPTIONS refuses --cpu-prof): profiles the whole process
// with V8's sampling profiler and writes BENCH_CPU_PROFILE_DIR/<name>-<pid>.cpuprofile on exit
// (open it in Chrome DevTools or speedscope).
// Worker threads (Temporal's workflow threads) get one file each, if they preload it too.
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  const name = path.basename(process.argv[1] ?? "node").replace(/\.[^.]+$/, "");
  let written = false;
  process.on("exit", () => {
    if (written) return;
    written = true;
    // An in-process inspector session answers synchronously, so this works in an exit handler.
    session.post("Profiler.stop", (err, result) => {
      if (!err)
        writeFileSync(
          path.join(dir, `${name}-${process.pid}-${threadId}.cpuprofile`),
          JSON.stringify(result.profile),
        );
    });
  });
}
