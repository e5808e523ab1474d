import { defaultClientConditions, defineConfig, transformWithEsbuild } from 'vite';

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
  plugins: [
    {
      // Vite leaves whitespace in an ES library build so bundlers can still tree-shake it; nobody tree-shakes this
      // file (it goes into a script tag whole), so it is minified completely.
      name: 'beckon-minify-bundle',
      apply: 'build',
      async renderChunk(code, chunk) {
        const result = await transformWithEsbuild(code, chunk.fileName, { minify: true, format: 'esm', target: 'es2022', sourcemap: true });
        return { code: result.code, map: result.map };
      },
    },
  ],
});
