// Test setup: unmount after each test, and fail any test that makes React (or us) log an error.
import { afterEach, beforeEach, expect, vi } from "vitest";
import { cleanup } from "@testing-library/react";

let logged: string[] = [];

beforeEach(() => {
  logged = [];
  const original = console.error.bind(console);
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(" "));
    original(...args);
  });
});

afterEach(() => {
  cleanup();
  expect(logged, "console.error was called").toEqual([]);
});
