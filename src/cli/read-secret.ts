/**
 * Credential values for the CLI, from stdin only, never from argv (argv shows up in `ps`
 * and shell history). Piped: a JSON object of strings, or with `--credential-field` one
 * value per line in the order the fields were named. On a terminal: a prompt per field,
 * without echo. Error messages never quote what was read.
 */
import { CliError } from './stores.js';

export async function readCredentials(named: readonly string[] | undefined, needed: readonly string[]): Promise<Record<string, string>> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    const out: Record<string, string> = {};
    for (const field of named ?? needed) out[field] = await promptHidden(`${field}: `);
    return out;
  }
  const text = await readAll();
  if (named !== undefined) return fromLines(text, named);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError('stdin is not a JSON object (or give --credential-field and one value per line)');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new CliError('stdin must be a JSON object whose values are strings, e.g. {"api_key": "…"}');
  }
  return parsed as Record<string, string>;
}

function fromLines(text: string, fields: readonly string[]): Record<string, string> {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  if (lines.length !== fields.length) {
    throw new CliError(`stdin has ${lines.length} line(s) but ${fields.length} --credential-field value(s) are expected, one per line`);
  }
  return Object.fromEntries(fields.map((field, i) => [field, lines[i]!]));
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line in raw mode, echoing nothing; Ctrl-C cancels. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  let value = '';
  return new Promise((resolve, reject) => {
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          reject(new CliError('cancelled'));
          return;
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}
