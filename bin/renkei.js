#!/usr/bin/env node
// Renkei runs its TypeScript sources directly (Node's built-in type stripping, Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`renkei: Node.js ${process.versions.node} is too old; Renkei needs 22.18 or newer (./run installs Node 24 for you)\n`);
  process.exit(1);
}
// Node keeps the compiled code of Renkei's modules between runs (its compile cache, in the system's
// temporary directory): a command starts with about half the CPU it needs to strip and compile them.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
