/**
 * Features: the `core` columns computed in DuckDB from a series' candles
 * (and BTC's), and external signals joined as of each candle's close. All
 * windows are causal. A feature set has a name and a hash of its SQL, which
 * models record so that serving can tell whether this code still computes
 * what they were trained on.
 *
 * @module
 */
export {
  FEATURE_COLUMNS,
  FEATURE_SET,
  featureColumns,
  type FeatureFrame,
  featureSetHash,
  featureSetName,
  featureSql,
  loadFeatures,
  WINDOWS,
} from "./core.ts";
export {
  MAX_SIGNAL_AGE_DAYS,
  MAX_SIGNAL_COLUMNS,
  MIN_SIGNAL_ROWS,
  NOT_FEATURES,
  SIGNAL_FEATURES,
  signalColumn,
  signalParams,
  type SignalSpec,
  signalSpecs,
  specsFromColumns,
  withSignalsSql,
} from "./signals.ts";
