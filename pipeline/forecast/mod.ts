/**
 * Forecasts and their ledger: every champion's next horizons from the last
 * closed candle, with calibrated intervals, written to `forecasts`; and the
 * forecasts already issued scored against what happened (the
 * `forecast_ledger` view).
 *
 * @module
 */
export {
  describeFailure,
  describeStale,
  forecastChampions,
  type ForecastFailure,
  type ForecastPoint,
  type ForecastReport,
  forecastVersion,
  type SeriesForecast,
  type VersionRef,
} from "./forecast.ts";
export {
  formatLedger,
  type LedgerRow,
  type LedgerSummary,
  loadLedger,
  scoreLedger,
} from "./ledger.ts";
