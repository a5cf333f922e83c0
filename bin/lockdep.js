#!/usr/bin/env node
// Thin launcher: the CLI is dist/cli/main.js, bundled into dist/cli-bundle/ by `npm run build`.
import '../dist/cli-bundle/main.js';
