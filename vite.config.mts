/**
 * Builds the browser pages the supergraph serves (npm run build:ui): the
 * GraphiQL playground and the dashboard, from ui/ into ui/dist (git-ignored),
 * self-contained so they work with no network. Assets are hashed under /ui/assets/.
 */
import path from 'node:path';

import { defineConfig } from 'vite';

const root = path.join(import.meta.dirname, 'ui');

export default defineConfig({
  root,
  base: '/ui/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    // GraphiQL with CodeMirror is one large chunk by nature; it is served once and cached as immutable.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // framer-motion (in GraphiQL) marks modules "use client", which means nothing outside React Server Components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: {
        playground: path.join(root, 'playground', 'index.html'),
        dashboard: path.join(root, 'dashboard', 'index.html'),
      },
    },
  },
});
