// End-to-end: the real `vtrack serve` (embedded engines) driven by headless Chromium.
//
//   npm run e2e                     all flows
//   npm run e2e -- click session    only some flows (click, chat, remove, narrow, fps, errors, session)
//
// Env: CHROMIUM (default /usr/bin/chromium), VTRACK_VENV (default ../.venv), E2E_CLIP (a video to
// use instead of generating one; E2E_CLICK="x,y" percent of its object), E2E_TIMEOUT_S per job,
// E2E_BASE_URL (test an already running studio instead of starting one), E2E_PROMPT (chat flow),
// E2E_DAVIS_SEQ / E2E_DAVIS_FRAMES (the session flow's real footage; VTRACK_DAVIS_DIR where it is).
// The server is started on a free port with a fresh VTRACK_DATA_DIR and stopped at the end.
// Screenshots, results.json and the server log go to ../test-output/e2e/.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, OUT, ROOT, VENV, WEB, assert, elapsedS, log } from "./config.mjs";
import { flows as workflowFlows } from "./flows.mjs";
import { session } from "./flow-session.mjs";
import { startServerAndUi } from "./server.mjs";

const flows = { ...workflowFlows, session };
const ALL_FLOWS = ["click", "chat", "remove", "narrow", "fps", "errors", "session"];

/** The generated test clip, with the click on its object (or E2E_CLIP and E2E_CLICK). */
function testClip(tmp) {
  if (process.env.E2E_CLIP) {
    return { path: resolve(process.env.E2E_CLIP), click: (process.env.E2E_CLICK ?? "50,50").split(",").map(Number) };
  }
  const out = join(tmp, "clip.mp4");
  const made = spawnSync(join(VENV, "bin/python"), ["-m", "vtrack.testing.make_clip", out], { cwd: ROOT, encoding: "utf8" });
  assert(made.status === 0, `make_clip failed:\n${made.stderr}`);
  const m = /click_pct=([\d.]+),([\d.]+)/.exec(made.stdout);
  return { path: out, click: m ? [Number(m[1]), Number(m[2])] : [50, 50] };
}

async function launchBrowser() {
  // launch() gives every run a fresh temporary profile (user-data-dir) and removes it after.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

async function runFlows(selected, ctx) {
  const results = [];
  for (const name of selected) {
    const t0 = Date.now();
    log(`flow ${name} …`);
    try {
      const detail = await flows[name](ctx);
      const skipped = detail?.skipped;
      results.push({ name, ok: true, skipped, s: (Date.now() - t0) / 1000, detail });
      log(skipped ? `flow ${name} SKIPPED: ${skipped}` : `flow ${name} passed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    } catch (err) {
      results.push({ name, ok: false, s: (Date.now() - t0) / 1000, error: String(err.stack ?? err) });
      log(`flow ${name} FAILED: ${err.message}`);
      for (const page of ctx.context.pages()) {
        await page.screenshot({ path: join(OUT, `FAILED-${name}.png`), fullPage: true }).catch(() => {});
        await page.close().catch(() => {});
      }
    }
  }
  return results;
}

function report(results) {
  writeFileSync(join(OUT, "results.json"), JSON.stringify(results, null, 2));
  const word = (r) => (!r.ok ? "FAIL" : r.skipped ? "SKIP" : "PASS");
  console.log("\n" + results.map((r) => `${word(r)}  ${r.name.padEnd(8)} ${r.s.toFixed(1)}s${r.skipped ? `  (${r.skipped})` : ""}`).join("\n"));
  for (const r of results) if (!r.ok) console.log(`\n--- ${r.name}\n${r.error}`);
  console.log(`\ne2e took ${elapsedS().toFixed(1)}s; screenshots in ${OUT}`);
  const failed = results.filter((r) => !r.ok).length;
  const skipped = results.filter((r) => r.skipped).length;
  // The summary alone on the last line, in the plain "N passed, N failed" form CI reads.
  console.log(`e2e: ${results.length - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return failed;
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const selected = wanted.length ? wanted : ALL_FLOWS;
  for (const f of selected) if (!flows[f]) throw new Error(`unknown flow ${f}; known: ${ALL_FLOWS.join(", ")}`);
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (f.endsWith(".png")) rmSync(join(OUT, f));
  assert(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)`);
  assert(existsSync(join(VENV, "bin/vtrack")), `no ${VENV}/bin/vtrack: run 'make setup' first`);

  log("building the UI");
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: WEB, stdio: ["ignore", "pipe", "inherit"] });
  assert(build.status === 0, "npm run build failed");

  const tmp = mkdtempSync(join(tmpdir(), "vtrack-e2e-"));
  const cleanup = [];
  let failures = 0;
  try {
    const clip = testClip(tmp);
    log(`clip ${clip.path}, object at ${clip.click.join("%, ")}%`);
    let base;
    if (process.env.E2E_BASE_URL) {
      // An already running studio (e.g. `make run`): test it as it is, UI included.
      base = process.env.E2E_BASE_URL.replace(/\/+$/, "");
      const health = await (await fetch(`${base}/api/health`)).json();
      log(`using the running server at ${base}: engines ${JSON.stringify(health.active)}`);
    } else {
      base = await startServerAndUi(tmp, cleanup);
    }
    const browser = await launchBrowser();
    cleanup.unshift(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    failures = report(await runFlows(selected, { context, browser, base, clip, tmp }));
  } finally {
    for (const fn of cleanup) await Promise.resolve().then(fn).catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failures ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
