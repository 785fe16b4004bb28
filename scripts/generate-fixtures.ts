/**
 * Generates the fixture model repos (tiny random-weight transformers in hub layout).
 *
 *   tsx scripts/generate-fixtures.ts [--out <dir>] [--force] [--only <org/name>]...
 *
 * Default out dir: test/.generated/models (git-ignored; never commit the binaries).
 * Without --force, repos whose stamp matches the current spec + generator are skipped.
 */
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_FIXTURES_DIR,
  FIXTURE_REPOS,
  type FixtureRepoSpec,
  ensureFixtureModels,
  fixtureTokenIds,
  generateModelRepo,
} from '../test/fixtures/model-repos';
import { QWEN35_FIXTURE_REPOS, QWEN35_SESSIONS, ensureQwen35Models, generateQwen35Repo, qwen35SessionFile } from '../test/fixtures/tiny-qwen35';
import { GGUF_FIXTURE_REPOS, ensureGgufModels, generateGgufRepo, ggufRepoFileSizes } from '../test/fixtures/tiny-gguf';
import { GLM_OCR_FIXTURE_REPOS, ensureGlmOcrModels, generateGlmOcrRepo } from '../test/fixtures/tiny-glm-ocr';
import { ensureRefusedGgufModel } from '../test/fixtures/tiny-gguf-refused';

function usage(): never {
  console.log('usage: tsx scripts/generate-fixtures.ts [--out <dir>] [--force] [--only <org/name>]...');
  console.log(`repos: ${[...FIXTURE_REPOS, ...QWEN35_FIXTURE_REPOS, ...GLM_OCR_FIXTURE_REPOS, ...GGUF_FIXTURE_REPOS].map((r) => r.id).join(', ')}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let out = DEFAULT_FIXTURES_DIR;
  let force = false;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--out') out = resolve(args[++i] ?? usage());
    else if (a.startsWith('--out=')) out = resolve(a.slice('--out='.length));
    else if (a === '--force') force = true;
    else if (a === '--only') only.push(args[++i] ?? usage());
    else if (a === '--help' || a === '-h') usage();
    else usage();
  }
  const specs: FixtureRepoSpec[] = FIXTURE_REPOS.filter((s) => only.length === 0 || only.includes(s.id));
  const qwen35 = QWEN35_FIXTURE_REPOS.filter((s) => only.length === 0 || only.includes(s.id));
  const glmOcr = GLM_OCR_FIXTURE_REPOS.filter((s) => only.length === 0 || only.includes(s.id));
  const gguf = GGUF_FIXTURE_REPOS.filter((s) => only.length === 0 || only.includes(s.id));
  if (specs.length === 0 && qwen35.length === 0 && glmOcr.length === 0 && gguf.length === 0) usage();

  const t0 = performance.now();
  if (force) {
    for (const spec of specs) await generateModelRepo(out, spec);
    for (const spec of qwen35) await generateQwen35Repo(out, spec);
    for (const spec of glmOcr) await generateGlmOcrRepo(out, spec);
    for (const spec of gguf) await generateGgufRepo(out, spec);
  } else {
    await ensureFixtureModels(out, specs);
    await ensureQwen35Models(out, qwen35);
    await ensureGlmOcrModels(out, glmOcr);
    await ensureGgufModels(out, gguf);
  }
  // The GGUF the app refuses before download; written with every full run (its stamp skips it when current).
  if (only.length === 0) await ensureRefusedGgufModel(out);
  const cwd = process.cwd();
  console.log(`fixtures in ${relative(cwd, out) || '.'} (${(performance.now() - t0).toFixed(0)} ms)`);
  for (const spec of specs) {
    const ids = fixtureTokenIds(spec);
    console.log(`  ${spec.id}  [${spec.family}, ${spec.behaviour}]  specials: ${JSON.stringify(ids)}`);
    for (const [dtype, file] of [
      ['fp32', 'onnx/model.onnx'],
      ['q8', 'onnx/model_quantized.onnx'],
      ['q4', 'onnx/model_q4.onnx'],
    ] as const) {
      if (!spec.dtypes.includes(dtype)) continue;
      const s = await stat(resolve(out, spec.id, file));
      console.log(`    ${file.padEnd(28)} ${String(s.size).padStart(10)} bytes  (dtype ${dtype})`);
    }
  }
  for (const spec of qwen35) {
    console.log(`  ${spec.id}  [qwen3_5, ${spec.behaviour}]`);
    for (const session of QWEN35_SESSIONS) {
      for (const dtype of spec.dtypes) {
        const file = qwen35SessionFile(session, dtype);
        const s = await stat(resolve(out, spec.id, file));
        console.log(`    ${file.padEnd(40)} ${String(s.size).padStart(10)} bytes  (dtype ${dtype})`);
      }
    }
  }
  for (const spec of gguf) {
    console.log(`  ${spec.id}  [gguf ${spec.arch}]`);
    for (const [file, bytes] of Object.entries(await ggufRepoFileSizes(out, spec))) {
      console.log(`    ${file.padEnd(40)} ${String(bytes).padStart(10)} bytes`);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
