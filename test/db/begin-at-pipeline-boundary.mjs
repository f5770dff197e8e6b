// Run by driver-patch.test.ts in a process of its own: a BEGIN that fills a connection's pipeline
// must still reserve that connection for its transaction, and leave no transaction open behind it.
import postgres from "postgres";

process.on("uncaughtException", (error) => {
  process.stdout.write(`uncaught: ${error.message}\n`);
  process.exit(3);
});
// One connection taking one query in flight: the BEGIN queued behind a running query is the one
// that fills the pipeline, as the 100th would with the default max_pipeline.
const sql = postgres(process.argv[2], { max: 1, max_pipeline: 1, onnotice: () => {} });
await sql`select 1`;
const running = sql`select pg_sleep(0.05)`.execute();
const [row] = await sql.begin((tx) => tx`select 1 as one`);
await running;
let after;
try {
  await sql`savepoint probe`;
  after = "inside an open transaction";
} catch (error) {
  after = error.code === "25P01" ? "outside a transaction" : `failed: ${error.code}`;
}
process.stdout.write(`begin: ${row.one === 1 ? "ok" : "wrong answer"}; the next statement ran ${after}\n`);
await sql.end({ timeout: 1 });
process.exit(0);
