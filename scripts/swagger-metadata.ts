/**
 * npm run swagger:metadata [-- --no-check]
 *
 * Writes src/metadata.ts: what the @nestjs/swagger CLI plugin reads off the DTOs and controllers (property types,
 * optionality, class-validator constraints, doc comments), which src/bootstrap.ts loads before it builds the
 * OpenAPI document. Generated once from the whole program, rather than by the plugin inside each compilation:
 * `nest build` and the Jest workers then transpile without a type checker. Type-checks the program it reads
 * (src, jobs, migrations, test, bench, scripts: tsconfig.json) and fails on a type error, as the build and the
 * type-aware test transform did; --no-check skips that (the build, whose tsc checks again).
 */
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator';
// The package exports its plugin as '@nestjs/swagger/plugin', whose types this project's (node10) module resolution
// finds only under their file path.
import type * as SwaggerPlugin from '@nestjs/swagger/dist/plugin';
import { join } from 'node:path';
import * as ts from 'typescript';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin') as typeof SwaggerPlugin;

const ROOT = join(__dirname, '..');
const PLUGIN_OPTIONS = { introspectComments: true, classValidatorShim: true, dtoFileNameSuffix: ['.dto.ts', '.response.ts'] };

/** Generates src/metadata.ts; returns the type errors found (none when not checked). */
export function generateSwaggerMetadata(check = true): string | null {
  const tsconfig = join(ROOT, 'tsconfig.json');
  new PluginMetadataGenerator().generate({
    visitors: [new ReadonlyVisitor({ ...PLUGIN_OPTIONS, pathToSource: join(ROOT, 'src') })],
    outputDir: join(ROOT, 'src'),
    filename: 'metadata.ts',
    tsProgramRef: ReadonlyVisitor.createTsProgram(tsconfig),
  });
  if (!check) return null;
  // A program read afresh, with the file just written (on a fresh checkout the first one lacked it).
  const diagnostics = ts.getPreEmitDiagnostics(ReadonlyVisitor.createTsProgram(tsconfig));
  return diagnostics.length === 0
    ? null
    : ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (path) => path,
        getCurrentDirectory: () => ROOT,
        getNewLine: () => '\n',
      });
}

if (require.main === module) {
  const errors = generateSwaggerMetadata(!process.argv.includes('--no-check'));
  if (errors) {
    process.stderr.write(errors);
    process.exit(1);
  }
}
