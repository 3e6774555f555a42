#!/usr/bin/env node
// The `coffer` executable: runs the compiled CLI (npm install builds it into dist/).
import '../dist/src/cli/main.js';
