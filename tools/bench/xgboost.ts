/**
 * Bench: training XGBoost with ml-xgboost (WASM, one thread) against native
 * XGBoost (Debian's python3-xgboost), same matrix and parameters, side by side.
 *
 * @module
 */
import { join } from "node:path";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestSample } from "../../loaders/sample/mod.ts";
import { loadFeatures } from "../../pipeline/features/core.ts";
import { forwardLogReturns } from "../../pipeline/evaluation/targets.ts";
import { Booster, DEFAULT_XGB_PARAMS, type XgbParams } from "../../pipeline/models/xgboost.ts";
import { rmse } from "../../pipeline/evaluation/metrics.ts";
import type { BenchResult } from "./mod.ts";

const PY = `
import sys, time, json, numpy as np, xgboost as xgb
d = np.load(sys.argv[1])
X, y, n = d["X"], d["y"], int(d["n"])
p = json.loads(sys.argv[2])
out = {}
for threads in (1, 2):
    params = {"objective": "reg:squarederror", "max_depth": p["max_depth"], "eta": p["eta"],
              "subsample": p["subsample"], "colsample_bytree": p["colsample_bytree"],
              "min_child_weight": p["min_child_weight"], "lambda": p["lambda"], "base_score": 0.0,
              "tree_method": "hist", "nthread": threads, "seed": p["seed"]}
    dtrain = xgb.DMatrix(X[:n], label=y[:n])
    times = []
    for _ in range(3):
        t = time.perf_counter(); b = xgb.train(params, dtrain, p["iterations"]); times.append(time.perf_counter() - t)
    pred = b.predict(xgb.DMatrix(X[n:]))
    out[f"t{threads}"] = sorted(times)[1] * 1000
    out["rmse"] = float(np.sqrt(np.mean((pred - y[n:]) ** 2)))
print(json.dumps(out))
`;

/** Runs the XGBoost training bench; `native` is skipped when python3-xgboost is missing. */
export async function benchXgboost(): Promise<BenchResult[]> {
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
  const X = idx.map((i) => f.x[i]), y = idx.map((i) => y0[i]);
  const n = 20_000;
  const params: XgbParams = {
    ...DEFAULT_XGB_PARAMS,
    iterations: 200,
    max_depth: 6,
    min_child_weight: 1,
  };
  const times: number[] = [];
  let pred: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    const b = await Booster.train(X.slice(0, n), y.slice(0, n), params);
    times.push(performance.now() - t0);
    pred = b.predict(X.slice(n));
    b.free();
  }
  const wasmMs = times.sort((a, b) => a - b)[1];
  const wasmRmse = rmse(y.slice(n), pred);
  const label = `train ${n} rows × ${
    X[0].length
  } features × ${params.iterations} rounds, depth 6, hist`;
  const python = "/usr/bin/python3";
  const dir = await Deno.makeTempDir();
  try {
    const npz = join(dir, "m.npz");
    const ok = await writeNpz(npz, X, y, n).then(() => true, () => false);
    const r = ok &&
      await new Deno.Command(python, {
        args: ["-c", PY, npz, JSON.stringify(params)],
        stdout: "piped",
        stderr: "piped",
      })
        .output().catch(() => undefined);
    if (!r || r.code !== 0) {
      return [{
        name: "xgboost-train",
        what: label,
        value: wasmMs,
        unit: "ms",
        reference: "native XGBoost unavailable (apt-get install python3-xgboost)",
      }];
    }
    const nat = JSON.parse(new TextDecoder().decode(r.stdout)) as {
      t1: number;
      t2: number;
      rmse: number;
    };
    return [
      {
        name: "xgboost-train vs native (1 thread)",
        what: label,
        value: wasmMs,
        unit: "ms",
        reference: `native XGBoost 1.7 ${nat.t1.toFixed(0)} ms`,
        ratio: nat.t1 / wasmMs,
      },
      {
        name: "xgboost-train vs native (2 threads)",
        what: label,
        value: wasmMs,
        unit: "ms",
        reference: `native XGBoost 1.7 ${nat.t2.toFixed(0)} ms`,
        ratio: nat.t2 / wasmMs,
      },
      {
        name: "xgboost hold-out RMSE vs native",
        what: "RMSE of 1h log returns on the next 5,000 rows (lower is better)",
        value: wasmRmse,
        unit: "",
        reference: `native ${nat.rmse.toExponential(4)}`,
        ratio: nat.rmse / wasmRmse,
      },
    ];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
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
  const r = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", code, raw, raw + ".y", path],
    stderr: "piped",
  }).output()
    .catch(() => undefined);
  if (!r || r.code !== 0) throw new Error("numpy is needed for the native XGBoost reference");
}
