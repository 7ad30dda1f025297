/**
 * Ingest bench: a generated 3M-row Binance 1m dump loaded into an empty
 * file-backed warehouse by `ingestFiles` (full validation and accounting)
 * against DuckDB's own `read_csv` into a plain table, side by side. Each load
 * runs in its own subprocess, which reports its time and peak RSS (`VmHWM`);
 * ours also runs on a 1M-row dump to show that memory does not grow with the
 * file (the ingest works within `INGEST_MEMORY_LIMIT`, spilling past it).
 *
 * Run alone: `deno task bench ingest` (or `deno run -A tools/bench/ingest.ts`).
 *
 * @module
 */
import { join } from "node:path";
import type { BenchResult } from "./mod.ts";

const T0 = Date.UTC(2019, 0, 1);

/** Writes a deterministic `rows`-row 1m dump (ms times, 12 columns) in chunks. */
export async function writeDump(path: string, rows: number): Promise<void> {
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let p = 20_000, chunk: string[] = [];
  try {
    for (let i = 0; i < rows; i++) {
      const t = T0 + i * 60_000, o = p;
      p = Math.max(1, p * (1 + (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.002));
      const h = Math.max(o, p) * 1.0005, l = Math.min(o, p) * 0.9995;
      chunk.push(
        `${t},${o.toFixed(2)},${h.toFixed(2)},${l.toFixed(2)},${p.toFixed(2)},` +
          `${(i % 97 + 1).toFixed(5)},${t + 59_999},${(o * 3.1).toFixed(4)},${i % 500},1.5,20.25,0`,
      );
      if (chunk.length === 50_000) {
        await f.write(enc.encode(chunk.join("\n") + "\n"));
        chunk = [];
      }
    }
    if (chunk.length) await f.write(enc.encode(chunk.join("\n") + "\n"));
  } finally {
    f.close();
  }
}

interface Measured {
  seconds: number;
  peakMb: number;
  rows: number;
}

async function measure(mode: "ours" | "reference", file: string, dir: string): Promise<Measured> {
  const db = join(dir, `${mode}-${crypto.randomUUID()}.duckdb`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "worker", mode, file, db],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`bench ingest: the ${mode} subprocess failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines.at(-1)!);
}

/**
 * Runs the ingest bench; ratio > 1 is better than the reference.
 *
 * @example
 * ```ts
 * const results = await benchIngest();
 * ```
 */
export async function benchIngest(options: { rows?: number } = {}): Promise<BenchResult[]> {
  const rows = options.rows ?? 3_000_000, small = Math.round(rows / 3);
  const dir = await Deno.makeTempDir({ prefix: "prevision-bench-ingest-" });
  try {
    const big = join(dir, "BTCUSDT-1m-big.csv"), little = join(dir, "BTCUSDT-1m-small.csv");
    await writeDump(big, rows);
    await writeDump(little, small);
    const ref = await measure("reference", big, dir);
    const ours = await measure("ours", big, dir);
    const oursSmall = await measure("ours", little, dir);
    if (ours.rows !== rows) throw new Error(`bench ingest: loaded ${ours.rows} of ${rows} rows`);
    const m = (n: number) => `${(n / 1e6).toFixed(0)}M`;
    return [
      {
        name: "ingest-3m-time",
        what: `ingestFiles: ${m(rows)}-row Binance dump, validated and accounted, into an empty ` +
          `file warehouse (reference: read_csv ${
            ref.seconds.toFixed(2)
          } s; ratio ≥ 0.5 = at most 2x)`,
        value: ours.seconds,
        unit: "s",
        reference: "DuckDB read_csv into a table, same file",
        ratio: ref.seconds / ours.seconds,
      },
      {
        name: "ingest-3m-peak-rss",
        what: `peak RSS of the ingest subprocess (reference read_csv: ${ref.peakMb.toFixed(0)} MB)`,
        value: ours.peakMb,
        unit: "MB",
        reference: "DuckDB read_csv into a table, same file",
        ratio: ref.peakMb / ours.peakMb,
      },
      {
        name: "ingest-peak-rss-growth",
        what: `peak RSS at ${m(rows)} rows over ${m(small)} rows (${ours.peakMb.toFixed(0)} vs ` +
          `${oursSmall.peakMb.toFixed(0)} MB); flat memory is near 1`,
        value: ours.peakMb / oursSmall.peakMb,
        unit: "x",
        reference: `ours on a ${m(small)}-row dump`,
        ratio: oursSmall.peakMb / ours.peakMb,
      },
    ];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function worker(mode: string, file: string, db: string): Promise<void> {
  const t0 = performance.now();
  let rows: number;
  if (mode === "reference") {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv($file)`, { file });
    const r = await conn.runAndReadAll("SELECT count(*)::INTEGER AS n FROM t");
    rows = Number(r.getRowObjectsJS()[0].n);
    conn.closeSync();
    inst.closeSync();
  } else {
    const { openWarehouse } = await import("../../warehouse/db.ts");
    const { ingestFiles } = await import("../../loaders/files/mod.ts");
    const wh = await openWarehouse(db);
    const r = await ingestFiles(wh, file, { symbol: "BTC/USDT", now: Date.UTC(2026, 0, 1) });
    rows = r.rows_loaded;
    wh.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ seconds, peakMb: peakRssMb(), rows }));
}

if (import.meta.main) {
  if (Deno.args[0] === "worker") await worker(Deno.args[1], Deno.args[2], Deno.args[3]);
  else console.log(await benchIngest());
}
