/**
 * External signals into the `signals` table, point in time: Token Metrics
 * trading signals and the Fear & Greed Index (live, paged, retried), signal
 * files (Fear & Greed and Token Metrics exports, a long `ts,symbol,name,value`
 * format for any signal), and a synthetic signal for the sample market.
 * Every value records when it became known (`available_at`, see
 * `available.ts`); features join on that, never on the nominal date.
 *
 * @module
 */
export { dailyAvailableAt, DAY_MS, dayOf } from "./available.ts";
export {
  checkBatch,
  ingestSignals,
  NAME_RE,
  type SignalIngestResult,
  type SignalRow,
} from "./store.ts";
export { getJson, SignalSourceError } from "./http.ts";
export {
  baseOf,
  fetchTokenMetrics,
  MissingKeyError,
  type PulledSignals,
  TOKEN_METRICS_DEFAULT_URL,
  TOKEN_METRICS_NAMES,
  TOKEN_METRICS_SOURCE,
  tokenMetricsRows,
} from "./token_metrics.ts";
export {
  FEAR_GREED_DEFAULT_URL,
  FEAR_GREED_SOURCE,
  fearGreedClass,
  fearGreedRow,
  fetchFearGreed,
} from "./fear_greed.ts";
export {
  checkSourceName,
  type ParsedSignalFile,
  parseSignalText,
  readSignalFile,
  type SignalFileKind,
} from "./files.ts";
export { ingestSampleSignal, SAMPLE_SIGNAL_SOURCE, sampleSignalRows } from "./sample.ts";
