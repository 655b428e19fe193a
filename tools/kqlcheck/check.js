#!/usr/bin/env node
// Checks KQL with Microsoft's own parser and semantic analyser (Kusto.Language, npm
// @kusto/language-service-next) against the project's table schemas.
//
//   node tools/kqlcheck/check.js [--schema FILE] [--flavor defender|sentinel] < cases
//
// The input is either the JSON array of `sigma-kql convert -f json` (every query is checked),
// or JSON Lines, one object per line:
//   {"id": "...", "kql": "...", "flavor": "defender" | "sentinel"}   a query to check
//   {"id": "...", "literal": "...", "value": "..."}                   a string literal that must
//                                                                       parse back to `value`
// Each output line says {"id", "ok", "errors": [{code, message, line, column, text}]}; a last
// line on stderr counts them. Exit status: 0 all ok, 1 some case failed, 2 bad input.
'use strict';
const fs = require('fs');
const path = require('path');

const lib = path.join(__dirname, 'node_modules', '@kusto', 'language-service-next');
require(path.join(lib, 'bridge.js'));
require(path.join(lib, 'Kusto.Language.Bridge.js'));
/* global Kusto */
const K = Kusto.Language;

function args(argv) {
  const o = { schema: path.join(__dirname, '..', '..', 'src', 'pipeline', 'data', 'tables.json') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--schema') o.schema = argv[++i];
    else if (argv[i] === '--flavor') flavor = argv[++i];
    else { process.stderr.write(`unknown argument ${argv[i]}\n`); process.exit(2); }
  }
  return o;
}

const name = n => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `['${n.replace(/'/g, "\\'")}']`);

// One set of globals per schema flavour, built on first use.
function globalsFor(schema) {
  const cache = {};
  return flavor => {
    if (!cache[flavor]) {
      const tables = schema[flavor];
      if (!tables) throw new Error(`no schema flavour ${flavor}`);
      const symbols = Object.entries(tables).map(([table, cols]) =>
        new K.Symbols.TableSymbol.$ctor7(table, '(' + Object.entries(cols).map(([c, t]) => `${name(c)}:${t}`).join(', ') + ')', null));
      cache[flavor] = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.ctor('db', symbols));
    }
    return cache[flavor];
  };
}

function items(list) {
  const out = [];
  for (let i = 0; list && i < list.Count; i++) out.push(list.getItem(i));
  return out;
}

function position(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function checkQuery(text, globals) {
  const code = K.KustoCode.ParseAndAnalyze(text, globals);
  return items(code.GetDiagnostics())
    .filter(d => d.Severity === 'Error')
    .map(d => Object.assign({ code: d.Code, message: d.Message }, position(text, d.Start),
      { text: text.substr(d.Start, Math.max(d.Length, 1)) }));
}

function checkLiteral(literal, value) {
  const text = `print x = ${literal}`;
  const code = K.KustoCode.ParseAndAnalyze(text);
  const errors = items(code.GetDiagnostics()).filter(d => d.Severity === 'Error')
    .map(d => ({ code: d.Code, message: d.Message }));
  if (errors.length) return errors;
  const found = items(code.Syntax.GetDescendants(K.Syntax.LiteralExpression));
  if (found.length !== 1) return [{ code: 'literal', message: `expected one literal, found ${found.length}` }];
  const parsed = found[0].LiteralValue;
  return parsed === value ? [] : [{ code: 'literal', message: `parses to ${JSON.stringify(parsed)}, expected ${JSON.stringify(value)}` }];
}

// The cases of the input: JSON Lines, or the JSON array `sigma-kql convert -f json` prints
// (every query of every converted rule, flavour from --flavor or defender).
function cases(input) {
  if (input.trimStart().startsWith('[')) {
    const out = [];
    for (const rule of JSON.parse(input)) {
      (rule.queries || []).forEach((kql, i) => out.push({ id: `${rule.path}#${i}`, kql, flavor: flavor }));
    }
    return out;
  }
  return input.split('\n').filter(l => l.trim()).map(line => {
    try { return JSON.parse(line); } catch (e) { process.stderr.write(`bad input line: ${line.slice(0, 80)}\n`); process.exit(2); }
  });
}

let flavor = 'defender';

function main() {
  const o = args(process.argv.slice(2));
  const globals = globalsFor(JSON.parse(fs.readFileSync(o.schema, 'utf8')));
  let total = 0, failed = 0;
  const input = fs.readFileSync(0, 'utf8');
  for (const c of cases(input)) {
    const errors = 'literal' in c ? checkLiteral(c.literal, c.value) : checkQuery(c.kql, globals(c.flavor || 'defender'));
    total++;
    if (errors.length) failed++;
    process.stdout.write(JSON.stringify({ id: c.id, ok: errors.length === 0, errors }) + '\n');
  }
  process.stderr.write(`${total} checked with Kusto.Language, ${failed} with errors\n`);
  process.exit(failed ? 1 : 0);
}

main();
