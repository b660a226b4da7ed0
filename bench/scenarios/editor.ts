/// <reference lib="dom" />
// Scenario 7: the agent editor in Chromium (Playwright's library API, Debian's chromium) against
// the production build of apps/web, with the gateway and worker processes behind it.
//   - load: from navigation start to the first node of the graph being visible on the canvas (React
//     Flow renders nodes once measured, so this is when the canvas can be used), read in the page;
//   - drag: one node dragged 300 px across the canvas in 30 mouse moves, one frame apart; each
//     move's latency is its pointermove event → the end of the next frame (rAF + message), and
//     the frame intervals during the drag are recorded too. The node must have moved.
// Baseline: the same page with a 1-node graph (the nearly empty editor, with the same readiness
// signal). Loads are interleaved, one warm-up each.
import { chromium, type Page } from "@playwright/test";
import { ensureChromium } from "../../scripts/lib/tools.ts";
import type { BenchContext } from "../lib/context.ts";
import type { Row, Scenario } from "../lib/report.ts";
import { BENCH_PASSWORD, seedAgent, seedTenant } from "../lib/seed.ts";
import { median, summarize } from "../lib/stats.ts";

const NODES = 200;
const STEPS = 30;
const DISTANCE = 300;

function graphOf(n: number) {
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `step_${i}`,
    type: "log",
    config: { message: `message ${i}` },
    position: { x: (i % 20) * 260, y: Math.floor(i / 20) * 120 },
  }));
  const edges = nodes.slice(1).map((node, i) => ({ from: `step_${i}`, to: node.id }));
  return { version: 1, inputs: {}, nodes, edges };
}

/** Records, per pointermove, the time to the end of the next frame, and every frame interval. */
const INSTRUMENT = `(() => {
  const bench = { moves: [], frames: [], stop: false };
  window.__bench = bench;
  document.addEventListener("pointermove", (e) => {
    const start = e.timeStamp;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => bench.moves.push(performance.now() - start);
      channel.port2.postMessage(null);
    });
  }, { capture: true });
  let last = 0;
  const loop = (t) => {
    if (last) bench.frames.push(t - last);
    last = t;
    if (!bench.stop) requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
})()`;

interface Sample {
  loadMs: number;
  rendered: number;
  moveMs: number[];
  frameMs: number[];
}

async function measure(page: Page, url: string): Promise<Sample> {
  await page.goto(url, { waitUntil: "commit" });
  const ready = await page.waitForFunction(
    () => {
      const el = document.querySelector('.react-flow__node[data-id="step_0"]');
      if (!el || getComputedStyle(el).visibility === "hidden" || el.getBoundingClientRect().width === 0)
        return false;
      return performance.now();
    },
    undefined,
    { polling: "raf", timeout: 60_000 },
  );
  const loadMs = (await ready.jsonValue()) as number;
  const rendered = await page.locator(".react-flow__node").count();

  const node = page.locator('.react-flow__node[data-id="step_0"]');
  const before = (await node.boundingBox())!;
  // A string, not a function: tsx/esbuild would wrap named inner functions in a `__name` helper
  // that does not exist in the page.
  await page.evaluate(INSTRUMENT);
  const x0 = before.x + before.width / 2;
  const y0 = before.y + before.height / 2;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= STEPS; i++) {
    await page.mouse.move(x0 + (DISTANCE * i) / STEPS, y0 + (DISTANCE * i) / (3 * STEPS));
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  }
  await page.mouse.up();
  const recorded = await page.evaluate(() => {
    const w = window as unknown as { __bench: { moves: number[]; frames: number[]; stop: boolean } };
    w.__bench.stop = true;
    return { moves: w.__bench.moves, frames: w.__bench.frames };
  });
  const after = (await node.boundingBox())!;
  const moved = Math.hypot(after.x - before.x, after.y - before.y);
  if (moved < DISTANCE / 2)
    throw new Error(`the dragged node moved ${moved.toFixed(0)} px, expected about ${DISTANCE}`);
  // The first move only presses into the node; the drag starts with the second.
  return { loadMs, rendered, moveMs: recorded.moves.slice(1), frameMs: recorded.frames };
}

export const editorScenario: Scenario<BenchContext> = {
  id: 7,
  title: `editor with a ${NODES}-node graph in Chromium`,
  async run(ctx) {
    const stack = await ctx.web();
    const tenant = await seedTenant(stack.admin, stack.authSecret, "editor");
    const big = await seedAgent(stack.admin, tenant, graphOf(NODES), "Big agent");
    const small = await seedAgent(stack.admin, tenant, graphOf(1), "Small agent");
    const browser = await chromium.launch({
      executablePath: ensureChromium(ctx.log),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    });
    const errors: string[] = [];
    try {
      const context = await browser.newContext({
        baseURL: stack.webUrl,
        viewport: { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.goto("/signin");
      await page.getByLabel("Email").fill(tenant.email);
      await page.getByLabel("Password").fill(BENCH_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/w\/[0-9a-f-]{36}/, { timeout: 30_000 });

      const url = (agentId: string) => `/w/${tenant.workspaceId}/agents/${agentId}`;
      await measure(page, url(big.agentId));
      await measure(page, url(small.agentId));
      const rounds = Math.max(3, ctx.options.iterations);
      const bigs: Sample[] = [];
      const smalls: Sample[] = [];
      for (let i = 0; i < rounds; i++) {
        bigs.push(await measure(page, url(big.agentId)));
        smalls.push(await measure(page, url(small.agentId)));
      }
      const load = (s: Sample[]) => median(s.map((x) => x.loadMs));
      const moves = (s: Sample[]) => summarize(s.flatMap((x) => x.moveMs));
      const frames = (s: Sample[]) => summarize(s.flatMap((x) => x.frameMs));
      const [bm, sm, bf, sf] = [moves(bigs), moves(smalls), frames(bigs), frames(smalls)];
      const rows: Row[] = [
        {
          metric: `load → canvas usable (median of ${rounds})`,
          unit: "ms",
          weft: load(bigs),
          baseline: load(smalls),
        },
        { metric: "drag: move → next frame, p50", unit: "ms", weft: bm.p50, baseline: sm.p50 },
        { metric: "drag: move → next frame, p95", unit: "ms", weft: bm.p95, baseline: sm.p95 },
        { metric: "drag: frame interval, p50", unit: "ms", weft: bf.p50, baseline: sf.p50 },
        { metric: "drag: frame interval, p95", unit: "ms", weft: bf.p95, baseline: sf.p95 },
      ];
      return {
        baseline: "the same editor page with a 1-node graph",
        method: `production build of apps/web (next start) + gateway + worker; Chromium headless 1280×800, --disable-gpu; ${NODES} log nodes, ${bigs[0]!.rendered} rendered (onlyRenderVisibleElements above 80)`,
        rows,
        notes: [
          `loads (ms): ${bigs.map((s) => s.loadMs.toFixed(0)).join(", ")} vs ${smalls.map((s) => s.loadMs.toFixed(0)).join(", ")}`,
          `${bm.n} / ${sm.n} drag moves measured, max ${bm.max.toFixed(0)} / ${sm.max.toFixed(0)} ms`,
          errors.length ? `page errors: ${[...new Set(errors)].slice(0, 3).join(" | ")}` : "no page errors",
        ],
      };
    } finally {
      await browser.close();
    }
  },
};
