/**
 * Bench: answers while the API reloads a 2M-candle snapshot. The API (as
 * `api/serve.ts` configures it) serves the small API fixture under 50
 * connections from a load client in its own process (this module, run as a
 * script); a 2M-candle series made by SQL (`range()`) is published with
 * `publishSnapshot`, then the API reloads it. The longest gap between two
 * answers and the p99 latency during the reload are compared with the same
 * figures over a window of the same load just before it, with no reload
 * (ratios > 1 mean the reload costs nothing); errors must be 0. Then four
 * more publishes and reloads of the same size: RSS after the fifth against
 * after the first.
 *
 * Client usage (internal): `deno run -A tools/bench/api_reload.ts <url> <key> <ms>`.
 *
 * @module
 */
import { createApp } from "../../api/app.ts";
import { KeyRing } from "../../api/keys.ts";
import { RateLimiter } from "../../api/rate_limit.ts";
import { RequestLog } from "../../api/request_log.ts";
import { LiveView } from "../../api/serving.ts";
import { makeApiFixture } from "../../api/testdata/fixture.ts";
import { openWarehouse } from "../../warehouse/db.ts";
import { publishSnapshot } from "../../warehouse/publish.ts";
import type { BenchResult } from "./mod.ts";

/** Candles in the big series. */
const BIG = 2_000_000;
const CONNECTIONS = 50;
const PATHS = [
  "/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h",
  "/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=1000",
];

/** One answer as the client saw it: when it was done (epoch ms), its latency (ms), its status. */
type Answer = [done: number, ms: number, status: number];

/** Figures over a window of time. */
interface Window {
  gap: number;
  p99: number;
  answers: number;
  errors: number;
}

const now = () => performance.timeOrigin + performance.now();

/** Runs the bench; one row per figure. */
export async function benchApiReload(): Promise<BenchResult[]> {
  const fx = await makeApiFixture();
  const log = new RequestLog(`${fx.dir}/requests`);
  const live = await LiveView.start(fx.root, { intervalMs: 0 });
  const app = createApp({
    live,
    keys: await KeyRing.fromFile(fx.keysPath),
    rateLimit: new RateLimiter(1e9),
    onRequest: (r) => log.add(r),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  try {
    // The big snapshot, published before the load starts (the writer is not measured here).
    const wh = await openWarehouse(fx.db);
    try {
      await wh.run(
        `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id)
         SELECT 'sample', 'BIG/USDT', '1m', TIMESTAMP '2020-01-01' + to_minutes(i),
                100 + sin(i / 50), 101 + sin(i / 50), 99 + sin(i / 50), 100 + cos(i / 50), i % 97,
                'bench'
         FROM range(${BIG}) r(i)`,
      );
      await publishSnapshot(wh);
    } finally {
      wh.close();
    }
    const warm = 1000, ref = 3000;
    const client = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL(import.meta.url).pathname,
        `http://127.0.0.1:${server.addr.port}`,
        fx.key,
        String(warm + 2 * ref + 30_000),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    await new Promise((r) => setTimeout(r, warm));
    const refStart = now();
    await new Promise((r) => setTimeout(r, ref));
    const refEnd = now();
    const reloadStart = now();
    await live.refresh();
    const reloadEnd = now();
    if (live.view?.series.size !== 5) {
      throw new Error(`the big snapshot was not loaded: ${live.lastError ?? "no error"}`);
    }
    client.kill("SIGTERM");
    const out = await client.output();
    // Memory: the API's RSS after four more publishes and reloads of the same size.
    const rssFirst = Deno.memoryUsage().rss;
    for (let k = 0; k < 4; k++) {
      const w = await openWarehouse(fx.db);
      try {
        await publishSnapshot(w);
      } finally {
        w.close();
      }
      await live.refresh();
    }
    const rssFifth = Deno.memoryUsage().rss;
    const answers: Answer[] = new TextDecoder().decode(out.stdout).trim().split("\n")
      .filter((l) => l).map((l) => JSON.parse(l));
    const a = figures(answers, refStart, refEnd);
    const b = figures(answers, reloadStart, reloadEnd);
    const reload = `reload ${(reloadEnd - reloadStart).toFixed(0)} ms`;
    const what = `${CONNECTIONS} connections (forecast and ohlcv 1000 alternately, a Deno client ` +
      `process) while the API reloads a ${BIG / 1e6}M-candle snapshot (${reload}, ` +
      `${b.answers} answers, ${b.errors} errors); reference: the ${ref} ms before, no reload ` +
      `(${a.answers} answers, ${a.errors} errors)`;
    return [
      {
        name: "api reload of a 2M-candle snapshot under load: longest gap between answers",
        what,
        value: b.gap,
        unit: "ms",
        reference: `no reload ${a.gap.toFixed(1)} ms (goal ≤ 250 ms)`,
        ratio: a.gap / b.gap,
      },
      {
        name: "api reload of a 2M-candle snapshot under load: p99 latency",
        what,
        value: b.p99,
        unit: "ms",
        reference: `no reload ${a.p99.toFixed(1)} ms (goal ≤ 20 ms)`,
        ratio: a.p99 / b.p99,
      },
      {
        name: "api RSS after 5 publishes and reloads of a 2M-candle snapshot",
        what: "Deno.memoryUsage().rss of the API process (the bench process, which also " +
          "publishes) after the fifth reload against after the first",
        value: rssFifth / 2 ** 20,
        unit: "MB",
        reference: `after the first ${(rssFirst / 2 ** 20).toFixed(0)} MB (goal ≤ 1.3×)`,
        ratio: rssFirst / rssFifth,
      },
      {
        name: "api reload of a 2M-candle snapshot under load: errors",
        what: "answers other than 200 (and failed requests) during the reload and the reference",
        value: a.errors + b.errors,
        unit: "errors",
        reference: "goal 0",
      },
    ];
  } finally {
    await live.stop();
    await server.shutdown();
    await log.close();
    await Deno.remove(fx.dir, { recursive: true });
  }
}

/** Longest gap between answers (from the window's start), p99 latency and errors in a window. */
function figures(answers: Answer[], from: number, to: number): Window {
  const inside = answers.filter(([done]) => done >= from && done <= to).sort((x, y) => x[0] - y[0]);
  let gap = 0, last = from;
  for (const [done] of inside) {
    gap = Math.max(gap, done - last);
    last = done;
  }
  gap = Math.max(gap, to - last);
  const ms = inside.map((x) => x[1]).sort((x, y) => x - y);
  return {
    gap,
    p99: ms.length ? ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))] : NaN,
    answers: inside.length,
    errors: inside.filter((x) => x[2] !== 200).length,
  };
}

/** The load client: CONNECTIONS loops until killed or `ms` pass; one JSON line per answer. */
async function runClient(base: string, key: string, ms: number): Promise<void> {
  const answers: Answer[] = [];
  const end = now() + ms;
  let stop = false;
  const flush = () => {
    stop = true;
    const text = answers.map((a) => JSON.stringify(a)).join("\n") + "\n";
    Deno.stdout.writeSync(new TextEncoder().encode(text));
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", flush);
  const headers = { Authorization: `Bearer ${key}` };
  await Promise.all(Array.from({ length: CONNECTIONS }, async (_, c) => {
    for (let i = c; !stop && now() < end; i++) {
      const t0 = now();
      let status = 0;
      try {
        const res = await fetch(base + PATHS[i % PATHS.length], { headers });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = -1;
      }
      const t1 = now();
      answers.push([t1, t1 - t0, status]);
    }
  }));
  flush();
}

if (import.meta.main) await runClient(Deno.args[0], Deno.args[1], Number(Deno.args[2]));
