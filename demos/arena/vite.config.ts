import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the `source` export condition): no build step needed.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // Relative asset URLs: `beckon serve` mounts the build at /arena/.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  server: {
    // In development the signalling server runs apart (`pnpm serve` on port 9000).
    proxy: { '/peerjs': { target: 'http://127.0.0.1:9000', ws: true } },
  },
});
