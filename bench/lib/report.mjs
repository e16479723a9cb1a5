/**
 * From raw runs to the summary: medians over rounds per candidate and body, ratios taken
 * within each round and then medianed, and the readable table.
 */

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * @param {object[]} runs raw run records ({ round, body, candidate, rps, cpuUsPerRequest, ... })
 * @returns {Record<string, Record<string, object>>} summary[body][candidate]
 */
export function summarize(runs, candidates, bodies, references, targets = []) {
  // Ratios to every reference, and to whatever a target compares with.
  const refIds = [...new Set([...references.map((r) => r.id), ...targets.map((t) => t.ref)])];
  references = refIds.map((id) => ({ id }));
  const summary = {};
  for (const body of bodies) {
    summary[body.name] = {};
    for (const candidate of candidates) {
      const mine = runs.filter((r) => r.body === body.name && r.candidate === candidate.id);
      if (mine.length === 0) continue;
      const ratios = {};
      const cpuRatios = {};
      for (const ref of references) {
        const perRound = [];
        const cpuPerRound = [];
        for (const run of mine) {
          const other = runs.find((r) => r.body === body.name && r.candidate === ref.id && r.round === run.round);
          if (other === undefined) continue;
          perRound.push(run.rps / other.rps);
          cpuPerRound.push(run.cpuUsPerRequest / other.cpuUsPerRequest);
        }
        ratios[ref.id] = median(perRound);
        cpuRatios[ref.id] = median(cpuPerRound);
      }
      summary[body.name][candidate.id] = {
        rounds: mine.length,
        rps: median(mine.map((r) => r.rps)),
        rpsMin: Math.min(...mine.map((r) => r.rps)),
        rpsMax: Math.max(...mine.map((r) => r.rps)),
        p50Us: median(mine.map((r) => r.latencyUs.p50)),
        p90Us: median(mine.map((r) => r.latencyUs.p90)),
        p99Us: median(mine.map((r) => r.latencyUs.p99)),
        p999Us: median(mine.map((r) => r.latencyUs.p999)),
        cpuUsPerRequest: median(mine.map((r) => r.cpuUsPerRequest)),
        cpuBusy: median(mine.map((r) => r.processCpuShare)),
        loadCpuBusy: median(mine.map((r) => r.cpuBusy.load)),
        otherOnProxyCpu: median(mine.map((r) => r.otherOnProxyCpu)),
        runQueueWaitShare: median(mine.map((r) => r.runQueueWaitShare)),
        upstreamCpuUsPerRequest: median(mine.map((r) => r.upstreamCpuUsPerRequest)),
        peakRssBytes: Math.max(...mine.map((r) => r.peakRssBytes)),
        rpsRatio: ratios,
        cpuRatio: cpuRatios,
        errors: mine.reduce((n, r) => n + r.errorCount, 0),
        logLinesPerRequest: median(mine.map((r) => (r.extra?.logLines === undefined ? undefined : r.extra.logLines / r.requests))),
        // Figures a candidate's own hooks reported (cache hit share, native calls per request …), medians.
        extras: Object.fromEntries(
          [...new Set(mine.flatMap((r) => Object.keys(r.extra?.figures ?? {})))].map((key) => [key, median(mine.map((r) => r.extra?.figures?.[key]))]),
        ),
      };
    }
  }
  return summary;
}

/**
 * Each target: `candidate` on `body` against `ref`, median of in-round ratios, on requests/s
 * (`metric: 'rps'`, the default: ratio ≥ `min`) or on CPU µs per request (`metric: 'cpu'`:
 * ratio ≤ `max`). A target with neither `min` nor `max` is reported only.
 */
export function checkTargets(summary, targets) {
  return targets.map((t) => {
    const s = summary[t.body]?.[t.candidate];
    const ratio = t.metric === 'cpu' ? s?.cpuRatio?.[t.ref] : s?.rpsRatio?.[t.ref];
    const met = ratio === undefined ? undefined : t.min !== undefined ? ratio >= t.min : t.max !== undefined ? ratio <= t.max : null;
    return { ...t, ratio, met };
  });
}

const int = (n) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
const ms = (us) => (us === undefined ? '-' : us < 10_000 ? `${(us / 1000).toFixed(2)} ms` : `${(us / 1000).toFixed(1)} ms`);
const fixed = (n, d) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d));
const mb = (bytes) => (bytes === undefined ? '-' : `${(bytes / 1048576).toFixed(1)} MB`);
const pct = (share) => (share === undefined ? '-' : `${Math.round(share * 100)}%`);
const kilo = (n) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(Math.round(n)));

export function formatTables({ summary, candidates, bodies, references, settings }) {
  const lines = [];
  for (const body of bodies) {
    const perBody = summary[body.name];
    // Reference columns where the reference ran this body; CPU ratio columns for references marked `cpu`.
    const refs = references.filter((r) => perBody[r.id] !== undefined);
    const columns = [
      ['candidate', 44, 'l'],
      ['req/s', 9],
      ['min–max', 13],
      ['p50', 9],
      ['p99', 9],
      ['CPU µs/req', 11],
      ['CPU use', 8],
      ['waited', 7],
      ['peak RSS', 9],
      ...refs.flatMap((r) => [[r.column, Math.max(7, r.column.length)], ...(r.cpu ? [[`CPU${r.column}`, Math.max(8, r.column.length + 3)]] : [])]),
    ];
    const row = (cells) => cells.map((cell, i) => (columns[i][2] === 'l' ? String(cell).padEnd(columns[i][1]) : String(cell).padStart(columns[i][1]))).join(' ');
    const bytes = body.bytes ?? body.content?.length;
    const what = body.describe ?? `GET ${body.path}, ${bytes} bytes`;
    lines.push('');
    lines.push(
      `── ${body.label} (${what}) · ${body.connections ?? settings.connections} connections · ${settings.threads} wrk threads · ${settings.rounds} × ${settings.duration}, medians over rounds ──`,
    );
    lines.push(row(columns.map((c) => c[0])));
    for (const candidate of candidates) {
      const s = perBody[candidate.id];
      if (s === undefined) continue;
      const marker = candidate.id === 'direct' ? '*' : '';
      lines.push(
        row([
          `${candidate.label}${s.errors > 0 ? ' (ERRORS)' : ''}`,
          int(s.rps),
          `${kilo(s.rpsMin)}–${kilo(s.rpsMax)}`,
          ms(s.p50Us),
          ms(s.p99Us),
          `${fixed(s.cpuUsPerRequest, 1)}${marker}`,
          `${pct(s.cpuBusy)}${marker}`,
          candidate.id === 'direct' ? '-' : pct(s.runQueueWaitShare),
          `${mb(s.peakRssBytes)}${marker}`,
          ...refs.flatMap((r) => [fixed(s.rpsRatio[r.id], 2), ...(r.cpu ? [fixed(s.cpuRatio[r.id], 2)] : [])]),
        ]),
      );
    }
    for (const candidate of candidates) {
      const extras = Object.entries(perBody[candidate.id]?.extras ?? {});
      if (extras.length > 0) lines.push(`  · ${candidate.label}: ${extras.map(([k, v]) => `${k} ${Number.isInteger(v) ? v : fixed(v, v < 10 ? 3 : 1)}`).join(', ')}`);
    }
  }
  lines.push('');
  lines.push('Columns: req/s, p50, p99 from wrk --latency; CPU µs/req = utime+stime of the proxy process (all threads;');
  lines.push('nginx: master + worker) over the measured run / requests completed; CPU use = that time / wall time (100% = the');
  lines.push('whole pinned core); waited = share of the run the proxy\'s main thread was runnable but off its CPU (other');
  lines.push('processes or its own threads; high values mean a noisy run); peak RSS = VmHWM at the end of the run;');
  lines.push('×ref = requests/s ratio to that peer in the same round, median over rounds; CPU×ref = the same for CPU µs/req');
  lines.push('(below 1 is cheaper than the reference).');
  lines.push('* direct: no proxy in the path; CPU and RSS are the upstream nginx itself.');
  const other = median(bodies.flatMap((b) => Object.values(summary[b.name]).map((s) => s.otherOnProxyCpu)));
  const load = median(bodies.flatMap((b) => Object.values(summary[b.name]).map((s) => s.loadCpuBusy)));
  const waits = bodies
    .flatMap((b) => Object.entries(summary[b.name]).filter(([id]) => id !== 'direct').map(([, s]) => s.runQueueWaitShare))
    .filter((w) => typeof w === 'number');
  if (other !== undefined) {
    lines.push(`Noise gauge: on a median run the proxy CPU was ${pct(other)} busy with other work (loopback softirq, other processes),`);
    if (waits.length > 0) lines.push(`the proxy's main thread waited for its CPU ${pct(median(waits))} of the time (worst candidate ${pct(Math.max(...waits))}),`);
    lines.push(`and the load CPU (wrk + upstream) was ${pct(load)} busy. A proxy well below 100% CPU use while the load CPU is full is load-bound.`);
  }
  for (const candidate of candidates) {
    if (!candidate.note) continue;
    const perRequest = median(bodies.map((b) => summary[b.name][candidate.id]?.logLinesPerRequest));
    const logged = perRequest === undefined ? '' : ` (${perRequest.toFixed(2)} log lines written per request, to a file)`;
    lines.push(`- ${candidate.label}: ${candidate.note}${logged}.`);
  }
  return lines.join('\n');
}

export function formatTargets(results, labels) {
  if (results.length === 0) return '';
  const lines = ['', 'Targets (median of in-round ratios; req/s: higher is better, CPU µs/req: lower is better):'];
  const unmeasured = results.filter((t) => t.ratio === undefined).length;
  for (const t of results) {
    if (t.ratio === undefined) continue;
    const verdict = t.met === null ? 'reported' : t.met ? 'met' : 'MISSED';
    const metric = t.metric === 'cpu' ? 'CPU µs/req' : 'req/s';
    const bound = t.min !== undefined ? `≥ ${t.min.toFixed(2)}×` : t.max !== undefined ? `≤ ${t.max.toFixed(2)}×` : 'ratio to';
    const note = t.note === undefined ? '' : `  (${t.note})`;
    lines.push(`  ${labels[t.candidate] ?? t.candidate} on ${t.body}: ${metric} ${bound} ${labels[t.ref] ?? t.ref} → ${fixed(t.ratio, 2)}× ${verdict}${note}`);
  }
  if (unmeasured > 0) lines.push(`  (${unmeasured} more not measured: their candidates or bodies were not in this run)`);
  return lines.join('\n');
}
