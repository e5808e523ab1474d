import { defaultClientConditions, defineConfig } from 'vite';

// The one-file bundle: every element registered, lit, protobufjs and peerjs included, for a plain
// <script type="module" src=".../beckon-classroom.js"> on any page. It lands beside tsc's output in dist/
// (scripts/build.mjs runs tsc first), so the build must not empty the folder.
export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the `source` export condition): no build step needed.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: true,
    lib: { entry: 'src/define.ts', formats: ['es'], fileName: () => 'beckon-classroom.js' },
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
});
