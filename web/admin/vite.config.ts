import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The admin app is served by `renkei serve` under /admin/; the API is same-origin.
export default defineConfig({
  root: here('.'),
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: here('../dist/admin'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
