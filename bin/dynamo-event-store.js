#!/usr/bin/env node
// The package's command line, built to dist/ by `npm run build`.
import '../dist/cli/main.js';
