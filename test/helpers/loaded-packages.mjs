// Preloaded with `--import` (NODE_OPTIONS) into a process under test: records which npm packages it loaded, by
// the URL every import and require of them resolves to, and writes their names, one a line, to the file named
// by LOADED_PACKAGES when the process exits. Tests use it to show what a run loads at all (lazy imports).
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.LOADED_PACKAGES;
const packages = new Set();
if (file) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(resolved.url);
      if (m) packages.add(m[1]);
      return resolved;
    },
  });
  process.on('exit', () => writeFileSync(file, [...packages].sort().join('\n')));
}
