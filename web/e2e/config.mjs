// Where things are and how long to wait, for every part of the end-to-end runner.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const WEB = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = resolve(WEB, "..");
export const OUT = resolve(ROOT, "test-output/e2e");
export const VENV = process.env.VTRACK_VENV ?? resolve(ROOT, ".venv");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const JOB_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_S ?? 240) * 1000;

const started = Date.now();
export const log = (...args) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);
export const elapsedS = () => (Date.now() - started) / 1000;

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}
