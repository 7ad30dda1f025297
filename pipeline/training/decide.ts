/**
 * The second step of training a series: who is champion. The champion in
 * place before this run (read from the `champions` view) is defended on the
 * same folds: each other kind is tested against it, and the registry's rule
 * ({@link decideChampion}) decides.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import type { Series } from "../../core/series.ts";
import { MODEL_KINDS, type ModelKind } from "../models/mod.ts";
import { decideChampion, type DmTest, pairedDm, type Verdict } from "../registry/mod.ts";
import type { SeriesEvaluation } from "./evaluate.ts";

/**
 * The verdict for an evaluated series.
 *
 * @example
 * ```ts
 * const verdict = await decideSeries(wh, await evaluateSeries(wh, series));
 * console.log(verdict.champion, verdict.reason);
 * ```
 */
export async function decideSeries(wh: Warehouse, e: SeriesEvaluation): Promise<Verdict> {
  const current = await currentChampionKind(wh, e.series);
  const versusCurrent: Record<string, DmTest> = {};
  const currentPoints = e.kinds.get(current as ModelKind)?.points;
  for (const kind of MODEL_KINDS) {
    if (currentPoints && kind !== current) {
      versusCurrent[kind] = pairedDm(e.kinds.get(kind)!.points, currentPoints, e.horizons[0]);
    }
  }
  return decideChampion(e.summaries, { current, versusCurrent });
}

/** The model kind of a series' current champion, or undefined before its first run. */
async function currentChampionKind(wh: Warehouse, s: Series): Promise<string | undefined> {
  const r = await wh.one<{ model: string }>(
    "SELECT model FROM champions WHERE exchange = ? AND symbol = ? AND timeframe = ?",
    [s.exchange, s.symbol, s.timeframe],
  );
  return r?.model;
}
