// The server under test: `vtrack serve` on a free port with a fresh data dir, and (when the static
// copy FastAPI serves is not this build) a small proxy serving web/dist in front of it.
import { spawn } from "node:child_process";
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { createServer as createNetServer } from "node:net";
import { extname, join } from "node:path";
import { OUT, ROOT, VENV, WEB, log } from "./config.mjs";

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createNetServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return await res.json();
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = String(err.cause?.code ?? err);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server not healthy after ${timeoutMs / 1000}s (${lastError})`);
}

const MIME = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

/** Serves web/dist and forwards /api and /uploads to the real server (same origin, SSE streamed). */
function startUiProxy(port, backendPort) {
  const dist = join(WEB, "dist");
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/uploads/")) {
      const upstream = httpRequest(
        { host: "127.0.0.1", port: backendPort, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.writeHead(502).end();
      });
      req.pipe(upstream);
      res.on("close", () => upstream.destroy());
      return;
    }
    let file = join(dist, decodeURIComponent(url.pathname));
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, "index.html");
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((r) => server.listen(port, "127.0.0.1", () => r(server)));
}

/** Starts `vtrack serve` on a free port with a fresh data dir; returns the URL the browser uses. */
export async function startServerAndUi(tmp, cleanup) {
  const port = await freePort();
  const dataDir = join(tmp, "data");
  const serverLog = join(OUT, "server.log");
  writeFileSync(serverLog, "");
  const server = spawn(join(VENV, "bin/vtrack"), ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    env: { ...process.env, VTRACK_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logChunks = [];
  server.stdout.on("data", (d) => logChunks.push(d));
  server.stderr.on("data", (d) => logChunks.push(d));
  cleanup.push(async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await Promise.race([new Promise((r) => server.once("exit", r)), new Promise((r) => setTimeout(r, 8000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    writeFileSync(serverLog, Buffer.concat(logChunks));
  });
  const backend = `http://127.0.0.1:${port}`;
  const health = await waitForHealth(backend, server, 90000);
  log(`server up on ${backend}: engines ${JSON.stringify(health.active)} device ${health.device}`);

  // Test the production path (FastAPI serving the build) when its static copy is this build;
  // otherwise serve this build ourselves in front of the same server.
  const staticIndex = join(ROOT, "vtrack/api/static/index.html");
  const sameBuild = existsSync(staticIndex) && readFileSync(staticIndex, "utf8") === readFileSync(join(WEB, "dist/index.html"), "utf8");
  let base = backend;
  if (!sameBuild) {
    const uiPort = await freePort();
    const proxy = await startUiProxy(uiPort, port);
    cleanup.push(() => {
      proxy.closeAllConnections();
      return new Promise((r) => proxy.close(r));
    });
    base = `http://127.0.0.1:${uiPort}`;
    log(`UI from web/dist via ${base} (vtrack/api/static is not this build; 'make web' copies it)`);
  } else {
    log("UI served by FastAPI from vtrack/api/static");
  }
  return base;
}

