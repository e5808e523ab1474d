import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the `source` export condition): no build step needed.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // Relative asset URLs, so `beckon serve --static /media-lab=dist` can mount the build under any path.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: { '/peerjs': { target: 'http://127.0.0.1:9000', ws: true } },
  },
});
