/**
 * Bench: training XGBoost with ml-xgboost (XGBoost 0.7's `fast_hist`, the
 * `hist` method, compiled to WASM: one thread, no SIMD) against native
 * XGBoost 1.7 (Debian's python3-xgboost, `hist`), same rows, features,
 * parameters and float32 inputs, with the hold-out error of both.
 *
 * The machine is shared, so the two are interleaved (ours, native, native,
 * ours, …) in one run, each timed from rows in memory to a trained booster
 * (ours: packing to float32 + DMatrix + rounds; native: a fresh DMatrix +
 * rounds, since XGBoost 1.7 caches the quantised matrix on a DMatrix), after
 * one warm-up each, and the medians of the rounds are compared.
 *
 * @module
 */
import { join } from "node:path";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestSample } from "../../loaders/sample/mod.ts";
import { loadFeatures } from "../../pipeline/features/mod.ts";
import { forwardLogReturns, rmse } from "../../pipeline/evaluation/mod.ts";
import { Booster, DEFAULT_XGB_PARAMS, type XgbParams, XgbPool } from "../../pipeline/models/mod.ts";
import type { BenchResult } from "./mod.ts";

const PYTHON = "/usr/bin/python3";

/** A native XGBoost that trains on request: one JSON line in, one out. */
const PY = `
import sys, time, json, numpy as np, xgboost as xgb
d = np.load(sys.argv[1])
X, y, n = d["X"], d["y"], int(d["n"])
p = json.loads(sys.argv[2])
def fit(threads, rows, rounds):
    params = {"objective": "reg:squarederror", "max_depth": p["max_depth"], "eta": p["eta"],
              "subsample": p["subsample"], "colsample_bytree": p["colsample_bytree"],
              "min_child_weight": p["min_child_weight"], "lambda": p["lambda"],
              "base_score": p["base_score"], "tree_method": p["tree_method"], "max_bin": 256,
              "nthread": threads, "seed": p["seed"]}
    t = time.perf_counter()
    b = xgb.train(params, xgb.DMatrix(X[:rows], label=y[:rows], nthread=threads), rounds)
    ms = (time.perf_counter() - t) * 1000
    pred = b.predict(xgb.DMatrix(X[n:], nthread=threads))
    return {"ms": ms, "rmse": float(np.sqrt(np.mean((pred - y[n:]) ** 2))), "version": xgb.__version__}
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    c = json.loads(line)
    print(json.dumps(fit(c["threads"], c.get("rows", n), c.get("rounds", p["iterations"]))), flush=True)
`;

interface NativeFit {
  ms: number;
  rmse: number;
  version: string;
}

/** Runs the XGBoost training bench; `native` is skipped when python3-xgboost is missing. */
export async function benchXgboost(options: { rounds?: number } = {}): Promise<BenchResult[]> {
  const rounds = options.rounds ?? 3;
  const { X, y } = await benchData();
  const n = 20_000;
  const params: XgbParams = {
    ...DEFAULT_XGB_PARAMS,
    iterations: 200,
    max_depth: 6,
    min_child_weight: 1,
  };
  const label = `train ${n} rows × ${
    X[0].length
  } features × ${params.iterations} rounds, depth ${params.max_depth}, hist (ours: XGBoost 0.7 fast_hist in WASM, 1 thread), median of ${rounds} interleaved`;
  const ours = async (rows = n, iterations = params.iterations) => {
    const t0 = performance.now();
    const b = await Booster.train(X.slice(0, rows), y.slice(0, rows), { ...params, iterations });
    const ms = performance.now() - t0;
    const err = rmse(y.slice(n), b.predict(X.slice(n)));
    b.free();
    return { ms, rmse: err };
  };
  const dir = await Deno.makeTempDir();
  const native = await startNative(join(dir, "m.npz"), X, y, n, params).catch(() => undefined);
  try {
    if (!native) {
      await ours(2_000, 20);
      return [{
        name: "xgboost-train",
        what: label,
        value: (await ours()).ms,
        unit: "ms",
        reference: "native XGBoost unavailable (apt-get install python3-xgboost)",
      }];
    }
    // Warm-up: WASM tier-up in ours, imports and allocations in native.
    await ours(2_000, 20);
    await native.fit({ threads: 1, rows: 2_000, rounds: 20 });
    const t: { ours: number[]; n1: number[]; n2: number[] } = { ours: [], n1: [], n2: [] };
    let oursRmse = NaN, nat: NativeFit | undefined;
    for (let r = 0; r < rounds; r++) {
      const timed: Array<() => Promise<void>> = [
        async () => {
          const o = await ours();
          t.ours.push(o.ms);
          oursRmse = o.rmse;
        },
        async () => void t.n1.push((nat = await native.fit({ threads: 1 })).ms),
        async () => void t.n2.push((await native.fit({ threads: 2 })).ms),
      ];
      for (const step of r % 2 ? [...timed].reverse() : timed) await step();
    }
    // Two fits at once on the pool's two workers (as training runs them) against
    // the same two fits one after the other on native with two threads.
    const pool = new XgbPool(2);
    const job = { x: X.slice(0, n), y: y.slice(0, n), params, predict: [], save: false };
    const tp: number[] = [], tn: number[] = [];
    try {
      for (let r = 0; r < rounds; r++) {
        const p0 = performance.now();
        await Promise.all([pool.fit(job), pool.fit(job)]);
        tp.push(performance.now() - p0);
        tn.push((await native.fit({ threads: 2 })).ms + (await native.fit({ threads: 2 })).ms);
      }
    } finally {
      pool.close();
    }
    const [o, n1, n2, p2, nn2] = [t.ours, t.n1, t.n2, tp, tn].map(median);
    const v = `native XGBoost ${nat!.version}`;
    return [
      {
        name: "xgboost-train vs native (1 thread)",
        what: label,
        value: o,
        unit: "ms",
        reference: `${v} hist, 1 thread: ${n1.toFixed(0)} ms`,
        ratio: n1 / o,
      },
      {
        name: "xgboost-train vs native (2 threads)",
        what:
          `${label}; native's 2 threads wait on each other: meaningless while other work shares the cores`,
        value: o,
        unit: "ms",
        reference: `${v} hist, 2 threads: ${n2.toFixed(0)} ms`,
        ratio: n2 / o,
      },
      {
        name: "xgboost-train, 2 fits on XgbPool(2) vs native",
        what:
          "the same fit twice at once on the pool's 2 workers (rows sent to workers included); needs 2 idle cores",
        value: p2,
        unit: "ms",
        reference: `${v} hist, 2 threads, one fit after the other: ${nn2.toFixed(0)} ms`,
        ratio: nn2 / p2,
      },
      {
        name: "xgboost hold-out RMSE vs native",
        what: `RMSE of 1h log returns on the next ${X.length - n} rows (lower is better)`,
        value: oursRmse,
        unit: "",
        reference: `${v} hist ${nat!.rmse.toExponential(4)}`,
        ratio: nat!.rmse / oursRmse,
      },
    ];
  } finally {
    native?.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The realistic matrix: core features of the sample market's ETH/USDT 1h, next-hour returns. */
async function benchData(): Promise<{ X: number[][]; y: number[] }> {
  const wh = await openWarehouse(":memory:");
  await ingestSample(wh, {
    now: Date.UTC(2026, 0, 1),
    days: 900,
    symbols: ["BTC/USDT", "ETH/USDT"],
    timeframes: ["1h"],
  });
  const f = await loadFeatures(wh, { exchange: "sample", symbol: "ETH/USDT", timeframe: "1h" });
  wh.close();
  const y0 = forwardLogReturns(f.ts, f.close, 1, 3_600_000);
  const idx = y0.map((v, i) => (Number.isFinite(v) ? i : -1)).filter((i) => i >= 0).slice(-25_000);
  return { X: idx.map((i) => f.x[i]), y: idx.map((i) => y0[i]) };
}

/** Starts the native trainer on the same matrix; rejects when numpy or xgboost is missing. */
async function startNative(
  npz: string,
  X: number[][],
  y: number[],
  n: number,
  params: XgbParams,
): Promise<{ fit(c: object): Promise<NativeFit>; close(): void }> {
  await writeNpz(npz, X, y, n);
  const child = new Deno.Command(PYTHON, {
    args: ["-c", PY, npz, JSON.stringify(params)],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines())
    .getReader();
  const writer = child.stdin.getWriter();
  const next = async () => {
    const { value, done } = await lines.read();
    if (done) throw new Error("native XGBoost exited");
    return JSON.parse(value);
  };
  try {
    await next();
  } catch (err) {
    child.kill();
    throw err;
  }
  return {
    async fit(c) {
      await writer.write(new TextEncoder().encode(JSON.stringify(c) + "\n"));
      return await next() as NativeFit;
    },
    close() {
      writer.close().catch(() => {});
      lines.cancel().catch(() => {});
      child.kill();
    },
  };
}

function splitLines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, out) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) if (p.trim()) out.enqueue(p);
    },
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Writes X (float64, C order), y and n as an uncompressed .npz via Python's numpy. */
async function writeNpz(path: string, X: number[][], y: number[], n: number): Promise<void> {
  const rows = X.length, cols = X[0].length;
  const flat = new Float64Array(rows * cols);
  X.forEach((r, i) => flat.set(r, i * cols));
  const raw = path + ".bin";
  await Deno.writeFile(raw, new Uint8Array(flat.buffer));
  await Deno.writeFile(raw + ".y", new Uint8Array(Float64Array.from(y).buffer));
  const code = `import numpy as np, sys
X = np.fromfile(sys.argv[1], dtype="<f8").reshape(${rows}, ${cols}); y = np.fromfile(sys.argv[2], dtype="<f8")
np.savez(sys.argv[3], X=X, y=y, n=${n})`;
  const r = await new Deno.Command(PYTHON, {
    args: ["-c", code, raw, raw + ".y", path],
    stderr: "piped",
  }).output()
    .catch(() => undefined);
  if (!r || r.code !== 0) throw new Error("numpy is needed for the native XGBoost reference");
}
