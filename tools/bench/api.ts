/**
 * Bench: the API's forecast and OHLCV endpoints (configured as in production:
 * keys, rate limit, metrics, request log) against two bare `Deno.serve`s,
 * one sending the same response (body and headers) and one the body with a
 * content type only, under the same load (wrk, 50 connections), run
 * alternately in one process so the ratios are measured side by side.
 *
 * @module
 */
import { createApp } from "../../api/app.ts";
import { KeyRing } from "../../api/keys.ts";
import { LiveView, loadView } from "../../api/serving.ts";
import { RateLimiter } from "../../api/rate_limit.ts";
import { RequestLog } from "../../api/request_log.ts";
import { makeApiFixture } from "../../api/testdata/fixture.ts";
import type { BenchResult } from "./mod.ts";

interface WrkStats {
  rps: number;
  p99: number;
}

/** Runs the API bench; skipped (with the reason) when wrk is missing. */
export async function benchApi(
  options: { seconds?: number; rounds?: number } = {},
): Promise<BenchResult[]> {
  const seconds = options.seconds ?? 5;
  const rounds = options.rounds ?? 5;
  const wrk = await new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" })
    .output()
    .then(() => true, () => false);
  if (!wrk) {
    return [{
      name: "api",
      what: "forecast endpoint vs bare Deno.serve",
      value: NaN,
      unit: "",
      reference: "skipped: install wrk (apt-get install wrk)",
    }];
  }
  const fx = await makeApiFixture();
  const live = LiveView.of(await loadView(fx.root));
  // The production configuration (as api/serve.ts builds it): per-key rate limit
  // (high enough never to refuse) and the request log that feeds `api_requests`.
  const log = new RequestLog(`${fx.dir}/requests`);
  const app = createApp({
    live,
    keys: await KeyRing.fromFile(fx.keysPath),
    rateLimit: new RateLimiter(1e9),
    onRequest: (r) => log.add(r),
  });
  const auth = { Authorization: `Bearer ${fx.key}` };
  const forecastPath = "/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h";
  const ohlcvPath = "/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=1000";
  const forecastRes = await app.request(forecastPath, { headers: auth });
  const forecastBody = await forecastRes.text();
  const ohlcvBody = await (await app.request(ohlcvPath, { headers: auth })).text();
  // The API's own response headers (content type and the security headers), so the
  // "same response" reference sends exactly the bytes the API sends.
  const sameHeaders: Record<string, string> = {};
  forecastRes.headers.forEach((v, k) => {
    if (k !== "content-length") sameHeaders[k] = v;
  });
  const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  // Two references: the same response (body and headers), and the minimal one
  // (body and a content type only), which Deno answers on a faster static path.
  const bareSame = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const body = new URL(req.url).pathname.endsWith("ohlcv") ? ohlcvBody : forecastBody;
    return new Response(body, { headers: sameHeaders });
  });
  const bare = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const body = new URL(req.url).pathname.endsWith("ohlcv") ? ohlcvBody : forecastBody;
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  const results: BenchResult[] = [];
  try {
    for (const [label, path] of [["forecast", forecastPath], ["ohlcv 1000 candles", ohlcvPath]]) {
      const a: WrkStats[] = [], b: WrkStats[] = [], m: WrkStats[] = [];
      for (let round = 0; round < rounds; round++) {
        b.push(await runWrk(`http://127.0.0.1:${bareSame.addr.port}${path}`, auth, seconds));
        a.push(await runWrk(`http://127.0.0.1:${api.addr.port}${path}`, auth, seconds));
        m.push(await runWrk(`http://127.0.0.1:${bare.addr.port}${path}`, auth, seconds));
      }
      const rps = (xs: WrkStats[]) => xs.reduce((s, x) => s + x.rps, 0) / xs.length;
      // Each round's runs are back to back: the median of the per-round ratios is steadier
      // than a ratio of means when other work comes and goes on the machine.
      const paired = (xs: WrkStats[], ys: WrkStats[]) => {
        const r = xs.map((x, i) => x.rps / ys[i].rps).sort((p, q) => p - q);
        return r.length % 2 ? r[r.length >> 1] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
      };
      const p99 = (xs: WrkStats[]) => Math.max(...xs.map((x) => x.p99));
      results.push({
        name: `api ${label} throughput vs bare Deno.serve, same response`,
        what: `wrk -c50 -t1 -d${seconds}s, ${rounds} rounds each, alternating; ratio: median ` +
          "of the rounds' ratios; bare sends the same body and headers",
        value: rps(a),
        unit: "req/s",
        reference: `bare ${rps(b).toFixed(0)} req/s`,
        ratio: paired(a, b),
      });
      results.push({
        name: `api ${label} throughput vs bare Deno.serve, minimal response`,
        what: "bare sends the body with a content type only (no security headers), " +
          "which Deno answers on its static fast path",
        value: rps(a),
        unit: "req/s",
        reference: `bare ${rps(m).toFixed(0)} req/s`,
        ratio: paired(a, m),
      });
      results.push({
        name: `api ${label} p99 latency`,
        what: "worst p99 of the runs",
        value: p99(a),
        unit: "ms",
        reference: `bare (same response) ${p99(b).toFixed(2)} ms`,
        ratio: p99(b) / p99(a),
      });
    }
  } finally {
    await live.stop();
    await api.shutdown();
    await bare.shutdown();
    await bareSame.shutdown();
    await log.close();
    await Deno.remove(fx.dir, { recursive: true });
  }
  return results;
}

async function runWrk(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<WrkStats> {
  const args = ["-t1", "-c50", `-d${seconds}s`, "--latency"];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  const r = await new Deno.Command("wrk", {
    args: [...args, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(r.stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = m
    ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]]
    : NaN;
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  if (non2xx) throw new Error(`${url} answered ${non2xx[1]} non-2xx responses under load`);
  return { rps, p99 };
}
