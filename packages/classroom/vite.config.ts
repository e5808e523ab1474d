import { defineConfig } from 'vite';

// The one-file bundle: every element registered, lit, protobufjs and peerjs included, for a plain
// <script type="module" src="beckon-classroom.js"> on any page.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    lib: { entry: 'src/define.ts', formats: ['es'], fileName: () => 'beckon-classroom.js' },
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
});
