// Builds the vendored GOV.UK Frontend bundle into static/vendor/govuk/.
//
// static/vendor/ is git-ignored and rebuilt by `make` (npm ci && npm run build).
// What it writes:
//   app.css                    frontend/scss/app.scss, compiled and compressed
//   govuk-frontend.min.js(.map) the ES module build, imported by static/js/init.mjs
//   assets/                    GOV.UK Frontend assets, WITHOUT fonts: GDS Transport
//                              is licensed for GOV.UK only and app.scss uses Arial.
//
// The source map is copied because the JS ends with a sourceMappingURL comment
// and Django's manifest static storage fails collectstatic on a missing target.
import { cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govukDist = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const outDir = join(root, "static", "vendor", "govuk");

async function buildCss() {
  const result = await sass.compileAsync(join(root, "frontend", "scss", "app.scss"), {
    style: "compressed",
    importers: [new sass.NodePackageImporter(root)],
    // GOV.UK Frontend's own deprecation notices are not ours to fix.
    quietDeps: true,
  });
  if (/GDS Transport|\.woff2?\b/i.test(result.css)) {
    throw new Error("app.css refers to GDS Transport or a font file; check app.scss settings");
  }
  await writeFile(join(outDir, "app.css"), result.css);
}

async function copyJs() {
  for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
    await cp(join(govukDist, name), join(outDir, name));
  }
}

async function copyAssets() {
  const from = join(govukDist, "assets");
  await cp(from, join(outDir, "assets"), {
    recursive: true,
    filter: (source) => {
      const parts = relative(from, source).split(sep);
      return parts[0] !== "fonts";
    },
  });
}

async function main() {
  await stat(govukDist).catch(() => {
    throw new Error(`${govukDist} is missing: run "npm ci" first`);
  });
  const version = JSON.parse(
    await readFile(join(root, "node_modules", "govuk-frontend", "package.json"), "utf8"),
  ).version;

  // Start clean so files dropped by an upgrade (or fonts) never linger.
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  await Promise.all([buildCss(), copyJs(), copyAssets()]);
  console.log(`Built GOV.UK Frontend ${version} into ${relative(root, outDir)}/`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
