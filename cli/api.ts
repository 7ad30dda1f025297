/**
 * `api`: serves the API (and the built site, when there is one) until
 * stopped, accepting the key in `PREVISION_API_KEY` at once; the key is
 * registered in the warehouse in the background, once no writer runs.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { serveApi } from "../api/serve.ts";
import { acceptEnvKey, consoleLog } from "../jobs/mod.ts";

/**
 * Runs `api`; `newKey` (shown once) and `readyIn` come from `start`.
 * Returns the exit code when the server stops.
 */
export async function api(
  cfg: Config,
  extra: { newKey?: string; readyIn?: string } = {},
): Promise<number> {
  const envKey = await acceptEnvKey(cfg, { log: consoleLog });
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
    console.log(
      `The key in PREVISION_API_KEY is registered (for this server at once; in the warehouse once no writer runs). Try:
  curl -H "Authorization: Bearer $PREVISION_API_KEY" "${base}/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h"`,
    );
  } else {
    console.log(`Use an existing key, or make one: deno task keys create --name me`);
  }
  console.log("Stop with Ctrl-C.");
  await server.finished;
  await envKey?.registered;
  return 0;
}
