// Run by driver-patch.test.ts in a process of its own: a reserved connection whose backend was
// terminated must reject its next query, not crash the process from a setImmediate.
import postgres from "postgres";

process.on("uncaughtException", (error) => {
  process.stdout.write(`uncaught: ${error.message}\n`);
  process.exit(3);
});
const url = process.argv[2];
const sql = postgres(url, { max: 1, onnotice: () => {} });
const admin = postgres(url, { max: 1, onnotice: () => {} });
const reserved = await sql.reserve();
const [{ pid }] = await reserved`select pg_backend_pid() as pid`;
await admin`select pg_terminate_backend(${pid})`;
await new Promise((resolve) => setTimeout(resolve, 200));
try {
  await reserved`select 1`;
  process.stdout.write("no error\n");
} catch (error) {
  process.stdout.write(`rejected: ${error.code}\n`);
}
await new Promise((resolve) => setTimeout(resolve, 200));
await admin.end();
process.exit(0);
