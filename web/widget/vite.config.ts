import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// One self-contained, minified script that any page loads with a <script> tag: an IIFE, no chunks.
export default defineConfig({
  root: here('.'),
  publicDir: false,
  build: {
    outDir: here('../dist'),
    // web/dist also holds the admin app's build.
    emptyOutDir: false,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    lib: {
      entry: here('src/main.ts'),
      formats: ['iife'],
      name: 'RenkeiWidget',
      fileName: () => 'widget.js',
    },
  },
});
