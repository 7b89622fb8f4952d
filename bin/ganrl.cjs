#!/usr/bin/env node
// `npx ganrl ...`: registers tsx (TypeScript on the fly), then runs the CLI in bin/cli.ts.
"use strict";
require("tsx/cjs");
const { main } = require("./cli.ts");
main(process.argv.slice(2)).then((code) => process.exit(code));
