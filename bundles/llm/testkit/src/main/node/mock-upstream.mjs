// The child process that dev.caracal.llm.testkit.MockUpstream starts: aimock (LLMock) on 127.0.0.1, an OS-assigned
// port, the fixtures of a JSON config file. Protocol with the Java side:
//   argv[2]  path of a JSON config: {"fixtures": [...aimock fixture entries...], "chaos": {...}|null,
//            "logLevel": "silent"|"warn"|"info"|"debug", "strict": bool, "apiKeys": [..]|null}
//   stdout   one line {"event":"ready","url":"http://127.0.0.1:<port>"} once the server listens
//            (or {"event":"failed","message":...} and exit 2)
//   stdin    kept open by the parent; when it closes (the parent closed it, exited or was killed) this process stops
//            the server and exits, so no node process outlives the JVM that started it.
// Besides aimock's own control API (/__aimock/*), a small mount adds /__caracal/stats: requests seen and the
// highest number in flight at once, counted on the server's own 'request' event (control paths excluded).
import { readFileSync, rmSync } from "node:fs";
import { LLMock } from "@copilotkit/aimock";

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

let mock;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  const hardExit = setTimeout(() => process.exit(code), 2000);
  hardExit.unref();
  try {
    const server = mock?.serverInstance?.server;
    if (server && typeof server.closeAllConnections === "function") server.closeAllConnections();
    if (mock?.serverInstance) await mock.stop();
  } catch {
    // exiting anyway
  }
  process.exit(code);
}

process.stdin.on("end", () => shutdown(0));
process.stdin.on("close", () => shutdown(0));
process.stdin.on("error", () => shutdown(0));
process.stdin.resume();
process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));

const stats = { requests: 0, inFlight: 0, maxInFlight: 0 };

const statsMount = {
  async handleRequest(req, res, pathname) {
    if (pathname === "/stats" && req.method === "GET") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(stats));
      return true;
    }
    if (pathname === "/stats" && req.method === "DELETE") {
      stats.requests = 0;
      stats.maxInFlight = stats.inFlight;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(stats));
      return true;
    }
    return false;
  },
};

try {
  const config = JSON.parse(readFileSync(process.argv[2], "utf-8"));
  rmSync(process.argv[2], { force: true }); // a temp file written for this process only
  mock = new LLMock({
    host: "127.0.0.1",
    port: 0,
    logLevel: config.logLevel ?? "silent",
    strict: config.strict === true,
    journalMaxEntries: 0,
    ...(config.chaos ? { chaos: config.chaos } : {}),
    ...(Array.isArray(config.apiKeys) && config.apiKeys.length > 0 ? { auth: { apiKeys: config.apiKeys } } : {}),
  });
  if (Array.isArray(config.fixtures) && config.fixtures.length > 0) mock.addFixturesFromJSON(config.fixtures);
  mock.mount("/__caracal", statsMount);
  const url = await mock.start();
  const server = mock.serverInstance?.server;
  if (server) {
    server.prependListener("request", (req, res) => {
      if (req.url && req.url.startsWith("/__")) return;
      stats.requests++;
      stats.inFlight++;
      if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
      res.once("close", () => {
        stats.inFlight--;
      });
    });
  }
  emit({ event: "ready", url, inFlightCounting: Boolean(server) });
} catch (err) {
  emit({ event: "failed", message: err instanceof Error ? err.message : String(err) });
  await shutdown(2);
}
