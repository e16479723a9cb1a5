#!/usr/bin/env node
/**
 * Prints the table of a saved run again, from its raw figures (recomputing the summary).
 *   node bench/tools/report.mjs .bench/results-latest.json
 */
import { readFileSync } from 'node:fs';
import { checkTargets, formatTables, formatTargets, summarize } from '../lib/report.mjs';

const file = process.argv[2] ?? '.bench/results-latest.json';
const results = JSON.parse(readFileSync(file, 'utf8'));
const { candidates, bodies, references, settings, runs } = results;
const summary = summarize(runs, candidates, bodies, references, results.targets ?? []);
const labels = Object.fromEntries(candidates.map((c) => [c.id, c.label]));
process.stdout.write(`${formatTables({ summary, candidates, bodies, references, settings })}\n`);
process.stdout.write(`${formatTargets(checkTargets(summary, results.targets ?? []), labels)}\n`);
