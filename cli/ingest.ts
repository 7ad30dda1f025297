/**
 * `ingest`: candles from the sample market, files, or (later) exchanges.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "./config.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import { ingestFiles, MissingOptionError } from "../loaders/files/mod.ts";
import { intArg, publish, symbolList, tfList, UsageError, withWriter } from "./_common.ts";

/** Runs `ingest` with its arguments; returns the exit code. */
export async function ingest(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      source: { type: "string" },
      file: { type: "string" },
      symbols: { type: "string" },
      timeframes: { type: "string" },
      days: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      exchange: { type: "string" },
      symbol: { type: "string" },
      timeframe: { type: "string" },
    },
  });
  if (values.file) {
    const tf = values.timeframe ? tfList(values.timeframe)[0] : undefined;
    return await withWriter(cfg, async (wh) => {
      let r;
      try {
        r = await ingestFiles(wh, values.file!, {
          exchange: values.exchange,
          symbol: values.symbol ? symbolList(values.symbol)[0] : undefined,
          timeframe: tf,
        });
      } catch (err) {
        if (err instanceof MissingOptionError) throw new UsageError(err.message);
        throw err;
      }
      for (const f of r.files) console.log(`  ${f.path}: ${f.format}, ${f.rows} rows`);
      console.log(`ingest: ${r.message} — run ${r.run_id}`);
      if (r.rows_rejected > 0) {
        const reasons = await wh.rows<{ reason: string; n: number }>(
          `SELECT regexp_replace(regexp_replace(reason, '\\S+\\.(csv|json|txt)(:[0-9]+)?( \\[[0-9]+\\])?', '<file:line>', 'g'),
                                '[0-9]+(\\.[0-9]+)?', 'N', 'g') AS reason, count(*) AS n
           FROM rejects WHERE run_id = ? GROUP BY 1 ORDER BY n DESC LIMIT 5`,
          [r.run_id],
        );
        for (const x of reasons) console.log(`  rejected ${x.n}× ${x.reason}`);
        console.log(
          `  every rejected row: deno task sql "SELECT * FROM rejects WHERE run_id = '${r.run_id}'"`,
        );
      }
      await publish(wh, cfg);
    });
  }
  if (values.source !== "sample") {
    if (!values.source) {
      throw new UsageError("ingest needs --source sample|<exchange id> or --file PATH");
    }
    console.error(
      `ingest --source ${values.source}: exchange connectors are not implemented yet (market data loaders issue).`,
    );
    return 2;
  }
  return await withWriter(cfg, async (wh) => {
    const r = await ingestSample(wh, {
      days: values.days ? intArg("days", values.days) : undefined,
      symbols: values.symbols ? symbolList(values.symbols) : undefined,
      timeframes: values.timeframes ? tfList(values.timeframes) : undefined,
    });
    console.log(`ingest sample (synthetic): ${r.message} — run ${r.run_id}`);
    await publish(wh, cfg);
  });
}
