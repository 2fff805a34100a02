import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits on real processes and a real browser; on a loaded 2-core CI machine a
    // round trip can take longer than the 1 s default without anything being wrong.
    expect: { poll: { timeout: 10_000 } },
  },
});
