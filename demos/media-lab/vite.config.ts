import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs, so `beckon serve --static /media-lab=dist` can mount the build under any path.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: { '/peerjs': { target: 'http://127.0.0.1:9000', ws: true } },
  },
});
