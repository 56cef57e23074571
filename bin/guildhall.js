#!/usr/bin/env node
// The npm bin entry: Node strips the TypeScript types itself (Node >= 22.18).
import '../src/cli/main.ts';
