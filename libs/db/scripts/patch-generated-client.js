#!/usr/bin/env node
/**
 * Runs after `prisma generate` (see package.json "generate"): makes the generated client compile with
 * `declaration: true` under TypeScript 6.
 *
 * prisma/orm#29549: `export const DbNull = runtime.objectEnumValues.instances.DbNull` (and JsonNull, AnyNull) has the
 * type of a class the runtime does not export, whose native `#private` brand TypeScript cannot write into a .d.ts
 * (TS4094; `// @ts-nocheck` does not silence declaration errors). An explicit annotation naming the type through
 * `typeof` fixes it; the members of the objects built from them get the same type through `as typeof`. Idempotent.
 */
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'src', 'generated', 'prisma', 'internal');
const constants = /^export const (DbNull|JsonNull|AnyNull) = runtime\.objectEnumValues\.instances\.\1$/gm;
/** Members of the enum-like objects built from them (`JsonNullValueInput = { JsonNull: JsonNull } as const`). */
const members = /^(\s+)(DbNull|JsonNull|AnyNull): \2(,?)$/gm;
let patched = 0;
for (const file of ['prismaNamespace.ts', 'prismaNamespaceBrowser.ts']) {
  const target = path.join(dir, file);
  if (!fs.existsSync(target)) continue;
  const source = fs.readFileSync(target, 'utf8');
  const next = source
    .replace(constants, (_line, name) => {
      patched++;
      return `export const ${name}: typeof runtime.objectEnumValues.instances.${name} = runtime.objectEnumValues.instances.${name}`;
    })
    .replace(members, (_line, indent, name, comma) => {
      patched++;
      return `${indent}${name}: ${name} as typeof ${name}${comma}`;
    });
  if (next !== source) fs.writeFileSync(target, next);
}
if (!fs.existsSync(path.join(dir, 'prismaNamespace.ts'))) {
  console.error('patch-generated-client: no generated client found; run prisma generate first');
  process.exit(1);
}
console.log(`patch-generated-client: ${patched} declaration(s) annotated`);
