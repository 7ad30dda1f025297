/**
 * A test helper: forecast every champion with the production entry
 * (`forecastChampions`) and fail, naming each, when any could not forecast.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { describeFailure, forecastChampions, type SeriesForecast } from "../forecast/mod.ts";

/**
 * Every champion's forecast (written as `forecastChampions` writes them);
 * throws after writing the good ones when a champion could not forecast.
 *
 * @example
 * ```ts
 * const forecasts = await forecastAll(wh, { now: Date.UTC(2025, 5, 1) });
 * ```
 */
export async function forecastAll(
  wh: Warehouse,
  options: { now?: number } = {},
): Promise<SeriesForecast[]> {
  const r = await forecastChampions(wh, options);
  if (r.failed.length > 0) {
    throw new Error(
      `Cannot forecast ${r.failed.length} series: ${r.failed.map(describeFailure).join("; ")}`,
    );
  }
  return r.forecasts;
}
