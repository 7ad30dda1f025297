/**
 * The command line: one verb per `deno task`. Task entry points are the
 * only place (with loaders and the API) that opens files, the network or
 * DuckDB.
 *
 * Exit codes: 0 done, 1 failed, 2 bad usage, 75 another
 * `update` is running (a temporary failure: cron simply tries again next time).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Config, loadConfig, loadDotEnv } from "../core/config.ts";
import { ingest } from "./ingest.ts";
import { intArg, intList, publish, symbolList, tfList, UsageError, withWriter } from "./_common.ts";
import { openWarehouse, type Warehouse } from "../warehouse/db.ts";
import { snapshotRoot } from "../warehouse/snapshot.ts";
import { ingestSample, SAMPLE_EXCHANGE, SAMPLE_SYMBOLS } from "../loaders/sample/mod.ts";
import type { Timeframe } from "../core/candles.ts";
import { InsufficientDataError, trainSeries } from "../pipeline/train.ts";
import { ingestExchange } from "../loaders/exchanges/mod.ts";
import { describeFailure } from "../pipeline/forecast/mod.ts";
import { forecast, printLedger, publishIfChanged, runForecast } from "./forecast.ts";
import { XgbPool } from "../pipeline/models/mod.ts";
import {
  createKey,
  exportKeys,
  keysFile,
  listKeys,
  registerKey,
  revokeKey,
} from "../warehouse/keys.ts";
import { parseIsoDate } from "../core/time.ts";
import { serveApi } from "../api/serve.ts";
import { signalEnv, signals, updateSignals } from "./signals.ts";
import { ingestSampleSignal } from "../loaders/signals/mod.ts";
import { dueSeries, inShard, parseShard } from "../pipeline/schedule.ts";
import type { Series } from "../core/series.ts";
import { acquireLock, LockedError } from "../warehouse/lock.ts";
import { dirname, join } from "node:path";

const NOT_YET: Record<string, string> = {};

/** Runs a verb with its arguments; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  loadDotEnv();
  const cfg = loadConfig();
  switch (verb) {
    case "start":
      return await start(cfg, rest);
    case "ingest":
      return await ingest(cfg, rest);
    case "signals":
      return await signals(cfg, rest);
    case "train":
      return await train(cfg, rest);
    case "forecast":
      return await forecast(cfg);
    case "update":
      return await update(cfg, rest);
    case "api":
      return await api(cfg);
    case "site":
      return await site(cfg);
    case "sql":
      return await sql(cfg, rest);
    case "keys":
      return await keys(cfg, rest);
    default:
      if (verb && NOT_YET[verb]) {
        console.error(`${verb}: ${NOT_YET[verb]}.`);
        return 2;
      }
      throw new UsageError(
        `Unknown command "${
          verb ?? ""
        }". Commands: start, ingest, signals, train, forecast, update, api, site, sql, keys, bench, test (see README.md).`,
      );
  }
}

async function start(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      "no-serve": { type: "boolean" },
      days: { type: "string" },
      symbols: { type: "string" },
      horizons: { type: "string" },
      retrain: { type: "boolean" },
    },
  });
  const symbols = values.symbols ? symbolList(values.symbols) : SAMPLE_SYMBOLS;
  const t0 = performance.now();
  const lap = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  console.log("Prévision — the main job, offline, on the embedded SAMPLE market (synthetic data).");
  const code = await withWriter(cfg, async (wh) => {
    console.log(`• warehouse ${cfg.db} ready (schema migrated)`);
    const r = await ingestSample(wh, {
      days: values.days ? intArg("days", values.days) : undefined,
      symbols,
    });
    console.log(`• sample market ingested: ${r.message} [${lap()}]`);
    const sig = await ingestSampleSignal(wh);
    console.log(`• sample signal (synthetic fear & greed) ingested: ${sig.message} [${lap()}]`);
    const wanted = (["1d", "1h"] as const).flatMap((timeframe) =>
      symbols.map((symbol) => ({ exchange: SAMPLE_EXCHANGE, symbol, timeframe }))
    );
    // On an existing warehouse, champions younger than a day are kept (--retrain forces).
    const due = values.retrain
      ? wanted
      : await dueSeries(wh, { retrainAfterHours: 24, among: wanted });
    await trainAll(wh, cfg, due, {
      horizons: values.horizons ? intList("horizons", values.horizons) : undefined,
    });
    const kept = wanted.length - due.length;
    console.log(
      `• trained and evaluated ${due.length} series${
        kept ? ` (${kept} kept: champions under 24 h old; --retrain to redo)` : ""
      } [${lap()}]`,
    );
    const fc = await runForecast(wh);
    if (fc.failed.length) console.log(`• ${fc.failed.length} series not forecast (named above)`);
    if (cfg.apiKey) await registerKey(wh, cfg.apiKey, "PREVISION_API_KEY");
    await publish(wh, cfg);
    console.log(`• snapshot published [${lap()}]`);
  });
  if (code !== 0) return code;
  await site(cfg);
  console.log(`• site built into ${cfg.dist}/ [${lap()}]`);
  if (values["no-serve"]) return 0;
  let newKey: string | undefined;
  if (!cfg.apiKey) {
    await withWriter(cfg, async (wh) => {
      const existing = (await listKeys(wh)).filter((k) => k.name === "start" && !k.revoked_at);
      if (existing.length === 0) {
        newKey = (await createKey(wh, { name: "start" })).key;
        await exportKeys(wh, keysFile(cfg.db));
      }
    });
  }
  return await api(cfg, { newKey, readyIn: lap() });
}

async function train(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      symbols: { type: "string" },
      timeframe: { type: "string" },
      horizons: { type: "string" },
      seed: { type: "string" },
      exchange: { type: "string" },
      folds: { type: "string" },
      shard: { type: "string" },
    },
  });
  const shard = values.shard ? parseShardArg(values.shard) : undefined;
  let failed = 0;
  const code = await withWriter(cfg, async (wh) => {
    const exchange = values.exchange ?? (await defaultExchange(wh));
    const symbols = (values.symbols ? symbolList(values.symbols) : undefined) ??
      (await wh.rows<{ symbol: string }>(
        "SELECT DISTINCT symbol FROM ohlcv WHERE exchange = ? ORDER BY 1",
        [exchange],
      )).map((r) => r.symbol);
    const timeframes = values.timeframe ? tfList(values.timeframe) : ["1d", "1h"] as Timeframe[];
    const requested = timeframes.flatMap((timeframe) =>
      symbols.map((symbol) => ({ exchange, symbol, timeframe }))
    );
    // Only stored series are trained; the others are named, not a crash.
    const stored = new Set(
      (await wh.rows<{ key: string }>(
        "SELECT DISTINCT symbol || ' ' || timeframe AS key FROM ohlcv WHERE exchange = ?",
        [exchange],
      )).map((r) => r.key),
    );
    const all = requested.filter((s) => stored.has(`${s.symbol} ${s.timeframe}`));
    for (const s of requested.filter((s) => !all.includes(s))) {
      console.error(`train: no candles for ${s.symbol} ${s.timeframe} on ${exchange}: skipped`);
    }
    if (all.length === 0) {
      throw new UsageError(
        `None of the requested series has candles on ${exchange}: ingest them first ` +
          `(deno task ingest), or name stored ones with --symbols and --timeframe`,
      );
    }
    const series = shard ? all.filter((s) => inShard(s, shard)) : all;
    if (shard) {
      console.log(
        `train: shard ${shard.index}/${shard.count}: ${series.length} of ${all.length} series`,
      );
    }
    await trainAll(wh, cfg, series, {
      horizons: values.horizons ? intList("horizons", values.horizons) : undefined,
      seed: values.seed ? intArg("seed", values.seed) : undefined,
      folds: values.folds ? intArg("folds", values.folds) : undefined,
    });
    failed = (await runForecast(wh)).failed.length;
    await publish(wh, cfg);
  });
  if (code === 0 && failed > 0) {
    console.error(`train: ${failed} series could not forecast, named above (exit 1)`);
    return 1;
  }
  return code;
}

async function update(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      "retrain-after": { type: "string" },
      shard: { type: "string" },
      signals: { type: "string" },
    },
  });
  const hours = values["retrain-after"]
    ? intArg("retrain-after", values["retrain-after"])
    : undefined;
  const shard = values.shard ? parseShardArg(values.shard) : undefined;
  // Never two updates at once (cron may fire while a slow one still runs).
  let unlock: () => Promise<void>;
  try {
    await Deno.mkdir(dirname(cfg.db), { recursive: true });
    unlock = await acquireLock(join(dirname(cfg.db), ".update.lock"), { what: "update" });
  } catch (err) {
    if (!(err instanceof LockedError)) throw err;
    console.error(`update: ${err.message}`);
    return 75;
  }
  try {
    return await updateLocked(
      cfg,
      hours,
      shard,
      values.signals?.split(",").map((s) => s.trim().toLowerCase()),
    );
  } finally {
    await unlock();
  }
}

async function updateLocked(
  cfg: Config,
  hours: number | undefined,
  shard: ReturnType<typeof parseShard> | undefined,
  forceSignals?: string[],
): Promise<number> {
  const failures: string[] = [];
  const code = await withWriter(cfg, async (wh) => {
    // Incremental: the sample series already here, from their last candle on.
    const present = await wh.rows<{ symbol: string; timeframe: string; last: string }>(
      "SELECT symbol, timeframe, max(ts) AS last FROM ohlcv WHERE exchange = ? GROUP BY ALL",
      [SAMPLE_EXCHANGE],
    );
    if (present.length > 0) {
      const oldest = Math.min(...present.map((p) => Date.parse(p.last)));
      const r = await ingestSample(wh, {
        symbols: [...new Set(present.map((p) => p.symbol))],
        timeframes: tfList([...new Set(present.map((p) => p.timeframe))].join(",")),
        days: Math.max(2, Math.ceil((Date.now() - oldest) / 86_400_000) + 1),
      });
      console.log(`update: sample (synthetic) ${r.message}`);
      console.log(`update: sample signal (synthetic) ${(await ingestSampleSignal(wh)).message}`);
    }
    // Exchanges pulled live before: resume each of their series from its last candle.
    const live = await wh.rows<{ exchange: string; symbols: string[]; timeframes: string[] }>(
      `SELECT o.exchange, list(DISTINCT o.symbol ORDER BY o.symbol) AS symbols,
              list(DISTINCT o.timeframe ORDER BY o.timeframe) AS timeframes
       FROM ohlcv o WHERE o.exchange IN (
         SELECT DISTINCT source FROM ingest_runs WHERE status = 'ok' AND source NOT IN ('sample', 'file'))
       GROUP BY o.exchange ORDER BY 1`,
    );
    for (const x of live) {
      try {
        const r = await ingestExchange(wh, {
          exchange: x.exchange,
          symbols: x.symbols,
          timeframes: tfList(x.timeframes.join(",")),
        });
        console.log(`update: ${x.exchange} ${r.message}`);
      } catch (err) {
        // One unreachable exchange must not stop forecasts from what is stored.
        failures.push(`${x.exchange}: ${err instanceof Error ? err.message : String(err)}`);
        console.error(`update: ${failures.at(-1)}`);
      }
    }
    // Live signals that are configured, or asked for (--signals fear-greed,token-metrics).
    const sig = await updateSignals(wh, signalEnv(), { force: forceSignals });
    failures.push(...sig.failures);
    const due = (await dueSeries(wh, { retrainAfterHours: hours }))
      .filter((s) => !shard || inShard(s, shard));
    for (const d of due) {
      console.log(`update: ${d.exchange} ${d.symbol} ${d.timeframe} due: ${d.reason}`);
    }
    await trainAll(wh, cfg, due, { skipShort: true });
    if (due.length === 0) {
      console.log(
        `update: nothing to retrain (${
          hours === undefined ? "per-timeframe policy" : `champions under ${hours} h`
        }, or no newer candles)`,
      );
    }
    const fc = await runForecast(wh);
    failures.push(...fc.failed.map((f) => `forecast ${describeFailure(f)}`));
    await printLedger(wh);
    // Idempotent: nothing ingested, trained or forecast leaves the snapshot as it is.
    await publishIfChanged(wh, cfg, "update");
  });
  if (failures.length > 0) {
    console.error(`update: finished with ${failures.length} failure(s), named above (exit 1)`);
    return 1;
  }
  return code;
}

async function api(
  cfg: Config,
  extra: { newKey?: string; readyIn?: string } = {},
): Promise<number> {
  if (cfg.apiKey) {
    await withWriter(cfg, async (wh) => {
      await registerKey(wh, cfg.apiKey!, "PREVISION_API_KEY");
      await exportKeys(wh, keysFile(cfg.db));
    });
  }
  const server = await serveApi(cfg);
  const base = `http://127.0.0.1:${server.port}`;
  console.log(`
Prévision is serving${extra.readyIn ? ` (ready in ${extra.readyIn})` : ""}:
  site  ${base}/
  API   ${base}/api/health   (docs: ${base}/api/docs, OpenAPI: ${base}/api/openapi.json, metrics: ${base}/metrics)
`);
  if (extra.newKey) {
    console.log(`A new API key was created for you (shown once, stored only as a hash):
  ${extra.newKey}
Try:  curl -H "Authorization: Bearer ${extra.newKey}" "${base}/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h"`);
  } else if (cfg.apiKey) {
    console.log(`The key in PREVISION_API_KEY is registered. Try:
  curl -H "Authorization: Bearer $PREVISION_API_KEY" "${base}/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h"`);
  } else {
    console.log(`Use an existing key, or make one: deno task keys create --name me`);
  }
  console.log("Stop with Ctrl-C.");
  await server.finished;
  return 0;
}

async function site(cfg: Config): Promise<number> {
  const { buildSite } = await import("../site/build.ts");
  const r = await buildSite({
    outDir: cfg.dist,
    env: { PREVISION_DB: cfg.db, PREVISION_SNAPSHOTS: snapshotRoot(cfg.db) },
  });
  console.log(
    `site: ${r.pages.length} pages built into ${r.outDir} in ${(r.ms / 1000).toFixed(1)} s`,
  );
  return 0;
}

async function sql(cfg: Config, rest: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: "boolean" } },
    allowPositionals: true,
  });
  const query = positionals.join(" ").trim();
  if (!query) throw new UsageError('sql needs a query: deno task sql "SELECT * FROM markets"');
  const wh = await openWarehouse(cfg.db, { readOnly: true });
  try {
    const rows = await wh.rows(query);
    if (values.json) console.log(JSON.stringify(rows));
    else if (rows.length === 0) console.log("(no rows)");
    else console.table(rows);
  } finally {
    wh.close();
  }
  return 0;
}

async function keys(cfg: Config, rest: string[]): Promise<number> {
  const [action, ...more] = rest;
  const { values, positionals } = parseArgs({
    args: more,
    options: { name: { type: "string" }, expires: { type: "string" } },
    allowPositionals: true,
  });
  return await withWriter(cfg, async (wh) => {
    if (action === "create") {
      if (!values.name) throw new UsageError("keys create needs --name NAME");
      if (values.name === "PREVISION_API_KEY") {
        throw new UsageError("the name PREVISION_API_KEY is kept for the key from the environment");
      }
      const expiresAt = values.expires === undefined ? undefined : parseExpiry(values.expires);
      const k = await createKey(wh, { name: values.name, expiresAt });
      console.log(
        `Created key ${k.key_id} ("${values.name}"). Shown once — store it now:\n${k.key}`,
      );
    } else if (action === "list") {
      const ks = await listKeys(wh);
      if (ks.length === 0) console.log("(no keys)");
      else console.table(ks.map(({ secret_sha256: _s, ...k }) => k));
    } else if (action === "revoke") {
      const id = positionals[0];
      if (!id) throw new UsageError("keys revoke needs a KEY_ID (see deno task keys list)");
      if (!(await revokeKey(wh, id))) throw new UsageError(`No key with id ${id}`);
      console.log(`Revoked ${id}.`);
    } else {
      throw new UsageError("keys create --name N [--expires DATE] | list | revoke KEY_ID");
    }
    await exportKeys(wh, keysFile(cfg.db));
  });
}

function parseShardArg(text: string) {
  try {
    return parseShard(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function trainAll(
  wh: Warehouse,
  cfg: Config,
  series: Series[],
  options: { horizons?: number[]; seed?: number; folds?: number; skipShort?: boolean } = {},
): Promise<void> {
  const pool = new XgbPool();
  try {
    for (const s of series) {
      let r;
      try {
        r = await trainSeries(wh, s, { modelsDir: cfg.models, ...options, pool });
      } catch (err) {
        if (!(options.skipShort && err instanceof InsufficientDataError)) throw err;
        console.log(`  ${s.exchange} ${s.symbol} ${s.timeframe}: skipped — ${err.message}`);
        continue;
      }
      const x = r.summaries.find((m) => m.model === "xgboost");
      for (const j of r.signals) {
        console.log(`  ${s.symbol} ${s.timeframe} ${j.model}: ${j.headline}`);
      }
      console.log(
        `  ${s.symbol} ${s.timeframe}: champion ${r.champion} — xgboost MASE ${
          x?.mase.toFixed(3)
        }, ` +
          `80% coverage ${((x?.coverage80 ?? NaN) * 100).toFixed(1)}% (${
            (r.ms / 1000).toFixed(1)
          } s)`,
      );
    }
  } finally {
    pool.close();
  }
}

async function defaultExchange(wh: Warehouse): Promise<string> {
  const r = await wh.one<{ exchange: string }>(
    "SELECT exchange FROM ohlcv GROUP BY exchange ORDER BY count(*) DESC LIMIT 1",
  );
  if (!r) throw new UsageError("The warehouse has no candles yet: run deno task ingest first");
  return r.exchange;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    if (
      err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error((err as Error).message);
      Deno.exit(2);
    }
    console.error(`Failed: ${err instanceof Error ? err.message : String(err)}`);
    if (Deno.env.get("PREVISION_DEBUG")) console.error(err);
    Deno.exit(1);
  }
}

/** `--expires`: an ISO 8601 date or time in the future, as UTC ISO text. */
function parseExpiry(text: string): string {
  const t = parseIsoDate(text);
  if (t === undefined) {
    throw new UsageError(
      `--expires "${text}" is not an ISO 8601 date or time (e.g. 2027-01-31 or 2027-01-31T12:00:00+02:00)`,
    );
  }
  if (t <= Date.now()) throw new UsageError(`--expires "${text}" is in the past`);
  return new Date(t).toISOString();
}
