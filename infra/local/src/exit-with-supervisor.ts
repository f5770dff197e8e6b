/**
 * Preloaded (`--import`) into every service a supervisor spawns with an IPC channel (spawnService):
 * when the channel closes because the supervisor is gone without stopping it (killed outright, out
 * of memory), the service gets the SIGTERM the supervisor would have sent and stops as it always
 * does, instead of running on unsupervised, holding its port and taking jobs. The channel carries
 * no messages and, unreferenced, never keeps a service alive.
 */
if (process.channel) {
  process.channel.unref();
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
}
