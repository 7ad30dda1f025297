import { buildSite } from "./build.ts";
const r = await buildSite({ outDir: "/tmp/pv/dist", env: { PREVISION_DB: "/tmp/pv/wh/warehouse.duckdb" } });
console.log(r);
