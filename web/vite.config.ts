/// <reference types="vitest/config" />
import { defineConfig, loadEnv } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// In dev, /api and /uploads go to the FastAPI server (VITE_API_URL or :8000) so the app can keep
// using same-origin relative URLs, exactly as in production where FastAPI serves this build.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), "");
  const backend = env.VTRACK_BACKEND ?? "http://127.0.0.1:8000";
  return {
    plugins: [react(), tailwindcss()],
    server: {
      proxy: {
        "/api": { target: backend, changeOrigin: true },
        "/uploads": { target: backend, changeOrigin: true },
      },
    },
    build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
    test: {
      environment: "jsdom",
      include: ["src/**/*.test.{ts,tsx}"],
      // a whole page rendered in jsdom takes ~1 s on a quiet 2-core machine and has taken over
      // 5 s (vitest's default limit) while other work shares the cores
      testTimeout: 20000,
      setupFiles: ["src/test/setup.ts"],
      restoreMocks: true,
    },
  };
});
