// The shapes Zerodha's official client declares for each answer, read from its own TypeScript
// declarations (node_modules/kiteconnect/types/connect.d.ts), so that the test checks what
// the client promises its users, not a list we wrote.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const declarations = fs.readFileSync(
  path.join(__dirname, 'node_modules', 'kiteconnect', 'types', 'connect.d.ts'), 'utf8');

// The fields of the object type that opens on the line containing `opening` (e.g.
// "export type Order = {" or "getProfile: () => Promise<{"): name → { type, optional }.
// Only the top level; a nested object's type is '{'.
function declaredFields(opening) {
  const lines = declarations.split('\n');
  const start = lines.findIndex((line) => line.includes(opening));
  if (start < 0) throw new Error(`connect.d.ts declares no '${opening}'`);
  const fields = {};
  let depth = 1;
  for (let n = start + 1; n < lines.length && depth > 0; ++n) {
    const line = lines[n].trim();
    if (line.startsWith('*') || line.startsWith('/*') || line.startsWith('//')) continue;
    const field = /^(\w+)(\??):\s*(.*?);?$/.exec(line);
    if (depth === 1 && field) {
      fields[field[1]] = { type: field[3].startsWith('{') ? '{' : field[3], optional: field[2] === '?' };
    }
    depth += (line.match(/\{/g) || []).length - (line.match(/\}/g) || []).length;
  }
  if (Object.keys(fields).length === 0) throw new Error(`'${opening}' declares no fields`);
  return fields;
}

// Whether `value` is one of the alternatives of a declared type such as `null | string`,
// `'EQ' | 'FUT'`, `string[]`, `Date`, `Exchanges` (a union of strings) or `{`.
function hasDeclaredType(value, type) {
  return type.split('|').map((t) => t.trim()).some((t) => {
    if (t === 'null') return value === null;
    if (t === 'number') return typeof value === 'number' && Number.isFinite(value);
    if (t === 'boolean') return typeof value === 'boolean';
    if (t === 'Date') return value instanceof Date && !Number.isNaN(value.getTime());
    if (t.endsWith('[]')) return Array.isArray(value);
    if (t === '{' || t === 'object') return value !== null && typeof value === 'object';
    if (t === 'unknown' || t === 'any') return value !== undefined;
    // string, a quoted literal, or a named union of string literals (Exchanges, Product, …)
    return typeof value === 'string';
  });
}

// Every required field the client declares, present with its declared type. `allowed` names
// fields that Kite's own payloads (../shared/fixtures/kite) write differently from the
// declaration, each with a check of what they do write (undefined when they leave it out):
// e.g. an equity's expiry is '' in Kite's CSV where the client declares a Date.
function missingOrMistyped(row, opening, allowed = {}) {
  const problems = [];
  for (const [name, { type, optional }] of Object.entries(declaredFields(opening))) {
    if (name in allowed && allowed[name](row[name])) continue;
    if (!(name in row)) {
      if (!optional) problems.push(`${name}: missing (declared ${type})`);
      continue;
    }
    if (!hasDeclaredType(row[name], type)) {
      problems.push(`${name}: ${JSON.stringify(row[name])} is not ${type}`);
    }
  }
  return problems;
}

module.exports = { declaredFields, missingOrMistyped };
