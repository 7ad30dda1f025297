import { makeFixtureWarehouse } from "/work/main/site/testdata/fixture.ts";
import { openSnapshot, snapshotRoot } from "/work/main/warehouse/snapshot.ts";
const t0 = performance.now();
const db = await makeFixtureWarehouse("/tmp/pv/wh");
console.log(db, performance.now() - t0);
const s = await openSnapshot(snapshotRoot(db));
console.log(await s.db.rows("select * from markets"));
console.log(await s.db.rows("select * from forecasts limit 2"));
console.log(await s.db.rows("select * from current_aliases limit 2"));
