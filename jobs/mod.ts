/**
 * The verbs' work, below the CLI: each job takes typed options (never argv),
 * opens the warehouse for writing when it needs to, logs progress lines to a
 * {@link Log} and returns a report for its caller to print. Jobs never exit
 * the process; a {@link UsageError} is the caller's mistake (exit 2 in the
 * CLI). Jobs sit on core, the warehouse, the loaders and the pipeline.
 *
 * - `start`: the main job offline (sample market, training, forecasts, snapshot)
 * - `ingest`: candles from the sample, files or exchanges; resample; consolidate
 * - `signals`: live signal pulls, and `update`'s signal step; `signal_files`: signal files
 * - `train`: the series to train and {@link trainAll}
 * - `forecast`: forecasts, the ledger, publishing when changed
 * - `update`: the update policy, under its lock
 * - `keys`, `sql`: API keys, and read-only SQL
 *
 * @module
 */
export { UsageError } from "./errors.ts";
export { consoleLog, type Log } from "./log.ts";
export { withWriter } from "./writer.ts";
export { type RejectReason, type RunReport } from "./rejects.ts";
export { startJob, type StartOptions } from "./start.ts";
export {
  consolidateJob,
  ingestExchangeJob,
  ingestFilesJob,
  ingestSampleJob,
  resampleJob,
} from "./ingest.ts";
export {
  LIVE_SOURCES,
  liveSource,
  pullFearGreed,
  pullSignalsJob,
  pullTokenMetrics,
  type SignalEnv,
  signalEnv,
  updateSignals,
} from "./signals.ts";
export { fileSourceName, importSignalFiles, importSignalsJob } from "./signal_files.ts";
export {
  trainAll,
  type TrainAllOptions,
  trainJob,
  type TrainJobOptions,
  type TrainJobReport,
} from "./train.ts";
export { forecastAndLog, forecastJob, type ForecastJobReport, logLedger } from "./forecast.ts";
export { updateJob, type UpdateOptions, type UpdateReport } from "./update.ts";
export {
  acceptEnvKey,
  ENV_KEY_NAME,
  type KeyStore,
  registerEnvKey,
  startKey,
  withKeys,
} from "./keys.ts";
export { queryWarehouse } from "./sql.ts";
