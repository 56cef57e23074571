#!/usr/bin/env node
// The guildhall command. Node runs the TypeScript sources itself (type stripping), which needs
// Node.js 22.18 or newer; say so plainly instead of failing on the first .ts import.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`guildhall: Node.js 22.18 or newer is needed (24 LTS recommended); this is ${process.version}.`);
  process.exit(1);
}
const { run } = await import('../src/cli/main.ts');
await run(process.argv);
