// `--target js`: the TypeScript module compiled to plain JavaScript plus its declarations, for apps without a build
// step for TypeScript. Generated code annotates every export, so each file compiles on its own (isolatedDeclarations).
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';

const require = createRequire(import.meta.url);

let ts: typeof TypeScript | undefined;

function typescript(): typeof TypeScript {
  ts ??= require('typescript') as typeof TypeScript;
  return ts;
}

export function emitJavaScript(source: string, fileName: string): { js: string; dts: string } {
  const compiler = typescript();
  const compilerOptions: TypeScript.CompilerOptions = {
    target: compiler.ScriptTarget.ES2020,
    module: compiler.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    isolatedDeclarations: true,
    declaration: true,
    rewriteRelativeImportExtensions: false,
    removeComments: false,
  };
  const js = compiler.transpileModule(source, { compilerOptions, fileName }).outputText;
  const declaration = compiler.transpileDeclaration(source, { compilerOptions, fileName, reportDiagnostics: true });
  const problems = declaration.diagnostics ?? [];
  if (problems.length > 0) {
    const text = problems.map((d) => compiler.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ');
    throw new Error(`generated ${fileName} needs annotations for its declarations: ${text}`);
  }
  return { js: js.replace(/\n\/\/# sourceMappingURL=.*$/, ''), dts: declaration.outputText };
}
