#!/usr/bin/env node
/**
 * Bundles the command-line tool: `dist/cli.js`, the worker thread's `dist/worker.js`, and the chunks they
 * share (`dist/chunk-*.js`), written into the folder given as the first argument (default `dist/`), whose
 * parent must hold ficbind's package.json and templates/.
 *
 * Node 20 has no compile cache, so the command spent about a quarter of a second finding, reading and
 * compiling some 500 module files before it could start on a story; a few large files load much faster.
 * `tsc` still writes the library (`dist/index.js` and its types), which is not bundled.
 *
 * Each writer (EPUB, PDF, cover) is its own chunk, loaded only by a build that makes it. ficbind's own
 * templates are compiled here, ahead of time (see src/render/precompiled-templates.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import Handlebars from 'handlebars';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));

// What an earlier bundle wrote (chunks are named by their content's hash, so old ones would stay
// behind), and the declarations tsc once wrote for the CLI; tsc's library files are left alone.
const OURS = /^(chunk-|cli\.|worker\.js|THIRD-PARTY-LICENSES)/;
try {
  for (const name of readdirSync(outdir)) {
    if (OURS.test(name)) rmSync(path.join(outdir, name));
  }
} catch (err) {
  if (err?.code !== 'ENOENT') throw err;
}

/** Must equal COMPILE_OPTIONS in src/render/templates.ts; a template compiled otherwise is not used. */
const COMPILE_OPTIONS = { strict: true, noEscape: false };

/**
 * src/render/precompiled-templates.ts, filled in: the spec of every templates/*.hbs and
 * templates/partials/*.hbs by its text's hash.
 */
function precompiledTemplates() {
  const files = ['templates', 'templates/partials'].flatMap((folder) =>
    readdirSync(path.join(root, folder))
      .filter((name) => name.endsWith('.hbs'))
      .sort()
      .map((name) => path.join(root, folder, name)),
  );
  const entries = files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const hash = createHash('sha256').update(text).digest('hex');
    // A copy: Handlebars adds its defaults to the options object it is given.
    return `  [${JSON.stringify(hash)}, ${Handlebars.precompile(text, { ...COMPILE_OPTIONS })}],`;
  });
  return [
    `export const PRECOMPILED_OPTIONS = ${JSON.stringify(COMPILE_OPTIONS)};`,
    `export const PRECOMPILED = new Map([\n${entries.join('\n')}\n]);`,
  ].join('\n');
}

const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts', worker: 'src/pipeline/worker.ts' },
  outdir,
  // Beside cli.js, not in a sub-folder: ficbind finds its package.json and templates/ one folder up.
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // sharp is native code; piscina starts its threads from its own files; tsx only runs the sources.
  external: ['sharp', 'piscina', 'tsx', 'tsx/*'],
  // The bundled CommonJS packages call require() for Node's own modules.
  banner: {
    js: "import { createRequire as ficbindCreateRequire } from 'node:module'; const require = ficbindCreateRequire(import.meta.url);",
  },
  // Names and lines are kept, so a stack trace (FICBIND_DEBUG=1) stays readable.
  minifySyntax: true,
  // The maps point into src/ and node_modules/ rather than carrying every bundled package's source.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [
    {
      // fontkit imports brotli (the WOFF2 decoder) at load, which builds its 122 KB dictionary from a
      // 740 KB array literal: 15-20 ms in every process and worker that draws a cover or a PDF, for fonts
      // ficbind does not use (its own are TrueType). fontkit gets a stand-in that loads the decoder the
      // first time a WOFF2 font needs it.
      name: 'lazy-brotli',
      setup(b) {
        b.onResolve({ filter: /^brotli\/decompress(\.js)?$/ }, (args) =>
          /[\\/]node_modules[\\/]fontkit[\\/]/.test(args.importer)
            ? { path: 'brotli-when-needed', namespace: 'ficbind' }
            : undefined,
        );
        b.onLoad({ filter: /^brotli-when-needed$/, namespace: 'ficbind' }, () => ({
          contents:
            "export default function decompress(buffer, outSize) { return require('brotli/decompress.js')(buffer, outSize); }",
          resolveDir: root,
          loader: 'js',
        }));
      },
    },
    {
      // epub-gen-memory loads node-fetch (with whatwg-url and its Unicode tables) and abort-controller at
      // load, to fetch remote images and fonts named in chapter HTML; ficbind's pages never name any.
      // Its fetch module gets stand-ins that load them when first called.
      name: 'fetch-when-needed',
      setup(b) {
        b.onResolve({ filter: /^(node-fetch|abort-controller)$/ }, (args) =>
          /[\\/]node_modules[\\/]epub-gen-memory[\\/]/.test(args.importer)
            ? { path: args.path, namespace: 'when-needed', pluginData: path.dirname(args.importer) }
            : undefined,
        );
        b.onLoad({ filter: /.*/, namespace: 'when-needed' }, (args) => ({
          contents: [
            'let real;',
            'function later(...args) {',
            `  real ??= require(${JSON.stringify(args.path)});`,
            '  const made = real.default ?? real;',
            '  return new.target ? new made(...args) : made(...args);',
            '}',
            'module.exports = { __esModule: true, default: later };',
          ].join('\n'),
          // Found from epub-gen-memory's own folder, as its own require would.
          resolveDir: args.pluginData,
          loader: 'js',
        }));
      },
    },
    {
      name: 'precompiled-templates',
      setup(b) {
        b.onLoad({ filter: /[\\/]src[\\/]render[\\/]precompiled-templates\.ts$/ }, () => ({
          contents: precompiledTemplates(),
          loader: 'js',
        }));
      },
    },
  ],
});

/**
 * The bundle carries code of the packages below; their licences (MIT, BSD, ISC, Apache) ask that their
 * notices go with it. Each package's own licence file, once, in one file beside the bundle.
 */
function thirdPartyLicenses(inputs) {
  const packages = new Map();
  for (const file of inputs) {
    const m = /^(.*node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file);
    if (m?.[1]) packages.set(m[1], null);
  }
  const notices = [];
  for (const dir of [...packages.keys()].sort()) {
    const meta = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    const licence = readdirSync(path.join(root, dir)).find((n) => /^(licen[cs]e|copying)/i.test(n));
    const text = licence
      ? readFileSync(path.join(root, dir, licence), 'utf8').trim()
      : `License: ${meta.license}`;
    notices.push(`${meta.name} ${meta.version}\n\n${text}`);
  }
  return `ficbind's bundled command (cli.js, worker.js and their chunks) includes these packages.\n\n${notices.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`;
}

writeFileSync(
  path.join(outdir, 'THIRD-PARTY-LICENSES.txt'),
  thirdPartyLicenses(Object.keys(result.metafile.inputs)),
);
