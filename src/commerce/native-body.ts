/** A platform answer's body as connectors read it: parsed JSON when it is JSON, else the text. */
export function decodeNativeBody(headers: Record<string, string | string[]>, body: Uint8Array): unknown {
  if (body.length === 0) return undefined;
  const type = String(headers['content-type'] ?? '');
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (/json/i.test(type) || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
