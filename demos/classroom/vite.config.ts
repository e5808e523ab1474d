import { createRequire } from 'node:module';
import path from 'node:path';
import { defaultClientConditions, defineConfig } from 'vite';

// The page itself is plain HTML in public/ (copied as is): it loads the one-file bundle with a plain
// <script type="module">, exactly as a course author's page would. The build makes that bundle.
const entry = path.join(path.dirname(createRequire(import.meta.url).resolve('@beckon/classroom/package.json')), 'src/define.ts');

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the `source` export condition): no build step needed.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    lib: { entry, formats: ['es'], fileName: () => 'beckon-classroom.js' },
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
});
