/**
 * The truth about crypto returns, on real data: an honest walk-forward finds
 * no model that beats "no change" (MASE about 1, directional accuracy at the
 * up-rate), the champion stays naive, and the 80% intervals cover about 80%.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REAL_DATA, realFile } from "./mod.ts";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestFiles } from "../../loaders/files/mod.ts";
import { trainSeries } from "../../pipeline/train.ts";

for (const symbol of ["BTC/USDT", "ETH/USDT"]) {
  Deno.test({
    name:
      `trainSeries() on real ${symbol} daily candles (Binance 2017–2026): no model beats no change`,
    ignore: !REAL_DATA,
    sanitizeResources: false,
    async fn() {
      const dir = await Deno.makeTempDir();
      const wh = await openWarehouse(join(dir, "w.duckdb"));
      try {
        const base = symbol.split("/")[0];
        await ingestFiles(wh, realFile("mschindler779__CausCrypto", `Binance_BTCUSDT_d.csv`));
        if (base !== "BTC") {
          await ingestFiles(wh, realFile("mschindler779__CausCrypto", `Binance_${base}USDT_d.csv`));
        }
        const r = await trainSeries(wh, { exchange: "binance", symbol, timeframe: "1d" }, {
          modelsDir: join(dir, "models"),
        });
        const x = r.summaries.find((s) => s.model === "xgboost")!;
        const up = (await wh.one<{ v: number }>(
          `SELECT value AS v FROM run_metrics JOIN model_runs USING (run_id)
           WHERE model = 'xgboost' AND fold IS NULL AND horizon IS NULL AND metric = 'up_rate'`,
        ))!.v;
        console.log(
          `${symbol}: xgboost MASE ${x.mase.toFixed(3)}, dir acc ${x.dirAcc.toFixed(3)} (up-rate ${
            up.toFixed(3)
          }), 80% coverage ${x.coverage80.toFixed(3)}; champion ${r.champion}`,
        );
        assert.equal(r.champion, "naive", r.reason);
        assert.ok(x.mase > 0.97 && x.mase < 1.1, `MASE ${x.mase}`);
        assert.ok(
          Math.abs(x.dirAcc - up) < 0.06,
          `directional accuracy ${x.dirAcc} vs up-rate ${up}`,
        );
        assert.ok(x.coverage80 > 0.72 && x.coverage80 < 0.88, `80% coverage ${x.coverage80}`);
      } finally {
        wh.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
